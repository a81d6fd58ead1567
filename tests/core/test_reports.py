"""The daily report, checked against figures recomputed from the raw history (parcel events,
audit events, ledger entries), plus exports, roles and the no-full-scan rule."""

from __future__ import annotations

import csv
import json
import logging
import math
import os
import random
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from station import clock
from station.audit import Actor
from station.errors import Conflict, InvalidInput, NotAllowed
from station.models import (
    ACTIVE_STATUSES,
    ON_SHELF,
    PICKED_UP,
    AuditEvent,
    Carrier,
    DayClose,
    LedgerEntry,
    Parcel,
    ParcelEvent,
    Staff,
    database_proxy,
)
from station.services import carriers, day_close, ledger, reports, returns, staff, tickets
from station.services import settings as station_settings
from station.services.intake import IntakeRequest, intake
from station.services.pickup import PickupRequest, pickup

ZONE = ZoneInfo("Asia/Shanghai")
START = datetime(2024, 3, 1, 0, 0)  # 08:00 in Shanghai
CARRIERS = ("SF", "ZTO", "YTO", "JD")


@pytest.fixture(autouse=True)
def _documents(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARCEL_STATION_DOCS", str(tmp_path / "docs"))


# -- a random history, built through the services ---------------------------------------------


def build_history(owner: Actor, clerk: Actor, seed: int, steps: int = 160) -> datetime:
    """Intakes, pickups (COD by every method), returns, hand-overs, missing/found, tickets,
    reversals and day closes at random moments over ~10 days. → the last moment used."""
    rng = random.Random(seed)
    station_settings.set_value(owner, "id_check_policy", "flagged")
    carriers.update_terms(owner, "ZTO", retention_days=2)
    carriers.update_terms(owner, "SF", retention_days=3)
    staff.add_staff(owner, "bob", "clerk", "5555")
    bob = staff.authenticate("bob", "5555", counter="test")
    clerks = [owner, clerk, bob]
    now = START
    serial = 0
    for _ in range(steps):
        now += timedelta(minutes=rng.randint(3, 150))
        with clock.frozen_at(now):
            actor = rng.choice(clerks)
            active = list(Parcel.select().where(Parcel.status.in_(ACTIVE_STATUSES)))
            collectable = [p for p in active if p.status != "MISSING"]
            roll = rng.random()
            if roll < 0.40 and len(active) < 45:
                serial += 1
                cod = rng.choice([0, 0, 0, rng.randint(1, 9000)])
                intake(
                    actor,
                    IntakeRequest(
                        tracking=f"RP{seed % 1000:03d}{serial:010d}",
                        phone=f"1390000{serial:04d}",
                        name=f"客户{serial}",
                        carrier=rng.choice(CARRIERS),
                        size="S",
                        cod_fen=cod, consent_basis="carrier",
                    ),
                )
            elif roll < 0.70 and collectable:
                parcel = rng.choice(collectable)
                method = rng.choice(ledger.METHODS) if parcel.cod_fen else None
                pickup(actor, PickupRequest(refs=(parcel.tracking,), method=method))
            elif roll < 0.76 and collectable:
                on_shelf = [p for p in collectable if p.status == ON_SHELF]
                if on_shelf:
                    returns.mark_for_return(actor, [rng.choice(on_shelf).tracking])
            elif roll < 0.80:
                code = rng.choice(CARRIERS)
                try:
                    returns.handover(actor, code, "师傅")
                except Exception as exc:  # nothing marked for that carrier
                    assert getattr(exc, "code", "") == "nothing_to_hand_over"
            elif roll < 0.83 and collectable:
                returns.mark_missing(actor, rng.choice(collectable).tracking)
            elif roll < 0.86:
                missing = [p for p in active if p.status == "MISSING"]
                if missing:
                    returns.mark_found(actor, rng.choice(missing).tracking)
            elif roll < 0.91:
                tracking = rng.choice(active).tracking if active and rng.random() < 0.5 else None
                tickets.open_ticket(actor, rng.choice(tickets.KINDS), "problem", tracking)
            elif roll < 0.94:
                still_open = tickets.list_tickets(owner)
                if still_open:
                    tickets.resolve(owner, rng.choice(still_open).id, "done")
            elif roll < 0.97:
                entries = [e for e in LedgerEntry.select() if e.kind == "cod"]
                rng.shuffle(entries)
                for entry in entries[:1]:
                    try:
                        ledger.reverse(owner, entry.id, "mistake")
                    except Conflict:
                        pass
            else:
                day = ledger.open_day()
                if day <= clock.local_day():
                    counted = day_close.expected(day)
                    counted["cash"] += rng.choice([0, -50, 2000])
                    day_close.close_day(owner, day, counted, "recount tomorrow")
    return now


# -- the same figures, recomputed from the raw history -----------------------------------------


def _bounds(day: date) -> tuple[datetime, datetime]:
    def utc(d: date) -> datetime:
        local = datetime(d.year, d.month, d.day, tzinfo=ZONE)
        return local.astimezone(UTC).replace(tzinfo=None)

    return utc(day), utc(day + timedelta(days=1))


def _local_date(moment: datetime) -> date:
    return moment.replace(tzinfo=UTC).astimezone(ZONE).date()


class History:
    """Everything the recomputation needs, read once from the raw tables."""

    def __init__(self) -> None:
        after = {
            ev.seq: json.loads(ev.after)
            for ev in AuditEvent.select().where(AuditEvent.action == "parcel.intake")
        }
        self.intake: dict[int, tuple[datetime, str, str]] = {}  # parcel → (at, actor, carrier)
        self.out: dict[int, tuple[datetime, str, str]] = {}  # parcel → (at, actor, action)
        for ev in ParcelEvent.select().order_by(ParcelEvent.id):
            if ev.action == "parcel.intake":
                self.intake[ev.parcel_id] = (ev.at, ev.actor, after[ev.audit_seq]["carrier"])
            elif ev.action in ("parcel.pickup", "parcel.handover"):
                assert ev.parcel_id not in self.out  # a parcel leaves once
                self.out[ev.parcel_id] = (ev.at, ev.actor, ev.action)
        self.audit = [(ev.at, ev.action) for ev in AuditEvent.select()]
        self.ledger = [(str(e.day), e.method, e.amount_fen) for e in LedgerEntry.select()]
        self.retention = dict(Carrier.select(Carrier.code, Carrier.retention_days).tuples())
        self.closed = {str(d.day) for d in DayClose.select()}

    def figures(self, day: date) -> dict[str, Any]:
        start, end = _bounds(day)
        by_carrier: dict[str, Counter[str]] = {}
        by_clerk: dict[str, Counter[str]] = {}
        totals: Counter[str] = Counter()
        dwell: list[float] = []
        for pid, (at, actor, carrier) in self.intake.items():
            if start <= at < end:
                totals["received"] += 1
                by_carrier.setdefault(carrier, Counter())["received"] += 1
                by_clerk.setdefault(actor, Counter())["received"] += 1
            left = self.out.get(pid)
            if at < end and (left is None or left[0] >= end):
                totals["on_shelf"] += 1
                if _local_date(at) <= day - timedelta(days=self.retention[carrier]):
                    totals["overdue"] += 1
                    by_carrier.setdefault(carrier, Counter())["overdue"] += 1
            if left is not None and start <= left[0] < end:
                if left[2] == "parcel.pickup":
                    totals["collected"] += 1
                    by_carrier.setdefault(carrier, Counter())["collected"] += 1
                    by_clerk.setdefault(left[1], Counter())["collected"] += 1
                    dwell.append((left[0] - at).total_seconds() / 3600)
                else:
                    totals["returned"] += 1
                    by_carrier.setdefault(carrier, Counter())["returned"] += 1
        money = dict.fromkeys(ledger.METHODS, 0)
        for entry_day, method, amount in self.ledger:
            if entry_day == day.isoformat():
                money[method] += amount
        actions = Counter(action for at, action in self.audit if start <= at < end)
        dwell.sort()
        return {
            "date": day.isoformat(),
            "received": totals["received"],
            "collected": totals["collected"],
            "returned": totals["returned"],
            "on_shelf": totals["on_shelf"],
            "overdue": totals["overdue"],
            "collected_fen": money,
            "collected_total_fen": sum(money.values()),
            "avg_dwell_hours": round(sum(dwell) / len(dwell), 2) if dwell else None,
            "p90_dwell_hours": round(dwell[math.ceil(len(dwell) * 0.9) - 1], 2) if dwell else None,
            "by_carrier": {
                code: {k: c[k] for k in ("received", "collected", "returned", "overdue")}
                for code, c in sorted(by_carrier.items())
            },
            "by_clerk": {
                name: {k: c[k] for k in ("received", "collected")}
                for name, c in sorted(by_clerk.items())
            },
            "tickets_opened": actions["ticket.open"],
            "tickets_closed": actions["ticket.resolve"],
            "pickups": actions["parcel.pickup"],
            "day_closed": day.isoformat() in self.closed,
        }


@pytest.mark.parametrize("seed", [1, 2])
def test_daily_report_matches_the_raw_history(owner: Actor, clerk: Actor, seed: int) -> None:
    last = build_history(owner, clerk, seed)
    history = History()
    first_day, last_day = _local_date(START), _local_date(last)
    assert (last_day - first_day).days >= 5
    assert sum(1 for _ in history.out) > 10 and history.closed
    with clock.frozen_at(last + timedelta(minutes=1)):
        for offset in range(-1, (last_day - first_day).days + 2):
            day = first_day + timedelta(days=offset)
            report = reports.daily(owner, day).to_json()
            expected = history.figures(day)
            assert {k: report[k] for k in expected} == expected, day
            assert report["station_name"] == "Test Station 测试驿站"
        # Today: "at the station" is exactly what is active now.
        today = reports.daily(owner)
        assert today.date == last_day.isoformat()
        assert today.on_shelf == Parcel.select().where(Parcel.status.in_(ACTIVE_STATUSES)).count()


def test_report_totals_match_the_ledger_and_trend(owner: Actor, clerk: Actor) -> None:
    last = build_history(owner, clerk, 3, steps=120)
    with clock.frozen_at(last):
        points = reports.trend(owner, days=12)
        assert len(points) == 12 and points[-1].date == clock.local_day().isoformat()
        for point in points:
            day = date.fromisoformat(point.date)
            figures = reports.figures(day)
            assert (
                point.received,
                point.collected,
                point.returned,
                point.on_shelf,
                point.avg_dwell_hours,
            ) == (
                figures["received"],
                figures["collected"],
                figures["returned"],
                figures["on_shelf"],
                figures["avg_dwell_hours"],
            )
            entries = LedgerEntry.select().where(LedgerEntry.day == day)
            assert figures["collected_total_fen"] == sum(e.amount_fen for e in entries)
        with pytest.raises(InvalidInput):
            reports.trend(owner, days=0)
    # Every reversal cancels its entry exactly; the whole ledger is the sum of its days.
    total = sum(e.amount_fen for e in LedgerEntry.select())
    days = {e.day for e in LedgerEntry.select()}
    assert total == sum(
        reports.figures(d if isinstance(d, date) else date.fromisoformat(d))["collected_total_fen"]
        for d in days
    )
    for rev in LedgerEntry.select().where(LedgerEntry.kind == "reversal"):
        assert rev.amount_fen + LedgerEntry.get_by_id(rev.reverses_id).amount_fen == 0


def test_dwell_statistics(owner: Actor, clerk: Actor) -> None:
    base = datetime(2024, 6, 3, 1, 0)  # 09:00 local
    codes = []
    for i in range(10):
        with clock.frozen_at(base + timedelta(minutes=i)):
            codes.append(
                intake(
                    clerk,
                    IntakeRequest(
                        tracking=f"DW{i:012d}",
                        phone=f"1370000{i:04d}",
                        name="x",
                        size="S", consent_basis="carrier",
                    ),
                ).pickup_code
            )
    for i, code in enumerate(codes):  # on the shelf 1, 2, … 10 hours
        with clock.frozen_at(base + timedelta(minutes=i, hours=i + 1)):
            pickup(clerk, PickupRequest(refs=(code,)))
    report = reports.daily(owner, date(2024, 6, 3))
    assert report.collected == 10 and report.pickups == 10
    assert report.avg_dwell_hours == 5.5 and report.p90_dwell_hours == 9.0
    assert report.by_clerk == {"amy": {"received": 10, "collected": 10}}
    assert reports.dwell_stats([]) == (None, None)
    assert reports.dwell_stats([2.0]) == (2.0, 2.0)


def test_overdue_at_the_end_of_past_days(owner: Actor, clerk: Actor) -> None:
    carriers.update_terms(owner, "SF", retention_days=3)
    with clock.frozen_at(datetime(2024, 7, 1, 15, 59)):  # 23:59 local on July 1
        view = intake(
            clerk,
            IntakeRequest(
                tracking="SF123456789012", phone="13700000001", name="x", carrier="SF", size="S",
                consent_basis="carrier",
            ),
        )
    july = [date(2024, 7, d) for d in range(1, 7)]
    overdue = [reports.daily(owner, d).overdue for d in july]
    assert overdue == [0, 0, 0, 1, 1, 1]  # overdue from day 3 after the local intake day
    with clock.frozen_at(datetime(2024, 7, 5, 2, 0)):
        assert [v.tracking for v in returns.overdue(clerk)] == [view.tracking]
        pickup(clerk, PickupRequest(refs=(view.pickup_code,)))
    overdue = [reports.daily(owner, d).overdue for d in july]
    assert overdue == [0, 0, 0, 1, 0, 0]
    assert [reports.daily(owner, d).on_shelf for d in july] == [1, 1, 1, 1, 0, 0]
    assert reports.daily(owner, date(2024, 7, 4)).by_carrier["SF"]["overdue"] == 1


def test_the_report_is_for_the_owner(clerk: Actor) -> None:
    with pytest.raises(NotAllowed):
        reports.daily(clerk)
    with pytest.raises(NotAllowed):
        reports.trend(clerk)


# -- exports ------------------------------------------------------------------------------------


@pytest.fixture
def report(owner: Actor, clerk: Actor) -> reports.DailyReport:
    last = build_history(owner, clerk, 4, steps=60)
    return reports.daily(owner, _local_date(last - timedelta(hours=12)))


def test_csv_export(report: reports.DailyReport, tmp_path: Path) -> None:
    out = reports.write_csv(report, tmp_path / "r.csv")
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0] == ["section", "key", "metric", "value"]
    facts = {(r[0], r[1], r[2]): r[3] for r in rows[1:]}
    assert facts[("summary", "", "date")] == report.date
    assert facts[("summary", "", "station")] == "Test Station 测试驿站"
    assert int(facts[("summary", "", "received")]) == report.received
    assert int(facts[("payments", "total", "fen")]) == report.collected_total_fen
    for code, counts in report.by_carrier.items():
        assert int(facts[("carrier", code, "received")]) == counts["received"]
    assert reports.export(report, tmp_path / "again.CSV").read_bytes() == raw


