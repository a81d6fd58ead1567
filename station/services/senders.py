"""Real-name senders (实名寄递) and their address books.

The ID is checked once, when a sender first sends: the station keeps its type, a masked form
and a keyed hash, never the number. A repeat sender is found again by phone, name or by
showing the same ID (matched through the hash), and sends without a new check.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from peewee import fn

from station import clock
from station.audit import Actor, unit_of_work
from station.domain import regions
from station.domain.ids import id_hash, mask_id, validate_id
from station.domain.phone import is_last4, mask_full, parse_phone
from station.domain.text import clean_text
from station.errors import Conflict, InvalidInput, NotFound
from station.i18n import N_, tr
from station.models import Staff
from station.models_sends import ADDRESS_KINDS, Send, Sender, SenderAddress
from station.services import settings
from station.services.sends_handover import rows as tuple_rows


@dataclass(frozen=True)
class SenderRequest:
    name: str
    phone: str
    id_type: str
    id_number: str


@dataclass(frozen=True)
class SenderView:
    id: int
    name: str
    phone: str  # masked unless the viewer is the owner
    id_type: str
    id_masked: str
    verified_at: str | None
    verified_by: str
    sends: int = 0

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class AddressInput:
    kind: str
    name: str
    phone: str
    province: str
    city: str
    district: str = ""
    detail: str = ""
    label: str = ""


@dataclass(frozen=True)
class AddressEntry:
    id: int
    sender_id: int
    kind: str
    label: str
    name: str
    phone: str  # masked unless the viewer is the owner
    province: str
    city: str
    district: str
    detail: str
    uses: int
    last_used_at: str | None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def shown(phone: str, actor: Actor | None) -> str:
    return phone if actor is not None and actor.is_owner else mask_full(phone)


def mobile(text: str | None, whose: str) -> str:
    """A full phone number (a send cannot go to a masked one), or InvalidInput(bad_phone)."""
    try:
        phone = parse_phone(text or "")
    except InvalidInput as exc:
        raise InvalidInput(exc.message, code="bad_phone", field=whose) from exc
    if phone.full is None or phone.ext:
        raise InvalidInput(
            tr(
                "The {whose}'s phone must be a full number the courier can call, not a "
                "masked or virtual one. Ask for the whole number.",
                whose=tr(whose),
            ),
            code="bad_phone",
            field=whose,
        )
    return phone.full


def _view(row: Sender, actor: Actor | None, sends: int | None = None) -> SenderView:
    staff = Staff.get_or_none(Staff.id == row.verified_by_id)
    if sends is None:
        sends = Send.select().where(Send.sender == row.id).count()
    return SenderView(
        row.id,
        row.name,
        shown(row.phone, actor),
        row.id_type,
        row.id_masked,
        clock.iso(row.verified_at),
        staff.name if staff else "",
        sends,
    )


def _norm(name: str) -> str:
    return "".join(name.split()).casefold()


def checked_sender(request: SenderRequest) -> tuple[str, str, str, str, str]:
    """Everything checked before a write: (name, phone, id_type, masked, hash)."""
    name = clean_text(request.name, field=N_("Sender name"), max_len=40, required=True)
    phone = mobile(request.phone, N_("sender"))
    id_type = request.id_type or "resident_id"
    try:
        number = validate_id(id_type, request.id_number)
    except InvalidInput as exc:
        raise InvalidInput(exc.message, code="invalid_id") from exc
    return name, phone, id_type, mask_id(number), id_hash(settings.id_hash_key(), id_type, number)


def ensure_sender(actor: Actor, request: SenderRequest, change: Any) -> Sender:
    """Inside the caller's unit of work: the sender with this ID, registered now if new."""
    name, phone, id_type, masked, digest = checked_sender(request)
    row = Sender.get_or_none(Sender.id_hash == digest)
    if row is not None:
        if _norm(row.name) != _norm(name):
            raise Conflict(
                tr(
                    "This ID was registered to {registered}, not {name}. Check the name on "
                    "the ID card.",
                    registered=row.name,
                    name=name,
                ),
                code="sender_name_mismatch",
            )
        if row.phone != phone:
            Sender.update(phone=phone, phone_last4=phone[-4:]).where(Sender.id == row.id).execute()
            change.track("sender", row.id)
            row = Sender.get_by_id(row.id)
        return row
    row = Sender.create(
        name=name,
        phone=phone,
        phone_last4=phone[-4:],
        id_type=id_type,
        id_masked=masked,
        id_hash=digest,
        verified_at=clock.now(),
        verified_by=actor.staff_id,
    )
    change.track("sender", row.id)
    return row


def register_sender(actor: Actor, request: SenderRequest) -> SenderView:
    checked_sender(request)  # refuse bad input before the unit of work opens
    with unit_of_work(actor, "sender.register", "sender") as change:
        row = ensure_sender(actor, request, change)
        change.entity_id = str(row.id)
        change.after = {"sender": row.id, "id_type": row.id_type, "id_masked": row.id_masked}
    return _view(row, actor)


def get_sender(actor: Actor | None, sender_id: int) -> SenderView:
    return _view(sender_row(sender_id), actor)


