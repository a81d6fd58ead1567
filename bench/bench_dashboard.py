"""Benchmark: the owner's daily report and dashboard on a station with 1,000,000 parcels.

    uv run python bench/bench_dashboard.py [--rows 1000000] [--db /tmp/dashboard_1m.db]

The history is bulk-inserted once (two years of finished parcels, busiest at the counter's
hours, time on shelf from minutes to 10 days, 3 % returned) plus about 3,000 parcels still
at the station; later runs reuse the file. Everything measured goes through the services.
Target: daily report and dashboard ≤ 500 ms each.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from station import clock
from station import db as station_db
from station.audit import Actor
from station.models import Staff
from station.services import dashboard, reports, shelves
from station.services.station import init_station

CARRIERS = ["ZTO", "YTO", "YUNDA", "STO", "JT", "SF", "JD", "EMS"]
HOURS = [0, 0, 0, 0, 0, 0, 0, 1, 4, 8, 9, 8, 6, 5, 6, 7, 8, 9, 10, 9, 6, 3, 1, 0]
COLUMNS = (
    "tracking, carrier_id, status, slot_id, size, code_seq, pickup_code, recipient_name,"
    " recipient_phone, phone_last4, weight_g, cod_fen, id_check, damaged, damage_note,"
    " consent_basis, id_failures, received_at, picked_up_at, returned_at, left_at"
)


def build(path: Path, rows: int, active: int, rng: random.Random) -> None:
    station_db.open_database(str(path))
    init_station(owner="boss", pin="4321", station_name="Bench 基准驿站")
    boss = Actor(Staff.get(Staff.name == "boss").id, "boss", "owner", "bench")
    for name in [chr(ord("A") + i) for i in range(12)]:
        shelves.add_shelf(boss, name, 5, {"S": 40, "M": 20, "L": 6, "XL": 2})
    station_db.close_database()
    con = sqlite3.connect(path)
    slots = [r[0] for r in con.execute("SELECT id FROM slot")]
    now = clock.now()
    day0 = clock.day_bounds(clock.local_day() - timedelta(days=730))[0]
    hours = [h for h, w in enumerate(HOURS) for _ in range(w)]
    batch: list[tuple[Any, ...]] = []
    t0 = time.perf_counter()
    for i in range(rows):
        received = day0 + timedelta(
            days=rng.randrange(731), hours=rng.choice(hours), seconds=rng.randrange(3600)
        )
        if received > now - timedelta(days=5) and i % 2 == 0 and active > 0:
            active -= 1
            status, left = "ON_SHELF", None
        else:
            left = received + timedelta(hours=rng.expovariate(1 / 30))
            if left >= now:
                left = now - timedelta(minutes=rng.randrange(1, 600))
                received = min(received, left - timedelta(minutes=5))
            status = "RETURNED" if rng.random() < 0.03 else "PICKED_UP"
        phone = f"139{rng.randrange(10**8):08d}"
        gone = status != "ON_SHELF"
        batch.append(
            (
                f"H{i:014d}",
                rng.choice(CARRIERS),
                status,
                None if gone else rng.choice(slots),
                rng.choice("SSSMML"),
                None if gone else i,
                None if gone else f"Z-1-{i}",
                "历史",
                phone,
                phone[-4:],
                500,
                0,
                0,
                0,
                "",
                "manifest",
                0,
                received.isoformat(" "),
                left.isoformat(" ") if status == "PICKED_UP" else None,
                left.isoformat(" ") if status == "RETURNED" else None,
                left.isoformat(" ") if left else None,
            )
        )
        if len(batch) == 50_000:
            con.executemany(f"INSERT INTO parcel ({COLUMNS}) VALUES ({','.join('?' * 21)})", batch)
            con.commit()
            batch.clear()
    if batch:
        con.executemany(f"INSERT INTO parcel ({COLUMNS}) VALUES ({','.join('?' * 21)})", batch)
    for size, column in (("S", "used_s"), ("M", "used_m"), ("L", "used_l"), ("XL", "used_xl")):
        con.execute(
            f"UPDATE slot SET {column} = (SELECT COUNT(*) FROM parcel WHERE parcel.slot_id ="
            f" slot.id AND parcel.size = ? AND status = 'ON_SHELF')",
            (size,),
        )
    con.commit()
    con.execute("ANALYZE")
    con.close()
    print(f"generated {rows:,} parcels in {time.perf_counter() - t0:.0f} s")


LINES: list[str] = []


def timed(label: str, fn: Callable[[], Any], repeat: int = 7) -> float:
    fn()  # warm the page cache once, as a running app has it
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    median = statistics.median(times)
    line = f"{label:52s} median {median:7.1f} ms  max {max(times):7.1f} ms"
    print(line)
    LINES.append(line)
    return median


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--active", type=int, default=3000)
    parser.add_argument("--db", default="/tmp/dashboard_1m.db")
    args = parser.parse_args()
    path = Path(args.db)
    if not path.exists():
        build(path, args.rows, args.active, random.Random(7))
    station_db.open_database(str(path))
    boss = Actor(Staff.get(Staff.name == "boss").id, "boss", "owner", "bench")
    today = clock.local_day()
    print(f"{args.rows:,} parcels")
    timed("daily report, today", lambda: reports.daily(boss, today))
    timed("daily report, yesterday", lambda: reports.daily(boss, today - timedelta(days=1)))
    timed("daily report, a year ago", lambda: reports.daily(boss, today - timedelta(days=365)))
    dash = dashboard.dashboard(boss)
    timed("dashboard, last 30 days", lambda: dashboard.dashboard(boss))
    timed("trend (reports.trend), last 30 days", lambda: reports.trend(boss, 30))
    month = (today - timedelta(days=30), today)
    timed("owed by every carrier, 31 days", lambda: dashboard.owed_by_carrier(boss, *month))
    day = dash.days[-2].date
    for bar in (
        dashboard.Bar("days", day, "received"),
        dashboard.Bar("days", day, "collected"),
        dashboard.Bar("dwell", "2", "collected", dash.date_from, dash.date_to),
        dashboard.Bar("dwell", "0", "on_shelf"),
        dashboard.Bar("shelves", "A", "S"),
        dashboard.Bar("hours", "18", "received", dash.date_from, dash.date_to),
    ):
        timed(
            f"parcels behind {bar.chart}/{bar.series} {bar.key}",
            lambda bar=bar: dashboard.parcels_behind(boss, bar, limit=200),
            repeat=3,
        )
    out = Path(__file__).parent / "results_dashboard.txt"
    out.write_text(f"{args.rows:,} parcels\n" + "\n".join(LINES) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
