"""The owner's dashboard: the last 30 days in vs out, time on shelf, shelf occupancy by shelf
and size, the busiest hours of the day, and the parcels behind any bar of those charts.

Fast on a station with a million historical parcels: two index range reads over the period
(received_at, left_at), one read of the parcels still at the station (partial index) and
the slot table. Nothing scans the parcel table. Figures agree with `reports.trend` and
`reports.figures`: a parcel counts as collected on the day it left (left_at), and its time
on the shelf is left_at − received_at.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from peewee import JOIN, fn

from station import clock
from station.audit import Actor
from station.errors import InvalidInput
from station.i18n import N_, tr
from station.models import (
    PICKED_UP,
    RETURNED,
    Parcel,
    Shelf,
    Slot,
    active_clause,
    database_proxy,
)
from station.services import browse, carriers, reports, settlement, shelves
from station.services.browse import ParcelFilter
from station.services.views import ParcelView, parcel_view

SIZES = ("S", "M", "L", "XL")
# Time-on-shelf histogram: [lo, hi) in hours; the last bucket has no upper end.
DWELL_EDGES = (0, 4, 12, 24, 48, 72, 120, 168)
MAX_BEHIND = 1000


def _rows(query: Any) -> Iterator[tuple[Any, ...]]:
    """A query's raw rows straight from the database cursor: tens of thousands of rows a
    chart, where peewee's per-row conversion would cost more than the query. Times come
    back as text from SQLite (see `_dt`)."""
    return iter(database_proxy.obj.execute(query))


def _dt(value: Any) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


@dataclass(frozen=True)
class DayPoint:
    date: str
    received: int
    collected: int
    returned: int
    on_shelf: int  # at the station at the end of the day
    sends: int = 0  # outgoing sends taken that day (not voided)
    sends_fen: int = 0


@dataclass(frozen=True)
class DwellBucket:
    lo_hours: int
    hi_hours: int | None  # None: and longer
    collected: int  # parcels collected in the period that had waited this long
    on_shelf: int  # parcels at the station now that have waited this long so far


@dataclass(frozen=True)
class ShelfLoad:
    shelf: str
    used: dict[str, int]
    capacity: dict[str, int]


@dataclass(frozen=True)
class Dashboard:
    date_from: str
    date_to: str
    days: list[DayPoint]
    dwell: list[DwellBucket]
    shelves: list[ShelfLoad]
    hours_received: list[int]  # 24 local hours, over the whole period
    hours_collected: list[int]
    avg_dwell_hours: float | None
    p90_dwell_hours: float | None
    generated_at: str | None = None
    sends: int = 0  # outgoing sends over the period (not voided) and their revenue
    sends_fen: int = 0

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Bar:
    """One bar of a chart. chart/key/series:
    days/ISO date/received|collected|returned; dwell/bucket index/collected|on_shelf;
    shelves/shelf name/size; hours/hour 0-23/received|collected."""

    chart: str
    key: str
    series: str
    date_from: str = ""
    date_to: str = ""


@dataclass(frozen=True)
class Behind:
    bar: Bar
    total: int
    rows: list[ParcelView] = field(default_factory=list)


class _Period:
    """Local days date_from..date_to as UTC bounds, with day and hour bucketing."""

    def __init__(self, date_from: date, date_to: date) -> None:
        n = (date_to - date_from).days + 1
        self.dates = [date_from + timedelta(days=i) for i in range(n)]
        self.bounds = [clock.day_bounds(d)[0] for d in self.dates]
        self.bounds.append(clock.day_bounds(date_to)[1])
        self.start, self.end = self.bounds[0], self.bounds[-1]

    def day(self, moment: datetime) -> int:
        return bisect_right(self.bounds, moment) - 1

    def hour(self, moment: datetime, day: int | None = None) -> int:
        i = self.day(moment) if day is None else day
        return min(23, max(0, int((moment - self.bounds[i]).total_seconds() // 3600)))

    def received(self, *columns: Any) -> Any:
        return Parcel.select(*columns).where(
            Parcel.received_at >= self.start, Parcel.received_at < self.end
        )

    def left(self, *columns: Any) -> Any:
        return Parcel.select(*columns).where(
            Parcel.left_at >= self.start, Parcel.left_at < self.end
        )


def dwell_bucket(hours: float) -> int:
    return max(0, bisect_right(DWELL_EDGES, hours) - 1)


def _check_days(days: int) -> None:
    if not 1 <= days <= reports.MAX_TREND_DAYS:
        raise InvalidInput(
            tr(
                "A trend covers 1 to {max_trend_days} days.",
                max_trend_days=reports.MAX_TREND_DAYS,
            )
        )


def dashboard(actor: Actor, days: int = 30, end_day: date | None = None) -> Dashboard:
    """The charts' figures for the `days` local days ending with `end_day` (default today).
    Time on shelf of parcels still here and the shelf occupancy are as of now."""
    actor.require_owner(N_("see the reports"))
    _check_days(days)
    last = end_day or clock.local_day()
    period = _Period(last - timedelta(days=days - 1), last)

    received, hours_in = [0] * days, [0] * 24
    for (value,) in _rows(period.received(Parcel.received_at)):
        received_at = _dt(value)
        i = period.day(received_at)
        received[i] += 1
        hours_in[period.hour(received_at, i)] += 1
    collected, returned, hours_out = [0] * days, [0] * days, [0] * 24
    waited: list[float] = []
    dwell_done = [0] * len(DWELL_EDGES)
    for status, left, rec in _rows(period.left(Parcel.status, Parcel.left_at, Parcel.received_at)):
        left_at = _dt(left)
        i = period.day(left_at)
        if status == PICKED_UP:
            collected[i] += 1
            hours_out[period.hour(left_at, i)] += 1
            hours = (left_at - _dt(rec)).total_seconds() / 3600
            waited.append(hours)
            dwell_done[dwell_bucket(hours)] += 1
        elif status == RETURNED:
            returned[i] += 1

    from station.services import sends_handover

    sends, sends_fen = [0] * days, [0] * days
    for taken, total in sends_handover.taken_at(period.start, period.end):
        sends[period.day(_dt(taken))] += 1
        sends_fen[period.day(_dt(taken))] += total
    here = reports.at_station_at(period.end)
    points: list[DayPoint] = []
    for i in range(days - 1, -1, -1):
        points.append(
            DayPoint(
                period.dates[i].isoformat(),
                received[i],
                collected[i],
                returned[i],
                here,
                sends[i],
                sends_fen[i],
            )
        )
        here = here - received[i] + collected[i] + returned[i]
    points.reverse()

    now = clock.now()
    dwell_now = [0] * len(DWELL_EDGES)
    for (value,) in _rows(Parcel.select(Parcel.received_at).where(active_clause())):
        dwell_now[dwell_bucket((now - _dt(value)).total_seconds() / 3600)] += 1
    highs: list[int | None] = [*DWELL_EDGES[1:], None]
    avg, p90 = reports.dwell_stats(waited)
    return Dashboard(
        date_from=period.dates[0].isoformat(),
        date_to=last.isoformat(),
        days=points,
        dwell=[
            DwellBucket(lo, hi, done, here)
            for lo, hi, done, here in zip(DWELL_EDGES, highs, dwell_done, dwell_now, strict=True)
        ],
        shelves=shelf_loads(),
        hours_received=hours_in,
        hours_collected=hours_out,
        avg_dwell_hours=avg,
        p90_dwell_hours=p90,
        generated_at=clock.iso(now),
        sends=sum(sends),
        sends_fen=sum(sends_fen),
    )


def shelf_loads() -> list[ShelfLoad]:
    """Parcels held and room per size, shelf by shelf (the slot counters: a small table)."""
    loads = []
    for shelf in shelves.list_shelves():
        used = {s: sum(slot.used.get(s, 0) for slot in shelf.slots) for s in SIZES}
        cap = {s: sum(slot.capacity.get(s, 0) for slot in shelf.slots) for s in SIZES}
        loads.append(ShelfLoad(shelf.name, used, cap))
    return loads


# -- the parcels behind a bar -------------------------------------------------------------


def parcels_behind(actor: Actor, bar: Bar, limit: int = 500) -> Behind:
    """The parcels counted in one bar (the first `limit` of them, oldest first) and how many
    there are in all."""
    actor.require_owner(N_("see the reports"))
    limit = max(1, min(int(limit), MAX_BEHIND))
    if bar.chart == "days" and bar.series == "received":
        day = date.fromisoformat(bar.key)
        filters = ParcelFilter(received_from=day, received_to=day)
        rows = browse.page(actor, filters, sort="received_at", descending=False, limit=limit)
        return Behind(bar, browse.count(filters), rows.rows)
    if bar.chart == "shelves":
        query = (
            Parcel.select(Parcel.id)
            .join(Slot, on=(Parcel.slot == Slot.id))
            .join(Shelf, on=(Slot.shelf == Shelf.id))
            .where(active_clause(), Shelf.name == bar.key, Parcel.size == bar.series)
            .order_by(Parcel.received_at, Parcel.id)
        )
        ids = [pid for (pid,) in _rows(query)]
    elif bar.chart == "dwell" and bar.series == "on_shelf":
        ids = _ids_on_shelf_for(int(bar.key))
    else:
        ids = _ids_in_period(bar)
    return Behind(bar, len(ids), _views(actor, ids[:limit]))


def _bar_period(bar: Bar) -> _Period:
    if bar.chart == "days":
        day = date.fromisoformat(bar.key)
        return _Period(day, day)
    first, last = date.fromisoformat(bar.date_from), date.fromisoformat(bar.date_to)
    _check_days((last - first).days + 1)
    return _Period(first, last)


def _ids_in_period(bar: Bar) -> list[int]:
    period = _bar_period(bar)
    if bar.series == "received":  # hours
        hour = int(bar.key)
        query = period.received(Parcel.id, Parcel.received_at).order_by(Parcel.received_at)
        return [pid for pid, at in _rows(query) if period.hour(_dt(at)) == hour]
    wanted = RETURNED if bar.series == "returned" else PICKED_UP
    query = period.left(Parcel.id, Parcel.status, Parcel.left_at, Parcel.received_at)
    match: Callable[[datetime, datetime], bool]
    if bar.chart == "hours":
        hour = int(bar.key)
        match = lambda left, _r: period.hour(left) == hour  # noqa: E731
    elif bar.chart == "dwell":
        bucket = int(bar.key)
        match = lambda left, rec: dwell_bucket((left - rec).total_seconds() / 3600) == bucket  # noqa: E731
    else:  # days: everything that left that day
        match = lambda _l, _r: True  # noqa: E731
    rows = _rows(query.order_by(Parcel.left_at, Parcel.id))
    return [
        pid for pid, status, left, rec in rows if status == wanted and match(_dt(left), _dt(rec))
    ]


def _ids_on_shelf_for(bucket: int) -> list[int]:
    now = clock.now()
    query = Parcel.select(Parcel.id, Parcel.received_at).where(active_clause())
    rows = sorted((_dt(rec), pid) for pid, rec in _rows(query))
    return [pid for rec, pid in rows if dwell_bucket((now - rec).total_seconds() / 3600) == bucket]


def _views(actor: Actor, ids: Sequence[int]) -> list[ParcelView]:
    if not ids:
        return []
    query = (
        Parcel.select(Parcel, Slot.label)
        .join(Slot, on=(Parcel.slot == Slot.id), join_type=JOIN.LEFT_OUTER)
        .where(Parcel.id.in_(list(ids)))
    )
    by_id = {p.id: parcel_view(p, actor, getattr(p.slot, "label", None)) for p in query}
    return [by_id[i] for i in ids if i in by_id]


# -- what every carrier owes ----------------------------------------------------------------


def owed_by_carrier(
    actor: Actor, date_from: date, date_to: date
) -> list[settlement.SettlementResult]:
    """Every carrier that handled parcels in the local days date_from..date_to, with what it
    owes (the figures of `settlement.settle`, without the day-by-day rows): two grouped counts
    over index ranges instead of one settlement per carrier."""
    actor.require_owner(N_("see carrier settlements"))
    if date_from > date_to:
        raise InvalidInput(
            tr(
                "The period starts ({date_from}) after it ends ({date_to}): swap the dates.",
                date_from=date_from.isoformat(),
                date_to=date_to.isoformat(),
            )
        )
    if (date_to - date_from).days + 1 > settlement.MAX_DAYS:
        raise InvalidInput(
            tr(
                "A settlement covers at most {max_days} days; split the period.",
                max_days=settlement.MAX_DAYS,
            )
        )
    start, end = clock.day_bounds(date_from)[0], clock.day_bounds(date_to)[1]
    count = fn.COUNT(Parcel.id)
    received = dict(
        _rows(
            Parcel.select(Parcel.carrier, count)
            .where(Parcel.received_at >= start, Parcel.received_at < end)
            .group_by(Parcel.carrier)
        )
    )
    returned = dict(
        _rows(
            Parcel.select(Parcel.carrier, count)
            .where(Parcel.left_at >= start, Parcel.left_at < end, Parcel.returned_at.is_null(False))
            .group_by(Parcel.carrier)
        )
    )
    from station.services import sends_handover

    sent = sends_handover.handed_over_by_carrier(start, end)
    results = []
    for code in sorted(set(received) | set(returned) | set(sent)):
        n, r = int(received.get(code, 0)), int(returned.get(code, 0))
        k, f = sent.get(code, (0, 0))
        results.append(
            settlement.result_for(carriers.get(code), date_from, date_to, n, r, None, k, f)
        )
    return results
