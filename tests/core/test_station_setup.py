"""A real station getting going: first-run setup, `init` on a station that already has people,
an empty station's first intake, switching staff and carriers off, the carrier list read
again after another process changed it, and customer messages held until the address is set.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from station import db as station_db
from station.audit import SYSTEM, Actor
from station.errors import Conflict, InvalidInput, NotAllowed, NotFound, StationError
from station.models import AuditEvent, Shelf, Slot, Staff
from station.services import carriers, integrity, settings, shelves, staff
from station.services.intake import IntakeRequest, intake
from station.services.station import (
    DEFAULT_LAYOUT,
    SetupRequest,
    ShelfSpec,
    init_station,
    is_new,
    needs_setup,
    setup_station,
)

from ..conftest import OWNER_PIN


def _request(**changes: object) -> SetupRequest:
    values: dict[str, object] = dict(
        owner="wang", pin="2468", station_name="幸福里驿站", address="幸福里12号楼底商",
        phone="010-62345678", hours="08:30-21:30",
    )
    values.update(changes)
    return SetupRequest(**values)  # type: ignore[arg-type]


@pytest.fixture
def empty(db_url: str) -> str:
    station_db.open_database(db_url)
    return db_url


# -- first-run setup --------------------------------------------------------------------------


def test_setup_creates_owner_details_carriers_and_shelves_in_one_event(empty: str) -> None:
    assert is_new() and needs_setup()
    events_before = AuditEvent.select().count()
    result = setup_station(_request())
    assert result.actor.name == "wang" and result.actor.is_owner
    assert AuditEvent.select().count() == events_before + 1
    event = AuditEvent.select().order_by(AuditEvent.seq.desc()).get()
    assert event.action == "station.setup"
    assert settings.get("station_name") == "幸福里驿站"
    assert settings.get("station_address") == "幸福里12号楼底商"
    assert settings.get("station_phone") == "01062345678"
    assert settings.get("station_hours") == "08:30-21:30"
    assert [s.name for s in shelves.list_shelves()] == [s.name for s in DEFAULT_LAYOUT]
    assert Slot.select().count() == sum(s.layers for s in DEFAULT_LAYOUT)
    assert carriers.guess("SF1234567890123") == ["SF"]
    assert not needs_setup()
    # The new owner can log in with the PIN typed at setup, and the station takes parcels in.
    boss = staff.authenticate("wang", "2468", counter="c1")
    view = intake(boss, IntakeRequest(tracking="SF1234567890123", phone="13812345678",
                                      name="王芳", size="S", consent_basis="phone_call"))
    assert view.slot and view.slot.startswith("A-")
    assert integrity.verify()["ok"]


def test_setup_with_the_owners_layout(empty: str) -> None:
    layout = (ShelfSpec("K", 2, {"S": 3, "M": 0, "L": 0, "XL": 0}),)
    setup_station(_request(layout=layout))
    (only,) = shelves.list_shelves()
    assert only.name == "K" and len(only.slots) == 2 and only.slots[0].capacity["S"] == 3


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"phone": "12"}, "invalid"),
        ({"phone": "138****5678"}, "invalid"),
        ({"address": "  "}, "invalid"),
        ({"station_name": ""}, "invalid"),
        ({"owner": ""}, "invalid"),
        ({"pin": "12"}, "invalid"),
        ({"layout": ()}, "invalid"),
        ({"layout": (ShelfSpec("A", 2, {"S": 1}), ShelfSpec("a", 1, {"S": 1}))}, "invalid"),
        ({"layout": (ShelfSpec("A1", 2, {"S": 1}),)}, "invalid"),
        ({"layout": (ShelfSpec("A", 0, {"S": 1}),)}, "invalid"),
        ({"layout": (ShelfSpec("A", 2, {"S": 0, "M": 0}),)}, "invalid"),
    ],
)
def test_setup_refuses_bad_input_and_writes_nothing(
    empty: str, changes: dict[str, object], code: str
) -> None:
    with pytest.raises(StationError) as err:
        setup_station(_request(**changes))
    assert err.value.code == code
    assert err.value.message  # says what to fix
    assert Staff.select().count() == 0 and Shelf.select().count() == 0
    assert AuditEvent.select().count() == 0
    assert is_new()


def test_setup_runs_once(empty: str) -> None:
    setup_station(_request())
    with pytest.raises(Conflict) as err:
        setup_station(_request(owner="intruder", pin="0000"))
    assert err.value.code == "already_set_up"
    assert [s.name for s in Staff.select()] == ["wang"]


# -- init on a station that already has people ----------------------------------------------


def test_init_cannot_add_an_owner_or_rename_without_an_owner(station: str) -> None:
    with pytest.raises(NotAllowed) as err:
        init_station(owner="evil", pin="9999")
    assert err.value.code == "owner_login_required"
    with pytest.raises(NotAllowed):
        init_station(station_name="hacked")
    with pytest.raises(NotAllowed):
        init_station(address="somewhere else")
    assert Staff.get_or_none(Staff.name == "evil") is None
    assert settings.get("station_name") == "Test Station 测试驿站"
    # Plain init stays idempotent and harmless.
    assert init_station()["staff"] == 2


def test_init_by_an_owner_or_by_the_owner_pin(station: str, owner: Actor, clerk: Actor) -> None:
    with pytest.raises(NotAllowed):
        init_station(station_name="clerk's idea", actor=clerk)
    init_station(owner="second", pin="1357", actor=owner)
    assert Staff.get(Staff.name == "second").role == "owner"
    # A script re-running the same init proves itself with the owner's own PIN.
    summary = init_station(owner="boss", pin=OWNER_PIN, station_name="新名字")
    assert summary["station_name"] == "新名字"
    with pytest.raises(NotAllowed) as err:
        init_station(owner="boss", pin="0000", station_name="nope")
    assert err.value.code == "wrong_pin"
    assert settings.get("station_name") == "新名字"
    assert Staff.get(Staff.name == "boss").failed_attempts == 1  # the guess was counted


def test_new_station_init_sets_details(empty: str) -> None:
    summary = init_station(owner="boss", pin="4321", station_name="新站", address="一号路1号",
                           phone="13812345678")
    assert summary["station_address"] == "一号路1号" and summary["station_phone"] == "13812345678"
    with pytest.raises(InvalidInput):
        init_station(phone="not a phone", actor=SYSTEM)


# -- an empty station's first intake ---------------------------------------------------------


def test_intake_without_shelves_says_add_a_shelf(empty: str) -> None:
    init_station(owner="boss", pin="4321")
    boss = staff.authenticate("boss", "4321")
    with pytest.raises(Conflict) as err:
        intake(boss, IntakeRequest(tracking="SF1234567890123", phone="13812345678",
                                   consent_basis="phone_call"))
    assert err.value.code == "no_shelves"
    assert "shelf add" in err.value.message
    shelves.add_shelf(boss, "A", 1, {"S": 1, "M": 1, "L": 1, "XL": 1})
    assert intake(boss, IntakeRequest(tracking="SF1234567890123", phone="13812345678",
                                      size="S", consent_basis="phone_call")).slot == "A-1"


def test_remove_shelf_reports_what_went(station: str, owner: Actor) -> None:
    shelves.add_shelf(owner, "Z", 2, {"S": 1, "M": 0, "L": 0, "XL": 0})
    assert shelves.remove_shelf(owner, "z") == {"removed": "Z", "layers": 2}
    with pytest.raises(NotFound):
        shelves.get_shelf("Z")


# -- staff accounts switched off ---------------------------------------------------------------


def test_deactivated_clerk_cannot_log_in_or_act(station: str, owner: Actor, clerk: Actor) -> None:
    view = staff.set_active(owner, "amy", False)
    assert view.active is False
    with pytest.raises(NotAllowed) as err:
        staff.authenticate("amy", "1234")
    assert err.value.code == "wrong_pin"
    # Still logged in at a counter: the next thing she does is refused, nothing is written.
    with pytest.raises(NotAllowed) as err:
        intake(clerk, IntakeRequest(tracking="SF1234567890123", phone="13812345678",
                                    size="S", consent_basis="phone_call"))
    assert err.value.code == "account_inactive"
    staff.set_active(owner, "amy", True)
    assert staff.authenticate("amy", "1234").name == "amy"


def test_staff_switch_off_rules(station: str, owner: Actor, clerk: Actor) -> None:
    with pytest.raises(NotAllowed):
        staff.set_active(clerk, "boss", False)
    with pytest.raises(NotAllowed) as err:
        staff.set_active(owner, "boss", False)
    assert err.value.code == "own_account"
    staff.add_staff(owner, "second", "owner", "1357")
    second = staff.authenticate("second", "1357")
    staff.set_active(second, "boss", False)
    with pytest.raises(NotAllowed) as err:
        staff.set_active(second, "second", False)
    assert err.value.code == "own_account"
    staff.set_active(second, "boss", True)
    staff.set_active(owner, "second", False)
    with pytest.raises(NotFound):
        staff.set_active(owner, "nobody", False)


def test_last_active_owner_stays(station: str, owner: Actor) -> None:
    # An owner cannot switch off their own account, so only code acting for the station
    # itself could remove the last owner: that is refused too.
    with pytest.raises(NotAllowed) as err:
        staff.set_active(SYSTEM, "boss", False)
    assert err.value.code == "last_owner"
    assert Staff.get(Staff.name == "boss").active


# -- carriers switched off, and read again ----------------------------------------------------


def test_deactivated_carrier_is_not_guessed_offered_or_accepted(
    station: str, owner: Actor, clerk: Actor
) -> None:
    assert carriers.guess("SF1234567890123") == ["SF"]
    carriers.set_active(owner, "SF", False)
    assert carriers.guess("SF1234567890123") == []
    assert "SF" not in [c.code for c in carriers.list_carriers()]
    assert "SF" in [c.code for c in carriers.list_carriers(include_inactive=True)]
    with pytest.raises(NotAllowed) as err:
        intake(clerk, IntakeRequest(tracking="SF1234567890123", phone="13812345678",
                                    carrier="SF", size="S", consent_basis="phone_call"))
    assert err.value.code == "carrier_inactive"
    with pytest.raises(NotAllowed):
        carriers.set_active(clerk, "SF", True)
    carriers.set_active(owner, "SF", True)
    assert carriers.guess("SF1234567890123") == ["SF"]


def test_carrier_list_is_read_again_after_init_in_another_process(sqlite_url: str) -> None:
    """The counter opened an empty database; `parcel-station init` then ran elsewhere. The
    counter's next guess must see the carriers, so the parcel is not stored as OTHER."""
    station_db.open_database(sqlite_url)
    assert carriers.guess("SF1234567890123") == []  # nothing known yet (and cached)
    subprocess.run(
        [sys.executable, "-m", "station.cli", "--db", sqlite_url, "init", "--owner", "boss",
         "--pin", "4321"], check=True, capture_output=True, timeout=120,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert carriers.guess("SF1234567890123") == ["SF"]
    boss = staff.authenticate("boss", "4321")
    shelves.add_shelf(boss, "A", 1, {"S": 2, "M": 0, "L": 0, "XL": 0})
    view = intake(boss, IntakeRequest(tracking="SF1234567890123", phone="13812345678",
                                      size="S", consent_basis="phone_call"))
    assert view.carrier == "SF"
