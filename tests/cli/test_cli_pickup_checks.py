"""`pickup CODE_OR_TRACKING...` records how each parcel was confirmed: a tracking number given
is its barcode, a pickup code alone a hand tick ("command line"). Those are reported but not
held to the clerks' daily hand-tick limit: scripts relying on `pickup CODE` keep working."""

from __future__ import annotations

from station import db as station_db
from station.models_pickup import PickupCheck
from station.services import settings, staff
from tests.cli.test_cli import cli_db, run  # noqa: F401 - the fixture

AMY = {"user": "amy", "pin": "1234"}


def _intake(db: str, tracking: str, phone: str) -> dict:
    code, parcel, err = run(db, "intake", tracking, "--consent", "carrier", "--phone", phone,
                            "--name", "张三", "--size", "s", **AMY)
    assert code == 0, err
    return parcel


def test_cli_refs_count_as_scan_or_hand_tick(cli_db: str) -> None:  # noqa: F811
    a = _intake(cli_db, "SF2234567890001", "13800138001")
    b = _intake(cli_db, "SF2234567890002", "13800138001")
    c = _intake(cli_db, "SF2234567890003", "13800138003")
    d = _intake(cli_db, "SF2234567890004", "13800138004")
    code, result, err = run(cli_db, "pickup", a["pickup_code"], b["tracking"], **AMY)
    assert code == 0, err
    assert set(result) >= {"parcels", "due_fen", "paid_fen", "change_fen", "receipt_no"}
    station_db.open_database(cli_db)
    try:
        rows = {r.parcel.tracking: (r.how, r.scanned, r.reason) for r in PickupCheck.select()}
        assert rows == {
            a["tracking"]: ("hand", None, "command line"),
            b["tracking"]: ("scan", b["tracking"], None),
        }
        settings.set_value(staff.authenticate("boss", "4321"), "hand_tick_limit", 1)
    finally:
        station_db.close_database()
    code, result, err = run(cli_db, "pickup", c["pickup_code"], **AMY)
    assert code == 0, err  # past the limit of 1, the command line still hands over
    station_db.open_database(cli_db)
    try:
        assert PickupCheck.get(PickupCheck.parcel == c["id"]).reason == "command line"
    finally:
        station_db.close_database()
    code, result, err = run(cli_db, "pickup", d["pickup_code"], user="boss", pin="4321")
    assert code == 0, err  # the owner is not limited
    code, verified, _ = run(cli_db, "verify")
    assert code == 0 and verified["ok"] is True
