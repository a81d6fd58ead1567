"""Exceptions and complaints (异常件 / 投诉): a ticket per problem, with deadlines.

Acknowledge within minutes, answer a complaint the same (local) day and anything else within
three days; follow-up calls (回访) and status changes are kept as a log on the ticket. A claim
(索赔) is money: only the owner changes it or resolves a ticket that carries one.

The log lives in the ticket's note column: the first line is the note the ticket was opened
with, each further line one JSON object {"at", "by", "event", ...}. `TicketView` hands both
out separately; nothing else should read the column.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from typing import Any

from peewee import JOIN

from station import clock
from station.audit import Actor, unit_of_work
from station.domain.phone import mask_full
from station.domain.text import clean_text
from station.errors import Conflict, InvalidInput, NotFound
from station.i18n import N_, tr
from station.models import Parcel, Staff, Ticket
from station.services.parcels import get_by_tracking

KINDS = ("damaged", "missing", "refused", "wrong_address", "delay", "complaint", "lost")
OPEN, ACKNOWLEDGED, IN_PROGRESS, WAITING, RESOLVED = (
    "open",
    "acknowledged",
    "in_progress",
    "waiting",
    "resolved",
)
STATUSES = (OPEN, ACKNOWLEDGED, IN_PROGRESS, WAITING, RESOLVED)
OUTCOMES = ("reached", "no_answer", "callback", "satisfied", "unsatisfied")
ACK_MINUTES = 5
ANSWER_DAYS = 3
MAX_NOTE = 1000
MAX_CLAIM_FEN = 10_000_000
LIST_LIMIT = 500
_MOBILE = re.compile(r"(?<!\d)1\d{10}(?!\d)")


@dataclass(frozen=True)
class TicketView:
    id: int
    kind: str
    status: str
    tracking: str | None
    note: str
    contact: str
    claim_fen: int
    opened_at: str | None
    opened_by: str
    ack_due: str | None
    answer_due: str | None
    resolved_at: str | None
    resolution: str
    acknowledged: bool
    overdue: bool
    overdue_reason: str | None  # "acknowledge" | "answer" | None
    log: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


# -- the note column: opening note + JSON lines -----------------------------------------------


def _split(note: str) -> tuple[str, list[dict[str, Any]]]:
    first, _, rest = (note or "").partition("\n")
    log: list[dict[str, Any]] = []
    for line in rest.splitlines():
        try:
            item = json.loads(line)
        except ValueError:
            item = {"event": "note", "text": line}
        if isinstance(item, dict):
            log.append(item)
    return first, log


def _append(ticket: Ticket, actor: Actor, event: str, **data: Any) -> str:
    entry = {"at": clock.iso(clock.now()), "by": actor.name, "event": event, **data}
    return (ticket.note or "") + "\n" + json.dumps(entry, ensure_ascii=False, sort_keys=True)


# -- views ------------------------------------------------------------------------------------


def _mask_contact(contact: str, actor: Actor) -> str:
    if actor.is_owner:
        return contact
    return _MOBILE.sub(lambda m: mask_full(m.group(0)), contact)


def _view(
    ticket: Ticket, actor: Actor, tracking: str | None = None, opened_by: str | None = None
) -> TicketView:
    note, log = _split(ticket.note)
    if tracking is None and ticket.parcel_id is not None:
        tracking = Parcel.get_by_id(ticket.parcel_id).tracking
    if opened_by is None:
        staff = Staff.get_or_none(Staff.id == ticket.opened_by_id)
        opened_by = staff.name if staff else ""
    now = clock.now()
    acknowledged = ticket.status != OPEN or any(e.get("event") == "followup" for e in log)
    reason = None
    if ticket.status != RESOLVED:
        if now > ticket.answer_due:
            reason = "answer"
        elif not acknowledged and now > ticket.ack_due:
            reason = "acknowledge"
    return TicketView(
        id=ticket.id,
        kind=ticket.kind,
        status=ticket.status,
        tracking=tracking,
        note=note,
        contact=_mask_contact(ticket.contact, actor),
        claim_fen=ticket.claim_fen,
        opened_at=clock.iso(ticket.opened_at),
        opened_by=opened_by,
        ack_due=clock.iso(ticket.ack_due),
        answer_due=clock.iso(ticket.answer_due),
        resolved_at=clock.iso(ticket.resolved_at),
        resolution=ticket.resolution,
        acknowledged=acknowledged,
        overdue=reason is not None,
        overdue_reason=reason,
        log=log,
    )


def _snapshot(ticket: Ticket) -> dict[str, Any]:
    return {"kind": ticket.kind, "status": ticket.status, "claim_fen": ticket.claim_fen}


def _note(text: str | None, required: bool = True) -> str:
    return clean_text(text, field=N_("Note"), max_len=MAX_NOTE, required=required)


def _claim(claim_fen: int) -> int:
    if isinstance(claim_fen, bool) or not isinstance(claim_fen, int):
        raise InvalidInput(tr("A claim amount is whole fen."))
    if not 0 <= claim_fen <= MAX_CLAIM_FEN:
        raise InvalidInput(tr("A claim must be between 0 and 100,000 yuan."))
    return claim_fen


def _get(ticket_id: int) -> Ticket:
    ticket = Ticket.get_or_none(Ticket.id == ticket_id)
    if ticket is None:
        raise NotFound(
            tr(
                "There is no ticket #{ticket_id}. Check the number in the ticket list.",
                ticket_id=ticket_id,
            )
        )
    return ticket


def answer_due_for(kind: str, opened: Any) -> Any:
    """A complaint is answered by the end of the local day it came in; anything else within
    three days."""
    if kind == "complaint":
        return clock.day_bounds(clock.local_day(opened))[1]
    return opened + timedelta(days=ANSWER_DAYS)


# -- services ---------------------------------------------------------------------------------


def open_ticket(
    actor: Actor,
    kind: str,
    note: str,
    tracking: str | None = None,
    contact: str = "",
    claim_fen: int = 0,
) -> TicketView:
    if kind not in KINDS:
        raise InvalidInput(
            tr(
                "Ticket kind must be one of: {kinds}.",
                kinds=", ".join(KINDS),
            ),
            kind=kind,
        )
    note = _note(note)
    contact = clean_text(contact, field=N_("Contact"), max_len=60)
    claim_fen = _claim(claim_fen)
    with unit_of_work(actor, "ticket.open", "ticket") as change:
        parcel = get_by_tracking(tracking) if tracking else None
        now = clock.now()
        ticket = Ticket.create(
            parcel=parcel.id if parcel else None,
            kind=kind,
            status=OPEN,
            note=note,
            contact=contact,
            claim_fen=claim_fen,
            opened_at=now,
            opened_by=actor.staff_id,
            ack_due=now + timedelta(minutes=ACK_MINUTES),
            answer_due=answer_due_for(kind, now),
        )
        change.entity_id = str(ticket.id)
        change.after = _snapshot(ticket) | {"tracking": parcel.tracking if parcel else None}
        if parcel is not None:
            change.touch(parcel.id, f"ticket #{ticket.id} {kind}")
    return _view(ticket, actor, parcel.tracking if parcel else None, actor.name)


def get_ticket(actor: Actor, ticket_id: int) -> TicketView:
    return _view(_get(ticket_id), actor)


def list_tickets(actor: Actor, include_resolved: bool = False) -> list[TicketView]:
    """Open tickets, most urgent first (overdue ones first); with include_resolved, the
    resolved ones follow, newest first."""
    query = (
        Ticket.select(Ticket, Parcel.tracking, Staff.name)
        # attr= keeps the joined rows off ticket.parcel / ticket.opened_by, whose ids we need
        .join(Parcel, JOIN.LEFT_OUTER, on=(Ticket.parcel == Parcel.id), attr="parcel_row")
        .switch(Ticket)
        .join(Staff, JOIN.LEFT_OUTER, on=(Ticket.opened_by == Staff.id), attr="opener")
    )
    if not include_resolved:
        query = query.where(Ticket.status != RESOLVED)
    views = []
    for t in query.order_by(Ticket.id.desc()).limit(LIST_LIMIT):
        parcel_row, opener = getattr(t, "parcel_row", None), getattr(t, "opener", None)
        tracking = parcel_row.tracking if parcel_row is not None else None
        views.append(_view(t, actor, tracking, opener.name if opener is not None else ""))
    open_views = [v for v in views if v.status != RESOLVED]
    open_views.sort(key=lambda v: (not v.overdue, v.answer_due or "", v.id))
    done = [v for v in views if v.status == RESOLVED]
    return open_views + done


def update_status(actor: Actor, ticket_id: int, status: str, note: str = "") -> TicketView:
    """Move a ticket along (acknowledged, in_progress, waiting). Reopening a resolved ticket
    is for the owner; resolving goes through `resolve`."""
    if status not in STATUSES:
        raise InvalidInput(
            tr(
                "Ticket status must be one of: {statuses}.",
                statuses=", ".join(STATUSES),
            )
        )
    if status == RESOLVED:
        return resolve(actor, ticket_id, note)
    note = _note(note, required=False)
    with unit_of_work(actor, "ticket.status", "ticket", ticket_id) as change:
        ticket = _get(ticket_id)
        if ticket.status == RESOLVED:
            actor.require_owner(N_("reopen a resolved ticket"))
        if ticket.status == status and not note:
            raise Conflict(
                tr(
                    "Ticket #{ticket_id} is already {status}.",
                    ticket_id=ticket_id,
                    status=tr(status),
                )
            )
        change.before = _snapshot(ticket)
        updates: dict[str, Any] = {
            "status": status,
            "note": _append(ticket, actor, "status", status=status, text=note),
        }
        if ticket.status == RESOLVED:
            updates |= {"resolved_at": None, "resolution": ""}
        Ticket.update(**updates).where(Ticket.id == ticket.id).execute()
        change.after = {"status": status, "note": note}
        _touch(change, ticket, f"ticket #{ticket.id} {status}")
    return _view(_get(ticket_id), actor)


def resolve(actor: Actor, ticket_id: int, note: str) -> TicketView:
    note = _note(note)
    with unit_of_work(actor, "ticket.resolve", "ticket", ticket_id) as change:
        ticket = _get(ticket_id)
        if ticket.status == RESOLVED:
            raise Conflict(
                tr(
                    "Ticket #{ticket_id} is already resolved.",
                    ticket_id=ticket_id,
                )
            )
        if ticket.claim_fen > 0:
            actor.require_owner(N_("resolve a ticket with a claim"))
        change.before = _snapshot(ticket)
        Ticket.update(
            status=RESOLVED,
            resolved_at=clock.now(),
            resolution=note,
            note=_append(ticket, actor, "resolved", text=note),
        ).where(Ticket.id == ticket.id).execute()
        change.after = {"status": RESOLVED, "resolution": note}
        _touch(change, ticket, f"ticket #{ticket.id} resolved")
    return _view(_get(ticket_id), actor)


def add_followup(actor: Actor, ticket_id: int, outcome: str, note: str = "") -> TicketView:
    """Record a follow-up call (回访): its outcome and what was said. A follow-up also counts
    as acknowledging the ticket; resolved tickets take follow-ups too."""
    if outcome not in OUTCOMES:
        raise InvalidInput(
            tr(
                "Follow-up outcome must be one of: {outcomes}.",
                outcomes=", ".join(OUTCOMES),
            )
        )
    note = _note(note, required=False)
    with unit_of_work(actor, "ticket.followup", "ticket", ticket_id) as change:
        ticket = _get(ticket_id)
        Ticket.update(note=_append(ticket, actor, "followup", outcome=outcome, text=note)).where(
            Ticket.id == ticket.id
        ).execute()
        change.after = {"outcome": outcome, "note": note}
        _touch(change, ticket, f"ticket #{ticket.id} follow-up: {outcome}")
    return _view(_get(ticket_id), actor)


def set_claim(actor: Actor, ticket_id: int, claim_fen: int, note: str = "") -> TicketView:
    actor.require_owner(N_("change a claim amount"))
    claim_fen = _claim(claim_fen)
    note = _note(note, required=False)
    with unit_of_work(actor, "ticket.claim", "ticket", ticket_id) as change:
        ticket = _get(ticket_id)
        if ticket.status == RESOLVED:
            raise Conflict(
                tr(
                    "Ticket #{ticket_id} is resolved; reopen it to change the claim.",
                    ticket_id=ticket_id,
                )
            )
        change.before = _snapshot(ticket)
        Ticket.update(
            claim_fen=claim_fen,
            note=_append(ticket, actor, "claim", claim_fen=claim_fen, text=note),
        ).where(Ticket.id == ticket.id).execute()
        change.after = {"claim_fen": claim_fen, "note": note}
        change.track("ticket", ticket.id)
    return _view(_get(ticket_id), actor)


def _touch(change: Any, ticket: Ticket, detail: str) -> None:
    change.track("ticket", ticket.id)
    if ticket.parcel_id is not None:
        change.touch(ticket.parcel_id, detail)


def require_kind(kind: str) -> str:
    """For front ends: the kind as stored, or a refusal naming the kinds."""
    kind = (kind or "").strip().lower().replace("-", "_")
    if kind not in KINDS:
        raise InvalidInput(
            tr(
                "Ticket kind must be one of: {kinds}.",
                kinds=", ".join(KINDS),
            ),
            kind=kind,
        )
    return kind
