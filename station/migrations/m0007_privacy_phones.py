"""Version 7: privacy waybills (隐私面单) and recorded consent.

- parcel.phone_virtual: the virtual number a privacy label shows in full (17012345678 of
  "17012345678,8462"); the recipient's own number stays in recipient_phone, NULL until known.
- parcel.phone_label: the number as the label shows it, masked ("170****5678-8462"), for
  parcels whose label does not give the recipient's own number.
- an index on the extension of parcels still at the station (pickup by "8462").
- recipient: how and when the standing consent was given and by whom, and who put the
  resident on the door-delivery list when.

Parcels taken in before this version with a mobile number plus an extension had the virtual
number stored as if it were the recipient's own (so every recipient behind one virtual number
looked like one person at pickup): it moves to phone_virtual. Only those rows change (the new
columns are NULL elsewhere); for the audit replay they must be recorded again as upgraded.
"""

from __future__ import annotations

from peewee import CharField, Database, DateTimeField
from playhouse.migrate import SchemaMigrator, migrate

from station import models


def apply(db: Database) -> None:
    migrator = SchemaMigrator.from_database(db)
    parcel = {c.name for c in db.get_columns("parcel")}
    steps = []
    if "phone_virtual" not in parcel:  # absent unless m0001 created the table from the model
        steps.append(migrator.add_column("parcel", "phone_virtual", CharField(max_length=20,
                                                                              null=True)))
    if "phone_label" not in parcel:
        steps.append(migrator.add_column("parcel", "phone_label", CharField(max_length=24,
                                                                            null=True)))
    recipient = {c.name for c in db.get_columns("recipient")}
    for name, column in (
        ("consent_basis", CharField(max_length=20, null=True)),
        ("consent_by", CharField(max_length=40, null=True)),
        ("consent_at", DateTimeField(null=True)),
        ("door_by", CharField(max_length=40, null=True)),
        ("door_at", DateTimeField(null=True)),
    ):
        if name not in recipient:
            steps.append(migrator.add_column("recipient", name, column))
    if steps:
        migrate(*steps)
    db.execute_sql(
        "CREATE INDEX IF NOT EXISTS parcel_active_ext ON parcel (phone_ext) "
        f"WHERE {models.ACTIVE_SQL}"
    )
    # Virtual numbers stored as the recipient's own (a mobile never has an extension).
    db.execute_sql(
        "UPDATE parcel SET phone_virtual = recipient_phone, "
        "phone_label = substr(recipient_phone, 1, 3) || '****' || "
        "substr(recipient_phone, 8, 4) || '-' || phone_ext, recipient_phone = NULL "
        "WHERE phone_ext IS NOT NULL AND substr(recipient_phone, 1, 1) = '1' "
        "AND length(recipient_phone) = 11 AND phone_virtual IS NULL"
    )
