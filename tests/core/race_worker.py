"""A counter process for the race test: tries to collect each parcel when the barrier opens."""

from __future__ import annotations

from typing import Any


def run(url: str, codes: list[str], barrier: Any, results: Any, name: str) -> None:
    from station import db as station_db
    from station.audit import Actor
    from station.errors import StationError
    from station.models import Staff
    from station.services.pickup import PickupRequest, pickup

    station_db.open_database(url)
    row = Staff.get(Staff.name == "boss")
    actor = Actor(row.id, "boss", "owner", name)
    wins: list[str] = []
    refusals: dict[str, int] = {}
    for code in codes:
        barrier.wait()
        try:
            pickup(actor, PickupRequest(refs=(code,)))
            wins.append(code)
        except StationError as exc:
            refusals[exc.code] = refusals.get(exc.code, 0) + 1
    results.put((name, wins, refusals))
    station_db.close_database()