def test_xlsx_export(report: reports.DailyReport, tmp_path: Path) -> None:
    out = reports.write_xlsx(report, tmp_path / "r.xlsx")
    wb = load_workbook(out)
    assert wb.sheetnames == ["Summary", "Payments", "Carriers", "Clerks", "Safety"]
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2"
    summary = wb["Summary"]
    assert summary["B2"].value.date() == date.fromisoformat(report.date)
    values = [row[1].value for row in summary.iter_rows(min_row=3)]
    assert values[0] == report.received and isinstance(values[0], int)
    payments = wb["Payments"]
    assert [r[2].value for r in payments.iter_rows(min_row=2)][-1] == report.collected_total_fen
    carriers_ws = wb["Carriers"]
    assert {r[0].value: r[1].value for r in carriers_ws.iter_rows(min_row=2)} == {
        code: c["received"] for code, c in report.by_carrier.items()
    }
    assert carriers_ws.column_dimensions["A"].width >= 10


def test_pdf_export(report: reports.DailyReport, tmp_path: Path) -> None:
    out = reports.export(report, tmp_path / "r.pdf")
    data = out.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 2000
    assert b"FontFile2" in data and b"WenQuanYi" in data  # embedded, not a system font
    with pytest.raises(InvalidInput):
        reports.export(report, tmp_path / "r.doc")


