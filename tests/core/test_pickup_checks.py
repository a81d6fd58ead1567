"""Scan confirmation in the core: every parcel of a hand-over is scanned or ticked by hand with
a reason; near misses (wrong scans, failed ID checks, failed or ambiguous lookups) are audit
events; failed guessing lookups are limited; the daily report shows it all per clerk."""

from __future__ import annotations

import csv
import json
from datetime import timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from station import clock
from station.audit import Actor
from station.errors import InvalidInput, NotAllowed
from station.models import PICKED_UP, AuditEvent, Parcel, ParcelEvent, Pickup
from station.models_pickup import BY_HAND, SCANNED, PickupCheck
from station.services import parcels, pickup_lookup, reports, settings
from station.services.integrity import verify
from station.services.pickup import PickupRequest, pickup
from station.services.pickup_checks import COMMAND_LINE, Check, from_refs

from .helpers import take_in

VALID_ID = "11010519491231002X"


@pytest.fixture(autouse=True)
def _documents(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARCEL_STATION_DOCS", str(tmp_path / "docs"))


def _request(*checks: Check, **extra: object) -> PickupRequest:
    return PickupRequest(refs=tuple(c.ref for c in checks), checks=checks, **extra)  # type: ignore[arg-type]


def test_scan_and_hand_tick_are_recorded_per_parcel(clerk: Actor) -> None:
    a, b = take_in(clerk, person=3), take_in(clerk, person=3)
    result = pickup(
        clerk,
        _request(
            Check(a.tracking, SCANNED, scanned=f" {a.tracking.lower()} "),
            Check(b.tracking, BY_HAND, reason="  标签  破损\t看不清 "),
        ),
    )
    assert len(result.parcels) == 2
    rows = {r.parcel_id: r for r in PickupCheck.select()}
    assert (rows[a.id].how, rows[a.id].scanned, rows[a.id].reason) == (
        SCANNED,
        a.tracking.lower(),
        None,
    )
    hand = (rows[b.id].how, rows[b.id].scanned, rows[b.id].reason)
    assert hand == (BY_HAND, None, "标签 破损 看不清")
    record = Pickup.get(Pickup.receipt_no == result.receipt_no)
    assert {r.pickup_id for r in rows.values()} == {record.id}
    assert {r.staff_id for r in rows.values()} == {clerk.staff_id}
    event = AuditEvent.get(AuditEvent.action == "parcel.pickup")
    assert json.loads(event.after)["by_hand"] == {b.tracking: "标签 破损 看不清"}
    history = [e.detail for e in ParcelEvent.select().where(ParcelEvent.parcel == b.id)]
    assert any("by hand: 标签 破损 看不清" in d for d in history)
    assert verify()["ok"]


def test_a_scan_by_pickup_code_counts(clerk: Actor) -> None:
    view = take_in(clerk)
    pickup(clerk, _request(Check(view.tracking, SCANNED, scanned=view.pickup_code)))
    assert PickupCheck.get().how == SCANNED


def _nothing_handed_out() -> None:
    assert Parcel.select().where(Parcel.status == PICKED_UP).count() == 0
    assert PickupCheck.select().count() == 0 and Pickup.select().count() == 0


def test_unconfirmed_parcel_is_refused(clerk: Actor) -> None:
    a, b = take_in(clerk, person=4), take_in(clerk, person=4)
    with pytest.raises(InvalidInput) as info:
        pickup(
            clerk,
            PickupRequest(
                refs=(a.tracking, b.tracking),
                checks=(Check(a.tracking, SCANNED, scanned=a.tracking),),
            ),
        )
    assert info.value.code == "not_confirmed" and b.tracking in info.value.message
    with pytest.raises(InvalidInput) as info:
        pickup(clerk, PickupRequest(refs=(a.tracking,), checks=()))
    assert info.value.code == "not_confirmed"
    _nothing_handed_out()


def test_scan_of_another_parcel_is_refused(clerk: Actor) -> None:
    mine, other = take_in(clerk, person=5), take_in(clerk, person=6)
    for scanned in (other.tracking, other.pickup_code, "", "XX"):
        with pytest.raises(InvalidInput) as info:
            pickup(clerk, _request(Check(mine.tracking, SCANNED, scanned=scanned)))
        assert info.value.code == "wrong_scan"
    _nothing_handed_out()


@pytest.mark.parametrize("reason", [None, "", "   ", "坏了", "ok", "\x00\x01abc"])
def test_hand_tick_needs_a_real_reason(clerk: Actor, reason: str | None) -> None:
    view = take_in(clerk)
    with pytest.raises(InvalidInput) as info:
        pickup(clerk, _request(Check(view.tracking, BY_HAND, reason=reason)))
    assert info.value.code == "reason_required"
    with pytest.raises(InvalidInput):
        pickup(clerk, _request(Check(view.tracking, "mouse", reason="no scanner here")))
    _nothing_handed_out()


def test_hand_ticks_are_limited_per_clerk_and_day(clerk: Actor, owner: Actor) -> None:
    settings.set_value(owner, "hand_tick_limit", 2)
    views = [take_in(clerk, person=10 + i) for i in range(5)]

    def by_hand(actor: Actor, view) -> None:  # noqa: ANN001
        pickup(actor, _request(Check(view.tracking, BY_HAND, reason="no scanner here")))

    by_hand(clerk, views[0])
    by_hand(clerk, views[1])
    with pytest.raises(NotAllowed) as info:
        by_hand(clerk, views[2])
    assert info.value.code == "hand_tick_limit"
    assert "Scan each parcel" in info.value.message and "owner" in info.value.message
    # a scan still works, and the owner is not limited
    pickup(clerk, _request(Check(views[2].tracking, SCANNED, scanned=views[2].tracking)))
    by_hand(owner, views[3])
    # the next local day the clerk may tick by hand again
    with clock.frozen_at(clock.now() + timedelta(days=1)):
        by_hand(clerk, views[4])
    assert PickupCheck.select().where(PickupCheck.how == BY_HAND).count() == 4
    # Refs alone (the command line) are not held to the limit, and a clerk cannot borrow
    # the command line's reason to slip past it.
    by_ref = take_in(clerk, person=30)
    pickup(clerk, PickupRequest(refs=(by_ref.pickup_code,)))
    assert PickupCheck.get(PickupCheck.parcel == by_ref.id).reason == COMMAND_LINE
    late = take_in(clerk, person=31)
    with pytest.raises(InvalidInput) as info:
        pickup(clerk, _request(Check(late.tracking, BY_HAND, reason="Command line")))
    assert info.value.code == "reason_required"
    assert verify()["ok"]


def test_refs_alone_follow_the_command_line_rule(clerk: Actor) -> None:
    by_code, by_tracking = take_in(clerk, person=20), take_in(clerk, person=20)
    assert from_refs([by_code.pickup_code, by_tracking.tracking]) == (
        Check(by_code.pickup_code, BY_HAND, reason=COMMAND_LINE, implicit=True),
        Check(by_tracking.tracking, SCANNED, scanned=by_tracking.tracking),
    )
    pickup(clerk, PickupRequest(refs=(by_code.pickup_code, by_tracking.tracking)))
    rows = {r.parcel_id: (r.how, r.reason) for r in PickupCheck.select()}
    assert rows == {by_code.id: (BY_HAND, COMMAND_LINE), by_tracking.id: (SCANNED, None)}


def test_failed_and_ambiguous_lookups_are_events_and_limited(clerk: Actor, owner: Actor) -> None:
    from station.services.intake import IntakeRequest, intake

    settings.set_value(owner, "lookup_fail_limit", 3)
    settings.set_value(owner, "lookup_fail_minutes", 10)
    a = take_in(clerk, person=7, name="张三")
    intake(
        clerk,
        IntakeRequest(tracking="YT7100000000002", phone="13912340007", name="李四",
                      consent_basis="carrier"),
    )
    found = pickup_lookup.lookup(clerk, "0007")
    assert len(found.groups) == 2 and found.kind == "last4"
    assert pickup_lookup.lookup(clerk, "9999").groups == []
    assert pickup_lookup.lookup(clerk, "A-1-9999").groups == []  # a code: an event, no count
    assert pickup_lookup.lookup(clerk, "没有这个人").groups == []
    events = list(AuditEvent.select().where(AuditEvent.action.startswith("pickup.lookup")))
    assert [(e.action, e.entity_id) for e in events] == [
        ("pickup.lookup_ambiguous", "last4"),
        ("pickup.lookup_failed", "last4"),
        ("pickup.lookup_failed", "code"),
        ("pickup.lookup_failed", "name"),
    ]
    assert json.loads(events[0].after) == {"query": "0007", "kind": "last4", "people": 2}
    for query in ("0007", "张三"):
        with pytest.raises(NotAllowed) as info:
            pickup_lookup.lookup(clerk, query)
        assert info.value.code == "lookup_limited"
        assert "pickup code or the full phone number" in info.value.message
        assert "wait 10 minutes" in info.value.message
    # the pickup code, the tracking number and the full phone number still work
    assert pickup_lookup.lookup(clerk, a.pickup_code).groups[0][0].id == a.id
    assert pickup_lookup.lookup(clerk, a.tracking).groups[0][0].id == a.id
    assert pickup_lookup.lookup(clerk, "13800130007").groups[0][0].id == a.id
    assert len(pickup_lookup.lookup(owner, "0007").groups) == 2  # the owner is not limited
    with clock.frozen_at(clock.now() + timedelta(minutes=11)):
        assert len(pickup_lookup.lookup(clerk, "0007").groups) == 2
    full_phone = pickup_lookup.lookup(clerk, "13800139999")
    assert full_phone.groups == [] and full_phone.kind == "phone"
    last = AuditEvent.select().order_by(AuditEvent.seq.desc()).first()
    assert json.loads(last.after)["query"] == "138****9999"  # never the full number
    assert verify()["ok"]


def test_wrong_scan_is_recorded(clerk: Actor) -> None:
    mine = take_in(clerk, person=30, name="王芳")
    other = take_in(clerk, person=31, name="李娜")
    shown = pickup_lookup.record_wrong_scan(clerk, other.tracking, [mine.id])
    assert shown == other.tracking
    event = AuditEvent.get(AuditEvent.action == "pickup.wrong_scan")
    assert event.actor == "amy"
    assert json.loads(event.after) == {
        "scanned": other.tracking,
        "scanned_parcel": other.tracking,
        "handover": [mine.tracking],
        "recipient": "王芳",
    }
    actions = [e["action"] for e in parcels.show(clerk, other.tracking)["events"]]
    assert actions == ["parcel.intake", "pickup.wrong_scan"]
    assert pickup_lookup.record_wrong_scan(clerk, "JUNK123", [mine.id]) == ""
    with pytest.raises(InvalidInput) as info:
        pickup_lookup.record_wrong_scan(clerk, mine.pickup_code, [mine.id])
    assert info.value.code == "not_wrong"
    assert verify()["ok"]


def test_daily_report_shows_hand_ticks_and_near_misses_per_clerk(
    clerk: Actor, owner: Actor, tmp_path: Path
) -> None:
    a, b = take_in(clerk, person=40, name="王芳"), take_in(clerk, person=40, name="王芳")
    c = take_in(clerk, person=41, cod_fen=500)
    pickup_lookup.record_wrong_scan(clerk, c.tracking, [a.id, b.id])
    pickup(
        clerk,
        _request(
            Check(a.tracking, SCANNED, scanned=a.tracking),
            Check(b.tracking, BY_HAND, reason="扫码枪坏了"),
        ),
    )
    with pytest.raises(NotAllowed):  # name on the ID does not match: pickup.id_failed
        pickup(
            clerk,
            _request(
                Check(c.tracking, SCANNED, scanned=c.tracking),
                id_number=VALID_ID, id_name="别人", method="cash",
            ),
        )
    pickup_lookup.lookup(clerk, "0041")  # found one person: no event
    pickup_lookup.lookup(clerk, "0049")  # nobody
    pickup_lookup.lookup(owner, "查无此人")
    report = reports.daily(owner)
    amy = report.safety["amy"]
    assert {k: amy[k] for k in ("hand_ticks", "wrong_scans", "id_failures",
                                "ambiguous_lookups", "failed_lookups")} == {
        "hand_ticks": 1, "wrong_scans": 1, "id_failures": 1, "ambiguous_lookups": 0,
        "failed_lookups": 1,
    }
    assert [(h["tracking"], h["reason"]) for h in amy["hand"]] == [(b.tracking, "扫码枪坏了")]
    assert amy["hand"][0]["receipt_no"].startswith("R")
    assert amy["wrong"] == [{"at": amy["wrong"][0]["at"], "scanned": c.tracking,
                             "scanned_parcel": c.tracking, "recipient": "王芳"}]
    assert report.safety["boss"]["failed_lookups"] == 1
    assert report.to_json()["safety"]["amy"]["hand_ticks"] == 1
    # CSV: long rows with the values
    with reports.write_csv(report, tmp_path / "r.csv").open(encoding="utf-8-sig") as f:
        rows = [tuple(r) for r in csv.reader(f)]
    assert ("safety", "amy", "hand_ticks", "1") in rows
    assert ("safety", "amy", "id_failures", "1") in rows
    assert ("safety", "boss", "failed_lookups", "1") in rows
    assert ("hand_tick", "amy", b.tracking, "扫码枪坏了") in rows
    assert ("wrong_scan", "amy", c.tracking, "王芳") in rows
    # XLSX: the Safety sheet
    ws = load_workbook(reports.write_xlsx(report, tmp_path / "r.xlsx"))["Safety"]
    values = [[cell.value for cell in row] for row in ws.iter_rows(min_row=2)]
    assert ["amy", "合计 Totals", 1, 1, 1, 0, 1, None] in values
    assert any(r[0] == "amy" and "扫码枪坏了" in (r[-1] or "") for r in values)
    # PDF (command line) and the back office PDF both carry the section
    from station.documents import backoffice
    from tests.documents.helpers import HAVE_POPPLER
    from tests.documents.helpers import text as pdf_text

    for pdf in (
        reports.write_pdf(report, tmp_path / "r.pdf"),
        backoffice.daily_report_pdf(report, [], tmp_path / "b.pdf"),
    ):
        assert pdf.stat().st_size > 1000
        if HAVE_POPPLER:
            shown = " ".join(pdf_text(pdf, tmp_path, layout=True).split())
            assert "Hand-ticks and near-misses" in shown
            assert "amy 1 1 1 0 1" in shown, shown
            assert f"{b.tracking} 扫码枪坏了" in shown
    # another day: nothing
    assert reports.daily(owner, clock.local_day() - timedelta(days=1)).safety == {}
    assert verify()["ok"]
