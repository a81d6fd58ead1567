"""Benchmark: how long from starting `parcel-station` until the main window is on screen.

    xvfb-run -s "-screen 0 1366x768x24" uv run python bench/bench_startup.py [--runs 5]

Each run starts a fresh Python process that goes through the real entry point
(station.cli.main → ui.app.run_app) and reports two moments, measured from the moment the
parent started the process:

* shown  — the main window's first paint (what the clerk sees: the login screen);
* ready  — the station database is open and the login screen accepts a PIN.

Runs against a demo station (about 200 parcels) built once in a temporary folder. The last
results are written to bench/results_startup.txt.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = r"""
import json, sys, time
from PySide6.QtCore import QEvent, QObject, QTimer
import ui.app as app_module

marks = {}
real_build = app_module.build_window

def build(args, app=None, settings=None):
    window = real_build(args, app, settings)

    class Watch(QObject):
        def eventFilter(self, obj, event):
            if obj is window and event.type() == QEvent.Type.Paint and "shown" not in marks:
                marks["shown"] = time.time()
            return False

    watch = Watch(window)
    window.installEventFilter(watch)

    def poll():
        if window.session.db_ok and "ready" not in marks and "shown" in marks:
            marks["ready"] = time.time()
            print(json.dumps(marks), flush=True)
            app_module.QApplication.instance().quit()

    timer = QTimer(window)
    timer.timeout.connect(poll)
    timer.start(5)
    return window

app_module.build_window = build
from station.cli import main
sys.exit(main(sys.argv[1:]))
"""


def one_run(db: str, lang: str, env: dict[str, str]) -> dict[str, float]:
    started = time.time()
    out = subprocess.run([sys.executable, "-c", CHILD, "--db", db, "--lang", lang],
                         capture_output=True, text=True, env=env, timeout=120)
    line = next((ln for ln in out.stdout.splitlines() if ln.startswith("{")), None)
    if line is None:
        raise RuntimeError(f"child failed:\n{out.stdout}\n{out.stderr}")
    marks = json.loads(line)
    return {k: v - started for k, v in marks.items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--lang", default="zh_CN")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="ps-startup-"))
    env = dict(os.environ)
    env["XDG_CONFIG_HOME"] = str(tmp / "config")  # a fresh QSettings, like a new counter PC
    env["XDG_DATA_HOME"] = str(tmp / "data")
    from station import demo

    db = demo.ensure_demo(str(tmp / "demo.db"))
    one_run(db, args.lang, env)  # warm the OS file cache once, as a second start would
    results = [one_run(db, args.lang, env) for _ in range(args.runs)]
    shown = [r["shown"] for r in results]
    ready = [r["ready"] for r in results]
    lines = [
        f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, QT_QPA_PLATFORM={env.get('QT_QPA_PLATFORM', 'xcb')}",
        f"runs: {args.runs}, language {args.lang}, demo station",
        f"window shown : median {statistics.median(shown):.3f} s, max {max(shown):.3f} s",
        f"login ready  : median {statistics.median(ready):.3f} s, max {max(ready):.3f} s",
    ]
    print("\n".join(lines))
    (Path(__file__).parent / "results_startup.txt").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
