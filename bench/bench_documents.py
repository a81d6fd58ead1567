"""Benchmark the documents: one shelf sticker (target ≤ 10 ms) and 500 stickers in one PDF
(target ≤ 3 s), plus a receipt, a 100-parcel manifest and a Z-report for reference.

    uv run python bench/bench_documents.py            # prints the numbers, writes the JSON
"""

from __future__ import annotations

import json
import platform
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from station.documents import (  # noqa: E402
    ManifestData,
    ManifestParcel,
    ReceiptData,
    ReceiptLine,
    StickerData,
    ZReportData,
    barcodes,  # noqa: E402
    render_manifest,
    render_receipt,
    render_sticker,
    render_stickers,
    render_z_report,
)

RESULTS = Path(__file__).with_name("bench_documents.json")
AT = datetime(2024, 5, 1, 8, 30)


def stickers(n: int) -> list[StickerData]:
    return [
        StickerData(
            f"SF{1402345600000 + i * 7919}",
            "SF",
            "顺丰速运",
            f"{'ABCD'[i % 4]}-{i % 9 + 1}-{i:04d}",
            f"{'ABCD'[i % 4]}-{i % 9 + 1}",
            f"138****{i % 10000:04d}",
            "张三丰" if i % 2 else "John Smith",
            AT + timedelta(seconds=i),
            cod_fen=1250 if i % 7 == 0 else 0,
            id_check=i % 11 == 0,
        )
        for i in range(n)
    ]


def timed(fn, repeat: int) -> list[float]:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return times


def main() -> dict[str, float]:
    items = stickers(500)
    render_sticker(items[0])  # font registration and first subset: not what the counter waits for
    single = []
    for d in items[:200]:
        t = time.perf_counter()
        render_sticker(d)
        single.append(time.perf_counter() - t)

    def batch_run(out: Path) -> None:
        barcodes.code128_modules.cache_clear()  # every run encodes every barcode afresh
        barcodes.qr_matrix.cache_clear()
        render_stickers(items, out)

    with tempfile.TemporaryDirectory() as tmp:
        batch = timed(lambda: batch_run(Path(tmp) / "500.pdf"), 3)
    receipt = ReceiptData(
        "幸福里快递驿站",
        "R1",
        "王小明",
        AT,
        tuple(ReceiptLine(d.tracking, d.pickup_code, d.slot, d.cod_fen) for d in items[:5]),
        due_fen=1250,
        paid_fen=1250,
        tendered_fen=2000,
        change_fen=750,
        method="cash",
    )
    manifest = ManifestData(
        "RM1",
        "顺丰速运",
        "刘师傅",
        "幸福里快递驿站",
        AT,
        "王小明",
        tuple(ManifestParcel(d.tracking, d.slot, "滞留 overdue", AT) for d in items[:100]),
    )
    z = ZReportData(
        date(2024, 5, 1),
        "幸福里快递驿站",
        "王小明",
        AT,
        {"cash": 52050},
        {"cash": 51750},
        -300,
        {"in": 312, "out": 280},
    )
    result = {
        "sticker_median_ms": statistics.median(single) * 1000,
        "sticker_p95_ms": sorted(single)[int(len(single) * 0.95)] * 1000,
        "stickers_500_s": min(batch),
        "receipt_ms": statistics.median(timed(lambda: render_receipt(receipt), 20)) * 1000,
        "manifest_100_ms": statistics.median(timed(lambda: render_manifest(manifest), 3)) * 1000,
        "z_report_ms": statistics.median(timed(lambda: render_z_report(z), 10)) * 1000,
    }
    print(
        f"sticker: {result['sticker_median_ms']:.2f} ms median, "
        f"{result['sticker_p95_ms']:.2f} ms p95 (target <= 10 ms)"
    )
    print(f"500 stickers in one PDF: {result['stickers_500_s']:.2f} s (target <= 3 s)")
    print(
        f"receipt: {result['receipt_ms']:.1f} ms; manifest of 100: "
        f"{result['manifest_100_ms']:.0f} ms; Z-report: {result['z_report_ms']:.1f} ms"
    )
    RESULTS.write_text(
        json.dumps(
            {
                "when": datetime.now().isoformat(timespec="seconds"),
                "python": platform.python_version(),
                "machine": platform.machine(),
                **{k: round(v, 3) for k, v in result.items()},
            },
            indent=2,
        )
        + "\n"
    )
    return result


if __name__ == "__main__":
    r = main()
    sys.exit(0 if r["sticker_median_ms"] <= 10 and r["stickers_500_s"] <= 3 else 1)
