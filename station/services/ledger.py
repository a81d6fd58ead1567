"""The money ledger: immutable entries in integer fen; corrections are reversals."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

from peewee import fn

from station import clock
from station.audit import Actor, unit_of_work
from station.domain.text import clean_text
from station.errors import Conflict, InvalidInput, NotFound
from station.i18n import N_, tr
from station.models import DayClose, LedgerEntry

METHODS = ("cash", "wechat", "alipay", "card")
KINDS = ("cod", "freight", "storage", "send", "refund", "reversal")


@dataclass(frozen=True)
class EntryView:
    id: int
    at: str | None
    day: str
    kind: str
    method: str
    amount_fen: int
    reason: str
    reverses: int | None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _view(entry: LedgerEntry) -> EntryView:
    return EntryView(
        entry.id,
        clock.iso(entry.at),
        str(entry.day),
        entry.kind,
        entry.method,
        entry.amount_fen,
        entry.reason,
        entry.reverses_id,
    )


def open_day(today: date | None = None) -> date:
    """The business day an entry made now counts on: today, or the first day after the
    latest closed one (a closed day never changes)."""
    day = today or clock.local_day()
    last_closed = DayClose.select(fn.MAX(DayClose.day)).scalar()
    if last_closed is not None:
        if isinstance(last_closed, str):
            last_closed = date.fromisoformat(last_closed)
        if day <= last_closed:
            day = last_closed + timedelta(days=1)
    return day


def book(
    actor: Actor,
    *,
    kind: str,
    method: str,
    amount_fen: int,
    pickup_id: int | None = None,
    parcel_id: int | None = None,
    reason: str = "",
    day: date | None = None,
) -> LedgerEntry:
    """Add an entry inside the caller's unit of work."""
    if method not in METHODS:
        raise InvalidInput(
            tr(
                "Payment method must be one of: {methods}.",
                methods=", ".join(METHODS),
            )
        )
    if kind not in KINDS:
        raise InvalidInput(
            tr(
                "Unknown ledger entry kind '{kind}'.",
                kind=kind,
            )
        )
    if not isinstance(amount_fen, int):
        raise InvalidInput(tr("Amounts are whole fen."))
    return LedgerEntry.create(
        at=clock.now(),
        day=day or open_day(),
        kind=kind,
        method=method,
        amount_fen=amount_fen,
        pickup=pickup_id,
        parcel=parcel_id,
        reason=reason,
        staff=actor.staff_id,
    )


def reverse(actor: Actor, entry_id: int, reason: str) -> EntryView:
    actor.require_owner(N_("reverse a payment"))
    reason = clean_text(reason, field=N_("Reason"), max_len=200, required=True)
    with unit_of_work(actor, "ledger.reverse", "ledger", entry_id) as change:
        entry = LedgerEntry.get_or_none(LedgerEntry.id == entry_id)
        if entry is None:
            raise NotFound(
                tr(
                    "No ledger entry {entry_id}.",
                    entry_id=entry_id,
                )
            )
        reversal = book_reversal(actor, entry, reason)
        change.before = _view(entry).to_json()
        change.after = _view(reversal).to_json()
    return _view(reversal)


def book_reversal(actor: Actor, entry: LedgerEntry, reason: str) -> LedgerEntry:
    """The reversal of `entry` inside the caller's unit of work (role and reason checked by the
    caller): same method, the amount negated, on the open business day."""
    if entry.kind == "reversal":
        raise Conflict(tr("A reversal cannot itself be reversed; book a new entry instead."))
    if LedgerEntry.get_or_none(LedgerEntry.reverses == entry.id):
        raise Conflict(
            tr(
                "Entry {entry_id} has already been reversed.",
                entry_id=entry.id,
            )
        )
    return LedgerEntry.create(
        at=clock.now(),
        day=open_day(),
        kind="reversal",
        method=entry.method,
        amount_fen=-entry.amount_fen,
        pickup=entry.pickup_id,
        parcel=entry.parcel_id,
        reverses=entry.id,
        reason=reason,
        staff=actor.staff_id,
    )


def totals_by_method(day: date) -> dict[str, int]:
    rows = (
        LedgerEntry.select(LedgerEntry.method, fn.SUM(LedgerEntry.amount_fen).alias("total"))
        .where(LedgerEntry.day == day)
        .group_by(LedgerEntry.method)
    )
    totals = {m: 0 for m in METHODS}
    tuples: Any = rows.tuples()  # peewee's stubs type tuples() as model rows
    for method, total in tuples:
        totals[method] = int(total or 0)
    return totals


def entries(day: date | None = None) -> list[EntryView]:
    query = LedgerEntry.select().order_by(LedgerEntry.id)
    if day is not None:
        query = query.where(LedgerEntry.day == day)
    return [_view(e) for e in query]


def format_due(fen: int) -> str:
    from station.domain.money import format_fen

    return f"¥{format_fen(fen)}"


def check_payment(
    method: str | None, tendered_fen: int | None, due_fen: int, choose_message: str
) -> tuple[str | None, int, int]:
    """A payment taken at the counter → (method, cash tendered, change). Nothing due: no method.
    ``choose_message`` says what the money is for when no method was chosen. Cash tendered
    left out means the exact amount."""
    if due_fen == 0:
        return method, 0, 0
    if method is None:
        raise InvalidInput(choose_message, code="payment_required")
    if method not in METHODS:
        raise InvalidInput(
            tr("Payment method must be one of: {methods}.", methods=", ".join(METHODS))
        )
    if method != "cash":
        return method, due_fen, 0
    given = due_fen if tendered_fen is None else tendered_fen
    if given < due_fen:
        raise InvalidInput(
            tr(
                "Cash tendered ({tendered}) is less than the amount due ({due}).",
                tendered=format_due(given),
                due=format_due(due_fen),
            ),
            code="insufficient_cash",
        )
    return method, given, given - due_fen
