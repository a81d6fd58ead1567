"""Undo a pickup (issue 12 item 2): owner only, with a reason, on the hand-over's own day; the
parcels go back on their slots with their codes, the ledger is reversed, one audit event."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest

from station import clock
from station.audit import Actor, unit_of_work
from station.errors import Conflict, InvalidInput, NotAllowed, NotFound
from station.models import (
    ON_SHELF,
    PICKED_UP,
    RETURN_PENDING,
    AuditEvent,
    CodeReservation,
    LedgerEntry,
    Parcel,
    ParcelEvent,
    Pickup,
    Slot,
)
from station.services import (
    dashboard,
    day_close,
    ledger,
    parcels,
    reports,
    returns,
    settings,
    shelves,
)
from station.services.intake import IntakeRequest, intake
from station.services.integrity import verify
from station.services.pickup import PickupRequest, pickup
from station.services.pickup_undo import preview, receipt_of, undo_pickup

from .helpers import phone, take_in

VALID_ID = "11010519491231002X"
START = datetime(2026, 12, 3, 1, 0)  # 09:00 in Shanghai


class Ticker:
    """A clock that moves one second each time it is read; jump() skips ahead."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now

    def jump(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def ticker(monkeypatch: pytest.MonkeyPatch) -> Iterator[Ticker]:
    tick = Ticker(START)
    monkeypatch.setattr(clock, "_now", tick)
    yield tick


def _cod_pickup(actor: Actor, *codes: str, method: str = "cash") -> str:
    request = PickupRequest(refs=codes, id_type="resident_id", id_number=VALID_ID,
                            id_name="张三", method=method, tendered_fen=100_000)
    return pickup(actor, request).receipt_no


def _used(label: str, size: str = "M") -> int:
    return getattr(Slot.get(Slot.label == label), f"used_{size.lower()}")


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.select().where(AuditEvent.action == action))


def test_undo_puts_parcel_back_with_slot_and_code(ticker: Ticker, clerk: Actor,
                                                  owner: Actor) -> None:
    view = take_in(clerk, size="M")
    receipt = pickup(clerk, PickupRequest(refs=(view.pickup_code,))).receipt_no
    assert _used(view.slot) == 0
    events_before = AuditEvent.select().count()
    result = undo_pickup(owner, receipt, "handed to the wrong person")
    assert AuditEvent.select().count() == events_before + 1  # one service call, one event
    [event] = _events("pickup.undo")
    assert event.entity == "pickup" and event.entity_id == receipt
    assert view.tracking in event.before and "wrong person" in event.after
    row = Parcel.get_by_id(view.id)
    assert row.status == ON_SHELF and row.slot_id == Slot.get(Slot.label == view.slot).id
    assert row.pickup_code == view.pickup_code and row.code_seq is not None
    assert (row.picked_up_at, row.left_at, row.pickup_id) == (None, None, None)
    assert _used(view.slot) == 1
    assert CodeReservation.get_by_id(row.code_seq).released_at is None
    record = Pickup.get(Pickup.receipt_no == receipt)
    assert record.undone_at is not None and record.undone_by == owner.staff_id
    assert record.undo_reason == "handed to the wrong person"
    [back] = result.parcels
    assert (back.slot, back.pickup_code, back.status) == (view.slot, view.pickup_code, ON_SHELF)
    assert not (back.code_changed or back.slot_changed or back.over_capacity)
    assert result.refund_fen == 0 and result.reversals == []
    assert view.slot in result.message and view.pickup_code in result.message
    history = [e["action"] for e in parcels.show(owner, view.tracking)["events"]]
    assert history == ["parcel.intake", "parcel.pickup", "pickup.undo"]
    detail = ParcelEvent.get(ParcelEvent.action == "pickup.undo").detail
    assert receipt in detail and "wrong person" in detail
    assert verify()["ok"], verify()["problems"]


