"""Undo a hand-over (撤销取件): the owner puts a pickup right on its own day.

The whole hand-over of one receipt is undone together: every parcel goes back on its slot with
its pickup code (status ON_SHELF, or RETURN_PENDING if it was marked for return when it was
collected), every ledger entry of the pickup gets a reversal (the money goes back to the
customer), and the Pickup row keeps who undid it, when and why. One audit event
"pickup.undo"; each parcel's history shows it.

A slot filled up in the meantime still takes its parcel back (it may be over capacity by one):
the sticker on the parcel and the message the recipient has name that shelf, so moving it
would mean a new sticker and a new message. The owner is told, and can move it (Parcels, Move).
A parcel goes to another slot only when its shelf was removed; it gets a new code only when
its old one went to another parcel since the pickup.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from station import clock
from station.audit import Actor, locked, unit_of_work
from station.db import run_sql
from station.domain.text import clean_text
from station.errors import Conflict, InvalidInput, NotAllowed, NotFound
from station.i18n import N_, tr
from station.models import (
    ON_SHELF,
    PICKED_UP,
    RETURN_PENDING,
    LedgerEntry,
    Parcel,
    Pickup,
    Slot,
    Staff,
    active_clause,
)
from station.services import ledger, pickup_undo_notes, shelves
from station.services.parcels import get_by_tracking
from station.services.views import snapshot

MIN_REASON = 2  # letters or digits: "误拿" is a reason, "." is not


@dataclass(frozen=True)
class UndoneParcel:
    tracking: str
    status: str
    slot: str
    pickup_code: str
    slot_changed: bool = False  # its shelf was removed: put on another slot
    code_changed: bool = False  # its code went to another parcel: a new code
    over_capacity: bool = False  # its slot was full: it is back there, one over

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class UndoPreview:
    receipt_no: str
    at: str | None
    clerk: str
    parcels: list[str]
    refund_fen: int
    method: str | None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class UndoResult:
    receipt_no: str
    undone_at: str | None
    reason: str
    parcels: list[UndoneParcel]
    refund_fen: int  # what goes back to the customer
    method: str | None
    reversals: list[int]  # ledger entry ids of the reversals
    reversal_day: str | None  # the business day the reversals count on
    notes: list[str] = field(default_factory=list)  # what the owner must do now
    message: str = ""

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["parcels"] = [p.to_json() for p in self.parcels]
        return data


def receipt_of(tracking: str) -> str:
    """The receipt number of the hand-over that took this collected parcel."""
    parcel = get_by_tracking(tracking, include_all=True)
    if parcel.status != PICKED_UP or parcel.pickup_id is None:
        raise Conflict(
            tr(
                "{tracking} is {status}, not collected: there is no pickup to undo.",
                tracking=parcel.tracking,
                status=tr(parcel.status),
            ),
            code="not_collected",
        )
    return str(Pickup.get_by_id(parcel.pickup_id).receipt_no)


def resolve_receipt(ref: str) -> str:
    """A receipt number as printed (R20261203-000042), or a collected parcel's tracking number."""
    text = (ref or "").strip().upper()
    if not text:
        raise InvalidInput(tr("Give the receipt number (e.g. R20261203-000042) or the tracking "
                              "number of a collected parcel."))
    if Pickup.select().where(Pickup.receipt_no == text).exists():
        return text
    if text.startswith("R") and "-" in text:
        raise NotFound(
            tr(
                "No hand-over with receipt {receipt_no}. Check the number on the receipt.",
                receipt_no=text,
            ),
            code="no_receipt",
        )
    return receipt_of(text)


