from datetime import timedelta

import pytest

from station import clock
from station.audit import Actor
from station.errors import Conflict, NotAllowed, NotFound
from station.models import MISSING, ON_SHELF, RETURN_PENDING, RETURNED, AuditEvent, Parcel, Slot
from station.services import returns, staff
from station.services.integrity import verify

from .helpers import take_in


def _old_parcel(clerk: Actor, days: int, **extra: object):
    with clock.frozen_at(clock.now() - timedelta(days=days)):
        return take_in(clerk, **extra)


def test_overdue_by_retention_days(clerk: Actor) -> None:
    old = _old_parcel(clerk, 8)
    _old_parcel(clerk, 2)
    late = returns.overdue(clerk)
    assert [v.tracking for v in late] == [old.tracking]
    assert late[0].days_on_shelf == 8


def test_return_and_handover(clerk: Actor, owner: Actor, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("PARCEL_STATION_DOCS", str(tmp_path))
    a = _old_parcel(clerk, 9, size="S")
    b = _old_parcel(clerk, 9, size="S")
    marked = returns.mark_for_return(clerk, [a.tracking])
    assert marked[0].status == RETURN_PENDING
    result = returns.handover(clerk, "YTO", "王师傅")
    assert [p.tracking for p in result.parcels] == [a.tracking]
    assert Parcel.get_by_id(a.id).status == RETURNED
    assert Parcel.get_by_id(b.id).status == ON_SHELF  # not marked: stays on the shelf
    assert Slot.get(Slot.label == a.slot).used_s == (1 if a.slot == b.slot else 0)
    with pytest.raises(NotFound):
        returns.handover(clerk, "YTO")  # nothing left to hand over


def test_move_missing_found(clerk: Actor) -> None:
    view = take_in(clerk, size="M", slot="A-1")
    moved = returns.move(clerk, view.tracking, "B-3")
    assert moved.slot == "B-3" and moved.pickup_code == view.pickup_code
    assert Slot.get(Slot.label == "A-1").used_m == 0 and Slot.get(Slot.label == "B-3").used_m == 1
    assert returns.mark_missing(clerk, view.tracking).status == MISSING
    with pytest.raises(Conflict):
        returns.mark_missing(clerk, view.tracking)
    found = returns.mark_found(clerk, view.tracking, "A-2")
    assert found.status == ON_SHELF and found.slot == "A-2"
    assert verify()["ok"]


def test_login_lockout_after_five_failures(station: str) -> None:
    for _attempt in range(4):
        with pytest.raises(NotAllowed) as info:
            staff.authenticate("amy", "0000")
        assert info.value.code == "wrong_pin"
    with pytest.raises(NotAllowed) as info:
        staff.authenticate("amy", "0000")
    assert info.value.code == "locked"
    with pytest.raises(NotAllowed) as info:  # even the right PIN is refused while locked
        staff.authenticate("amy", "1234")
    assert info.value.code == "locked" and "min" in info.value.message
    with clock.frozen_at(clock.now() + timedelta(minutes=16)):
        assert staff.authenticate("amy", "1234").name == "amy"


def test_pin_hash_is_salted_and_slow() -> None:
    a, b = staff.hash_pin("1234"), staff.hash_pin("1234")
    assert a != b and a.startswith("scrypt$") and "1234" not in a
    assert staff.check_pin("1234", a) and not staff.check_pin("1235", a)


def test_only_owner_manages_staff(clerk: Actor, owner: Actor) -> None:
    with pytest.raises(NotAllowed):
        staff.add_staff(clerk, "bob", "clerk", "5555")
    with pytest.raises(NotAllowed):
        staff.list_staff(clerk)
    assert {s.name for s in staff.list_staff(owner)} == {"boss", "amy"}


def _tamper(sql: str) -> dict:
    from station.models import database_proxy

    database_proxy.obj.execute_sql(sql)
    return verify()


def test_verify_detects_edited_event(clerk: Actor) -> None:
    take_in(clerk)
    assert verify()["ok"]
    report = _tamper("UPDATE audit_event SET actor = 'mallory' WHERE seq = 3")
    assert not report["ok"] and any("altered" in p for p in report["problems"])


def test_verify_detects_deleted_event(clerk: Actor) -> None:
    take_in(clerk)
    report = _tamper("DELETE FROM audit_event WHERE seq = 2")
    assert not report["ok"] and any("missing" in p for p in report["problems"])


def test_verify_detects_deleted_tail(clerk: Actor) -> None:
    take_in(clerk)
    last = AuditEvent.select().order_by(AuditEvent.seq.desc()).first().seq
    report = _tamper(f"DELETE FROM audit_event WHERE seq = {last}")
    assert not report["ok"]


def test_verify_detects_reordered_events(clerk: Actor) -> None:
    take_in(clerk)
    take_in(clerk)
    # Swap the contents of two events (a reorder) while keeping seq numbers.
    from station.models import database_proxy

    rows = {r.seq: r for r in AuditEvent.select().where(AuditEvent.seq.in_([4, 5]))}
    for seq, other in ((4, rows[5]), (5, rows[4])):
        AuditEvent.update(
            action=other.action,
            entity_id=other.entity_id,
            after=other.after,
            hash=other.hash,
            prev_hash=other.prev_hash,
            at=other.at,
        ).where(AuditEvent.seq == seq).execute()
    assert database_proxy.obj is not None
    report = verify()
    assert not report["ok"]


def test_verify_detects_slot_counter_drift(clerk: Actor) -> None:
    take_in(clerk, size="S", slot="A-1")
    report = _tamper("UPDATE slot SET used_s = 5 WHERE label = 'A-1'")
    assert not report["ok"] and any("A-1" in p for p in report["problems"])
