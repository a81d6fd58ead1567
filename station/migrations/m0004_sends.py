"""Version 4: outgoing sends (寄件): real-name senders and their address book, carriers' rate
cards and zone overrides, and the sends themselves."""

from __future__ import annotations

from peewee import Database

from station.models_sends import RateCard, RegionZone, Send, Sender, SenderAddress

# The tables as of version 4. Later migrations add theirs; never extend this list.
V4_MODELS = [Sender, SenderAddress, RateCard, RegionZone, Send]


def apply(db: Database) -> None:
    db.create_tables(V4_MODELS, safe=True)
    # Sends waiting for the courier: a small partial index, like the parcels still here.
    db.execute_sql(
        "CREATE INDEX IF NOT EXISTS send_waiting ON send (carrier_id) WHERE status = 'created'"
    )
