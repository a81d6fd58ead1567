"""Staff accounts, PIN hashing and login with lockout."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import asdict, dataclass
from datetime import timedelta
from typing import Any

from station import clock
from station.audit import SYSTEM, Actor, unit_of_work
from station.domain.text import clean_text
from station.errors import Duplicate, InvalidInput, NotAllowed, NotFound
from station.i18n import N_, tr
from station.models import Staff
from station.services import settings

ROLES = ("clerk", "owner")
# scrypt with n=2**14, r=8: ~30-60 ms a guess on counter hardware, memory-hard.
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**14, 8, 1


@dataclass(frozen=True)
class StaffView:
    id: int
    name: str
    role: str
    active: bool
    locked_until: str | None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def hash_pin(pin: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P)
    enc = base64.b64encode
    return f"scrypt${_SCRYPT_N}${_SCRYPT_R}${_SCRYPT_P}${enc(salt).decode()}${enc(digest).decode()}"


def check_pin(pin: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    got = hashlib.scrypt(pin.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p))
    return hmac.compare_digest(got, base64.b64decode(digest))


def _validate_pin(pin: str) -> str:
    pin = (pin or "").strip()
    if not 4 <= len(pin) <= 64:
        raise InvalidInput(tr("A PIN or password needs 4 to 64 characters."))
    return pin


def _view(staff: Staff) -> StaffView:
    return StaffView(staff.id, staff.name, staff.role, staff.active, clock.iso(staff.locked_until))


def add_staff(actor: Actor, name: str, role: str, pin: str) -> StaffView:
    """Owner only, except the very first account of a new station (which must be an owner)."""
    first = Staff.select().count() == 0
    if first and role != "owner":
        raise InvalidInput(tr("The first staff account of a station must be an owner."))
    if not first:
        actor.require_owner(N_("add staff accounts"))
    name = clean_text(name, field=N_("Name"), max_len=40, required=True)
    if role not in ROLES:
        raise InvalidInput(
            tr(
                "Role must be one of: {roles}.",
                roles=", ".join(ROLES),
            )
        )
    pin_hash = hash_pin(_validate_pin(pin))
    with unit_of_work(actor if not first else SYSTEM, "staff.add", "staff", name) as change:
        staff = insert_staff(name, role, pin_hash)
        change.entity_id = str(staff.id)
        change.after = {"name": name, "role": role}
        change.track("staff", staff.id)
    return _view(staff)


def insert_staff(name: str, role: str, pin_hash: str) -> Staff:
    """Write one account inside the caller's open unit of work (checked name, hashed PIN)."""
    if Staff.get_or_none(Staff.name == name):
        raise Duplicate(
            tr(
                "There is already a staff account called '{name}'.",
                name=name,
            )
        )
    return Staff.create(name=name, role=role, pin_hash=pin_hash, created_at=clock.now())


def validated_pin_hash(pin: str) -> str:
    return hash_pin(_validate_pin(pin))


def set_active(actor: Actor, name: str, active: bool) -> StaffView:
    """Owner: let an account log in again, or stop it (a clerk who left). History stays with
    the account; the last active owner cannot be switched off, nor can you switch yourself off."""
    actor.require_owner(N_("activate or deactivate staff accounts"))
    action = "staff.activate" if active else "staff.deactivate"
    with unit_of_work(actor, action, "staff", name) as change:
        staff = Staff.get_or_none(Staff.name == (name or "").strip())
        if staff is None:
            raise NotFound(
                tr(
                    "No staff account called '{name}'.",
                    name=name,
                )
            )
        if not active and staff.id == actor.staff_id:
            raise NotAllowed(
                tr("You cannot deactivate your own account. Ask another owner to do it."),
                code="own_account",
            )
        if not active and staff.role == "owner" and staff.active:
            others = (
                Staff.select()
                .where(Staff.role == "owner", Staff.active == True, Staff.id != staff.id)  # noqa: E712
                .count()
            )
            if others == 0:
                raise NotAllowed(
                    tr(
                        "{name} is the last active owner: add or activate another owner first, "
                        "or nobody could manage the station.",
                        name=staff.name,
                    ),
                    code="last_owner",
                )
        change.entity_id = str(staff.id)
        change.before = {"active": staff.active}
        Staff.update(active=active, failed_attempts=0, locked_until=None).where(
            Staff.id == staff.id
        ).execute()
        change.after = {"active": active}
        change.track("staff", staff.id)
    return _view(Staff.get_by_id(staff.id))


def list_staff(actor: Actor) -> list[StaffView]:
    actor.require_owner(N_("see staff accounts"))
    return [_view(s) for s in Staff.select().order_by(Staff.name)]


def set_pin(actor: Actor, name: str, pin: str) -> StaffView:
    staff = Staff.get_or_none(Staff.name == name)
    if staff is None:
        raise InvalidInput(
            tr(
                "No staff account called '{name}'.",
                name=name,
            )
        )
    if staff.id != actor.staff_id:
        actor.require_owner(N_("change another person's PIN"))
    pin_hash = hash_pin(_validate_pin(pin))
    with unit_of_work(actor, "staff.set_pin", "staff", staff.id) as change:
        Staff.update(pin_hash=pin_hash, failed_attempts=0, locked_until=None).where(
            Staff.id == staff.id
        ).execute()
        change.track("staff", staff.id)
    return _view(Staff.get_by_id(staff.id))


def authenticate(name: str, pin: str, counter: str = "") -> Actor:
    """Check a PIN. Failures count (and are audited); after N the account locks for a while."""
    staff = Staff.get_or_none((Staff.name == (name or "").strip()) & (Staff.active == True))  # noqa: E712
    if staff is None:
        raise NotAllowed(tr("Unknown user name or wrong PIN."), code="wrong_pin")
    now = clock.now()
    if staff.locked_until and staff.locked_until > now:
        minutes = max(1, int((staff.locked_until - now).total_seconds() // 60) + 1)
        raise NotAllowed(
            tr(
                "This account is locked after too many wrong PINs. Try again in "
                "{minutes} min, or ask the owner to reset the PIN.",
                minutes=minutes,
            ),
            code="locked",
            minutes_left=minutes,
        )
    actor = Actor(staff.id, staff.name, staff.role, counter)
    if check_pin(pin or "", staff.pin_hash):
        if staff.failed_attempts or staff.locked_until:
            with unit_of_work(actor, "staff.login_reset", "staff", staff.id) as change:
                Staff.update(failed_attempts=0, locked_until=None).where(
                    Staff.id == staff.id
                ).execute()
                change.track("staff", staff.id)
        return actor
    limit = int(settings.get("lockout_failures"))
    with unit_of_work(actor, "staff.login_failed", "staff", staff.id) as change:
        fresh = Staff.get_by_id(staff.id)
        failures = fresh.failed_attempts + 1
        locked = None
        if failures >= limit:
            locked = now + timedelta(minutes=int(settings.get("lockout_minutes")))
            failures = 0
        Staff.update(failed_attempts=failures, locked_until=locked).where(
            Staff.id == staff.id
        ).execute()
        change.track("staff", staff.id)
        change.after = {"failed_attempts": failures, "locked": locked is not None}
    if locked is not None:
        raise NotAllowed(
            tr(
                "Wrong PIN. The account is now locked for {minutes} min.",
                minutes=settings.get("lockout_minutes"),
            ),
            code="locked",
        )
    raise NotAllowed(
        tr(
            "Wrong PIN ({tries_left} tries left before the account locks).",
            tries_left=limit - failures,
        ),
        code="wrong_pin",
    )