def test_owner_only_and_reason_required(ticker: Ticker, clerk: Actor, owner: Actor) -> None:
    view = take_in(clerk)
    receipt = pickup(clerk, PickupRequest(refs=(view.pickup_code,))).receipt_no
    with pytest.raises(NotAllowed) as info:
        undo_pickup(clerk, receipt, "wrong person")
    assert "owner" in info.value.message
    with pytest.raises(NotAllowed):
        preview(clerk, receipt)
    for reason in ("", "   ", ".", "- !"):
        with pytest.raises(InvalidInput):
            undo_pickup(owner, receipt, reason)
    with pytest.raises(NotFound) as info:
        undo_pickup(owner, "R20261203-999999", "wrong person")
    assert info.value.code == "no_receipt"
    assert Parcel.get_by_id(view.id).status == PICKED_UP
    assert _events("pickup.undo") == []
    assert undo_pickup(owner, receipt, "误拿").parcels[0].status == ON_SHELF


def test_only_on_the_day_of_the_hand_over(ticker: Ticker, clerk: Actor, owner: Actor) -> None:
    ticker.now = datetime(2026, 12, 3, 15, 40)  # 23:40 in Shanghai
    view = take_in(clerk)
    receipt = pickup(clerk, PickupRequest(refs=(view.pickup_code,))).receipt_no
    ticker.jump(minutes=30)  # 00:10 the next local day (still 3 Dec in UTC)
    with pytest.raises(NotAllowed) as info:
        undo_pickup(owner, receipt, "wrong person")
    assert info.value.code == "undo_too_late" and "2026-12-03" in info.value.message
    assert Parcel.get_by_id(view.id).status == PICKED_UP
    assert Pickup.get(Pickup.receipt_no == receipt).undone_at is None


def test_twice_refused(ticker: Ticker, clerk: Actor, owner: Actor) -> None:
    view = take_in(clerk, cod_fen=800)
    receipt = _cod_pickup(clerk, view.pickup_code)
    undo_pickup(owner, receipt, "wrong person " + "x" * 187)  # the longest reason: 200
    with pytest.raises(Conflict) as info:
        undo_pickup(owner, receipt, "wrong person")
    assert info.value.code == "already_undone" and "boss" in info.value.message
    assert LedgerEntry.select().where(LedgerEntry.kind == "reversal").count() == 1
    assert _used(view.slot) == 1


def test_cod_and_storage_reversed_and_totals_net_out(ticker: Ticker, clerk: Actor,
                                                     owner: Actor) -> None:
    settings.set_value(owner, "storage_fee_per_day_fen", 50)
    view = take_in(clerk, cod_fen=1250)
    ticker.jump(days=5)  # 2 days past the 3 free ones: ¥1.00 storage
    receipt = _cod_pickup(clerk, view.pickup_code, method="wechat")
    today = clock.local_day()
    assert ledger.totals_by_method(today)["wechat"] == 1350
    result = undo_pickup(owner, receipt, "customer paid for the wrong parcel")
    assert result.refund_fen == 1350 and result.method == "wechat"
    assert "¥13.50" in result.message
    entries = list(LedgerEntry.select().order_by(LedgerEntry.id))
    kinds = [(e.kind, e.method, e.amount_fen) for e in entries]
    assert kinds == [("cod", "wechat", 1250), ("storage", "wechat", 100),
                     ("reversal", "wechat", -1250), ("reversal", "wechat", -100)]
    assert [e.reverses_id for e in entries[2:]] == [entries[0].id, entries[1].id]
    assert all(e.pickup_id == entries[0].pickup_id for e in entries)
    assert result.reversals == [entries[2].id, entries[3].id]
    assert ledger.totals_by_method(today) == {m: 0 for m in ledger.METHODS}
    daily = reports.daily(owner, today)
    assert daily.collected == 0 and daily.pickups == 0 and daily.collected_total_fen == 0
    assert daily.on_shelf == 1
    [point] = dashboard.dashboard(owner, days=1).days
    assert point.collected == 0 and point.on_shelf == 1
    with pytest.raises(Conflict):  # the reversals are final: not reversed again by hand
        ledger.reverse(owner, entries[0].id, "again")
    assert verify()["ok"], verify()["problems"]


