"""Intake (入库): a scanned parcel gets a slot, a pickup code and a history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from station import clock
from station.audit import Actor, unit_of_work
from station.domain.carriers import normalize_tracking
from station.domain.phone import parse_phone
from station.domain.sizes import parse_size
from station.domain.text import clean_text
from station.errors import Duplicate, InvalidInput, NotAllowed, NotFound
from station.models import (
    ACTIVE_STATUSES,
    MISSING,
    CodeReservation,
    ON_SHELF,
    ManifestEntry,
    Parcel,
    ParcelEvent,
    Recipient,
)
from station.services import carriers, settings, shelves
from station.services.views import ParcelView, parcel_view, snapshot

CONSENT_BASES = ("manifest", "phone_call", "standing", "carrier")
MAX_WEIGHT_G = 100_000
MAX_COD_FEN = 10_000_000


@dataclass(frozen=True)
class IntakeRequest:
    tracking: str
    phone: str | None = None
    name: str | None = None
    carrier: str | None = None
    weight_g: int | None = None
    size: str | None = None
    cod_fen: int | None = None
    damaged_note: str | None = None
    id_check: bool = False
    consent_basis: str | None = None
    slot: str | None = None


@dataclass(frozen=True)
class Precheck:
    """What the intake screen shows right after a scan, before anything is written."""

    tracking: str
    on_shelf: ParcelView | None
    manifest_name: str
    manifest_phone_masked: str
    manifest_cod_fen: int
    manifest_carrier: str | None
    carrier_guess: list[str]
    door_delivery: bool


def precheck(actor: Actor, raw_tracking: str) -> Precheck:
    tracking = normalize_tracking(raw_tracking)
    active = _active(tracking)
    entry = _manifest_entry(tracking)
    door = False
    masked = ""
    if entry is not None and (entry.phone or entry.phone_last4):
        from station.domain.phone import Phone

        phone = Phone(full=entry.phone, last4=entry.phone_last4, ext=entry.phone_ext)
        masked = phone.masked
        door = _door_delivery(entry.phone)
    return Precheck(
        tracking=tracking,
        on_shelf=parcel_view(active, actor) if active else None,
        manifest_name=entry.name if entry else "",
        manifest_phone_masked=masked,
        manifest_cod_fen=entry.cod_fen if entry else 0,
        manifest_carrier=entry.carrier_id if entry else None,
        carrier_guess=carriers.guess(tracking),
        door_delivery=door,
    )


def _active(tracking: str) -> Parcel | None:
    return Parcel.get_or_none(
        (Parcel.tracking == tracking) & (Parcel.status.in_(ACTIVE_STATUSES))
    )


def _manifest_entry(tracking: str) -> ManifestEntry | None:
    return (
        ManifestEntry.select()
        .where(ManifestEntry.tracking == tracking)
        .order_by(ManifestEntry.id.desc())
        .first()
    )


def _door_delivery(phone: str | None) -> bool:
    if not phone:
        return False
    recipient = Recipient.get_or_none(Recipient.phone == phone)
    return bool(recipient and recipient.door_delivery)


def _check_numbers(request: IntakeRequest) -> None:
    if request.weight_g is not None and not 1 <= request.weight_g <= MAX_WEIGHT_G:
        raise InvalidInput(
            f"Weight {request.weight_g} g is not believable: it must be 1 g to 100 kg. "
            "Check the scale or type the weight again."
        )
    if request.cod_fen is not None and not 0 <= request.cod_fen <= MAX_COD_FEN:
        raise InvalidInput("A cash-on-delivery amount must be between 0 and 100,000 yuan.")


def intake(actor: Actor, request: IntakeRequest) -> ParcelView:
    tracking = normalize_tracking(request.tracking)
    _check_numbers(request)
    size = parse_size(request.size)
    entry = _manifest_entry(tracking)

    phone_text = request.phone or (entry.phone if entry else None)
    if phone_text:
        phone = parse_phone(phone_text)
    elif entry is not None and entry.phone_last4:
        from station.domain.phone import Phone

        phone = Phone(full=None, last4=entry.phone_last4, ext=entry.phone_ext)
    else:
        raise InvalidInput(
            "This number is not in a loaded manifest: type the recipient's phone number "
            "(or the last 4 digits and extension shown on a privacy label).",
            code="phone_required",
        )
    name = clean_text(
        request.name if request.name is not None else (entry.name if entry else ""),
        field="Name", max_len=40,
    )
    if request.carrier:
        carrier = carriers.get(request.carrier)
    elif entry is not None:
        carrier = entry.carrier
    else:
        guesses = carriers.guess(tracking)
        carrier = carriers.get(guesses[0] if guesses else "OTHER")
    cod_fen = request.cod_fen if request.cod_fen is not None else (entry.cod_fen if entry else 0)
    damaged_note = clean_text(request.damaged_note, field="Damage note", max_len=200)

    consent = request.consent_basis
    if consent is None:
        if entry is not None and entry.consent:
            consent = "manifest"
        else:
            recipient = Recipient.get_or_none(Recipient.phone == phone.full) if phone.full else None
            consent = "standing" if recipient and recipient.standing_consent else "carrier"
    if consent not in CONSENT_BASES:
        raise InvalidInput(f"Consent basis must be one of: {', '.join(CONSENT_BASES)}.")
    if _door_delivery(phone.full) and consent != "phone_call":
        raise NotAllowed(
            "This recipient asked for door delivery. Call them for consent (then record "
            "'phone call' as consent) or give the parcel back to the courier.",
            code="door_delivery",
        )
    policy = settings.get("id_check_policy")
    id_check = bool(request.id_check or policy == "always" or (policy == "cod" and cod_fen > 0))
    preferred = shelves.slot_by_label(request.slot) if request.slot else None

    with unit_of_work(actor, "parcel.intake", "parcel", tracking) as change:
        existing = _active(tracking)
        if existing is not None:
            where = existing.slot.label if existing.slot_id else "no slot"
            raise Duplicate(
                f"{tracking} is already here ({existing.status}) at {where}, pickup code "
                f"{existing.pickup_code}. Nothing was changed.",
                pickup_code=existing.pickup_code, slot=where, status=existing.status,
            )
        slot = shelves.take_slot(size, preferred)
        now = clock.now()
        parcel = Parcel.create(
            tracking=tracking, carrier=carrier.code, status=ON_SHELF, slot=slot.id, size=size,
            recipient_name=name, recipient_phone=phone.full, phone_last4=phone.last4,
            phone_ext=phone.ext, weight_g=request.weight_g, cod_fen=cod_fen, id_check=id_check,
            damaged=bool(damaged_note), damage_note=damaged_note, consent_basis=consent,
            received_at=now, received_by=actor.staff_id,
        )
        seq, code = shelves.take_code(slot, parcel.id)
        Parcel.update(code_seq=seq, pickup_code=code).where(Parcel.id == parcel.id).execute()
        parcel.code_seq, parcel.pickup_code = seq, code
        change.entity_id = str(parcel.id)
        change.after = snapshot(parcel) | {"carrier": carrier.code, "damaged": bool(damaged_note)}
        change.touch(parcel.id, f"{slot.label} {code}" + (" damaged" if damaged_note else ""))
    return parcel_view(parcel, actor, slot.label)


def undo_intake(actor: Actor, tracking: str) -> ParcelView:
    """Take back a mistaken intake: same clerk (or an owner), within a few minutes."""
    tracking = normalize_tracking(tracking)
    with unit_of_work(actor, "parcel.intake_undo", "parcel", tracking) as change:
        parcel = _active(tracking)
        if parcel is None:
            raise NotFound(f"{tracking} is not on the shelf.")
        limit = timedelta(minutes=int(settings.get("undo_minutes")))
        if not actor.is_owner:
            if parcel.received_by_id != actor.staff_id:
                raise NotAllowed("Only the clerk who took the parcel in (or the owner) can undo it.")
            if clock.now() - parcel.received_at > limit:
                raise NotAllowed("Too late to undo this intake; ask the owner.")
        if parcel.status == MISSING or ParcelEvent.select().where(
            ParcelEvent.parcel == parcel, ParcelEvent.action != "parcel.intake"
        ).exists():
            raise NotAllowed("This parcel has been handled since intake; it cannot be undone.")
        change.entity_id = str(parcel.id)
        change.before = snapshot(parcel)
        view = parcel_view(parcel, actor)
        shelves.release_slot(parcel.slot_id, parcel.size)
        # A message with this code may already be out: let it cool down like any other.
        shelves.release_code(parcel.code_seq)
        CodeReservation.update(parcel=None).where(CodeReservation.seq == parcel.code_seq).execute()
        ParcelEvent.delete().where(ParcelEvent.parcel == parcel).execute()
        parcel.delete_instance()
    return view
