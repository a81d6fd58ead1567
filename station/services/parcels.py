"""Finding parcels: by pickup code, tracking number, phone (full or last 4), or name."""

from __future__ import annotations

from typing import Any

from peewee import JOIN

from station import clock
from station.audit import Actor
from station.devices.scanner import classify_qr_payload
from station.domain.carriers import normalize_tracking
from station.domain.codes import parse_pickup_code
from station.domain.phone import is_last4, parse_phone
from station.domain.text import normalize_scan
from station.errors import InvalidInput, NotFound, StationError
from station.i18n import tr
from station.models import (
    MISSING,
    ON_SHELF,
    RETURN_PENDING,
    Parcel,
    ParcelEvent,
    Slot,
    active_clause,
)
from station.services.views import ParcelView, parcel_view

COLLECTABLE = (ON_SHELF, RETURN_PENDING)
FIND_LIMIT = 200


def _views(query: Any, actor: Actor) -> list[ParcelView]:
    rows = query.select(Parcel, Slot.label).join(
        Slot, on=(Parcel.slot == Slot.id), join_type=JOIN.LEFT_OUTER
    )
    # Sorted here, not in SQL: an ORDER BY received_at tempts SQLite into walking the whole
    # received_at index backwards instead of using the narrow lookup index.
    found = sorted(rows.limit(FIND_LIMIT * 5), key=lambda p: p.received_at, reverse=True)
    return [parcel_view(p, actor, getattr(p.slot, "label", None)) for p in found[:FIND_LIMIT]]


def find(actor: Actor, text: str, include_all: bool = False) -> list[ParcelView]:
    """Everything that matches, newest first; only parcels still here unless include_all."""
    text = (text or "").strip()
    if not text:
        raise InvalidInput(tr("Type or scan a pickup code, tracking number, phone number or name."))
    if "://" in text or ":" in text[:4]:
        # A QR code from the recipient's phone: our "PS:A-3-0127", or a carrier's pickup link
        # carrying a code or a tracking number.
        kind, value = classify_qr_payload(text)
        if kind in ("pickup_code", "tracking"):
            text = value
    scope = Parcel.select()
    if not include_all:
        scope = scope.where(active_clause())
    code = parse_pickup_code(text)
    if code is not None:
        return _views(scope.where(Parcel.code_seq == code[2]), actor)
    if is_last4(text):
        return _views(scope.where(Parcel.phone_last4 == normalize_scan(text)), actor)
    scanned = normalize_scan(text)
    if scanned.isdigit() and len(scanned) >= 7:
        try:
            phone = parse_phone(text)
        except StationError:
            phone = None
        if phone is not None and phone.full:
            by_phone = _views(scope.where(Parcel.recipient_phone == phone.full), actor)
            if by_phone:
                return by_phone
    if scanned.isalnum() and len(scanned) >= 6:
        try:
            tracking = normalize_tracking(text)
        except StationError:
            tracking = None
        if tracking:
            by_tracking = _views(scope.where(Parcel.tracking == tracking), actor)
            if by_tracking:
                return by_tracking
    name = " ".join(text.split())
    return _views(scope.where(Parcel.recipient_name.contains(name)), actor)


def get_by_tracking(tracking: str, include_all: bool = True) -> Parcel:
    tracking = normalize_tracking(tracking)
    query = Parcel.select().where(Parcel.tracking == tracking)
    active = query.where(active_clause()).first()
    parcel = active or (query.order_by(Parcel.id.desc()).first() if include_all else None)
    if parcel is None:
        raise NotFound(
            tr(
                "No parcel {tracking} at this station.",
                tracking=tracking,
            )
        )
    return parcel


def show(actor: Actor, tracking: str) -> dict[str, Any]:
    """One parcel with its history (newest intake of that number)."""
    parcel = get_by_tracking(tracking)
    data = parcel_view(parcel, actor).to_json()
    pickup = parcel.pickup if parcel.pickup_id else None
    data["receipt_no"] = pickup.receipt_no if pickup is not None else None
    data["events"] = [
        {
            "at": clock.iso(ev.at),
            "action": ev.action,
            "actor": ev.actor,
            "detail": ev.detail,
            "audit_seq": ev.audit_seq,
        }
        for ev in ParcelEvent.select().where(ParcelEvent.parcel == parcel).order_by(ParcelEvent.id)
    ]
    return data


def same_person(parcel: Parcel) -> Any:
    """Parcels still collectable by the owner of `parcel`: same full phone, or the same last 4
    digits and name when only a privacy label was seen."""
    scope = Parcel.select().where(active_clause() & (Parcel.status != MISSING))
    if parcel.recipient_phone:
        return scope.where(Parcel.recipient_phone == parcel.recipient_phone)
    return scope.where(
        (Parcel.phone_last4 == parcel.phone_last4)
        & (Parcel.recipient_name == parcel.recipient_name)
        & (Parcel.recipient_phone.is_null())
    )


def collectable_for(actor: Actor, text: str, name: str | None = None) -> list[list[ParcelView]]:
    """The pickup screen's lookup: groups of parcels, one group per person. Several groups
    means the clerk must ask for a name (last 4 digits shared by different people)."""
    matches = [v for v in find(actor, text) if v.status in COLLECTABLE]
    if name:
        wanted = " ".join(name.split())
        matches = [v for v in matches if wanted in v.recipient_name]
    seen: set[int] = set()
    groups: list[list[ParcelView]] = []
    for view in matches:
        if view.id in seen:
            continue
        group = _views(same_person(Parcel.get_by_id(view.id)), actor)
        seen.update(v.id for v in group)
        groups.append(group)
    return groups