def test_whole_hand_over_of_several_parcels(ticker: Ticker, clerk: Actor, owner: Actor) -> None:
    views = [take_in(clerk, person=5, size=s) for s in ("S", "M", "M")]
    receipt = pickup(clerk, PickupRequest(refs=tuple(v.pickup_code for v in views))).receipt_no
    assert receipt_of(views[1].tracking) == receipt
    shown = preview(owner, views[1].tracking)
    assert shown.receipt_no == receipt and shown.parcels == [v.tracking for v in views]
    result = undo_pickup(owner, views[1].tracking, "wrong person")  # by a parcel's number
    assert result.receipt_no == receipt
    assert [(p.tracking, p.pickup_code) for p in result.parcels] == [
        (v.tracking, v.pickup_code) for v in views]
    assert Parcel.select().where(Parcel.status == ON_SHELF).count() == 3
    slots = {v.slot for v in views}
    held = sum(_used(label, "S") + _used(label, "M") for label in slots)
    assert held == 3
    assert len(_events("pickup.undo")) == 1
    assert ParcelEvent.select().where(ParcelEvent.action == "pickup.undo").count() == 3
    assert verify()["ok"], verify()["problems"]


def test_parcel_can_be_picked_up_again(ticker: Ticker, clerk: Actor, owner: Actor) -> None:
    view = take_in(clerk, cod_fen=500)
    receipt = _cod_pickup(clerk, view.pickup_code)
    undo_pickup(owner, receipt, "wrong person")
    found = parcels.find(clerk, view.pickup_code)
    assert [p.tracking for p in found] == [view.tracking]
    again = _cod_pickup(clerk, view.pickup_code)
    assert again != receipt
    row = Parcel.get_by_id(view.id)
    assert row.status == PICKED_UP and row.pickup.receipt_no == again
    assert _used(view.slot) == 0
    today = clock.local_day()
    assert ledger.totals_by_method(today)["cash"] == 500
    daily = reports.daily(owner, today)
    assert daily.collected == 1 and daily.pickups == 1 and daily.collected_total_fen == 500
    assert verify()["ok"], verify()["problems"]


def test_code_taken_meanwhile_gives_a_new_code(ticker: Ticker, clerk: Actor,
                                               owner: Actor) -> None:
    settings.set_value(owner, "code_cooldown_days", 0)
    view = take_in(clerk)
    first = Parcel.get_by_id(view.id)
    receipt = pickup(clerk, PickupRequest(refs=(view.pickup_code,))).receipt_no
    with unit_of_work(owner, "test.code_next"):  # the next intake gets the freed number
        settings.put_raw("code_next", first.code_seq)
    other = intake(clerk, IntakeRequest(tracking="YT9990000000001", phone=phone(9), name="李四",
                                        consent_basis="carrier"))
    assert Parcel.get_by_id(other.id).code_seq == first.code_seq
    result = undo_pickup(owner, receipt, "wrong person")
    [back] = result.parcels
    assert back.code_changed and back.pickup_code != view.pickup_code
    assert "new code" in result.message and back.pickup_code in result.message
    row = Parcel.get_by_id(view.id)
    assert row.pickup_code == back.pickup_code and row.code_seq != first.code_seq
    assert Parcel.get_by_id(other.id).pickup_code == other.pickup_code  # untouched
    assert [p.tracking for p in parcels.find(clerk, back.pickup_code)] == [view.tracking]
    assert verify()["ok"], verify()["problems"]


