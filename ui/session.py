"""What every screen shares: who is logged in at which counter, the database, the devices.

One Session per window. Screens read ``session.actor`` for each service call and listen to
its signals instead of reaching into each other.
"""

from __future__ import annotations

import socket
from typing import Any

from PySide6.QtCore import QObject, QSettings, Signal

from station.audit import Actor

IDLE_LOCK_DEFAULT_MIN = 10


class Session(QObject):
    actor_changed = Signal(object)  # Actor | None
    parcels_changed = Signal()  # something was taken in, handed out, moved…: refresh lists
    device_changed = Signal()  # scale or printer state: refresh the status bar
    language_changed = Signal(str)
    carriers_changed = Signal()  # the carrier list was read again (names, who is active)

    def __init__(self, url: str, settings: QSettings | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.url = url
        self.settings = settings or QSettings()
        self.actor: Actor | None = None
        self.station_name = ""
        self.db_text = ""
        self.db_ok = False
        self.scale: Any = None  # the scale worker when a scale is configured (integration point)
        self.last_weight_g: int | None = None
        self.weight_stable = False
        self.carriers: dict[str, tuple[str, str]] = {}  # code -> (English name, Chinese name)
        self.printer: Any = None  # ui.printing.PrintService, created lazily
        self.last_print = ""
        from ui.print_jobs import PrintJobs

        self.print_jobs = PrintJobs(self)  # what did not reach paper, until retried

    # -- this PC's settings (QSettings), the station's are in the database -------------------
    @property
    def counter(self) -> str:
        return str(self.settings.value("counter", "") or socket.gethostname()[:40])

    @property
    def idle_lock_minutes(self) -> int:
        try:
            return int(self.settings.value("idle_lock_minutes", IDLE_LOCK_DEFAULT_MIN))
        except (TypeError, ValueError):
            return IDLE_LOCK_DEFAULT_MIN

    def set_actor(self, actor: Actor | None) -> None:
        self.actor = actor
        self.actor_changed.emit(actor)

    def refresh_carriers(self) -> None:
        """Read the carrier list again in the background (another counter, the owner or an
        `init` in another process may have changed it), then tell the screens."""
        from ui import workers
        from ui.main_window import carrier_names

        def done(names: dict[str, tuple[str, str]]) -> None:
            self.carriers = names
            self.carriers_changed.emit()

        workers.run(carrier_names, owner=self, on_done=done)

    def knows_carriers(self, codes: Any) -> bool:
        return all(code in self.carriers for code in codes)

    @property
    def is_owner(self) -> bool:
        return bool(self.actor and self.actor.is_owner)

    # -- scale (ui/scale_worker.ScaleWorker when this PC has one configured) ---------------
    @property
    def has_scale(self) -> bool:
        return self.scale is not None

    def start_scale(self) -> None:
        """Start the scale configured in this PC's settings, if any. Never raises: a missing
        driver or port means typing the weight, not a broken counter."""
        self.stop_scale()
        try:
            from ui.scale_worker import ScaleWorker
            from ui.widgets.scale_settings import load_scale_config

            config = load_scale_config(self.settings)
            if config is None:
                return
            worker = ScaleWorker(config, self)
        except Exception:  # noqa: BLE001 - an optional device
            return
        self.use_scale(worker)
        worker.start()

    def use_scale(self, worker: Any) -> None:
        """Attach a scale worker (tests attach a fake with the same signals)."""
        self.scale = worker
        worker.reading.connect(self._reading)
        self.device_changed.emit()

    def stop_scale(self) -> None:
        if self.scale is not None:
            try:
                self.scale.stop()
            except Exception:  # noqa: BLE001
                pass
            self.scale = None
            self.device_changed.emit()

    def _reading(self, reading: Any) -> None:
        self.last_weight_g = getattr(reading, "weight_g", None)
        self.weight_stable = bool(getattr(reading, "usable", False))
        self.device_changed.emit()

    def stable_weight(self) -> int | None:
        """The weight to record now: only a stable, usable reading counts."""
        if self.scale is None:
            return None
        return self.scale.stable_weight_g()

    # -- printing -------------------------------------------------------------------------
    def print_service(self) -> Any:
        if self.printer is None:
            try:
                from ui.printing import PrintService
            except ImportError:  # printing support missing from this build: PDFs only
                return None
            self.printer = PrintService(self, self.settings)
            self.printer.finished.connect(self._printed)
            self.print_jobs.resubmit = self._resubmit
        return self.printer

    def _resubmit(self, pdf: bytes, kind: str, job: str) -> None:
        from ui.printing import DocKind

        self.printer.submit(pdf, DocKind(kind), job_name=job)

    def _printed(self, result: Any) -> None:
        self.last_print = getattr(result, "message", "")
        self.print_jobs.result(result)
        self.device_changed.emit()

    def printer_text(self) -> str:
        try:
            from ui.printing import DocKind, printer_for
        except ImportError:
            return ""
        return printer_for(DocKind.LABEL, self.settings)
