"""Frozen views handed to the UI and CLI: never a live peewee model."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from station import clock
from station.audit import Actor
from station.domain.phone import Phone, mask_full
from station.models import ACTIVE_STATUSES, Parcel


@dataclass(frozen=True)
class ParcelView:
    id: int
    tracking: str
    carrier: str
    status: str
    pickup_code: str | None
    slot: str | None
    recipient_name: str
    recipient_phone: str
    weight_g: int | None
    size: str
    cod_fen: int
    received_at: str | None
    picked_up_at: str | None
    returned_at: str | None
    days_on_shelf: int
    damaged: bool
    damage_note: str
    id_check: bool
    consent_basis: str
    storage_fee_fen: int = 0
    # Privacy waybills: is the recipient's own number known, and the number as the label
    # shows it (masked, e.g. 170****5678-8462) when the label hides it.
    phone_known: bool = True
    phone_label: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def shown_phone(parcel: Parcel, actor: Actor | None) -> str:
    """Owners see the full number when it is known; everybody else the masked form. On a
    privacy waybill the extension belongs to the label's virtual number, not to the
    recipient's own number (once recorded); until then the label is shown as printed."""
    label = parcel.phone_label
    ext = None if label else parcel.phone_ext
    owner = actor is not None and actor.is_owner
    if parcel.recipient_phone and owner:
        number = parcel.recipient_phone
        return f"{number}-{ext}" if ext else number
    if parcel.recipient_phone:
        masked = mask_full(parcel.recipient_phone)
        return f"{masked}-{ext}" if ext else masked
    virtual = parcel.phone_virtual
    if virtual and owner:
        return f"{virtual}-{parcel.phone_ext}" if parcel.phone_ext else virtual
    if label:
        return label
    return Phone(full=None, last4=parcel.phone_last4, ext=parcel.phone_ext).masked


def storage_fee(days: int) -> int:
    """The storage fee (fen) for a parcel `days` on the shelf, under the station's terms."""
    from station.services import settings

    per_day = int(settings.get("storage_fee_per_day_fen") or 0)
    if per_day <= 0:
        return 0
    fee = max(0, days - int(settings.get("storage_free_days") or 0)) * per_day
    cap = int(settings.get("storage_fee_cap_fen") or 0)
    return min(fee, cap) if cap > 0 else fee


def days_on_shelf(parcel: Parcel) -> int:
    end = parcel.left_at or clock.now()
    return max(0, (clock.local_day(end) - clock.local_day(parcel.received_at)).days)


def parcel_view(parcel: Parcel, actor: Actor | None, slot_label: str | None = None) -> ParcelView:
    if slot_label is None and parcel.slot_id is not None:
        slot = parcel.slot
        slot_label = slot.label if slot is not None else None
    days = days_on_shelf(parcel)
    return ParcelView(
        id=parcel.id,
        tracking=parcel.tracking,
        carrier=parcel.carrier_id,
        status=parcel.status,
        pickup_code=parcel.pickup_code,
        slot=slot_label if parcel.status in ACTIVE_STATUSES else slot_label,
        recipient_name=parcel.recipient_name,
        recipient_phone=shown_phone(parcel, actor),
        weight_g=parcel.weight_g,
        size=parcel.size,
        cod_fen=parcel.cod_fen,
        received_at=clock.iso(parcel.received_at),
        picked_up_at=clock.iso(parcel.picked_up_at),
        returned_at=clock.iso(parcel.returned_at),
        days_on_shelf=days,
        damaged=parcel.damaged,
        damage_note=parcel.damage_note,
        id_check=parcel.id_check,
        consent_basis=parcel.consent_basis,
        storage_fee_fen=storage_fee(days) if parcel.left_at is None else 0,
        phone_known=bool(parcel.recipient_phone),
        phone_label=parcel.phone_label,
    )


def snapshot(parcel: Parcel) -> dict[str, Any]:
    """Audit before/after: what changed, never a full phone or ID."""
    return {
        "tracking": parcel.tracking,
        "status": parcel.status,
        "slot": parcel.slot_id,
        "pickup_code": parcel.pickup_code,
        "cod_fen": parcel.cod_fen,
    }
