"""Stocktake (盘点): expected vs scanned, missing, misplaced (fixed), unknown."""

from __future__ import annotations

import pytest

from station.audit import Actor
from station.errors import InvalidInput, NotFound
from station.models import (
    MISSING,
    ON_SHELF,
    RETURN_PENDING,
    AuditEvent,
    Parcel,
    ParcelEvent,
    Slot,
)
from station.services import returns, stocktake
from station.services.integrity import verify
from station.services.pickup import PickupRequest, pickup

from .helpers import take_in


def _slot(tracking: str) -> str | None:
    parcel = Parcel.get(Parcel.tracking == tracking)
    return Slot.get_by_id(parcel.slot_id).label if parcel.slot_id else None


def test_shelf_stocktake_finds_missing_misplaced_and_unknown(clerk: Actor) -> None:
    p1 = take_in(clerk, slot="A-1", person=1).tracking
    p2 = take_in(clerk, slot="A-2", person=2).tracking
    p3 = take_in(clerk, slot="A-3", person=3).tracking
    p4 = take_in(clerk, slot="B-1", person=4).tracking
    events = AuditEvent.select().count()
    scans = ["\ufeff@A-1", p1, "", "  ", "＠ａ－３", p2, p4, p2, "hello!", "YT0000000000999"]
    result = stocktake.reconcile(clerk, scans, shelf="a")
    assert (result.shelf, result.expected, result.found) == ("A", 3, 2)
    assert result.missing == [p3]
    assert [(m.tracking, m.expected_slot, m.found_slot, m.moved) for m in result.misplaced] == [
        (p2, "A-2", "A-3", True),
        (p4, "B-1", "A-3", True),
    ]
    assert result.unknown == ["hello!", "YT0000000000999"]
    data = result.to_json()
    assert {"expected", "found", "missing", "misplaced", "unknown"} <= set(data)
    assert data["misplaced"][0] == {
        "tracking": p2,
        "expected_slot": "A-2",
        "found_slot": "A-3",
        "moved": True,
    }
    # Applied: one audit event, the slots fixed, the missing parcel marked.
    assert AuditEvent.select().count() == events + 1
    event = AuditEvent.select().order_by(AuditEvent.seq.desc()).first()
    assert event.action == "stocktake.reconcile" and event.actor == "amy"
    assert Parcel.get(Parcel.tracking == p3).status == MISSING
    assert (_slot(p2), _slot(p4), _slot(p3)) == ("A-3", "A-3", "A-3")
    assert ParcelEvent.select().where(ParcelEvent.audit_seq == event.seq).count() == 3
    assert verify()["ok"]


def test_preview_changes_nothing(clerk: Actor) -> None:
    p1 = take_in(clerk, slot="A-1").tracking
    take_in(clerk, slot="A-2", person=2)
    events = AuditEvent.select().count()
    result = stocktake.reconcile(clerk, ["@A-2", p1], shelf="A", apply=False)
    assert not result.applied and len(result.missing) == 1
    assert result.misplaced[0].moved is False
    assert AuditEvent.select().count() == events
    assert Parcel.select().where(Parcel.status == MISSING).count() == 0
    assert _slot(p1) == "A-1"


def test_missing_parcels_scanned_are_found_again(clerk: Actor) -> None:
    lost = take_in(clerk, slot="A-1", person=1).tracking
    pending = take_in(clerk, slot="A-2", person=2).tracking
    returns.mark_for_return(clerk, [pending])
    returns.mark_missing(clerk, lost)
    returns.mark_missing(clerk, pending)
    result = stocktake.reconcile(clerk, [lost, "@A-1", pending], shelf="A")
    # MISSING parcels are not expected, but scanning them finds them.
    assert (result.expected, result.found, result.missing) == (0, 0, [])
    assert result.recovered == [lost, pending]
    assert Parcel.get(Parcel.tracking == lost).status == ON_SHELF
    assert Parcel.get(Parcel.tracking == pending).status == RETURN_PENDING
    assert [(m.tracking, m.found_slot) for m in result.misplaced] == [(pending, "A-1")]
    assert _slot(pending) == "A-1"
    assert verify()["ok"]


