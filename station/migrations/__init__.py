"""Numbered schema migrations. Each is `def apply(db) -> None`; the list index + 1 is the
version it brings the database to. Never edit a released migration: add a new one."""

from __future__ import annotations

from collections.abc import Callable

from peewee import Database

from station.migrations import (
    m0001_initial,
    m0002_outbox,
    m0003_handover_signature,
    m0004_sends,
    m0005_pickup_checks,
    m0006_audit_rows,
    m0007_privacy_phones,
)

MIGRATIONS: list[Callable[[Database], None]] = [
    m0001_initial.apply,
    m0002_outbox.apply,
    m0003_handover_signature.apply,
    m0004_sends.apply,
    m0005_pickup_checks.apply,
    m0006_audit_rows.apply,
    m0007_privacy_phones.apply,
]
# After 6, a migration that rewrites protected rows has them recorded again in an
# "audit.upgrade" event, so `verify` does not take the upgrade for tampering.
MIGRATIONS[6:] = [m0006_audit_rows.upgraded(m) for m in MIGRATIONS[6:]]

LATEST_VERSION = len(MIGRATIONS)
