"""`verify` (audit chain + tables replayed against the row digests) on a big station.

Every parcel goes through the real services (intake, then pickup once 3,000 are on the
shelves; one in ten cash on delivery, so the ledger fills too). Prints the build time, intake
p50/p95 with and without the row digests, and the time and peak memory of verify.

    uv run python bench/bench_verify.py [--parcels 100000] [--db /tmp/bench_verify.db]
    uv run python bench/bench_verify.py --demo          # the demo station instead
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import tempfile
import time
from pathlib import Path

from station import audit_rows, clock
from station import db as station_db
from station.services import settings, shelves, staff
from station.services.intake import IntakeRequest, intake
from station.services.pickup import PickupRequest, pickup
from station.services.station import init_station

VALID_ID = "11010519491231002X"


def build(parcels: int) -> dict[str, float]:
    init_station(owner="boss", pin="4321", station_name="Bench")
    boss = staff.authenticate("boss", "4321")
    settings.set_value(boss, "code_cooldown_days", 0)  # 100k parcels in one afternoon
    staff.add_staff(boss, "amy", "clerk", "1234")
    clerk = staff.authenticate("amy", "1234")
    for name in "ABCDEFGHIJ":
        shelves.add_shelf(boss, name, 20, {"S": 40, "M": 20, "L": 5, "XL": 2})
    on_shelf: list[tuple[str, int]] = []
    samples: list[float] = []
    started = time.perf_counter()
    for i in range(parcels):
        cod = 1250 if i % 10 == 0 else 0
        request = IntakeRequest(
            tracking=f"YT{i:013d}",
            phone=f"138{i % 100_000_000:08d}",
            name="张三",
            size="SSSM"[i % 4],
            cod_fen=cod,
            consent_basis="carrier",
        )
        t0 = time.perf_counter()
        view = intake(clerk, request)
        samples.append((time.perf_counter() - t0) * 1000)
        on_shelf.append((view.pickup_code or "", cod))
        if len(on_shelf) > 3000:
            code, due = on_shelf.pop(0)
            extra = {"id_number": VALID_ID, "method": "cash"} if due else {}
            pickup(clerk, PickupRequest(refs=(code,), **extra))  # type: ignore[arg-type]
    return {
        "build_seconds": round(time.perf_counter() - started, 1),
        "intake_p50_ms": round(statistics.median(samples), 3),
        "intake_p95_ms": round(sorted(samples)[int(len(samples) * 0.95)], 3),
    }


def intake_without_digests(n: int = 2000) -> dict[str, float]:
    """The same intake with row recording switched off (for the overhead), then undone."""
    clerk = staff.authenticate("amy", "1234")
    runs: dict[str, list[float]] = {"with": [], "without": []}
    real = audit_rows.record
    for i in range(n):
        mode = "without" if i % 2 else "with"
        audit_rows.record = (lambda seq, rows: "") if mode == "without" else real  # type: ignore[assignment]
        request = IntakeRequest(
            tracking=f"ZZ{i:013d}", phone="13900000000", size="S", consent_basis="carrier"
        )
        t0 = time.perf_counter()
        intake(clerk, request)
        runs[mode].append((time.perf_counter() - t0) * 1000)
    audit_rows.record = real  # type: ignore[assignment]
    return {f"intake_{k}_digests_p50_ms": round(statistics.median(v), 3) for k, v in runs.items()}


def measure_verify() -> dict[str, object]:
    from station.services.integrity import verify

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    report = verify()
    seconds = time.perf_counter() - t0
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "verify_seconds": round(seconds, 2),
        "verify_ok": report["ok"],
        "events": report["events"],
        "rows_checked": report["rows_checked"],
        "parcels": report["parcels"],
        "audit_rows": audit_rows.run_sql("SELECT COUNT(*) FROM audit_row").fetchone()[0],
        "peak_rss_growth_mb": round((rss_after - rss_before) / 1024, 1),
        "problems": report["problems"][:3],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--parcels", type=int, default=100_000)
    parser.add_argument("--db")
    parser.add_argument("--demo", action="store_true")
    parser.add_argument("--reuse", action="store_true", help="verify an existing --db only")
    args = parser.parse_args()
    url = args.db or str(Path(tempfile.mkdtemp()) / "bench_verify.db")
    if not args.reuse and not url.startswith("postgres"):
        Path(url).unlink(missing_ok=True)
    station_db.open_database(url)
    result: dict[str, object] = {"db": url}
    if args.demo and not args.reuse:
        from station.demo import build_demo

        init_station(station_name="Demo", actor=None)
        t0 = time.perf_counter()
        build_demo()
        result["build_seconds"] = round(time.perf_counter() - t0, 1)
    elif not args.reuse:
        result |= build(args.parcels)
    result |= measure_verify()
    if not args.demo and not args.reuse:
        result |= intake_without_digests()
    result["when"] = clock.now().isoformat(timespec="seconds") + "Z"
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
