"""Station-wide settings kept in the database (they travel with the station, not the PC)."""

from __future__ import annotations

import json
import secrets
from typing import Any

from station.audit import Actor, unit_of_work
from station.errors import InvalidInput
from station.models import Setting

DEFAULTS: dict[str, Any] = {
    "station_name": "Parcel Station",
    "station_address": "",
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
}
POLICIES = ("cod", "always", "flagged")


def get(key: str) -> Any:
    row = Setting.get_or_none(Setting.key == key)
    if row is None:
        return DEFAULTS.get(key)
    return json.loads(row.value)


def put_raw(key: str, value: Any) -> None:
    """Write inside an open unit of work (the caller audits)."""
    Setting.put(key, json.dumps(value, ensure_ascii=False))


def set_value(actor: Actor, key: str, value: Any) -> Any:
    actor.require_owner("change station settings")
    if key not in DEFAULTS:
        raise InvalidInput(f"Unknown setting '{key}'.")
    if key == "id_check_policy" and value not in POLICIES:
        raise InvalidInput(f"ID-check policy must be one of {', '.join(POLICIES)}.")
    if isinstance(DEFAULTS[key], int) and (not isinstance(value, int) or value < 0):
        raise InvalidInput(f"Setting '{key}' takes a whole number of 0 or more.")
    with unit_of_work(actor, "setting.change", "setting", key) as change:
        change.before = get(key)
        put_raw(key, value)
        change.after = value
    return value


def id_hash_key() -> bytes:
    """The station's secret for keyed ID hashes; created once, never shown."""
    row = Setting.get_or_none(Setting.key == "id_hash_key")
    if row is None:
        key = secrets.token_hex(32)
        Setting.insert(key="id_hash_key", value=json.dumps(key)).on_conflict_ignore().execute()
        row = Setting.get(Setting.key == "id_hash_key")
    return bytes.fromhex(json.loads(row.value))
