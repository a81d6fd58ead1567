"""Benchmark: browse.page / browse.count on a station with 1,000,000 parcels.

    uv run python bench/bench_browse.py [--rows 1000000] [--db /tmp/browse_1m.db]

The table is generated once (bulk inserts straight into the parcel table: the point is the
size, not a realistic history) and reused on later runs. Prints ms per call for the queries
the Parcels screen makes while the clerk scrolls, sorts and filters.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import timedelta
from pathlib import Path

from station import clock
from station import db as station_db
from station.audit import Actor
from station.models import Parcel, Slot, database_proxy
from station.services import browse, shelves, staff
from station.services.browse import ParcelFilter
from station.services.station import init_station

CARRIERS = ["SF", "ZTO", "YTO", "STO", "YUNDA", "JD", "EMS", "JT"]
STATUSES = ["PICKED_UP"] * 90 + ["ON_SHELF"] * 6 + ["RETURNED"] * 3 + ["RETURN_PENDING", "MISSING"]
NAMES = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨帆", "赵磊", "黄敏", "周杰", "吴婷"]


def build(url: str, rows: int) -> None:
    station_db.open_database(url)
    init_station(owner="boss", pin="4321", station_name="Bench")
    boss = staff.authenticate("boss", "4321", "bench")
    for name in "ABCDEFGH":
        shelves.add_shelf(boss, name, 5, {"S": 40, "M": 20, "L": 5, "XL": 2})
    slot_ids = [s.id for s in Slot.select(Slot.id)]
    rnd = random.Random(7)
    start = clock.now() - timedelta(days=720)
    db = database_proxy.obj
    batch = []
    t0 = time.perf_counter()
    for i in range(rows):
        status = rnd.choice(STATUSES)
        received = start + timedelta(seconds=i * 720 * 86400 // rows + rnd.randint(0, 30))
        phone = f"13{rnd.randint(100000000, 999999999)}"
        gone = status in ("PICKED_UP", "RETURNED")
        left = received + timedelta(hours=rnd.randint(1, 200)) if gone else None
        batch.append({
            "tracking": f"{rnd.choice(['SF', 'YT', 'JT', '77'])}{i:012d}",
            "carrier": rnd.choice(CARRIERS), "status": status, "slot": rnd.choice(slot_ids),
            "size": rnd.choice("SSMML"), "code_seq": i % 99999 + 1,
            "pickup_code": f"{'ABCDEFGH'[i % 8]}-{i % 5 + 1}-{i % 99999 + 1:04d}",
            "recipient_name": rnd.choice(NAMES), "recipient_phone": phone,
            "phone_last4": phone[-4:], "cod_fen": 0, "received_at": received,
            "picked_up_at": left if status == "PICKED_UP" else None, "left_at": left,
            "consent_basis": "manifest",
        })
        if len(batch) == 2000:
            with db.atomic():
                Parcel.insert_many(batch).execute()
            batch.clear()
    if batch:
        with db.atomic():
            Parcel.insert_many(batch).execute()
    db.execute_sql("ANALYZE")
    print(f"generated {rows} rows in {time.perf_counter() - t0:.0f} s")


LINES: list[str] = []


def timed(label: str, fn, repeat: int = 5) -> None:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    line = f"{label:58s} median {statistics.median(times):7.1f} ms  max {max(times):7.1f} ms"
    LINES.append(line)
    print(line)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--db", default="/tmp/browse_1m.db")
    args = parser.parse_args()
    if not Path(args.db).exists():
        build(args.db, args.rows)
    else:
        station_db.open_database(args.db)
    actor = Actor(1, "boss", "owner", "bench")
    everything = ParcelFilter()
    print(f"parcels: {browse.count(everything)}")

    def deep(filters: ParcelFilter, sort: str, desc: bool, pages: int = 10) -> None:
        cur = None
        for _ in range(pages):
            cur = browse.page(actor, filters, sort, desc, after=cur).next

    on_shelf = ParcelFilter(statuses=("ON_SHELF",))
    for sort in ("received_at", "tracking", "pickup_code"):
        for desc in (True, False):
            timed(f"first page, all, sort {sort} {'desc' if desc else 'asc'}",
                  lambda s=sort, d=desc: browse.page(actor, everything, s, d))
    timed("10 pages in a row, all, newest first (total)",
          lambda: deep(everything, "received_at", True), 2)
    timed("first page, ON_SHELF, newest first", lambda: browse.page(actor, on_shelf, "received_at"))
    timed("first page, MISSING, newest first",
          lambda: browse.page(actor, ParcelFilter(statuses=("MISSING",)), "received_at"))
    timed("first page, carrier SF", lambda: browse.page(actor, ParcelFilter(carrier="SF")))
    timed("first page, overdue", lambda: browse.page(actor, ParcelFilter(overdue=True)))
    timed("first page, shelf A-3", lambda: browse.page(actor, ParcelFilter(shelf="A-3")))
    timed("first page, text last4 '1234'", lambda: browse.page(actor, ParcelFilter(text="1234")))
    timed("first page, text tracking prefix 'SF0000012'",
          lambda: browse.page(actor, ParcelFilter(text="SF0000012")))
    timed("first page, text pickup code", lambda: browse.page(actor, ParcelFilter(text="A-1-0001")))
    timed("first page, text name '王芳'", lambda: browse.page(actor, ParcelFilter(text="王芳")))
    today = clock.local_day()
    timed("first page, received last 30 days",
          lambda: browse.page(actor, ParcelFilter(received_from=today - timedelta(days=30))))
    timed("count all", lambda: browse.count(everything))
    timed("count ON_SHELF", lambda: browse.count(on_shelf))
    timed("count text name", lambda: browse.count(ParcelFilter(text="王芳")), 2)
    out = Path(__file__).parent / "results_browse.txt"
    out.write_text(f"{browse.count(everything)} parcels, pages of {browse.PAGE_SIZE}\n"
                   + "\n".join(LINES) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
