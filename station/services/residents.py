"""Residents' wishes the station must keep (2024 rules: no parcel left at a station without
the recipient's consent): the door-delivery list, and standing consent with how it was given.

A resident on the door-delivery list has every parcel refused at intake until the clerk has
called for consent; a resident with standing consent has parcels taken in on that basis.
Every change is one audit event naming the clerk; phones are masked for clerks.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from station import clock
from station.audit import Actor, unit_of_work
from station.domain.phone import mask_full, parse_phone
from station.domain.text import clean_text
from station.errors import Duplicate, InvalidInput, NotFound
from station.i18n import N_, tr
from station.models import Recipient

# How a resident gave standing consent to collect parcels at the station.
STANDING_BASES = ("signed_form", "phone_call", "app", "in_person")


@dataclass(frozen=True)
class ResidentView:
    phone: str  # masked unless an owner asks
    name: str
    door_delivery: bool
    door_by: str
    door_at: str | None
    standing_consent: bool
    consent_basis: str
    consent_by: str
    consent_at: str | None
    note: str
    known: bool = True  # False: the station has nothing on record for this number

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _view(row: Recipient, actor: Actor, known: bool = True) -> ResidentView:
    return ResidentView(
        phone=row.phone if actor.is_owner else mask_full(row.phone),
        name=row.name,
        door_delivery=bool(row.door_delivery),
        door_by=row.door_by or "",
        door_at=clock.iso(row.door_at),
        standing_consent=bool(row.standing_consent),
        consent_basis=row.consent_basis or "",
        consent_by=row.consent_by or "",
        consent_at=clock.iso(row.consent_at),
        note=row.note or "",
        known=known,
    )


def _snapshot(row: Recipient) -> dict[str, Any]:
    """Audit before/after: the masked number, never the full one."""
    return {
        "phone": mask_full(row.phone),
        "door_delivery": bool(row.door_delivery),
        "standing_consent": bool(row.standing_consent),
        "consent_basis": row.consent_basis or "",
        "note": row.note or "",
    }


def own_number(text: str) -> str:
    """The resident's own full number; masked or virtual numbers cannot identify anybody."""
    phone = parse_phone(text)
    if phone.real is None:
        raise InvalidInput(
            tr(
                "{phone} is not a full phone number. Type the resident's own number, all of "
                "it (a masked or virtual number from a label cannot be listed).",
                phone=phone.label,
            ),
            code="phone_required",
        )
    return phone.real


def _load(number: str) -> Recipient | None:
    return Recipient.get_or_none(Recipient.phone == number)


def get(actor: Actor, phone: str) -> ResidentView:
    """What the station has on record for this number (consent show)."""
    number = own_number(phone)
    row = _load(number)
    if row is None:
        return _view(Recipient(phone=number, name=""), actor, known=False)
    return _view(row, actor)


def door_list(actor: Actor) -> list[ResidentView]:
    rows = Recipient.select().where(Recipient.door_delivery == True)  # noqa: E712 - SQL
    return [_view(r, actor) for r in rows.order_by(Recipient.door_at.desc(), Recipient.id)]


def _save(actor: Actor, action: str, number: str, changes: dict[str, Any]) -> ResidentView:
    with unit_of_work(actor, action, "recipient", "") as change:
        row = _load(number)
        if row is None:
            row = Recipient(phone=number, name="")
            change.before = None
        else:
            change.before = _snapshot(row)
        _refuse_no_op(action, row)
        for key, value in changes.items():
            setattr(row, key, value)
        row.save()
        change.entity_id = str(row.id)
        change.after = _snapshot(row)
        change.track("recipient", row.id)
    return _view(row, actor)


def _refuse_no_op(action: str, row: Recipient) -> None:
    masked = mask_full(row.phone)
    if action == "recipient.door_add" and row.door_delivery:
        raise Duplicate(
            tr("{phone} is already on the door-delivery list.", phone=masked),
            code="already_listed",
        )
    if action == "recipient.door_remove" and not row.door_delivery:
        raise NotFound(
            tr("{phone} is not on the door-delivery list.", phone=masked), code="not_listed"
        )
    if action == "recipient.consent_revoke" and not row.standing_consent:
        raise NotFound(
            tr("{phone} has no standing consent on record.", phone=masked), code="no_consent"
        )


def _name(name: str | None) -> dict[str, Any]:
    text = clean_text(name, field=N_("Name"), max_len=40)
    return {"name": text} if text else {}


def _note(note: str | None) -> dict[str, Any]:
    text = clean_text(note, field=N_("Note"), max_len=200)
    return {"note": text} if text else {}


def door_add(actor: Actor, phone: str, name: str | None = None, note: str = "") -> ResidentView:
    """The resident wants parcels brought to the door: intake refuses their parcels until
    the clerk has called them for consent."""
    number = own_number(phone)
    changes = {"door_delivery": True, "door_by": actor.name, "door_at": clock.now()}
    return _save(actor, "recipient.door_add", number, changes | _name(name) | _note(note))


def door_remove(actor: Actor, phone: str, note: str = "") -> ResidentView:
    number = own_number(phone)
    changes = {"door_delivery": False, "door_by": actor.name, "door_at": clock.now()}
    return _save(actor, "recipient.door_remove", number, changes | _note(note))


def consent_set(
    actor: Actor, phone: str, basis: str, note: str = "", name: str | None = None
) -> ResidentView:
    """The resident agreed to collect their parcels here from now on: how (a signed form,
    a phone call, in the app, in person at the counter), recorded with the clerk and time."""
    if basis not in STANDING_BASES:
        raise InvalidInput(
            tr(
                "How did the resident agree? One of: {bases}.",
                bases=", ".join(STANDING_BASES),
            ),
            code="consent_basis",
        )
    number = own_number(phone)
    changes = {
        "standing_consent": True,
        "consent_basis": basis,
        "consent_by": actor.name,
        "consent_at": clock.now(),
    }
    return _save(actor, "recipient.consent_set", number, changes | _name(name) | _note(note))


def consent_revoke(actor: Actor, phone: str, note: str = "") -> ResidentView:
    """The resident withdrew standing consent: each parcel is asked about again."""
    number = own_number(phone)
    changes = {
        "standing_consent": False,
        "consent_basis": "",
        "consent_by": actor.name,
        "consent_at": clock.now(),
    }
    return _save(actor, "recipient.consent_revoke", number, changes | _note(note))
