"""Version 6: row digests for the audit replay. Placeholder reserved for the verify work."""

from __future__ import annotations

from peewee import Database


def apply(db: Database) -> None:
    return None