# -- speed: index ranges only ------------------------------------------------------------------


class _Queries(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.sql: list[tuple[str, tuple[Any, ...]]] = []

    def emit(self, record: logging.LogRecord) -> None:
        if isinstance(record.msg, tuple) and len(record.msg) == 2:
            self.sql.append((record.msg[0], tuple(record.msg[1] or ())))


def _bulk_history(n: int, days: int, end: datetime) -> None:
    """`n` collected parcels spread over `days` days before `end` (raw rows: only for size)."""
    boss = Staff.get(Staff.name == "boss").id
    rng = random.Random(7)
    codes = list(CARRIERS)
    rows = []
    for i in range(n):
        received = end - timedelta(seconds=rng.randint(3600, days * 86400))
        left = received + timedelta(seconds=rng.randint(600, 5 * 86400))
        left = min(left, end - timedelta(seconds=1))
        rows.append(
            {
                "tracking": f"BULK{i:012d}",
                "carrier": codes[i % 4],
                "status": PICKED_UP,
                "size": "S",
                "received_at": received,
                "received_by": boss,
                "picked_up_at": left,
                "left_at": left,
            }
        )
    db = database_proxy.obj
    with db.atomic():
        for i in range(0, n, 5000):
            Parcel.insert_many(rows[i : i + 5000]).execute()


def test_daily_report_reads_only_index_ranges(owner: Actor, clerk: Actor) -> None:
    """No query of the report walks the whole parcel table, and it stays fast with a long
    history (PARCEL_STATION_STRESS_SCALE=1 → one million parcels)."""
    scale = float(os.environ.get("PARCEL_STATION_STRESS_SCALE", "0.03"))
    now = datetime(2025, 1, 10, 6, 0)
    _bulk_history(int(1_000_000 * scale), 1000, now - timedelta(days=1))
    with clock.frozen_at(now):
        for i in range(30):
            intake(
                clerk,
                IntakeRequest(tracking=f"NOW{i:010d}", phone=f"1360000{i:04d}", name="x", size="S",
                              consent_basis="carrier"),
            )
    handler = _Queries()
    logger = logging.getLogger("peewee")
    old_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        with clock.frozen_at(now):
            started = time.perf_counter()
            today = reports.daily(owner)
            elapsed = time.perf_counter() - started
            reports.daily(owner, date(2025, 1, 8))
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
    assert today.received == 30 and today.on_shelf == 30
    assert elapsed < 0.5, f"daily report took {elapsed:.3f} s"
    db = database_proxy.obj
    if db.station_url.startswith("postgres"):
        return
    parcel_queries = [(sql, p) for sql, p in handler.sql if '"parcel"' in sql]
    assert parcel_queries
    for sql, params in parcel_queries:
        plan = db.execute_sql(f"EXPLAIN QUERY PLAN {sql}", params).fetchall()
        details = [row[-1] for row in plan]
        for line in details:
            if "parcel" in line.split(" USING ")[0]:
                assert not line.startswith("SCAN"), (sql, details)
