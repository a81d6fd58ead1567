"""Version 3: the courier's signature is kept with the hand-over it signs, so the signed
manifest can be reprinted and shown in a dispute."""

from __future__ import annotations

from peewee import Database, TextField
from playhouse.migrate import SchemaMigrator, migrate


def apply(db: Database) -> None:
    columns = {c.name for c in db.get_columns("handover")}
    if "courier_signature_png" in columns:  # created by m0001 from the current model
        return
    migrator = SchemaMigrator.from_database(db)
    migrate(migrator.add_column("handover", "courier_signature_png", TextField(null=True)))
