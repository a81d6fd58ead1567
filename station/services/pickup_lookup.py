"""The pickup counter's lookup, and the near misses it records.

Wraps parcels.collectable_for: a lookup that finds nobody ("pickup.lookup_failed") or several
people for the last 4 digits or a name ("pickup.lookup_ambiguous") is an audit event of its
own, and so is a parcel scanned at somebody else's hand-over ("pickup.wrong_scan"). Guessing
last-4 digits or names is how a parcel is collected by the wrong person: after
lookup_fail_limit such lookups by one clerk within lookup_fail_minutes, that clerk's last-4
and name lookups are refused until the window has passed (the owner is not limited); a pickup
code, a tracking number or the full phone number still work.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import timedelta

from station import clock
from station.audit import Actor, unit_of_work
from station.devices.scanner import classify_qr_payload
from station.domain.codes import parse_pickup_code
from station.domain.phone import is_last4, mask_full, parse_phone
from station.domain.text import clean_text, normalize_scan
from station.errors import InvalidInput, NotAllowed, StationError
from station.i18n import N_, tr
from station.models import AuditEvent, Parcel, active_clause
from station.services import lookup_privacy, parcels, settings
from station.services.pickup_checks import identifies, scan_key
from station.services.views import ParcelView

LOOKUP_FAILED = "pickup.lookup_failed"
LOOKUP_AMBIGUOUS = "pickup.lookup_ambiguous"
WRONG_SCAN = "pickup.wrong_scan"
ID_FAILED = "pickup.id_failed"  # written by pickup._record_id_failure
# Lookups that only narrow down (several people can share them): these are limited.
GUESSABLE = ("last4", "name")


@dataclass(frozen=True)
class Lookup:
    groups: list[list[ParcelView]]
    policy: str
    kind: str  # code | tracking | phone | label | last4 | name


def kind_of(text: str) -> str:
    """What the clerk typed, as parcels.find reads it (near enough to decide the limit)."""
    text = (text or "").strip()
    if "://" in text or ":" in text[:4]:
        kind, value = classify_qr_payload(text)
        if kind == "pickup_code":
            return "code"
        if kind == "tracking":
            return "tracking"
    if parse_pickup_code(text) is not None:
        return "code"
    if lookup_privacy.label_clause(text) is not None:
        return "label"
    compact = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    if is_last4(text) or (compact.isdigit() and len(compact) <= 6):
        return "last4"  # the last 4 digits, or a privacy label's extension
    scanned = normalize_scan(text)
    if scanned.isdigit() and len(scanned) >= 7:
        try:
            if parse_phone(text).full:
                return "phone"
        except StationError:
            pass
    if scanned.isalnum() and len(scanned) >= 6 and scanned.isascii():
        return "tracking"
    return "name"


def _shown(text: str, kind: str) -> str:
    """The query as the audit log keeps it: a full phone number masked."""
    if kind == "phone":
        try:
            full = parse_phone(text).full
        except StationError:
            full = None
        if full:
            return mask_full(full)
    return clean_text(text, field=N_("Search"), max_len=200)[:64]


def recent_misses(actor: Actor) -> tuple[int, int]:
    """(failed or ambiguous last-4/name lookups by `actor` in the window, minutes until the
    oldest of them leaves the window)."""
    minutes = int(settings.get("lookup_fail_minutes") or 0)
    now = clock.now()
    since = now - timedelta(minutes=minutes)
    times = [
        at
        for (at,) in AuditEvent.select(AuditEvent.at)
        .where(
            AuditEvent.action.in_([LOOKUP_FAILED, LOOKUP_AMBIGUOUS]),
            AuditEvent.at >= since,
            AuditEvent.actor == actor.name,
            AuditEvent.entity_id.in_(GUESSABLE),
        )
        .tuples()
    ]
    if not times:
        return 0, 0
    wait = min(times) + timedelta(minutes=minutes) - now
    return len(times), max(1, -(-int(wait.total_seconds()) // 60))


def _check_limit(actor: Actor, kind: str) -> None:
    limit = int(settings.get("lookup_fail_limit") or 0)
    if kind not in GUESSABLE or not limit or actor.is_owner:
        return
    misses, wait = recent_misses(actor)
    if misses >= limit:
        raise NotAllowed(
            tr(
                "{count} searches by last 4 digits or name found nobody or several people. "
                "Ask for the pickup code or the full phone number, or wait {minutes} "
                "minutes, or ask the owner.",
                count=misses,
                minutes=wait,
            ),
            code="lookup_limited",
        )


def _record(actor: Actor, action: str, kind: str, query: str, people: int) -> None:
    with unit_of_work(actor, action, "lookup", kind) as change:
        change.after = {"query": _shown(query, kind), "kind": kind, "people": people}


def lookup(actor: Actor, text: str, name: str | None = None) -> Lookup:
    """The pickup screen's lookup: one group of parcels per person (see collectable_for)."""
    text = (text or "").strip()
    if not text:
        raise InvalidInput(tr("Type or scan a pickup code, tracking number, phone number or name."))
    kind = "name" if name and kind_of(text) == "last4" else kind_of(text)
    _check_limit(actor, kind)
    groups = parcels.collectable_for(actor, text, name)
    if not groups:
        _record(actor, LOOKUP_FAILED, kind, text, 0)
    elif len(groups) > 1:
        _record(actor, LOOKUP_AMBIGUOUS, kind, text, len(groups))
    return Lookup(groups, str(settings.get("id_check_policy")), kind)


