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
from station.services import lookup_privacy
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
    privacy = lookup_privacy.label_clause(text)  # 170****5678-8462, 5678-8462
    if privacy is not None:
        return _views(scope.where(privacy), actor)
    if is_last4(text):  # the last 4 phone digits, a privacy label's extension or a bare code
        return _with_bare_code(
            scope, text, _views(lookup_privacy.by_digits(scope, text), actor), actor
        )
    scanned = normalize_scan(text)
    by_ext = lookup_privacy.by_digits(scope, text)  # an extension of 1-3 or 5-6 digits
    if by_ext is not None:
        found = _with_bare_code(scope, text, _views(by_ext, actor), actor)
        if found:
            return found
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


def _with_bare_code(
    scope: Any, text: str, found: list[ParcelView], actor: Actor
) -> list[ParcelView]:
    """The number part of a pickup code said without its shelf ("0201" of A-4-0201) names one
    parcel here: it comes first. Parcels whose phone ends in (or whose extension is) the same
    digits stay in the list, so the pickup screen asks for the name when they are someone else's."""
    digits = normalize_scan(text)
    if not (4 <= len(digits) <= 5 and digits.isdigit()) or (len(digits) == 5 and digits[0] == "0"):
        return found
    by_code = _views(scope.where(Parcel.code_seq == int(digits)), actor)
    known = {v.id for v in by_code}
    return by_code + [v for v in found if v.id not in known]


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
        & lookup_privacy.same_label(parcel)
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


def set_phone(actor: Actor, tracking: str, phone: str, reason: str) -> ParcelView:
    """Record (or correct) the recipient's own number after intake: a privacy waybill's
    parcel gets the real phone the recipient gives at the counter, a mistyped number is put
    right. Audited with the old and new number, masked; the label's virtual number and
    extension stay, so the parcel is still found by them."""
    from station.audit import unit_of_work
    from station.domain.phone import mask_full
    from station.domain.text import clean_text
    from station.i18n import N_
    from station.services import outbox
    from station.services.views import shown_phone

    why = clean_text(reason, field=N_("Reason"), max_len=200)
    if not why:
        raise InvalidInput(
            tr("Say why the phone number is recorded or changed (e.g. 'recipient gave it')."),
            code="reason_required",
        )
    new = parse_phone(phone)
    if new.real is None:
        raise InvalidInput(
            tr(
                "{phone} is not the recipient's own full number (a masked or virtual number "
                "from a label). Ask the recipient for their own number and type all of it.",
                phone=new.label,
            ),
            code="phone_required",
        )
    tracking = normalize_tracking(tracking)
    with unit_of_work(actor, "parcel.set_phone", "parcel", tracking) as change:
        parcel = Parcel.select().where(Parcel.tracking == tracking, active_clause()).first()
        if parcel is None:
            raise NotFound(
                tr(
                    "{tracking} is not at the station; only a parcel still here can have its "
                    "phone number changed.",
                    tracking=tracking,
                )
            )
        _check_fits_label(parcel, new.real)
        same_ext = parcel.phone_label or parcel.phone_ext == new.ext
        if parcel.recipient_phone == new.real and same_ext:
            raise InvalidInput(
                tr("{tracking} already has this phone number.", tracking=tracking),
                code="unchanged",
            )
        old_masked = shown_phone(parcel, None)
        old_full = parcel.recipient_phone
        fields: dict[str, Any] = {"recipient_phone": new.real, "phone_last4": new.real[-4:]}
        if not parcel.phone_label:  # a label's extension stays with the label's number
            fields["phone_ext"] = new.ext
        Parcel.update(**fields).where(Parcel.id == parcel.id).execute()
        for key, value in fields.items():
            setattr(parcel, key, value)
        new_masked = shown_phone(parcel, None)
        if old_full and old_full != new.real:
            # A message not yet sent would give the pickup code to the wrong number.
            outbox.cancel_for_parcel(parcel.id, "phone number corrected")
        change.entity_id = str(parcel.id)
        change.before = {"tracking": tracking, "phone": old_masked}
        change.after = {"tracking": tracking, "phone": new_masked, "reason": why}
        change.touch(parcel.id, f"phone {old_masked} → {mask_full(new.real)}: {why}"[:200])
    return parcel_view(parcel, actor)


def _check_fits_label(parcel: Parcel, real: str) -> None:
    """A masked label (138****5678, no extension) shows the recipient's own last 4 digits:
    a number that does not end with them is somebody else's."""
    if parcel.recipient_phone or parcel.phone_virtual or parcel.phone_ext:
        return
    label = parcel.phone_label or ""
    prefix = label.split("*", 1)[0]
    if (parcel.phone_last4 and not real.endswith(parcel.phone_last4)) or not real.startswith(
        prefix
    ):
        raise InvalidInput(
            tr(
                "The label shows {label}; {phone} does not fit it. Check the number with the "
                "recipient and type it again.",
                label=label or "****" + parcel.phone_last4,
                phone=real,
            ),
            code="phone_mismatch",
        )
