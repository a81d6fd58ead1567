"""Numbered schema migrations. Each is `def apply(db) -> None`; the list index + 1 is the
version it brings the database to. Never edit a released migration: add a new one."""

from __future__ import annotations

from collections.abc import Callable

from peewee import Database

from station.migrations import (
    m0001_initial,
    m0002_outbox,
    m0003_handover_signature,
)

MIGRATIONS: list[Callable[[Database], None]] = [
    m0001_initial.apply,
    m0002_outbox.apply,
    m0003_handover_signature.apply,
]

LATEST_VERSION = len(MIGRATIONS)
