"""Benchmark: the Parcels screen's lazy model on a million parcels (run bench_browse.py once
first to build /tmp/browse_1m.db).

    QT_QPA_PLATFORM=offscreen uv run python bench/bench_parcels_model.py

Measures, through the real worker thread and the real model: time to the first page after a
new filter, each later page while "scrolling" (fetchMore), and the longest time the GUI thread
spent in one step (inserting a page into the model) — the number that decides whether
scrolling stutters.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QTableView

from station import db as station_db
from station.audit import Actor
from station.services.browse import ParcelFilter
from ui import workers
from ui.models.parcel_table import ParcelTableModel
from ui.session import Session


def main() -> None:
    db = sys.argv[1] if len(sys.argv) > 1 else "/tmp/browse_1m.db"
    if not Path(db).exists():
        sys.exit(f"{db} is missing: run bench/bench_browse.py first")
    app = QApplication.instance() or QApplication([])
    station_db.open_database(db)
    session = Session(db, QSettings("/tmp/bench-model.ini", QSettings.Format.IniFormat))
    session.actor = Actor(1, "boss", "owner", "bench")
    model = ParcelTableModel(session)
    view = QTableView()
    view.setModel(model)
    view.resize(1200, 700)
    view.show()
    gui_steps: list[float] = []
    model.rowsInserted.connect(lambda *_: None)

    def wait_page(rows_before: int) -> float:
        t0 = time.perf_counter()
        while model.rowCount() == rows_before or model.loading:
            s = time.perf_counter()
            app.processEvents()
            gui_steps.append(time.perf_counter() - s)
            time.sleep(0.0005)
        return (time.perf_counter() - t0) * 1000

    lines = []
    for label, filters in (("everything", ParcelFilter()),
                           ("on shelf", ParcelFilter(statuses=("ON_SHELF",))),
                           ("carrier SF", ParcelFilter(carrier="SF")),
                           ("text '王芳'", ParcelFilter(text="王芳"))):
        t0 = time.perf_counter()
        model.set_query(filters)
        first = wait_page(0) + 0 * t0
        pages = []
        for _ in range(25):
            before = model.rowCount()
            view.scrollToBottom()
            if model.canFetchMore():
                model.fetchMore()
            pages.append(wait_page(before))
        while not workers.idle():
            app.processEvents()
        lines.append(f"{label:28s} first page {first:6.1f} ms; next 25 pages median "
                     f"{statistics.median(pages):5.1f} ms, max {max(pages):5.1f} ms; "
                     f"rows loaded {model.rowCount():,} of {model.total or 0:,}")
    steps = sorted(gui_steps)
    lines.append(f"GUI-thread steps while loading: {len(steps)}, 99th percentile "
                 f"{steps[int(len(steps) * 0.99)] * 1000:.1f} ms, longest "
                 f"{steps[-1] * 1000:.1f} ms")
    print("\n".join(lines))
    out = Path(__file__).parent / "results_parcels_model.txt"
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