def test_whole_station_and_collected_parcels(clerk: Actor) -> None:
    a = take_in(clerk, slot="A-1", person=1).tracking
    b = take_in(clerk, slot="B-2", person=2)
    gone = take_in(clerk, slot="B-3", person=3)
    pickup(clerk, PickupRequest(refs=(gone.pickup_code,)))
    result = stocktake.reconcile(clerk, [a, b.tracking, gone.tracking, a])
    assert (result.shelf, result.expected, result.found) == (None, 2, 2)
    assert result.missing == [] and result.misplaced == []
    assert result.unknown == [gone.tracking]  # collected: not at the station any more
    assert result.scanned == 3
    # ... and it says who collected it and when, so it is not taken in again.
    [seen] = result.collected
    assert (seen.tracking, seen.status, seen.clerk) == (gone.tracking, "PICKED_UP", "amy")
    assert seen.collected_by == gone.recipient_name and seen.at
    assert result.to_json()["collected"][0]["tracking"] == gone.tracking


def test_other_shelf_parcel_without_marker_is_reported_not_moved(clerk: Actor) -> None:
    a = take_in(clerk, slot="A-1", person=1).tracking
    b = take_in(clerk, slot="B-1", person=2).tracking
    result = stocktake.reconcile(clerk, [a, b], shelf="A")
    assert (result.expected, result.found) == (1, 1)
    assert [(m.tracking, m.expected_slot, m.found_slot, m.moved) for m in result.misplaced] == [
        (b, "B-1", None, False)
    ]
    assert _slot(b) == "B-1" and Parcel.get(Parcel.tracking == b).status == ON_SHELF


def test_move_into_a_full_layer_follows_reality(clerk: Actor) -> None:
    here = take_in(clerk, slot="A-1", size="XL", person=1).tracking
    there = take_in(clerk, slot="B-1", size="XL", person=2).tracking
    result = stocktake.reconcile(clerk, ["@A-1", here, there])
    assert [m.tracking for m in result.misplaced] == [there]
    slot = Slot.get(Slot.label == "A-1")
    assert (slot.used_xl, slot.cap_xl) == (2, 1)  # over capacity, but true
    assert Slot.get(Slot.label == "B-1").used_xl == 0
    assert verify()["ok"]


def test_refusals_change_nothing(clerk: Actor) -> None:
    p = take_in(clerk, slot="A-1").tracking
    events = AuditEvent.select().count()
    with pytest.raises(InvalidInput):
        stocktake.reconcile(clerk, ["@Z-9", p], shelf="A")
    with pytest.raises(InvalidInput):
        stocktake.reconcile(clerk, ["", "  "], shelf="A")  # would mark the shelf missing
    with pytest.raises(InvalidInput):
        stocktake.reconcile(clerk, ["not a number!", "@A-1"], shelf="A")
    with pytest.raises(NotFound):
        stocktake.reconcile(clerk, [p], shelf="Q")
    assert AuditEvent.select().count() == events
    assert Parcel.get(Parcel.tracking == p).status == ON_SHELF
    # An empty shelf with nothing scanned is a fine (empty) stocktake.
    empty = stocktake.reconcile(clerk, [], shelf="B")
    assert (empty.expected, empty.found, empty.missing) == (0, 0, [])


def test_sticker_qr_codes_count_as_scans(clerk: Actor) -> None:
    a = take_in(clerk, slot="A-1", person=1)
    b = take_in(clerk, slot="A-2", person=2)
    c = take_in(clerk, slot="A-3", person=3)
    result = stocktake.reconcile(
        clerk,
        [f"PS:{a.pickup_code}", a.tracking, "@A-3", b.pickup_code, c.tracking, "B-9-9999"],
        shelf="A",
    )
    assert (result.expected, result.found, result.missing) == (3, 3, [])
    assert [(m.tracking, m.found_slot) for m in result.misplaced] == [(b.tracking, "A-3")]
    assert result.unknown == ["B-9-9999"]  # a code no parcel here has
    assert result.scanned == 5
