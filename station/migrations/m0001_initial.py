"""Version 1: every table of the inbound parcel life, plus the rules the database itself
enforces (one active parcel per tracking number, one active parcel per pickup code)."""

from __future__ import annotations

from peewee import Database

from station import models

ACTIVE = "('ON_SHELF', 'RETURN_PENDING', 'MISSING')"  # same text as models.ACTIVE_SQL


# The tables as of version 1. Later migrations add theirs; never extend this list.
V1_MODELS = [
    models.Setting,
    models.Staff,
    models.Carrier,
    models.Shelf,
    models.Slot,
    models.Recipient,
    models.ManifestBatch,
    models.ManifestEntry,
    models.Pickup,
    models.Handover,
    models.Parcel,
    models.CodeReservation,
    models.LedgerEntry,
    models.DayClose,
    models.Ticket,
    models.AuditEvent,
    models.ChainHead,
    models.ParcelEvent,
]


def apply(db: Database) -> None:
    db.create_tables(V1_MODELS, safe=True)
    db.execute_sql(
        "CREATE UNIQUE INDEX IF NOT EXISTS parcel_active_tracking "
        f"ON parcel (tracking) WHERE status IN {ACTIVE}"
    )
    db.execute_sql(
        "CREATE UNIQUE INDEX IF NOT EXISTS parcel_active_code "
        f"ON parcel (pickup_code) WHERE status IN {ACTIVE}"
    )
    db.execute_sql(
        "CREATE INDEX IF NOT EXISTS parcel_active_status ON parcel (status, slot_id) "
        f"WHERE {models.ACTIVE_SQL}"
    )
    # Lookups at the counter touch only parcels still here: small indexes, exact plans.
    db.execute_sql(
        "CREATE UNIQUE INDEX IF NOT EXISTS parcel_active_code_seq ON parcel (code_seq) "
        f"WHERE {models.ACTIVE_SQL}"
    )
    db.execute_sql(
        "CREATE INDEX IF NOT EXISTS parcel_active_last4 ON parcel (phone_last4) "
        f"WHERE {models.ACTIVE_SQL}"
    )
    db.execute_sql(
        "CREATE INDEX IF NOT EXISTS parcel_active_phone ON parcel (recipient_phone) "
        f"WHERE {models.ACTIVE_SQL}"
    )
