"""Station-wide settings kept in the database (they travel with the station, not the PC)."""

from __future__ import annotations

import json
import secrets
import time
from typing import Any

from station.audit import Actor, track, unit_of_work
from station.db import run_sql
from station.errors import InvalidInput
from station.i18n import N_, tr
from station.models import Setting, database_proxy

DEFAULTS: dict[str, Any] = {
    "station_name": "Parcel Station",
    "station_address": "",
    "station_phone": "",
    "station_hours": "09:00-21:00",
    "timezone": "Asia/Shanghai",
    # When an ID check is required: "cod" (COD, flagged parcels and proxies), "always", "flagged".
    "id_check_policy": "cod",
    "code_cooldown_days": 3,
    "max_id_failures": 3,
    "undo_minutes": 5,
    "lockout_failures": 5,
    "lockout_minutes": 15,
    "variance_reason_fen": 1000,
    # Storage fee (滞留费) for parcels left long: per day after a free period, collected at
    # pickup. 0 fen a day = no fee (the default).
    "storage_free_days": 3,
    "storage_fee_per_day_fen": 0,
    "storage_fee_cap_fen": 0,  # 0 = no cap
    # Pickup safety: parcels a clerk may tick by hand (not scanned) a day, 0 = no limit; after
    # lookup_fail_limit last-4/name lookups that found nobody or several people within
    # lookup_fail_minutes, a clerk must ask for the pickup code or the full phone number.
    "hand_tick_limit": 20,
    "lookup_fail_limit": 5,
    "lookup_fail_minutes": 10,
}
POLICIES = ("cod", "always", "flagged")


# Policies change rarely but are read on every scan; another counter's change is seen within
# a few seconds. Counters that must be exact (code_next) are never cached.
CACHE_SECONDS = 5.0
_cache: dict[str, tuple[float, Any]] = {}
_cache_owner: list[object] = [None]


def get(key: str) -> Any:
    cacheable = key in DEFAULTS
    if cacheable:
        if _cache_owner[0] is not database_proxy.obj:
            _cache.clear()
            _cache_owner[0] = database_proxy.obj
        hit = _cache.get(key)
        if hit is not None and time.monotonic() - hit[0] < CACHE_SECONDS:
            return hit[1]
    row = run_sql("SELECT value FROM setting WHERE key = ?", (key,)).fetchone()
    value = DEFAULTS.get(key) if row is None else json.loads(row[0])
    if cacheable:
        _cache[key] = (time.monotonic(), value)
    return value


def put_raw(key: str, value: Any) -> None:
    """Write inside an open unit of work (the caller audits)."""
    Setting.put(key, json.dumps(value, ensure_ascii=False))
    track("setting", key)
    _cache.pop(key, None)


def set_value(actor: Actor, key: str, value: Any) -> Any:
    actor.require_owner(N_("change station settings"))
    if key not in DEFAULTS:
        raise InvalidInput(
            tr(
                "Unknown setting '{key}'.",
                key=key,
            )
        )
    if key == "id_check_policy" and value not in POLICIES:
        raise InvalidInput(
            tr(
                "ID-check policy must be one of {policies}.",
                policies=", ".join(POLICIES),
            )
        )
    if isinstance(DEFAULTS[key], int) and (not isinstance(value, int) or value < 0):
        raise InvalidInput(
            tr(
                "Setting '{key}' takes a whole number of 0 or more.",
                key=key,
            )
        )
    if key == "station_phone" and value:
        from station.services.station import station_phone

        value = station_phone(str(value))
    with unit_of_work(actor, "setting.change", "setting", key) as change:
        change.before = get(key)
        put_raw(key, value)
        change.after = value
        change.track("setting", key)
    if key == "station_address" and value:
        from station.services import outbox_hold

        outbox_hold.release_held()  # messages held for the missing address can go now
    return value


def id_hash_key() -> bytes:
    """The station's secret for keyed ID hashes; created once, never shown."""
    row = Setting.get_or_none(Setting.key == "id_hash_key")
    if row is None:
        key = secrets.token_hex(32)
        Setting.insert(key="id_hash_key", value=json.dumps(key)).on_conflict_ignore().execute()
        track("setting", "id_hash_key")
        row = Setting.get(Setting.key == "id_hash_key")
    return bytes.fromhex(json.loads(row.value))
