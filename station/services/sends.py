"""Outgoing sends (寄件) at the counter: a real-name sender, a recipient address, contents that
pass the prohibited-items check, a price from the carrier's rate card, payment into the ledger.

create_send is one unit of work and one audit event ("send.create"): the sender (registered
on first use), the address book, the send and its ledger entry (kind "send") commit together
or not at all. void_send books a reversal; a send handed to the courier can no longer be voided.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from station import clock
from station.audit import Actor, unit_of_work
from station.domain import prohibited
from station.domain.carriers import normalize_tracking
from station.domain.text import clean_text
from station.errors import Conflict, InvalidInput, NotAllowed
from station.i18n import N_, tr
from station.models import LedgerEntry
from station.models_sends import CREATED, VOIDED, Send
from station.services import ledger, senders, settings
from station.services.senders import SenderRequest
from station.services.sends_lookup import (
    SendFilter,
    get_send,
    list_sends,
    pending_for_handover,
    send_row,
)
from station.services.sends_quote import Quote, QuoteRequest, quote
from station.services.sends_views import SendView, send_view

__all__ = [
    "Quote",
    "QuoteRequest",
    "SendFilter",
    "SendRequest",
    "SendResult",
    "SendView",
    "create_send",
    "get_send",
    "list_sends",
    "pending_for_handover",
    "quote",
    "void_send",
]


@dataclass(frozen=True)
class SendRequest:
    carrier: str
    sender_id: int | None = None
    sender: SenderRequest | None = None
    recipient_name: str = ""
    recipient_phone: str = ""
    province: str = ""
    city: str = ""
    district: str = ""
    detail: str = ""
    recipient_address_id: int | None = None
    sender_address_id: int | None = None
    contents_category: str = ""
    contents_note: str = ""
    declared_value_fen: int = 0
    insured: bool = False
    weight_g: int = 0
    length_cm: int = 0
    width_cm: int = 0
    height_cm: int = 0
    method: str | None = None
    tendered_fen: int | None = None
    waybill_no: str | None = None
    expected_total_fen: int | None = None
    save_address: bool = True


@dataclass(frozen=True)
class SendResult:
    send: SendView
    paid_fen: int
    tendered_fen: int
    change_fen: int
    receipt_no: str
    quote: Quote | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "send": self.send.to_json(),
            "paid_fen": self.paid_fen,
            "tendered_fen": self.tendered_fen,
            "change_fen": self.change_fen,
            "receipt_no": self.receipt_no,
            **self.extra,
        }


def _payment(method: str | None, tendered: int | None, due: int) -> tuple[str, int, int]:
    """→ (method, tendered, change)."""
    choose = tr(
        "{due} to pay for the send: choose cash, WeChat Pay, Alipay or card.",
        due=ledger.format_due(due),
    )
    chosen, given, change = ledger.check_payment(method, tendered, due, choose)
    return chosen or "", given, change


def _recipient(request: SendRequest, sender_id: int | None) -> dict[str, Any]:
    """The recipient's checked fields, from the request or the sender's address book."""
    if request.recipient_address_id is not None:
        row = senders.address_row(request.recipient_address_id, sender_id)
        base = senders.AddressInput(
            "recipient", row.name, row.phone, row.province, row.city, row.district, row.detail
        )
        # Anything typed on top of the entry wins (a new street, another phone).
        typed = {
            k: getattr(request, k)
            for k in ("province", "city", "district", "detail")
            if getattr(request, k)
        }
        if request.recipient_name:
            typed["name"] = request.recipient_name
        if request.recipient_phone:
            typed["phone"] = request.recipient_phone
        return senders.checked_address(replace(base, **typed))
    return senders.checked_address(
        senders.AddressInput(
            "recipient",
            request.recipient_name,
            request.recipient_phone,
            request.province,
            request.city,
            request.district,
            request.detail,
        )
    )


def _sender_address(request: SendRequest, sender_id: int | None) -> str:
    if request.sender_address_id is not None:
        row = senders.address_row(request.sender_address_id, sender_id)
        city = row.city if row.city != row.province else ""
        return f"{row.province}{city}{row.district}{row.detail}"
    # A sender without an address of their own: the station is the return address.
    return f"{settings.get('station_name')} {settings.get('station_address') or ''}".strip()


def _waybill_no(request: SendRequest, carrier: str, seq: int) -> str:
    if request.waybill_no:
        number = normalize_tracking(request.waybill_no)
        if Send.select().where(Send.waybill_no == number).exists():
            raise Conflict(
                tr(
                    "Waybill {waybill} is already used by another send. Take a new waybill.",
                    waybill=number,
                ),
                code="duplicate",
            )
        from station.services.sends_docs import check_printable

        check_printable(number)
        return number
    # Two letters and 13 digits (like SF numbers): short enough for the stub's barcode.
    return f"{carrier[:2]}{clock.local_day():%y%m%d}{seq:07d}"


def create_send(actor: Actor, request: SendRequest) -> SendResult:
    """Take one send: everything is checked before the unit of work opens, so bad input
    writes nothing."""
    category = prohibited.check(request.contents_category, request.contents_note)
    note = clean_text(request.contents_note, field=N_("Contents"), max_len=100)
    if request.sender_id is None and request.sender is None:
        raise InvalidInput(
            tr("Check the sender's ID first (real-name sending), or choose a known sender."),
            code="sender_required",
        )
    if request.sender_id is not None:
        senders.sender_row(request.sender_id)
    else:
        assert request.sender is not None
        senders.checked_sender(request.sender)
    recipient = _recipient(request, request.sender_id)
    price = quote(
        QuoteRequest(
            carrier=request.carrier,
            province=recipient["province"],
            city=recipient["city"],
            district=recipient["district"],
            weight_g=request.weight_g,
            length_cm=request.length_cm,
            width_cm=request.width_cm,
            height_cm=request.height_cm,
            declared_value_fen=request.declared_value_fen,
            insured=request.insured,
        )
    )
    if request.expected_total_fen is not None and request.expected_total_fen != price.total_fen:
        raise Conflict(
            tr(
                "The price is now {now}, not {shown}: show the new price to the sender and "
                "take the send again.",
                now=ledger.format_due(price.total_fen),
                shown=ledger.format_due(request.expected_total_fen),
            ),
            code="price_changed",
        )
    method, tendered, change_fen = _payment(request.method, request.tendered_fen, price.total_fen)

    with unit_of_work(actor, "send.create", "send") as change:
        if request.sender_id is not None:
            sender = senders.sender_row(request.sender_id)
        else:
            assert request.sender is not None
            sender = senders.ensure_sender(actor, request.sender, change)
        sender_address = _sender_address(request, sender.id)
        waybill = _waybill_no(request, price.carrier, change.seq)
        now = clock.now()
        receipt_no = f"S{clock.local_day(now):%Y%m%d}-{change.seq:06d}"
        entry = None
        if price.total_fen:
            entry = ledger.book(
                actor,
                kind="send",
                method=method,
                amount_fen=price.total_fen,
                reason=f"send {waybill}",
            )
            change.track("ledger_entry", entry.id)
        row = Send.create(
            waybill_no=waybill,
            carrier=price.carrier,
            status=CREATED,
            sender=sender.id,
            sender_name=sender.name,
            sender_phone=sender.phone,
            sender_address=sender_address[:300],
            recipient_name=recipient["name"],
            recipient_phone=recipient["phone"],
            recipient_last4=recipient["phone"][-4:],
            province=price.province,
            city=price.city,
            district=price.district,
            detail=recipient["detail"],
            contents_category=category.key,
            contents_note=note,
            declared_value_fen=price.declared_value_fen,
            insured=price.insured,
            weight_g=price.weight_g,
            length_cm=request.length_cm,
            width_cm=request.width_cm,
            height_cm=request.height_cm,
            volumetric_weight_g=price.volumetric_weight_g,
            chargeable_weight_g=price.chargeable_weight_g,
            zone=price.zone,
            freight_fen=price.freight_fen,
            insurance_fen=price.insurance_fen,
            total_fen=price.total_fen,
            method=method,
            tendered_fen=tendered,
            change_fen=change_fen,
            receipt_no=receipt_no,
            payment=entry.id if entry else None,
            counter=actor.counter,
            created_at=now,
            created_by=actor.staff_id,
        )
        change.track("send", row.id)
        if request.save_address:
            senders.remember(sender.id, recipient, change)
        change.entity_id = waybill
        change.after = {
            "waybill_no": waybill,
            "carrier": price.carrier,
            "sender": sender.id,
            "id_masked": sender.id_masked,
            "destination": f"{price.province}{price.city}",
            "zone": price.zone,
            "chargeable_weight_g": price.chargeable_weight_g,
            "freight_fen": price.freight_fen,
            "insurance_fen": price.insurance_fen,
            "total_fen": price.total_fen,
            "method": method,
        }
    view = send_view(row, actor)  # the row as written: no second read
    return SendResult(view, price.total_fen, tendered, change_fen, receipt_no, price)


def void_send(actor: Actor, ref: int | str, reason: str) -> SendView:
    """Cancel a send before the courier has it: the owner any time, the clerk who took it on
    the same day. The payment is reversed in the ledger (on the open day)."""
    reason = clean_text(reason, field=N_("Reason"), max_len=200, required=True)
    row = send_row(ref)
    _check_voidable(actor, row)
    with unit_of_work(actor, "send.void", "send", row.waybill_no) as change:
        row = Send.get_by_id(row.id)
        _check_voidable(actor, row)
        now = clock.now()
        reversal_id = None
        if row.payment_id is not None:
            existing = LedgerEntry.get_or_none(LedgerEntry.reverses == row.payment_id)
            if existing is None:
                paid = LedgerEntry.get_by_id(row.payment_id)
                existing = LedgerEntry.create(
                    at=now,
                    day=ledger.open_day(),
                    kind="reversal",
                    method=paid.method,
                    amount_fen=-paid.amount_fen,
                    reverses=paid.id,
                    reason=f"void send {row.waybill_no}: {reason}"[:200],
                    staff=actor.staff_id,
                )
                change.track("ledger_entry", existing.id)
            reversal_id = existing.id
        n = (
            Send.update(
                status=VOIDED,
                voided_at=now,
                voided_by=actor.staff_id,
                void_reason=reason,
                reversal=reversal_id,
            )
            .where(Send.id == row.id, Send.status == CREATED)
            .execute()
        )
        if n != 1:
            raise Conflict(
                tr(
                    "{waybill} changed at another counter; look it up again.",
                    waybill=row.waybill_no,
                )
            )
        change.track("send", row.id)
        change.before = {"status": row.status, "total_fen": row.total_fen}
        change.after = {"status": VOIDED, "reason": reason, "reversal": reversal_id}
    return send_view(Send.get_by_id(row.id), actor)


def _check_voidable(actor: Actor, row: Send) -> None:
    if row.status == VOIDED:
        raise Conflict(
            tr("{waybill} is already voided.", waybill=row.waybill_no), code="already_voided"
        )
    if row.status != CREATED:
        raise Conflict(
            tr(
                "{waybill} has been handed to the courier and can no longer be voided. Ask "
                "the carrier to intercept it.",
                waybill=row.waybill_no,
            ),
            code="already_handed_over",
        )
    if actor.is_owner:
        return
    if row.created_by_id != actor.staff_id or clock.local_day(row.created_at) != clock.local_day():
        raise NotAllowed(
            tr(
                "Only the owner, or the clerk who took it today, can void a send. Ask the "
                "owner to log in."
            ),
            code="not_allowed",
        )
