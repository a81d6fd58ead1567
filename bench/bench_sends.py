"""Sends benchmark: quote and create p50/p95 on a station with N historical parcels.

    uv run python bench/bench_sends.py [--parcels 1000000] [--sends 100000] [--n 500]
                                       [--db /tmp/bench_sends.db] [--out bench/results_sends.json]

Parcels and earlier sends are bulk-inserted once (they stand for years of history; the file is
reused by later runs of the same size); everything measured goes through the real services:
`quote` (zone, rate card, arithmetic) and `create_send` (sender lookup, ledger entry, the send,
the address book, one audit event, durable commit). The daily report with sends is timed too.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_core import bulk_history, pct, timed  # noqa: E402

from station import clock  # noqa: E402
from station import db as station_db  # noqa: E402
from station.audit import Actor  # noqa: E402
from station.models import Staff  # noqa: E402
from station.services import reports, sends_rates  # noqa: E402
from station.services.senders import SenderRequest  # noqa: E402
from station.services.sends import SendRequest, create_send, list_sends  # noqa: E402
from station.services.sends_quote import QuoteRequest, quote  # noqa: E402
from station.services.sends_rates import RateCardInput  # noqa: E402
from station.services.station import init_station  # noqa: E402

DESTINATIONS = [
    ("北京", "北京", "朝阳区"),
    ("上海", "上海", "浦东新区"),
    ("广东", "深圳", "南山区"),
    ("广东", "广州", "天河区"),
    ("四川", "成都", "武侯区"),
    ("浙江", "杭州", "西湖区"),
    ("湖北", "武汉", "洪山区"),
    ("广西", "南宁", "青秀区"),
]
ZONES = ("local", "province", "area", "national")
SENDER_ID = "11010519491231002X"


def build(path: Path, parcels: int, sends: int, rng: random.Random) -> None:
    station_db.open_database(str(path))
    init_station(owner="boss", pin="4321", station_name="Bench 基准驿站", address="广东省广州市")
    boss = Actor(Staff.get(Staff.name == "boss").id, "boss", "owner", "bench")
    sends_rates.set_origin(boss, "广东", "广州")
    for carrier in ("SF", "ZTO", "YTO", "JD"):
        for i, zone in enumerate(ZONES):
            card = RateCardInput(carrier, zone, 1000, 800 + 200 * i, 200 + 100 * i, 50_000)
            sends_rates.set_rate_card(boss, card)
    station_db.close_database()
    bulk_history(path, parcels, rng)
    _bulk_sends(path, sends, rng)


def _bulk_sends(path: Path, count: int, rng: random.Random) -> None:
    """Earlier sends (handed over long ago) from 2,000 senders."""
    con = sqlite3.connect(path)
    now = clock.now()
    con.executemany(
        "INSERT INTO sender (name, phone, phone_last4, id_type, id_masked, id_hash, verified_at,"
        " verified_by_id) VALUES (?,?,?,?,?,?,?,1)",
        [
            (
                f"历史{i}",
                f"137{i:08d}",
                f"{i % 10000:04d}",
                "resident_id",
                "110***********0000",
                f"{i:064x}",
                (now - timedelta(days=700)).isoformat(" "),
            )
            for i in range(2000)
        ],
    )
    rows = []
    for i in range(count):
        at = now - timedelta(days=2 + rng.random() * 700)
        phone = f"138{rng.randrange(10**8):08d}"
        rows.append(
            (
                f"HS{i:013d}",
                rng.choice(("SF", "ZTO", "YTO", "JD")),
                "handed_over",
                rng.randrange(1, 2001),
                "历史",
                "13700000000",
                "",
                "收件人",
                phone,
                phone[-4:],
                "上海市",
                "上海市",
                "浦东新区",
                "1号",
                "clothing",
                1000,
                1000,
                "national",
                1800,
                1800,
                "cash",
                f"SH{i:010d}",
                at.isoformat(" "),
                1,
                (at + timedelta(hours=5)).isoformat(" "),
            )
        )
        if len(rows) == 50_000:
            _insert_sends(con, rows)
            rows.clear()
    if rows:
        _insert_sends(con, rows)
    con.execute("ANALYZE")
    con.close()


def _insert_sends(con: sqlite3.Connection, rows: list[tuple]) -> None:  # type: ignore[type-arg]
    con.executemany(
        "INSERT INTO send (waybill_no, carrier_id, status, sender_id, sender_name, sender_phone,"
        " sender_address, recipient_name, recipient_phone, recipient_last4, province, city,"
        " district, detail, contents_category, weight_g, chargeable_weight_g, zone, freight_fen,"
        " total_fen, method, receipt_no, created_at, created_by_id, handed_over_at,"
        " contents_note, declared_value_fen, insured, length_cm, width_cm, height_cm,"
        " volumetric_weight_g, insurance_fen, tendered_fen, change_fen, counter, void_reason)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,"
        " '', 0, 0, 0, 0, 0, 0, 0, 1800, 0, '', '')",
        rows,
    )
    con.commit()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--parcels", type=int, default=1_000_000)
    parser.add_argument("--sends", type=int, default=100_000)
    parser.add_argument("--n", type=int, default=500, help="quotes and creates measured")
    parser.add_argument("--db", type=Path)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    path = args.db or Path(f"/tmp/bench_sends_{args.parcels}_{args.sends}.db")
    rng = random.Random(11)
    t0 = time.perf_counter()
    if not path.exists():
        build(path, args.parcels, args.sends, rng)
    build_s = time.perf_counter() - t0

    station_db.open_database(str(path))
    boss = Actor(Staff.get(Staff.name == "boss").id, "boss", "owner", "bench")
    parcels = station_db.run_sql("SELECT count(*) FROM parcel").fetchone()[0]
    sends_before = station_db.run_sql("SELECT count(*) FROM send").fetchone()[0]

    def request(i: int) -> QuoteRequest:
        province, city, district = DESTINATIONS[i % len(DESTINATIONS)]
        return QuoteRequest(
            carrier=("SF", "ZTO", "YTO", "JD")[i % 4],
            province=province,
            city=city,
            district=district,
            weight_g=200 + (i * 137) % 20_000,
            length_cm=30,
            width_cm=20,
            height_cm=10 + i % 30,
            declared_value_fen=(i % 5) * 10_000,
            insured=i % 5 != 0,
        )

    for i in range(20):  # warm caches (rate cards, settings, the documents are not touched)
        quote(request(i))
    quotes = [timed(quote, request(i)) for i in range(args.n)]
    creates = []
    for i in range(args.n):
        q = request(i)
        send = SendRequest(
            carrier=q.carrier,
            sender=SenderRequest("陈大文", "13712345678", "resident_id", SENDER_ID),
            recipient_name="欧阳娜娜",
            recipient_phone=f"1389{i:07d}",
            province=q.province,
            city=q.city,
            district=q.district,
            detail=f"张江路{i}号",
            contents_category="clothing",
            weight_g=q.weight_g,
            length_cm=q.length_cm,
            width_cm=q.width_cm,
            height_cm=q.height_cm,
            declared_value_fen=q.declared_value_fen,
            insured=q.insured,
            method=("cash", "wechat", "alipay", "card")[i % 4],
        )
        creates.append(timed(create_send, boss, send))
    lists = [timed(list_sends, boss) for _ in range(50)]
    report_ms = timed(reports.daily, boss, clock.local_day())
    result = {
        "parcels": parcels,
        "sends_history": sends_before,
        "measured": args.n,
        "build_s": round(build_s, 1),
        "quote_p50_ms": round(pct(quotes, 50), 3),
        "quote_p95_ms": round(pct(quotes, 95), 3),
        "create_p50_ms": round(pct(creates, 50), 3),
        "create_p95_ms": round(pct(creates, 95), 3),
        "quote_plus_create_p95_ms": round(
            pct([a + b for a, b in zip(quotes, creates, strict=True)], 95), 3
        ),
        "list_200_p95_ms": round(pct(lists, 95), 3),
        "daily_report_ms": round(report_ms, 1),
    }
    station_db.close_database()
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
