"""Version 4: outgoing sends (寄件). Placeholder reserved for the sends work; filled in there."""

from __future__ import annotations

from peewee import Database


def apply(db: Database) -> None:
    return None
