"""Core benchmark: a station with 1,000,000 historical parcels and 3,000 on the shelves.

Prints, in one run: intake p50/p95 (service call including commit), lookup by last 4 phone
digits and by pickup code p95, a 10-parcel pickup p95, the daily report time, and the raw
sqlite3 single-row durable insert (same pragmas) as the yardstick.

    uv run python bench/bench_core.py [--history 1000000] [--db /tmp/bench.db]

History rows are bulk-inserted (they stand for years of finished parcels); everything that
is measured goes through the real services.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from station import clock
from station import db as station_db
from station.audit import Actor
from station.models import Staff
from station.services import parcels, reports, shelves
from station.services.intake import IntakeRequest, intake
from station.services.pickup import PickupRequest, pickup
from station.services.station import init_station

CARRIERS = ["ZTO", "YTO", "YUNDA", "STO", "JT", "SF", "JD", "EMS"]


def pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def timed(fn, *args, **kwargs) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    fn(*args, **kwargs)
    return (time.perf_counter() - start) * 1000


def bulk_history(path: Path, count: int, rng: random.Random) -> None:
    """Finished parcels spread over the last two years, straight into the table."""
    con = sqlite3.connect(path)
    now = clock.now()
    rows = []
    for i in range(count):
        received = now - timedelta(days=10 + rng.random() * 720)
        left = received + timedelta(hours=rng.random() * 96)
        returned = rng.random() < 0.03
        rows.append(
            (
                f"H{i:014d}",
                rng.choice(CARRIERS),
                "RETURNED" if returned else "PICKED_UP",
                None,
                rng.choice("SSSMML"),
                None,
                None,
                "历史",
                f"139{rng.randrange(10**8):08d}",
                f"{rng.randrange(10000):04d}",
                None,
                500,
                0,
                0,
                0,
                "",
                "manifest",
                0,
                received.isoformat(" "),
                None if returned else left.isoformat(" "),
                left.isoformat(" ") if returned else None,
                left.isoformat(" "),
            )
        )
        if len(rows) == 50_000:
            _insert(con, rows)
            rows.clear()
    if rows:
        _insert(con, rows)
    con.execute("ANALYZE")
    con.close()


def _insert(con: sqlite3.Connection, rows: list[tuple]) -> None:  # type: ignore[type-arg]
    con.executemany(
        "INSERT INTO parcel (tracking, carrier_id, status, slot_id, size, code_seq, pickup_code,"
        " recipient_name, recipient_phone, phone_last4, phone_ext, weight_g, cod_fen, id_check,"
        " damaged, damage_note, consent_basis, id_failures, received_at, picked_up_at,"
        " returned_at, left_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        rows,
    )
    con.commit()


def raw_insert_yardstick(folder: Path, n: int = 1000) -> list[float]:
    con = sqlite3.connect(folder / "raw.db", isolation_level=None)
    con.execute("PRAGMA journal_mode=wal")
    con.execute("PRAGMA synchronous=full")
    con.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, tracking TEXT, at TEXT)")
    samples = []
    for i in range(n):
        start = time.perf_counter()
        con.execute("BEGIN IMMEDIATE")
        con.execute("INSERT INTO t (tracking, at) VALUES (?, ?)", (f"T{i}", "2026-11-25"))
        con.execute("COMMIT")
        samples.append((time.perf_counter() - start) * 1000)
    con.close()
    return samples


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--history", type=int, default=1_000_000)
    parser.add_argument("--shelved", type=int, default=3000)
    parser.add_argument("--db")
    args = parser.parse_args()
    rng = random.Random(7)
    folder = Path(tempfile.mkdtemp(prefix="ps-bench-"))
    path = Path(args.db) if args.db else folder / "bench.db"
    path.unlink(missing_ok=True)

    t0 = time.perf_counter()
    station_db.open_database(str(path))
    init_station(owner="boss", pin="4321")
    row = Staff.get(Staff.name == "boss")
    boss = Actor(row.id, "boss", "owner", "bench")
    for name in [chr(ord("A") + i) for i in range(20)]:
        shelves.add_shelf(boss, name, 5, {"S": 40, "M": 20, "L": 6, "XL": 2})
    station_db.close_database()
    bulk_history(path, args.history, rng)
    station_db.open_database(str(path))
    build_history_s = time.perf_counter() - t0

    # 3,000 parcels on the shelves, received over the last week, 100 people with 10 each.
    people = [f"1370000{i:04d}" for i in range(300)]
    shelved = []
    for i in range(args.shelved):
        person = people[i % 300]
        with clock.frozen_at(clock.now() - timedelta(minutes=rng.randint(10, 7 * 24 * 60))):
            view = intake(
                boss,
                IntakeRequest(
                    tracking=f"YT{i:013d}",
                    phone=person,
                    name="收件人",
                    size=rng.choice("SSM"),
                    weight_g=500, consent_basis="carrier",
                ),
            )
        shelved.append(view)

    intake_ms = [
        timed(
            intake,
            boss,
            IntakeRequest(
                tracking=f"ZT{i:013d}",
                phone=rng.choice(people),
                name="新件",
                size="S",
                weight_g=300, consent_basis="carrier",
            ),
        )
        for i in range(1000)
    ]
    last4_ms = [timed(parcels.find, boss, rng.choice(people)[-4:]) for _ in range(1000)]
    code_ms = [timed(parcels.find, boss, rng.choice(shelved).pickup_code) for _ in range(1000)]

    by_person: dict[str, list[str]] = {}
    for view in shelved:
        by_person.setdefault(view.recipient_phone, []).append(view.pickup_code)
    pickup_ms = []
    for codes in list(by_person.values())[:100]:
        pickup_ms.append(timed(pickup, boss, PickupRequest(refs=tuple(codes[:10]))))

    report_ms = [
        timed(reports.daily, boss, clock.local_day() - timedelta(days=d)) for d in range(5)
    ]
    raw_ms = raw_insert_yardstick(folder)

    result = {
        "history_parcels": args.history,
        "on_shelf": args.shelved,
        "build_seconds": round(build_history_s, 1),
        "intake_p50_ms": round(pct(intake_ms, 50), 3),
        "intake_p95_ms": round(pct(intake_ms, 95), 3),
        "lookup_last4_p95_ms": round(pct(last4_ms, 95), 3),
        "lookup_code_p95_ms": round(pct(code_ms, 95), 3),
        "pickup_10_p95_ms": round(pct(pickup_ms, 95), 3),
        "daily_report_ms": round(statistics.median(report_ms), 1),
        "daily_report_max_ms": round(max(report_ms), 1),
        "raw_insert_p50_ms": round(pct(raw_ms, 50), 3),
        "raw_insert_p95_ms": round(pct(raw_ms, 95), 3),
    }
    result["intake_p95_over_raw_p95"] = round(
        result["intake_p95_ms"] / result["raw_insert_p95_ms"], 1
    )
    import os
    import platform

    result["machine"] = (
        f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    result["when"] = clock.now().isoformat(timespec="seconds") + "Z"
    text = json.dumps(result, indent=2)
    print(text)
    (Path(__file__).parent / "results_core.json").write_text(text + "\n", encoding="utf-8")
    station_db.close_database()


if __name__ == "__main__":
    main()
