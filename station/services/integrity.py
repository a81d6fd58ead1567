"""`verify`: database integrity, audit chain, and the counters the services keep."""

from __future__ import annotations

from typing import Any

from peewee import fn

from station.audit import verify_chain
from station.db import is_postgres
from station.i18n import tr
from station.models import LedgerEntry, Parcel, Slot, active_clause, database_proxy
from station.services.shelves import USED


def verify() -> dict[str, Any]:
    db = database_proxy.obj
    problems: list[str] = []
    integrity = "ok"
    if not is_postgres(getattr(db, "station_url", "")):
        integrity = db.execute_sql("PRAGMA quick_check").fetchone()[0]
        if integrity != "ok":
            problems.append(tr("database file: {integrity}", integrity=integrity))
    chain = verify_chain()
    problems.extend(chain.problems)
    counts: dict[tuple[int, str], int] = {}
    rows = (
        Parcel.select(Parcel.slot, Parcel.size, fn.COUNT(Parcel.id).alias("n"))
        .where(active_clause(), Parcel.slot.is_null(False))
        .group_by(Parcel.slot, Parcel.size)
    )
    tuples: Any = rows.tuples()  # peewee's stubs type tuples() as model rows
    for slot_id, size, n in tuples:
        counts[(slot_id, size)] = n
    for slot in Slot.select():
        for size, column in USED.items():
            if getattr(slot, column) != counts.get((slot.id, size), 0):
                problems.append(
                    tr(
                        "slot {label}: counter says {counter} size-{size} parcels, "
                        "the shelf holds {held}",
                        label=slot.label,
                        counter=getattr(slot, column),
                        size=size,
                        held=counts.get((slot.id, size), 0),
                    )
                )
    return {
        "ok": not problems,
        "events": chain.events,
        "integrity": integrity,
        "chain_ok": chain.ok,
        "parcels": Parcel.select().count(),
        "ledger_total_fen": int(LedgerEntry.select(fn.SUM(LedgerEntry.amount_fen)).scalar() or 0),
        "problems": problems,
    }
