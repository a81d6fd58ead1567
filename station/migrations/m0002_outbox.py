"""Version 2: the recipient-message outbox, owner-edited templates, recipient contacts, and
the station's own id that namespaces idempotency keys sent to an SMS gateway."""

from __future__ import annotations

import json
import secrets

from peewee import Database

from station import models
from station.models_outbox import MessageTemplate, OutboxMessage, RecipientContact

# The tables as of version 2. Later migrations add theirs; never extend this list.
V2_MODELS = [OutboxMessage, MessageTemplate, RecipientContact]

STATION_UID_KEY = "outbox_station_uid"


def apply(db: Database) -> None:
    db.create_tables(V2_MODELS, safe=True)
    # Messages of one parcel (cancel on pickup / undo); the due scan uses (status, next_attempt_at).
    db.execute_sql("CREATE INDEX IF NOT EXISTS outbox_message_parcel ON outbox_message (parcel_id)")
    models.Setting.insert(
        key=STATION_UID_KEY, value=json.dumps(secrets.token_hex(8))
    ).on_conflict_ignore().execute()
