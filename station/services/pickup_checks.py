"""How each parcel of a hand-over was confirmed: scanned, or ticked by hand with a reason.

The counter scans each parcel's barcode before it goes over the counter; a parcel that cannot
be scanned (no scanner, a torn label) is ticked by hand and the clerk says why. pickup() takes
one Check per parcel, refuses a parcel without one, a scan that reads another parcel and a
hand tick without a real reason, and writes one PickupCheck row per parcel in its own unit of
work. A clerk may tick only so many parcels by hand a day (setting hand_tick_limit, 0 = no
limit); the owner is not limited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from station import clock
from station.audit import Actor
from station.domain.carriers import normalize_tracking
from station.domain.codes import format_pickup_code, parse_pickup_code
from station.domain.text import clean_text
from station.errors import InvalidInput, NotAllowed, StationError
from station.i18n import N_, tr
from station.models import Parcel
from station.models_pickup import BY_HAND, SCANNED, PickupCheck
from station.services import settings

MIN_REASON = 4  # characters: "坏了" is not a reason, "扫码枪坏了" is
MAX_REASON = 200
MAX_SCANNED = 64
# How a ref given on the command line (or by a script) counts when no checks are given:
# a tracking number is the parcel's own barcode; a pickup code only says who, so it is a
# hand tick with this reason. Those are reported but not held to the daily hand-tick limit:
# the command line's `pickup CODE...` contract must keep working for scripts.
COMMAND_LINE = "command line"


@dataclass(frozen=True)
class Check:
    """The confirmation of one parcel: `ref` is how the request names it (tracking number or
    pickup code, as in PickupRequest.refs); `scanned` the text the scanner read."""

    ref: str
    how: str  # SCANNED or BY_HAND
    scanned: str | None = None
    reason: str | None = None
    implicit: bool = False  # made by from_refs for a caller that confirmed nothing itself


def scan_key(text: str) -> str:
    """A scan as a comparable key: the canonical pickup code, or the tracking number."""
    code = parse_pickup_code(text)
    if code is not None:
        try:
            return format_pickup_code(*code)
        except StationError:
            return text.strip().upper()
    try:
        return normalize_tracking(text)
    except StationError:
        return (text or "").strip().upper()


def identifies(scanned: str, parcel: Parcel) -> bool:
    """True when the scanned text is this parcel's tracking number or pickup code."""
    key = scan_key(scanned)
    return bool(key) and key in (parcel.tracking, parcel.pickup_code)


def from_refs(refs: tuple[str, ...] | list[str]) -> tuple[Check, ...]:
    """The command line's rule: a tracking number given counts as its barcode scanned, a
    pickup code as a hand tick with the reason "command line"."""
    return tuple(
        Check(ref, BY_HAND, reason=COMMAND_LINE, implicit=True)
        if parse_pickup_code(ref) is not None
        else Check(ref, SCANNED, scanned=ref)
        for ref in refs
    )


def _short(text: str) -> str:
    return text if len(text) <= 24 else text[:21] + "…"


def match(
    checks: tuple[Check, ...], refs: tuple[str, ...], parcels: list[Parcel]
) -> dict[int, Check]:
    """parcel id → its confirmation. `parcels` are resolve_many(refs) in order (duplicates
    kept), so a check's ref finds its parcel by position. Raises the clerk's message for a
    parcel with none, a wrong scan or a hand tick without a reason."""
    by_ref = {ref: p for ref, p in zip(refs, parcels, strict=True)}
    found: dict[int, Check] = {}
    for check in checks:
        parcel = by_ref.get(check.ref)
        if parcel is None:
            raise InvalidInput(
                tr(
                    "{ref} is confirmed but not in this hand-over. Look the person up again.",
                    ref=_short(check.ref),
                ),
                code="check_unknown",
            )
        found[parcel.id] = _valid(check, parcel)
    for parcel in parcels:
        if parcel.id not in found:
            raise InvalidInput(
                tr(
                    "{tracking} is not confirmed: scan its barcode, or tick it and say why it "
                    "cannot be scanned.",
                    tracking=parcel.tracking,
                ),
                code="not_confirmed",
            )
    return found


def _valid(check: Check, parcel: Parcel) -> Check:
    if check.how == SCANNED:
        scanned = (check.scanned or "").strip()
        if not scanned or not identifies(scanned, parcel):
            raise InvalidInput(
                tr(
                    "The scan {scanned} is not parcel {tracking}. Put that parcel back and scan "
                    "the right one.",
                    scanned=_short(scanned) or "—",
                    tracking=parcel.tracking,
                ),
                code="wrong_scan",
            )
        return Check(check.ref, SCANNED, scanned=scanned[:MAX_SCANNED])
    if check.how == BY_HAND:
        reason = clean_text(check.reason, field=N_("Reason"), max_len=MAX_REASON)
        if not check.implicit and reason.casefold() == COMMAND_LINE:
            reason = ""  # the command line's own reason is not a clerk's
        if len(reason) < MIN_REASON:
            raise InvalidInput(
                tr(
                    "Say why {tracking} is ticked by hand instead of scanned (e.g. 'label "
                    "torn'), at least {min} characters.",
                    tracking=parcel.tracking,
                    min=MIN_REASON,
                ),
                code="reason_required",
            )
        return Check(check.ref, BY_HAND, reason=reason, implicit=check.implicit)
    raise InvalidInput(
        tr("A parcel is confirmed by a scan or by hand, not '{how}'.", how=str(check.how)[:10]),
        code="invalid",
    )


def hand_ticks_today(staff_id: int | None, now: datetime | None = None) -> int:
    start, end = clock.day_bounds(clock.local_day(now or clock.now()))
    return (
        PickupCheck.select()
        .where(
            PickupCheck.staff == staff_id,
            PickupCheck.how == BY_HAND,
            PickupCheck.reason != COMMAND_LINE,
            PickupCheck.at >= start,
            PickupCheck.at < end,
        )
        .count()
    )


def check_hand_limit(actor: Actor, checks: dict[int, Check]) -> None:
    """A clerk past today's hand-tick limit must scan (or leave it to the owner)."""
    wanted = sum(1 for c in checks.values() if c.how == BY_HAND and not c.implicit)
    limit = int(settings.get("hand_tick_limit") or 0)
    if not wanted or not limit or actor.is_owner or actor.staff_id is None:
        return
    done = hand_ticks_today(actor.staff_id)
    if done + wanted > limit:
        raise NotAllowed(
            tr(
                "You have ticked {done} parcels by hand today; the limit is {limit}. Scan each "
                "parcel's barcode, or ask the owner to hand it over.",
                done=done,
                limit=limit,
            ),
            code="hand_tick_limit",
        )


def write(actor: Actor, pickup_id: int, at: datetime, checks: dict[int, Check]) -> None:
    """One PickupCheck row per parcel, inside the pickup's unit of work (create() tracks it)."""
    for parcel_id, check in sorted(checks.items()):
        PickupCheck.create(
            pickup=pickup_id,
            parcel=parcel_id,
            staff=actor.staff_id,
            at=at,
            how=check.how,
            scanned=check.scanned,
            reason=check.reason,
        )


def detail(check: Check) -> str:
    """For the parcel's history line."""
    if check.how == SCANNED:
        return "scanned"
    return f"by hand: {check.reason}"
