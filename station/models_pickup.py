"""Pickup safety tables (schema version 5).

How each parcel of a hand-over was confirmed: its barcode scanned at the counter, or ticked by
hand with the clerk's reason (no scanner, a torn label). The daily report counts hand-ticks per
clerk; together with the near-miss events (wrong parcel scanned, failed ID check, ambiguous
lookup) they show who hands out parcels without the scan check.
"""

from __future__ import annotations

from peewee import AutoField, CharField, DateTimeField, ForeignKeyField

from station.models import BaseModel, Parcel, Pickup, Staff

SCANNED = "scan"
BY_HAND = "hand"
CONFIRM_WAYS = (SCANNED, BY_HAND)


class PickupCheck(BaseModel):
    """One parcel of one hand-over and how the clerk confirmed it was the right one."""

    id = AutoField()
    pickup = ForeignKeyField(Pickup, on_delete="CASCADE", index=True)
    parcel = ForeignKeyField(Parcel, on_delete="CASCADE", index=True)
    staff = ForeignKeyField(Staff, on_delete="RESTRICT", index=True)
    at = DateTimeField(index=True)
    how = CharField(max_length=8)  # SCANNED or BY_HAND
    scanned = CharField(max_length=64, null=True)  # the text the scanner read
    reason = CharField(max_length=200, null=True)  # why it was ticked by hand

    class Meta:
        table_name = "pickup_check"
