"""Carriers known to the station: the seeded list plus any the owner adds."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from typing import Any

from station.audit import Actor, track, unit_of_work
from station.db import run_sql
from station.domain.carriers import is_valid_s10, load_carriers
from station.domain.text import clean_text
from station.errors import Duplicate, InvalidInput, NotAllowed, NotFound
from station.i18n import N_, tr
from station.models import Carrier, database_proxy

# Bumped by every change to the carrier list, in the same transaction, so a counter that read
# the list earlier (or before `init` ran in another process) notices and reads it again.
REVISION_KEY = "carriers_rev"


@dataclass(frozen=True)
class CarrierView:
    code: str
    name_en: str
    name_zh: str
    retention_days: int
    remind_days: int
    fee_per_parcel_fen: int
    fee_per_return_fen: int
    active: bool = True

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def seed_carriers() -> int:
    """Insert the built-in carriers that are missing (inside the caller's transaction)."""
    added = 0
    for spec in load_carriers():
        inserted = (
            Carrier.insert(
                code=spec.code,
                name_en=spec.name_en,
                name_zh=spec.name_zh,
                patterns=json.dumps(list(spec.patterns)),
                retention_days=spec.retention_days,
                remind_days=spec.remind_days,
            )
            .on_conflict_ignore()
            .execute()
        )
        if inserted:
            added += 1
            track("carrier", spec.code)
    if added:
        bump_revision()
    return added


def revision() -> str:
    row = run_sql("SELECT value FROM setting WHERE key = ?", (REVISION_KEY,)).fetchone()
    return str(row[0]) if row else "0"


def bump_revision() -> None:
    """Inside the caller's unit of work: the carrier list changed."""
    from station.services import settings

    settings.put_raw(REVISION_KEY, int(revision().strip('"') or 0) + 1)
    track("setting", REVISION_KEY)


Compiled = tuple[tuple[str, tuple[re.Pattern[str], ...]], ...]
_compiled_cache: dict[str, Any] = {"key": None, "value": ()}


def _compiled() -> Compiled:
    """The active carriers' patterns, read again whenever the list's revision moved (one
    indexed lookup per call, far cheaper than compiling the patterns)."""
    key = (id(database_proxy.obj), revision())
    if _compiled_cache["key"] != key:
        rows = Carrier.select(Carrier.code, Carrier.patterns).where(Carrier.active == True)  # noqa: E712
        _compiled_cache["value"] = tuple(
            (row.code, tuple(re.compile(p) for p in json.loads(row.patterns))) for row in rows
        )
        _compiled_cache["key"] = key
    value: Compiled = _compiled_cache["value"]
    return value


def guess(tracking: str) -> list[str]:
    """Carrier codes whose patterns match, most specific first: a hint, never a verdict."""
    scored: list[tuple[int, str]] = []
    for code, patterns in _compiled():
        best = max((_specificity(p.pattern) for p in patterns if p.fullmatch(tracking)), default=-1)
        if best >= 0:
            scored.append((best, code))
    scored.sort(key=lambda item: (-item[0], item[1]))
    codes = [code for _, code in scored]
    if is_valid_s10(tracking) and "EMS" in codes:
        codes.remove("EMS")
        codes.insert(0, "EMS")
    return codes


def _specificity(pattern: str) -> int:
    """Literal prefix characters count most: 'SF\\d{12}' beats '\\d{12}'."""
    literal = re.match(r"\^?([A-Z]+)", pattern)
    return (len(literal.group(1)) * 10 if literal else 0) + len(pattern) // 10


def known_code(code: str) -> str:
    """The code of an active carrier (cached with the patterns); NotFound for an unknown one,
    NotAllowed for one the owner switched off."""
    wanted = (code or "").strip().upper()
    if any(known == wanted for known, _ in _compiled()):
        return wanted
    carrier = get(wanted)
    if not carrier.active:
        raise NotAllowed(
            tr(
                "Carrier {code} is switched off at this station. Choose another carrier, or "
                "the owner switches it on again in Settings → Carriers.",
                code=carrier.code,
            ),
            code="carrier_inactive",
        )
    return carrier.code


def get(code: str) -> Carrier:
    carrier = Carrier.get_or_none(Carrier.code == (code or "").strip().upper())
    if carrier is None:
        known = ", ".join(c.code for c in Carrier.select(Carrier.code).order_by(Carrier.code))
        raise NotFound(
            tr(
                "Unknown carrier '{code}'. Known carriers: {known}.",
                code=code,
                known=known,
            ),
            code="unknown_carrier",
        )
    return carrier


def view(carrier: Carrier) -> CarrierView:
    return CarrierView(
        carrier.code,
        carrier.name_en,
        carrier.name_zh,
        carrier.retention_days,
        carrier.remind_days,
        carrier.fee_per_parcel_fen,
        carrier.fee_per_return_fen,
        bool(carrier.active),
    )


def list_carriers(include_inactive: bool = False) -> list[CarrierView]:
    query = Carrier.select().order_by(Carrier.code)
    if not include_inactive:
        query = query.where(Carrier.active == True)  # noqa: E712
    return [view(c) for c in query]


def add_carrier(
    actor: Actor, code: str, name_en: str, name_zh: str = "", pattern: str = ""
) -> CarrierView:
    actor.require_owner(N_("add carriers"))
    code = (code or "").strip().upper()
    if not re.fullmatch(r"[A-Z0-9_]{2,16}", code):
        raise InvalidInput(tr("A carrier code is 2-16 letters or digits, e.g. 'BEST'."))
    patterns = []
    if pattern:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise InvalidInput(
                tr(
                    "The tracking pattern is not a valid expression: {exc}",
                    exc=exc,
                )
            ) from exc
        patterns.append(pattern)
    with unit_of_work(actor, "carrier.add", "carrier", code) as change:
        if Carrier.get_or_none(Carrier.code == code):
            raise Duplicate(
                tr(
                    "Carrier {code} already exists.",
                    code=code,
                )
            )
        carrier = Carrier.create(
            code=code,
            name_en=clean_text(name_en, field=N_("Name"), max_len=60, required=True),
            name_zh=clean_text(name_zh, field=N_("Chinese name"), max_len=60),
            patterns=json.dumps(patterns),
        )
        change.after = {"code": code, "patterns": patterns}
        change.track("carrier", code)
        bump_revision()
    return view(carrier)


def set_active(actor: Actor, code: str, active: bool) -> CarrierView:
    """Owner: switch a carrier off (no longer guessed, offered or accepted at intake; its
    parcels on the shelf stay and can be collected and returned) or on again."""
    actor.require_owner(N_("switch carriers on or off"))
    carrier = get(code)
    with unit_of_work(
        actor, "carrier.activate" if active else "carrier.deactivate", "carrier", carrier.code
    ) as change:
        change.before = {"active": carrier.active}
        Carrier.update(active=active).where(Carrier.code == carrier.code).execute()
        change.after = {"active": active}
        change.track("carrier", carrier.code)
        bump_revision()
    return view(get(carrier.code))


def update_terms(
    actor: Actor,
    code: str,
    *,
    retention_days: int | None = None,
    remind_days: int | None = None,
    fee_per_parcel_fen: int | None = None,
    fee_per_return_fen: int | None = None,
) -> CarrierView:
    actor.require_owner(N_("change carrier terms"))
    carrier = get(code)
    values = {
        k: v
        for k, v in {
            "retention_days": retention_days,
            "remind_days": remind_days,
            "fee_per_parcel_fen": fee_per_parcel_fen,
            "fee_per_return_fen": fee_per_return_fen,
        }.items()
        if v is not None
    }
    if any(not isinstance(v, int) or v < 0 for v in values.values()):
        raise InvalidInput(tr("Days and fees must be whole numbers of 0 or more."))
    with unit_of_work(actor, "carrier.terms", "carrier", carrier.code) as change:
        change.before = view(carrier).to_json()
        Carrier.update(**values).where(Carrier.code == carrier.code).execute()
        change.after = values
        change.track("carrier", carrier.code)
        bump_revision()
    return view(get(code))
