"""Version 5: pickup scan confirmations. Placeholder reserved for the pickup-safety work."""

from __future__ import annotations

from peewee import Database


def apply(db: Database) -> None:
    return None
