"""Finding sends again: by id or waybill number, lists with filters, and the sends waiting
for a carrier's courier."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from station import clock
from station.audit import Actor
from station.domain.carriers import normalize_tracking
from station.errors import InvalidInput, NotFound
from station.i18n import tr
from station.models_sends import CREATED, Send
from station.services.sends_views import SendView, send_view, send_views


def send_row(ref: int | str) -> Send:
    """A send by id or by waybill number."""
    text = str(ref).strip()
    row = None
    if text.isdigit() and len(text) < 10:
        row = Send.get_or_none(Send.id == int(text))
    if row is None:
        row = Send.get_or_none(Send.waybill_no == _as_waybill(text))
    if row is None:
        raise NotFound(
            tr("No send with waybill {ref}. Check the number.", ref=text), code="not_found"
        )
    return row


def get_send(actor: Actor | None, ref: int | str) -> SendView:
    return send_view(send_row(ref), actor)


@dataclass(frozen=True)
class SendFilter:
    status: str | None = None
    carrier: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    query: str = ""
    sender_id: int | None = None
    limit: int = 200
    offset: int = 0


def list_sends(actor: Actor | None, filters: SendFilter | None = None) -> list[SendView]:
    """Newest first. `query`: a waybill number, the last 4 phone digits, or part of a name."""
    f = filters or SendFilter()
    query = Send.select()
    if f.status:
        query = query.where(Send.status == f.status)
    if f.carrier:
        query = query.where(Send.carrier == f.carrier.strip().upper())
    if f.date_from:
        query = query.where(Send.created_at >= clock.day_bounds(f.date_from)[0])
    if f.date_to:
        query = query.where(Send.created_at < clock.day_bounds(f.date_to)[1])
    if f.sender_id is not None:
        query = query.where(Send.sender == f.sender_id)
    text = " ".join((f.query or "").split())
    if text:
        if text.isdigit() and len(text) == 4:
            query = query.where(Send.recipient_last4 == text)
        else:
            query = query.where(
                (Send.waybill_no == _as_waybill(text))
                | Send.recipient_name.contains(text)
                | Send.sender_name.contains(text)
            )
    limit = max(1, min(int(f.limit), 1000))
    rows = list(query.order_by(Send.id.desc()).limit(limit).offset(max(0, int(f.offset))))
    return send_views(rows, actor)


def pending_for_handover(carrier_code: str) -> list[SendView]:
    """Sends taken for a carrier and waiting for its courier, oldest first."""
    rows = list(
        Send.select()
        .where(Send.status == CREATED, Send.carrier == carrier_code.strip().upper())
        .order_by(Send.id)
    )
    return send_views(rows, None)


def _as_waybill(text: str) -> str:
    """The text as a waybill number, or "" when it cannot be one (a name, say)."""
    try:
        return normalize_tracking(text)
    except InvalidInput:
        return ""
