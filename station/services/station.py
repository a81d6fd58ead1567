"""Creating and describing a station: seed data, the first owner."""

from __future__ import annotations

from typing import Any

from station import clock
from station.audit import SYSTEM, unit_of_work
from station.db import schema_version
from station.domain.text import clean_text
from station.i18n import N_
from station.models import Carrier, Parcel, Staff, database_proxy
from station.services import carriers, settings, staff


def init_station(
    owner: str | None = None, pin: str | None = None, station_name: str | None = None
) -> dict[str, Any]:
    """Idempotent: seeds what is missing, never overwrites what an owner set."""
    with unit_of_work(SYSTEM, "station.init", "station") as change:
        added = carriers.seed_carriers()
        settings.id_hash_key()
        if station_name:
            settings.put_raw(
                "station_name",
                clean_text(station_name, field=N_("Station name"), max_len=80, required=True),
            )
        change.after = {"carriers_added": added, "station_name": station_name}
    if owner and pin and Staff.get_or_none(Staff.name == owner) is None:
        staff.add_staff(SYSTEM, owner, "owner", pin)
    apply_zone()
    return summary()


def apply_zone() -> None:
    clock.set_zone(settings.get("timezone"))


def summary() -> dict[str, Any]:
    db = database_proxy.obj
    return {
        "schema_version": schema_version(db),
        "station_name": settings.get("station_name"),
        "database": getattr(db, "station_url", ""),
        "carriers": Carrier.select().count(),
        "staff": Staff.select().count(),
        "parcels": Parcel.select().count(),
    }
