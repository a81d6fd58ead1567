"""Version 5: pickup safety.

- pickup_check: how each parcel of a hand-over was confirmed (scanned, or ticked by hand with a
  reason). Hand-overs before this version have none: they were confirmed on the screen only.
- audit_event (action, at) index: the daily report's near misses and the lookup limit.
- pickup.undone_at / undone_by / undo_reason: an owner's undo of a hand-over on its day.
"""

from __future__ import annotations

from peewee import CharField, Database, DateTimeField, IntegerField
from playhouse.migrate import SchemaMigrator, migrate

from station.models_pickup import PickupCheck

# The tables as of version 5. Later migrations add theirs; never extend this list.
V5_MODELS = [PickupCheck]


def apply(db: Database) -> None:
    db.create_tables(V5_MODELS, safe=True)
    # The near misses (wrong scans, failed ID checks, failed lookups) are audit events: the
    # daily report and the lookup limit read them by action and time, not the whole log.
    db.execute_sql(
        "CREATE INDEX IF NOT EXISTS audit_event_action_at ON audit_event (action, at)"
    )
    columns = {c.name for c in db.get_columns("pickup")}
    steps = [
        SchemaMigrator.from_database(db).add_column("pickup", name, field)
        for name, field in (
            ("undone_at", DateTimeField(null=True)),
            ("undone_by", IntegerField(null=True)),
            ("undo_reason", CharField(max_length=200, null=True)),
        )
        if name not in columns  # m0001 of a new database already made them from the model
    ]
    if steps:
        migrate(*steps)
