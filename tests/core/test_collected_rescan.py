"""A parcel that already left (collected, or handed back to the courier) and is scanned again
at intake or stocktake says who took it and when, and is not taken in again silently."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from station import clock
from station.audit import Actor
from station.errors import Duplicate
from station.models import ON_SHELF, PICKED_UP, Parcel, ParcelEvent
from station.services import intake, returns, stocktake
from station.services.intake import IntakeRequest
from station.services.pickup import PickupRequest, pickup

from .helpers import take_in


def _collected(clerk: Actor, **extra: object):  # noqa: ANN202
    view = take_in(clerk, name="王芳")
    moment = datetime(2024, 12, 1, 6, 3, tzinfo=UTC).replace(tzinfo=None)  # 14:03 +8
    with clock.frozen_at(moment):
        pickup(clerk, PickupRequest(refs=(view.pickup_code,), **extra))  # type: ignore[arg-type]
    return view


def test_intake_of_a_collected_parcel_says_who_and_when(clerk: Actor) -> None:
    view = _collected(clerk, proxy_name="李四", proxy_phone="13900009999",
                      id_type="resident_id", id_number="11010519491231002X", id_name="李四")
    with pytest.raises(Duplicate) as info:
        take_in(clerk, view.tracking)
    err = info.value
    assert err.code == "collected_before"
    assert "王芳's proxy 李四" in err.message and "clerk amy" in err.message
    assert "14:03 on 12-01" in err.message and "not taken in again" in err.message
    assert err.details["status"] == PICKED_UP and err.details["clerk"] == "amy"
    assert Parcel.select().where(Parcel.tracking == view.tracking).count() == 1
    # The scan is in the parcel's history for the owner.
    actions = [e.action for e in ParcelEvent.select().where(ParcelEvent.parcel == view.id)]
    assert actions[-1] == "parcel.seen_after_leaving"
    pre = intake.precheck(clerk, view.tracking)
    assert pre.on_shelf is None and pre.collected is not None
    assert pre.collected.proxy_name == "李四"


def test_taken_in_again_only_with_a_reason(clerk: Actor) -> None:
    view = _collected(clerk)
    again = intake.intake(clerk, IntakeRequest(tracking=view.tracking, phone="13800130001",
                                               consent_basis="carrier",
                                               again_reason="recipient brought it back"))
    assert again.status == ON_SHELF and again.id != view.id
    detail = ParcelEvent.get(ParcelEvent.parcel == again.id).detail
    assert "again" in detail and "recipient brought it back" in detail
    # Now on the shelf again: a further scan is an ordinary duplicate.
    with pytest.raises(Duplicate) as info:
        take_in(clerk, view.tracking)
    assert info.value.code == "duplicate"


def test_returned_parcel_says_it_went_back(clerk: Actor, owner: Actor) -> None:
    view = take_in(clerk)
    returns.mark_for_return(clerk, [view.tracking])
    returns.handover(clerk, view.carrier, "张师傅")
    with pytest.raises(Duplicate) as info:
        take_in(clerk, view.tracking)
    assert info.value.code == "collected_before" and "courier" in info.value.message
    assert info.value.details["status"] == "RETURNED"


def test_stocktake_lists_collected_parcels_with_who_and_when(clerk: Actor) -> None:
    here = take_in(clerk, slot="A-1")
    gone = _collected(clerk)
    preview = stocktake.reconcile(clerk, [here.tracking, gone.tracking], apply=False)
    assert [c.tracking for c in preview.collected] == [gone.tracking]
    assert preview.collected[0].clerk == "amy" and preview.collected[0].collected_by == "王芳"
    result = stocktake.reconcile(clerk, [here.tracking, gone.tracking])
    assert [c.tracking for c in result.collected] == [gone.tracking]
    assert Parcel.get_by_id(gone.id).status == PICKED_UP  # not taken in
    details = [e.detail for e in ParcelEvent.select().where(ParcelEvent.parcel == gone.id)]
    assert any("after it left" in d for d in details)