def _load(receipt_no: str, lock: bool) -> tuple[Pickup, list[Parcel]]:
    query = Pickup.select().where(Pickup.receipt_no == receipt_no)
    record = (locked(query) if lock else query).first()
    if record is None:
        raise NotFound(
            tr(
                "No hand-over with receipt {receipt_no}. Check the number on the receipt.",
                receipt_no=receipt_no,
            ),
            code="no_receipt",
        )
    if record.undone_at is not None:
        who = Staff.get_or_none(Staff.id == record.undone_by)
        raise Conflict(
            tr(
                "Hand-over {receipt_no} was already undone ({when}, {who}): its parcels are "
                "back on the shelf. Look them up on the Parcels screen.",
                receipt_no=receipt_no,
                when=clock.iso(record.undone_at),
                who=who.name if who else "?",
            ),
            code="already_undone",
        )
    day, today = clock.local_day(record.at), clock.local_day()
    if day != today:
        raise NotAllowed(
            tr(
                "Hand-over {receipt_no} was on {day}: a pickup can only be undone on its own "
                "day. If the parcel came back, take it in again; for a dispute, open a ticket.",
                receipt_no=receipt_no,
                day=day.isoformat(),
            ),
            code="undo_too_late",
        )
    of_pickup = Parcel.select().where(Parcel.pickup == record.id).order_by(Parcel.id)
    parcels = list(locked(of_pickup) if lock else of_pickup)
    if not parcels or any(p.status != PICKED_UP for p in parcels):
        raise Conflict(
            tr(
                "The parcels of hand-over {receipt_no} are no longer all collected by it: "
                "nothing was undone. Look them up on the Parcels screen.",
                receipt_no=receipt_no,
            ),
            code="pickup_changed",
        )
    for p in parcels:
        again = Parcel.select().where(
            Parcel.tracking == p.tracking, Parcel.id != p.id, active_clause()
        )
        if again.exists():
            raise Conflict(
                tr(
                    "{tracking} was taken in again after this pickup and is on the shelf "
                    "already: nothing was undone. Hand the customer's money back at the "
                    "counter with a ledger reversal instead.",
                    tracking=p.tracking,
                ),
                code="taken_in_again",
            )
    return record, parcels


def _entries(record: Pickup) -> list[LedgerEntry]:
    """The pickup's own entries not yet reversed (one reversed by hand already nets out)."""
    reversed_ids = LedgerEntry.select(LedgerEntry.reverses).where(
        LedgerEntry.reverses.is_null(False)
    )
    return list(
        LedgerEntry.select()
        .where(
            LedgerEntry.pickup == record.id,
            LedgerEntry.kind != "reversal",
            LedgerEntry.id.not_in(reversed_ids),
        )
        .order_by(LedgerEntry.id)
    )


def preview(actor: Actor, ref: str) -> UndoPreview:
    """What an undo of this receipt (or of the hand-over of this tracking number) would put
    back, with the same checks; changes nothing."""
    actor.require_owner(N_("undo a pickup"))
    receipt_no = resolve_receipt(ref)
    record, parcels = _load(receipt_no, lock=False)
    clerk = Staff.get_or_none(Staff.id == record.staff)
    return UndoPreview(
        receipt_no=receipt_no,
        at=clock.iso(record.at),
        clerk=clerk.name if clerk else "?",
        parcels=[p.tracking for p in parcels],
        refund_fen=sum(e.amount_fen for e in _entries(record)),
        method=record.method,
    )


def _clean_reason(reason: str | None) -> str:
    text = clean_text(reason, field=N_("Reason"), max_len=200, required=True)
    if sum(ch.isalnum() for ch in text) < MIN_REASON:
        raise InvalidInput(
            tr("Say in a few words why the pickup is undone (e.g. 'handed to the wrong person')."),
            code="reason_required",
            field="Reason",
        )
    return text


def _code_taken(p: Parcel, since: datetime) -> bool:
    """Has the parcel's code gone to another parcel since the pickup (in use now, or used and
    released again: an old message of that parcel must not lead to this one)?"""
    if p.code_seq is None:
        return True
    row = run_sql("SELECT released_at FROM code_reservation WHERE seq = ?", (p.code_seq,))
    found = row.fetchone()
    if found is not None and found[0] is None:
        return True
    other = Parcel.select().where(
        Parcel.code_seq == p.code_seq,
        Parcel.id != p.id,
        (Parcel.received_at >= since) | active_clause(),
    )
    return bool(other.exists())


