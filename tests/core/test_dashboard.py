"""The dashboard's figures (in vs out, time on shelf, occupancy, busiest hours), the parcels
behind each bar, the owner-only rule, the no-full-scan rule, and the back-office PDFs."""

from __future__ import annotations

import logging
import random
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from station import clock
from station.audit import Actor
from station.documents import backoffice
from station.errors import InvalidInput, NotAllowed
from station.models import PICKED_UP, Parcel, Staff, database_proxy
from station.services import dashboard, reports, returns, settlement
from station.services.dashboard import Bar
from station.services.pickup import PickupRequest, pickup

from .helpers import take_in

DAY1 = date(2024, 5, 1)
# 2024-05-01 09:10 in Shanghai (UTC+8), stored as naive UTC.
MORNING = datetime(2024, 5, 1, 1, 10)


@pytest.fixture(autouse=True)
def _documents(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARCEL_STATION_DOCS", str(tmp_path / "docs"))


def _history(owner: Actor, clerk: Actor) -> dict[str, Any]:
    """Day 1: 4 in at 09:xx (two S on A…), 1 collected at 15:xx after ~6 h.
    Day 2: 2 in at 10:xx, 1 collected at 20:xx (waited ~35 h), 1 returned to the courier.
    Day 3 (noon): the dashboard is looked at."""
    made = {}
    with clock.frozen_at(MORNING):
        made["a"] = take_in(clerk, person=1, size="S")
        made["b"] = take_in(clerk, person=2, size="S")
        made["c"] = take_in(clerk, person=3, size="M", carrier="ZTO")
        made["d"] = take_in(clerk, person=4, size="L")
    with clock.frozen_at(MORNING + timedelta(hours=6)):  # 15:10
        pickup(clerk, PickupRequest(refs=(made["a"].pickup_code,)))
    with clock.frozen_at(MORNING + timedelta(days=1, hours=1)):  # day 2, 10:10
        made["e"] = take_in(clerk, person=5, size="S")
        made["f"] = take_in(clerk, person=6, size="M")
    with clock.frozen_at(MORNING + timedelta(days=1, hours=11)):  # day 2, 20:10
        pickup(clerk, PickupRequest(refs=(made["b"].pickup_code,)))
        returns.mark_for_return(owner, [made["c"].tracking])
        returns.handover(owner, "ZTO", "王师傅")
    return made


def test_dashboard_figures_agree_with_the_trend(owner: Actor, clerk: Actor) -> None:
    made = _history(owner, clerk)
    noon3 = MORNING + timedelta(days=2, hours=3)
    with clock.frozen_at(noon3):
        dash = dashboard.dashboard(owner, days=3)
        trend = reports.trend(owner, 3)
    assert (dash.date_from, dash.date_to) == ("2024-05-01", "2024-05-03")
    assert [(p.date, p.received, p.collected, p.returned, p.on_shelf) for p in dash.days] == [
        (t.date, t.received, t.collected, t.returned, t.on_shelf) for t in trend
    ]
    assert [(p.received, p.collected, p.returned, p.on_shelf) for p in dash.days] == [
        (4, 1, 0, 3),
        (2, 1, 1, 3),
        (0, 0, 0, 3),
    ]
    assert dash.hours_received[9] == 4 and dash.hours_received[10] == 2
    assert sum(dash.hours_received) == 6
    assert dash.hours_collected[15] == 1 and dash.hours_collected[20] == 1
    assert sum(dash.hours_collected) == 2
    # a waited 6 h (4–12 h), b 35 h (24–48 h); still here: d ~51 h, e and f ~26 h.
    by_edge = {b.lo_hours: b for b in dash.dwell}
    assert by_edge[4].collected == 1 and by_edge[24].collected == 1
    assert sum(b.collected for b in dash.dwell) == 2
    assert by_edge[24].on_shelf == 2 and by_edge[48].on_shelf == 1
    assert dash.dwell[-1].hi_hours is None and dash.dwell[0].lo_hours == 0
    assert dash.avg_dwell_hours == pytest.approx((6 + 35) / 2, abs=0.01)
    held = {s.shelf: s for s in dash.shelves}
    assert sum(s.used[size] for s in held.values() for size in "SML") == 3
    assert held["A"].capacity["S"] == 30  # 3 layers of 10
    assert made["d"].size == "L"


def test_parcels_behind_each_bar_match_the_bar(owner: Actor, clerk: Actor) -> None:
    made = _history(owner, clerk)
    with clock.frozen_at(MORNING + timedelta(days=2, hours=3)):
        dash = dashboard.dashboard(owner, days=3)
        period = (dash.date_from, dash.date_to)

        def behind(chart: str, key: str, series: str) -> set[str]:
            result = dashboard.parcels_behind(owner, Bar(chart, key, series, *period))
            assert result.total == len(result.rows)
            return {v.tracking for v in result.rows}

        t = {k: v.tracking for k, v in made.items()}
        assert behind("days", "2024-05-01", "received") == {t["a"], t["b"], t["c"], t["d"]}
        assert behind("days", "2024-05-01", "collected") == {t["a"]}
        assert behind("days", "2024-05-02", "collected") == {t["b"]}
        assert behind("days", "2024-05-02", "returned") == {t["c"]}
        assert behind("hours", "9", "received") == {t["a"], t["b"], t["c"], t["d"]}
        assert behind("hours", "20", "collected") == {t["b"]}
        four_to_12 = str(dashboard.DWELL_EDGES.index(4))
        one_to_2_days = str(dashboard.DWELL_EDGES.index(24))
        assert behind("dwell", four_to_12, "collected") == {t["a"]}
        assert behind("dwell", one_to_2_days, "on_shelf") == {t["e"], t["f"]}
        shelf = made["d"].slot.split("-")[0]
        assert t["d"] in behind("shelves", shelf, "L")
        # Owners see full numbers in the list, like everywhere else.
        rows = dashboard.parcels_behind(owner, Bar("days", "2024-05-01", "received")).rows
        assert all("*" not in v.recipient_phone for v in rows)
        limited = dashboard.parcels_behind(owner, Bar("days", "2024-05-01", "received"), limit=2)
        assert limited.total == 4 and len(limited.rows) == 2


def test_owed_by_carrier_agrees_with_each_settlement(owner: Actor, clerk: Actor) -> None:
    _history(owner, clerk)
    first, last = DAY1, DAY1 + timedelta(days=2)
    with clock.frozen_at(MORNING + timedelta(days=2, hours=3)):
        summary = dashboard.owed_by_carrier(owner, first, last)
        assert {r.carrier for r in summary} == {"YTO", "ZTO"}
        for row in summary:
            one = settlement.settle(owner, row.carrier, first, last)
            assert (row.parcels, row.returns, row.owed_fen) == (
                one.parcels,
                one.returns,
                one.owed_fen,
            )
        assert next(r for r in summary if r.carrier == "ZTO").returns == 1
        with pytest.raises(NotAllowed):
            dashboard.owed_by_carrier(clerk, first, last)
        with pytest.raises(InvalidInput):
            dashboard.owed_by_carrier(owner, last, first)


def test_clerks_are_refused_and_periods_checked(owner: Actor, clerk: Actor) -> None:
    with pytest.raises(NotAllowed):
        dashboard.dashboard(clerk)
    with pytest.raises(NotAllowed):
        dashboard.parcels_behind(clerk, Bar("days", "2024-05-01", "received"))
    with pytest.raises(InvalidInput):
        dashboard.dashboard(owner, days=0)
    with pytest.raises(InvalidInput):
        dashboard.parcels_behind(owner, Bar("hours", "9", "received", "2020-01-01", "2024-01-01"))
    empty = dashboard.dashboard(owner, days=30)
    assert len(empty.days) == 30 and all(p.received == 0 for p in empty.days)
    assert empty.avg_dwell_hours is None and len(empty.hours_received) == 24


class _Queries(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.sql: list[tuple[str, tuple[Any, ...]]] = []

    def emit(self, record: logging.LogRecord) -> None:
        if isinstance(record.msg, tuple) and len(record.msg) == 2:
            self.sql.append((record.msg[0], tuple(record.msg[1] or ())))


def test_dashboard_reads_only_index_ranges(owner: Actor, clerk: Actor) -> None:
    """With a history of collected parcels, no query walks the whole parcel table."""
    end = MORNING + timedelta(days=400)
    boss = Staff.get(Staff.name == "boss").id
    rng = random.Random(3)
    rows = []
    for i in range(6000):
        received = end - timedelta(seconds=rng.randint(3600, 400 * 86400))
        left = min(received + timedelta(seconds=rng.randint(600, 5 * 86400)), end)
        rows.append(
            {
                "tracking": f"HIST{i:010d}",
                "carrier": "SF",
                "status": PICKED_UP,
                "size": "S",
                "received_at": received,
                "received_by": boss,
                "picked_up_at": left,
                "left_at": left,
            }
        )
    with database_proxy.obj.atomic():
        for i in range(0, len(rows), 2000):
            Parcel.insert_many(rows[i : i + 2000]).execute()
    with clock.frozen_at(end):
        take_in(clerk, person=9, size="S")
    handler = _Queries()
    logger = logging.getLogger("peewee")
    old = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        with clock.frozen_at(end + timedelta(hours=1)):
            dash = dashboard.dashboard(owner)
            period = (dash.date_from, dash.date_to)
            for bar in (
                Bar("days", dash.date_to, "received"),
                Bar("days", dash.date_to, "collected"),
                Bar("dwell", "1", "collected", *period),
                Bar("dwell", "0", "on_shelf"),
                Bar("shelves", "A", "S"),
                Bar("hours", "9", "received", *period),
            ):
                dashboard.parcels_behind(owner, bar)
            dashboard.owed_by_carrier(
                owner, date.fromisoformat(dash.date_from), date.fromisoformat(dash.date_to)
            )
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old)
    assert sum(p.received for p in dash.days) > 100
    db = database_proxy.obj
    if db.station_url.startswith("postgres"):
        return
    queries = [(sql, p) for sql, p in handler.sql if '"parcel"' in sql]
    assert queries
    for sql, params in queries:
        plan = [row[-1] for row in db.execute_sql(f"EXPLAIN QUERY PLAN {sql}", params)]
        for line in plan:
            if "parcel" in line.split(" USING ")[0]:
                assert not line.startswith("SCAN"), (sql, plan)


def test_report_and_statement_pdfs(owner: Actor, clerk: Actor, tmp_path: Path) -> None:
    _history(owner, clerk)
    png = _tiny_png()
    with clock.frozen_at(MORNING + timedelta(days=2)):
        report = reports.daily(owner, DAY1)
        path = backoffice.daily_report_pdf(
            report, [("入库与出库 In vs out", png)], tmp_path / "r.pdf"
        )
        result = settlement.settle(owner, "SF", DAY1, DAY1 + timedelta(days=1))
        statement = backoffice.settlement_pdf(result, tmp_path / "s.pdf")
    for pdf in (path, statement):
        data = pdf.read_bytes()
        assert data.startswith(b"%PDF") and len(data) > 2000
    assert b"/Image" in path.read_bytes()


def _tiny_png() -> bytes:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (40, 20), (37, 99, 235)).save(buf, "PNG")
    return buf.getvalue()