def sender_row(sender_id: int) -> Sender:
    row = Sender.get_or_none(Sender.id == sender_id)
    if row is None:
        raise NotFound(
            tr("No sender {sender_id}. Look the sender up again.", sender_id=sender_id),
            code="not_found",
        )
    return row


def find_senders(actor: Actor | None, query: str, limit: int = 20) -> list[SenderView]:
    """By full phone number, last 4 digits, or (part of) the name."""
    text = " ".join((query or "").split())
    if not text:
        return []
    if is_last4(text):
        where = Sender.phone_last4 == text
    else:
        try:
            full = parse_phone(text).full
        except InvalidInput:
            full = None
        where = (Sender.phone == full) if full else Sender.name.contains(text)
    rows = list(Sender.select().where(where).order_by(Sender.id.desc()).limit(limit))
    grouped = (
        Send.select(Send.sender, fn.COUNT(Send.id))
        .where(Send.sender.in_([r.id for r in rows] or [0]))
        .group_by(Send.sender)
    )
    counts: dict[int, int] = {sender: int(n) for sender, n in tuple_rows(grouped)}
    return [_view(r, actor, int(counts.get(r.id, 0))) for r in rows]


def find_sender_by_id(actor: Actor | None, id_type: str, id_number: str) -> SenderView | None:
    try:
        number = validate_id(id_type, id_number)
    except InvalidInput as exc:
        raise InvalidInput(exc.message, code="invalid_id") from exc
    row = Sender.get_or_none(Sender.id_hash == id_hash(settings.id_hash_key(), id_type, number))
    return _view(row, actor) if row else None


# -- address book -----------------------------------------------------------------------------


def _entry(row: SenderAddress, actor: Actor | None) -> AddressEntry:
    return AddressEntry(
        row.id,
        row.sender_id,
        row.kind,
        row.label,
        row.name,
        shown(row.phone, actor),
        row.province,
        row.city,
        row.district,
        row.detail,
        row.uses,
        clock.iso(row.last_used_at),
    )


def checked_address(entry: AddressInput) -> dict[str, Any]:
    if entry.kind not in ADDRESS_KINDS:
        raise InvalidInput(
            tr("Address kind must be one of: {kinds}.", kinds=", ".join(ADDRESS_KINDS))
        )
    region = regions.resolve(entry.province, entry.city, entry.district)
    recipient = entry.kind == "recipient"
    return {
        "kind": entry.kind,
        "label": clean_text(entry.label, field=N_("Label"), max_len=40),
        "name": clean_text(
            entry.name,
            field=N_("Recipient name") if recipient else N_("Sender name"),
            max_len=40,
            required=True,
        ),
        "phone": mobile(entry.phone, N_("recipient") if recipient else N_("sender")),
        "province": region.province,
        "city": region.city,
        "district": region.district,
        "detail": clean_text(entry.detail, field=N_("Street address"), max_len=200, required=True),
    }


def remember(sender_id: int, values: dict[str, Any], change: Any) -> SenderAddress:
    """Inside the caller's unit of work: add the entry, or count one more use of it."""
    same = SenderAddress.get_or_none(
        *(getattr(SenderAddress, k) == values[k] for k in values if k != "label"),
        SenderAddress.sender == sender_id,
    )
    now = clock.now()
    if same is not None:
        SenderAddress.update(uses=SenderAddress.uses + 1, last_used_at=now).where(
            SenderAddress.id == same.id
        ).execute()
        change.track("sender_address", same.id)
        same.uses += 1
        same.last_used_at = now
        return same
    row = SenderAddress.create(sender=sender_id, last_used_at=now, uses=1, **values)
    change.track("sender_address", row.id)
    return row


def save_address(actor: Actor, sender_id: int, entry: AddressInput) -> AddressEntry:
    values = checked_address(entry)
    with unit_of_work(actor, "sender.address", "sender", sender_id) as change:
        sender_row(sender_id)
        row = remember(sender_id, values, change)
        change.after = {"address": row.id, "kind": row.kind, "city": row.city}
    return _entry(row, actor)


def list_addresses(
    actor: Actor | None, sender_id: int, kind: str | None = None
) -> list[AddressEntry]:
    query = SenderAddress.select().where(SenderAddress.sender == sender_id)
    if kind:
        query = query.where(SenderAddress.kind == kind)
    query = query.order_by(SenderAddress.uses.desc(), SenderAddress.last_used_at.desc())
    return [_entry(r, actor) for r in query]


def address_row(address_id: int, sender_id: int | None = None) -> SenderAddress:
    row = SenderAddress.get_or_none(SenderAddress.id == address_id)
    if row is None or (sender_id is not None and row.sender_id != sender_id):
        raise NotFound(
            tr("Address book entry {address_id} is not this sender's.", address_id=address_id),
            code="not_found",
        )
    return row


def remove_address(actor: Actor, address_id: int) -> None:
    with unit_of_work(actor, "sender.address_remove", "sender_address", address_id) as change:
        row = address_row(address_id)
        change.before = {"sender": row.sender_id, "kind": row.kind, "city": row.city}
        change.track("sender_address", row.id)
        row.delete_instance()