def _scanned_parcel(scanned: str) -> Parcel | None:
    """The parcel at the station that a wrong scan read, if it is one of ours."""
    key = scan_key(scanned)
    code = parse_pickup_code(key)
    query = Parcel.select().where(active_clause())
    if code is not None:
        return query.where(Parcel.code_seq == code[2]).first()
    return query.where(Parcel.tracking == key).first()


def record_wrong_scan(actor: Actor, scanned: str, handover: list[int] | tuple[int, ...]) -> str:
    """A parcel that is not one of this person's was scanned at their hand-over. Recorded as
    its own audit event (on the hand-over's parcels and the scanned one's history).
    → the scanned parcel's tracking number, or "" when it is not one of ours."""
    text = clean_text(scanned, field=N_("Scan"), max_len=200)[:64]
    if not text or not handover:
        raise InvalidInput(tr("Nothing was scanned. Scan the parcel's barcode again."))
    listed = list(Parcel.select().where(Parcel.id.in_(list(handover))).order_by(Parcel.id))
    if any(identifies(text, p) for p in listed):
        raise InvalidInput(
            tr("{scanned} is one of this person's parcels, not a wrong one.", scanned=text),
            code="not_wrong",
        )
    other = _scanned_parcel(text)
    first = listed[0] if listed else None
    with unit_of_work(actor, WRONG_SCAN, "parcel", first.id if first else "") as change:
        for p in listed:
            change.touch(p.id, f"wrong parcel scanned: {text}")
        if other is not None:
            change.touch(other.id, f"scanned at the hand-over of {first.tracking if first else ''}")
        change.after = {
            "scanned": text,
            "scanned_parcel": other.tracking if other else None,
            "handover": [p.tracking for p in listed],
            "recipient": first.recipient_name if first else "",
        }
    return other.tracking if other else ""


def record_id_failure(actor: Actor, parcel_ids: list[int], why: str) -> None:
    """The counter saw the ID fail (the name on it is somebody else's) and the clerk stopped:
    counted like a refused pickup (pickup.id_failed, the parcels' failure count)."""
    from station.services.pickup import _record_id_failure

    listed = list(Parcel.select().where(Parcel.id.in_(list(parcel_ids))).order_by(Parcel.id))
    if not listed:
        raise InvalidInput(tr("Look the person up again: their parcels are not listed."))
    _record_id_failure(actor, listed, clean_text(why, field=N_("Reason"), max_len=200))
