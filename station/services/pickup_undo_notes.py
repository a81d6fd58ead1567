"""What the owner must do after undoing a hand-over: where each parcel goes back, what to give
back to the customer (station.services.pickup_undo)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from station.i18n import N_, tr
from station.models import LedgerEntry
from station.services import ledger

if TYPE_CHECKING:
    from station.services.pickup_undo import UndoneParcel

METHOD_NAMES = {
    "cash": N_("in cash"),
    "wechat": N_("by WeChat Pay"),
    "alipay": N_("by Alipay"),
    "card": N_("to the card"),
}


def notes(
    back: list[UndoneParcel],
    refund: int,
    method: str | None,
    entries: list[LedgerEntry],
    day: Any,  # noqa: ANN401 - a date, or a string from SQLite
) -> list[str]:
    out: list[str] = []
    for b in back:
        if b.code_changed:
            out.append(
                tr(
                    "{tracking}: its old code went to another parcel. Put it on {slot} with "
                    "the new code {code}: print a new sticker and tell the recipient.",
                    tracking=b.tracking,
                    slot=b.slot,
                    code=b.pickup_code,
                )
            )
        elif b.slot_changed:
            out.append(
                tr(
                    "{tracking}: its shelf was removed. Put it on {slot} (code {code} stays).",
                    tracking=b.tracking,
                    slot=b.slot,
                    code=b.pickup_code,
                )
            )
        else:
            out.append(
                tr(
                    "Put {tracking} back on {slot} (code {code}).",
                    tracking=b.tracking,
                    slot=b.slot,
                    code=b.pickup_code,
                )
            )
        if b.over_capacity:
            out.append(
                tr(
                    "{slot} was already full: it now holds one parcel more than it should. "
                    "Move one to another slot if it does not fit.",
                    slot=b.slot,
                )
            )
    if refund:
        out.append(
            tr(
                "Give {amount} back to the customer {method}.",
                amount=ledger.format_due(refund),
                method=tr(METHOD_NAMES.get(method or "cash", method or "")),
            )
        )
        if entries and str(day) != str(entries[0].day):
            out.append(
                tr(
                    "Day {closed} is already closed: the refund counts on {day}.",
                    closed=str(entries[0].day),
                    day=str(day),
                )
            )
    return out