def test_full_slot_takes_its_parcel_back_and_says_so(ticker: Ticker, clerk: Actor,
                                                     owner: Actor) -> None:
    view = take_in(clerk, size="XL")  # capacity 1
    receipt = pickup(clerk, PickupRequest(refs=(view.pickup_code,))).receipt_no
    take_in(clerk, size="XL", slot=view.slot, person=2)  # the slot is full again
    result = undo_pickup(owner, receipt, "wrong person")
    [back] = result.parcels
    assert back.slot == view.slot and back.over_capacity
    assert "already full" in result.message
    assert _used(view.slot, "XL") == 2
    assert verify()["ok"], verify()["problems"]


def test_marked_for_return_goes_back_to_the_return_list(ticker: Ticker, clerk: Actor,
                                                        owner: Actor) -> None:
    view = take_in(clerk)
    returns.mark_for_return(clerk, [view.tracking])
    receipt = pickup(clerk, PickupRequest(refs=(view.pickup_code,))).receipt_no
    assert undo_pickup(owner, receipt, "wrong person").parcels[0].status == RETURN_PENDING
    assert Parcel.get_by_id(view.id).status == RETURN_PENDING


def test_taken_in_again_refuses(ticker: Ticker, clerk: Actor, owner: Actor) -> None:
    view = take_in(clerk)
    receipt = pickup(clerk, PickupRequest(refs=(view.pickup_code,))).receipt_no
    take_in(clerk, view.tracking, again_reason="brought back")
    with pytest.raises(Conflict) as info:
        undo_pickup(owner, receipt, "wrong person")
    assert info.value.code == "taken_in_again"
    assert verify()["ok"], verify()["problems"]


def test_closed_day_refund_counts_on_the_open_day(ticker: Ticker, clerk: Actor,
                                                  owner: Actor) -> None:
    view = take_in(clerk, cod_fen=1000)
    receipt = _cod_pickup(clerk, view.pickup_code)
    today = clock.local_day()
    day_close.close_day(owner, today, {"cash": 1000})
    result = undo_pickup(owner, receipt, "wrong person")
    tomorrow = today + timedelta(days=1)
    assert result.reversal_day == tomorrow.isoformat()
    assert "already closed" in result.message
    assert ledger.totals_by_method(today)["cash"] == 1000  # a closed day never changes
    assert ledger.totals_by_method(tomorrow)["cash"] == -1000
    assert verify()["ok"], verify()["problems"]


def test_not_collected_parcel_has_no_receipt(ticker: Ticker, clerk: Actor) -> None:
    view = take_in(clerk)
    with pytest.raises(Conflict) as info:
        receipt_of(view.tracking)
    assert info.value.code == "not_collected"


def test_removed_shelf_puts_the_parcel_on_another_slot(ticker: Ticker, clerk: Actor,
                                                       owner: Actor) -> None:
    view = take_in(clerk)
    receipt = pickup(clerk, PickupRequest(refs=(view.pickup_code,))).receipt_no
    shelf = view.slot.split("-")[0]
    shelves.remove_shelf(owner, shelf)
    result = undo_pickup(owner, receipt, "wrong person")
    [back] = result.parcels
    assert back.slot_changed and not back.slot.startswith(shelf + "-")
    assert back.pickup_code == view.pickup_code and "shelf was removed" in result.message
    assert _used(back.slot) == 1
    assert verify()["ok"], verify()["problems"]


def test_reprinted_receipt_of_an_undone_hand_over_says_undone(ticker: Ticker, clerk: Actor,
                                                              owner: Actor, tmp_path) -> None:
    import subprocess

    from station.services.paperwork import receipt_pdf

    view = take_in(clerk, size="M")
    receipt = pickup(clerk, PickupRequest(refs=(view.pickup_code,))).receipt_no
    undo_pickup(owner, receipt, "handed to the wrong person")
    out = receipt_pdf(receipt, tmp_path / "r.pdf", reprint=True)
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout
    assert "UNDONE" in text and "handed to the wrong person" in text
    assert view.tracking in text  # the parcels it named, though they are back on the shelf
