"""A parcel that already left the station (collected, or handed back to the courier) and is
scanned again at intake or stocktake: who took it, when, and which clerk handed it out.

Seeing such a parcel again is serious: either it came back, or the person who "collected"
it was handed somebody else's parcel. It is never taken in again silently.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from station import clock
from station.audit import Actor, unit_of_work
from station.db import run_sql
from station.errors import Duplicate
from station.i18n import tr
from station.models import PICKED_UP, RETURNED

_CHUNK = 500

# The newest parcel row of each number that has left the station, with its hand-over.
_SQL = (
    "SELECT p.id, p.tracking, p.status, p.recipient_name, p.picked_up_at, p.returned_at, "
    "k.proxy_name, k.id_name, k.receipt_no, ks.name, h.courier_name, h.manifest_no, hs.name, "
    "p.carrier_id "
    "FROM parcel p "
    "LEFT JOIN pickup k ON k.id = p.pickup_id LEFT JOIN staff ks ON ks.id = k.staff_id "
    "LEFT JOIN handover h ON h.id = p.handover_id LEFT JOIN staff hs ON hs.id = h.staff_id "
    f"WHERE p.status IN ('{PICKED_UP}', '{RETURNED}') AND p.tracking IN "
)


@dataclass(frozen=True)
class LeftParcel:
    parcel_id: int
    tracking: str
    status: str  # PICKED_UP | RETURNED
    recipient_name: str
    at: str | None  # when it left (ISO 8601 with offset)
    collected_by: str  # who took it: the recipient's name, or the proxy's
    proxy_name: str | None
    clerk: str  # who handed it out
    receipt_no: str | None
    carrier: str
    courier_name: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def sentence(self) -> str:
        """What the clerk is told, with what to do next."""
        moment = _parse(self.at)  # already in the station's zone
        when = {"time": f"{moment:%H:%M}", "day": f"{moment:%m-%d}"} if moment else {
            "time": "?", "day": "?"}
        if self.status == RETURNED:
            return tr(
                "{tracking} was handed back to the {carrier} courier {courier} by clerk {clerk} "
                "at {time} on {day}; it is not taken in again. Put it aside and show it to the "
                "owner.",
                tracking=self.tracking,
                carrier=self.carrier,
                courier=self.courier_name or "",
                clerk=self.clerk,
                **when,
            )
        if self.proxy_name:
            return tr(
                "{tracking} was collected by {name}'s proxy {proxy}, handed out by clerk {clerk} "
                "at {time} on {day}; it is not taken in again. Put it aside and show it to the "
                "owner: someone may have been given the wrong parcel.",
                tracking=self.tracking,
                name=self.recipient_name or tr("the recipient"),
                proxy=self.proxy_name,
                clerk=self.clerk,
                **when,
            )
        return tr(
            "{tracking} was collected by {name}, handed out by clerk {clerk} at {time} on {day}; "
            "it is not taken in again. Put it aside and show it to the owner: someone may have "
            "been given the wrong parcel.",
            tracking=self.tracking,
            name=self.collected_by or tr("the recipient"),
            clerk=self.clerk,
            **when,
        )

    def error(self) -> Duplicate:
        return Duplicate(self.sentence(), code="collected_before", **self.to_json())


def _parse(iso: str | None) -> Any:  # noqa: ANN401 - datetime | None
    from datetime import datetime

    return datetime.fromisoformat(iso) if iso else None


def _as_datetime(value: Any) -> Any:  # noqa: ANN401 - SQLite gives text, PostgreSQL datetime
    from datetime import datetime

    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def left_parcels(trackings: list[str]) -> dict[str, LeftParcel]:
    """{tracking: the newest parcel of that number that has left} for the numbers given.
    The caller has already found none of them still at the station."""
    found: dict[str, tuple[int, LeftParcel]] = {}
    unique = sorted(set(trackings))
    for i in range(0, len(unique), _CHUNK):
        chunk = unique[i : i + _CHUNK]
        marks = "(" + ", ".join("?" * len(chunk)) + ")"
        for row in run_sql(_SQL + marks, tuple(chunk)).fetchall():
            (pid, tracking, status, name, picked, returned, proxy, id_name, receipt, clerk,
             courier, _manifest, returner, carrier) = row
            if tracking in found and found[tracking][0] > pid:
                continue
            left_at = _as_datetime(picked if status == PICKED_UP else returned)
            info = LeftParcel(
                parcel_id=int(pid),
                tracking=tracking,
                status=status,
                recipient_name=name or "",
                at=clock.iso(left_at),
                collected_by=(proxy or id_name or name or "") if status == PICKED_UP else "",
                proxy_name=proxy or None,
                clerk=(clerk if status == PICKED_UP else returner) or "",
                receipt_no=receipt,
                carrier=carrier,
                courier_name=courier,
            )
            found[tracking] = (int(pid), info)
    return {t: info for t, (_, info) in found.items()}


def left_parcel(tracking: str) -> LeftParcel | None:
    return left_parcels([tracking]).get(tracking)


def note_seen_again(actor: Actor, info: LeftParcel, where: str) -> None:
    """Put the scan in the parcel's history (its own audit event): the owner sees that a
    parcel which had left turned up at the counter again."""
    with unit_of_work(actor, "parcel.seen_after_leaving", "parcel", info.parcel_id) as change:
        change.after = {"tracking": info.tracking, "status": info.status, "where": where}
        change.touch(info.parcel_id, f"scanned again at {where} after it left ({info.status})")