def _reclaim_code(p: Parcel) -> None:
    seq = p.code_seq
    if run_sql("SELECT 1 FROM code_reservation WHERE seq = ?", (seq,)).fetchone():
        run_sql(
            "UPDATE code_reservation SET parcel_id = ?, released_at = NULL WHERE seq = ?",
            (p.id, seq),
        )
    else:
        run_sql("INSERT INTO code_reservation (seq, parcel_id) VALUES (?, ?)", (seq, p.id))


def _put_back(p: Parcel, record: Pickup, change: Any) -> UndoneParcel:  # noqa: ANN401
    slot = None
    if p.slot_id is not None:
        slot = locked(Slot.select().where(Slot.id == p.slot_id)).first()
    over = False
    if slot is None:  # its shelf was removed since: the slot with most room for its size
        slot = shelves.take_slot(p.size)
    else:
        used, cap = shelves.USED[p.size], shelves.CAP[p.size]
        over = getattr(slot, used) >= getattr(slot, cap)
        run_sql(f"UPDATE slot SET {used} = {used} + 1 WHERE id = ?", (slot.id,))
        change.track("slot", slot.id)
    seq, code = p.code_seq, p.pickup_code
    code_changed = _code_taken(p, record.at)
    if code_changed:
        seq, code = shelves.take_code(slot, p.id)
    else:
        _reclaim_code(p)
    status = RETURN_PENDING if p.return_marked_at is not None else ON_SHELF
    n = (
        Parcel.update(
            status=status,
            picked_up_at=None,
            left_at=None,
            pickup=None,
            slot=slot.id,
            code_seq=seq,
            pickup_code=code,
        )
        .where(Parcel.id == p.id, Parcel.status == PICKED_UP, Parcel.pickup == record.id)
        .execute()
    )
    if n != 1:
        raise Conflict(
            tr("Another counter has just changed one of these parcels. Look them up again."),
            code="pickup_changed",
        )
    return UndoneParcel(
        tracking=p.tracking,
        status=status,
        slot=slot.label,
        pickup_code=code or "",
        slot_changed=slot.id != p.slot_id,
        code_changed=code_changed,
        over_capacity=over,
    )


def undo_pickup(actor: Actor, ref: str, reason: str) -> UndoResult:
    """Undo the whole hand-over of receipt `ref` (or of the collected parcel `ref`)."""
    actor.require_owner(N_("undo a pickup"))
    reason = _clean_reason(reason)
    receipt_no = resolve_receipt(ref)
    with unit_of_work(actor, "pickup.undo", "pickup", receipt_no) as change:
        record, parcels = _load(receipt_no, lock=True)
        now = clock.now()
        change.before = {
            "receipt_no": receipt_no,
            "at": clock.iso(record.at),
            "parcels": [snapshot(p) for p in parcels],
        }
        back = [_put_back(p, record, change) for p in parcels]
        entries = _entries(record)
        why = f"{receipt_no}: {reason}"[:200]  # the ledger's reason column holds 200
        reversals = [ledger.book_reversal(actor, e, why) for e in entries]
        Pickup.update(undone_at=now, undone_by=actor.staff_id, undo_reason=reason).where(
            Pickup.id == record.id
        ).execute()
        change.track("pickup", record.id)
        for p, done in zip(parcels, back, strict=True):
            change.touch(p.id, f"{receipt_no} undone, {done.slot} {done.pickup_code}: {reason}")
        refund = sum(e.amount_fen for e in entries)
        day = reversals[0].day if reversals else None
        change.after = {
            "receipt_no": receipt_no,
            "reason": reason,
            "parcels": [b.to_json() for b in back],
            "reversals": [r.id for r in reversals],
            "refund_fen": refund,
        }
    notes = pickup_undo_notes.notes(back, refund, record.method, entries, day)
    return UndoResult(
        receipt_no=receipt_no,
        undone_at=clock.iso(now),
        reason=reason,
        parcels=back,
        refund_fen=refund,
        method=record.method if refund else None,
        reversals=[r.id for r in reversals],
        reversal_day=str(day) if day else None,
        notes=notes,
        message=" ".join(notes),
    )

