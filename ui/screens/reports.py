"""Reports (F11, owner only): the daily report with its exports, the dashboard (Qt Charts;
click a bar for the parcels behind it), and carrier settlement with its statements.
Clerks see a note: the core refuses them anyway."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressDialog,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from station import clock
from ui import workers
from ui.screens.common import carrier_text, error_text, method_text, money
from ui.screens.day_close import RIGHT, date_edit, fill_table, make_table, py_date
from ui.screens.settlement import SettlementTab
from ui.session import Session
from ui.widgets.banner import Banner
from ui.widgets.charts import DashboardCharts, DashboardPanel

SAFETY = ("hand_ticks", "wrong_scans", "id_failures", "ambiguous_lookups", "failed_lookups")
COUNTS = ("received", "collected", "returned", "on_shelf", "overdue", "pickups",
          "avg_dwell_hours", "p90_dwell_hours", "tickets_opened", "tickets_closed",
          "sends", "sends_fen", "sends_handed_over", "sends_voided")


class _Steps(QObject):
    """Progress from the export worker, delivered on the GUI thread."""

    step = Signal(int)


def _write_job(report: Any, path: Path, charts: list[tuple[str, bytes]],  # noqa: ANN401
               cancel: threading.Event, steps: _Steps) -> Path | None:
    from station.documents import backoffice
    from station.services import reports

    steps.step.emit(75)
    if cancel.is_set():
        return None
    if path.suffix.lower() == ".pdf":
        backoffice.daily_report_pdf(report, charts, path)
    else:
        reports.export(report, path)
    if cancel.is_set():  # too late to stop the writing: take the file away again
        path.unlink(missing_ok=True)
        return None
    steps.step.emit(100)
    return path


class DailyTab(QWidget):
    def __init__(self, screen: ReportsScreen) -> None:
        super().__init__()
        self.screen, self.session = screen, screen.session
        self.report: Any = None
        self.progress: QProgressDialog | None = None
        self.cancel = threading.Event()
        root = QVBoxLayout(self)
        top = QHBoxLayout()
        self.day_label = QLabel()
        self.day = date_edit(clock.local_day())
        self.day.dateChanged.connect(lambda _d: self.load())
        top.addWidget(self.day_label)
        top.addWidget(self.day)
        self.closed_note = QLabel()
        top.addWidget(self.closed_note, 1)
        self.exports = {fmt: QPushButton() for fmt in ("pdf", "csv", "xlsx")}
        for fmt, button in self.exports.items():
            button.clicked.connect(lambda _=False, f=fmt: self.export(f))
            top.addWidget(button)
        root.addLayout(top)
        body = QHBoxLayout()
        root.addLayout(body, 1)
        left = QVBoxLayout()
        body.addLayout(left, 2)
        self.summary_box = QGroupBox()
        grid = QGridLayout(self.summary_box)
        self.names: dict[str, QLabel] = {}
        self.values: dict[str, QLabel] = {}
        for i, key in enumerate(COUNTS):
            self.names[key], self.values[key] = QLabel(), QLabel("—")
            self.values[key].setStyleSheet("font-size: 13pt; font-weight: 700;")
            self.values[key].setAlignment(RIGHT)
            grid.addWidget(self.names[key], i // 2, (i % 2) * 2)
            grid.addWidget(self.values[key], i // 2, (i % 2) * 2 + 1)
        left.addWidget(self.summary_box)
        self.money_box = QGroupBox()
        self.money = make_table(2)
        rows = self.money.verticalHeader().defaultSectionSize() * 5  # 4 methods and the total
        self.money.setFixedHeight(rows + self.money.horizontalHeader().sizeHint().height()
                                  + 2 * self.money.frameWidth())
        QVBoxLayout(self.money_box).addWidget(self.money)
        left.addWidget(self.money_box)
        self.clerk_box = QGroupBox()
        self.clerks = make_table(3)
        QVBoxLayout(self.clerk_box).addWidget(self.clerks)
        left.addWidget(self.clerk_box, 1)
        self.carrier_box = QGroupBox()
        self.carriers = make_table(5)
        QVBoxLayout(self.carrier_box).addWidget(self.carriers)
        right = QVBoxLayout()
        body.addLayout(right, 3)
        right.addWidget(self.carrier_box, 3)
        # Who handed out parcels without the scan check, and the near misses (issue: the wrong
        # parcel to the wrong person). The reasons of the hand ticks are in each row's tooltip.
        self.safety_box = QGroupBox()
        self.safety = make_table(len(SAFETY) + 1)
        QVBoxLayout(self.safety_box).addWidget(self.safety)
        right.addWidget(self.safety_box, 2)

    def load(self) -> None:
        from station.services import reports

        workers.run(reports.daily, self.session.actor, py_date(self.day), owner=self,
                    on_done=self.show_report, on_error=self.screen.failed)

    def show_report(self, report: Any) -> None:  # noqa: ANN401
        if report.date != py_date(self.day).isoformat():
            return
        self.report = report
        for key in COUNTS:
            value = getattr(report, key)
            if key.endswith("hours"):
                text = "—" if value is None else self.tr("{0} h").format(f"{value:.2f}")
            elif key.endswith("_fen"):
                text = money(value)
            else:
                text = f"{value:,}"
            self.values[key].setText(text)
        rows = [[method_text(m), money(fen)] for m, fen in report.collected_fen.items()]
        fill_table(self.money, rows + [[self.tr("Total"), money(report.collected_total_fen)]], True)
        names = self.session.carriers
        fill_table(self.carriers, [
            [carrier_text(code, names)] + [f"{c[k]:,}" for k in (*COUNTS[:3], "overdue")]
            for code, c in report.by_carrier.items()])
        fill_table(self.clerks, [[name, f"{c['received']:,}", f"{c['collected']:,}"]
                                 for name, c in report.by_clerk.items()])
        safety = sorted(report.safety.items())
        fill_table(self.safety, [[name] + [f"{c[k]:,}" for k in SAFETY] for name, c in safety])
        for row, (_name, c) in enumerate(safety):
            lines = [f"{h['tracking']}: {h['reason']}" for h in c.get("hand", [])]
            lines += [self.tr("Wrong scan {0} for {1}").format(w.get("scanned", ""),
                                                               w.get("recipient", ""))
                      for w in c.get("wrong", [])]
            for col in range(self.safety.columnCount()):
                self.safety.item(row, col).setToolTip("\n".join(lines))
        self.closed_note.setText(self.tr("Day closed") if report.day_closed
                                 else self.tr("Day not closed yet"))

    # -- export: file name, then (PDF) the charts, then the file, with progress and cancel ----
    def export(self, fmt: str) -> None:
        if self.report is None:
            return
        report = self.report
        start = str(Path.home() / f"daily-report-{report.date}.{fmt}")
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export the daily report"), start,
                                              f"{fmt.upper()} (*.{fmt})")
        if not path:
            return
        target = Path(path) if path.lower().endswith(f".{fmt}") else Path(f"{path}.{fmt}")
        self._end_progress()
        cancel = self.cancel = threading.Event()
        progress = self.progress = QProgressDialog(
            self.tr("Exporting {0}…").format(target.name), self.tr("Cancel"), 0, 100, self)
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(0)
        progress.setValue(5)
        progress.canceled.connect(self._cancelled)
        if fmt != "pdf":
            self._write(report, target, [], cancel)
            return
        from station.services import dashboard

        end = date.fromisoformat(report.date)
        workers.run(dashboard.dashboard, self.session.actor, 30, end, owner=self,
                    on_done=lambda dash: self._charts(report, target, dash, cancel),
                    on_error=lambda e: self._export_failed(e, cancel))

    def _charts(self, report: Any, target: Path, dash: Any,  # noqa: ANN401
                cancel: threading.Event) -> None:
        """Draw the four charts at print size (on the GUI thread: they are widgets)."""
        charts = DashboardCharts()
        charts.show_dashboard(dash)
        pictures = []
        for i, chart in enumerate(charts.charts()):
            if cancel.is_set():
                break
            pictures.append((chart.chart().title(), chart.png()))
            self._step(30 + i * 10, cancel)
        charts.deleteLater()
        if not cancel.is_set():
            self._write(report, target, pictures, cancel)

    def _write(self, report: Any, target: Path, charts: list[tuple[str, bytes]],  # noqa: ANN401
               cancel: threading.Event) -> None:
        steps = _Steps(self)
        steps.step.connect(lambda v: self._step(v, cancel))
        workers.run(_write_job, report, target, charts, cancel, steps, owner=self,
                    lane="paper", on_done=lambda p: self._exported(p, cancel),
                    on_error=lambda e: self._export_failed(e, cancel))

    def _step(self, value: int, cancel: threading.Event) -> None:
        if cancel is self.cancel and self.progress is not None:
            self.progress.setValue(value)

    def _exported(self, path: Path | None, cancel: threading.Event) -> None:
        if cancel is self.cancel:
            self._end_progress()
        if path is not None:
            self.screen.banner.show_message("ok", self.tr("Saved: {0}").format(path))

    def _export_failed(self, error: BaseException, cancel: threading.Event) -> None:
        if cancel is self.cancel:
            self._end_progress()
        self.screen.failed(error)

    def _cancelled(self) -> None:
        self.cancel.set()
        self._end_progress()
        self.screen.banner.show_message("warn", self.tr("Export cancelled: no file was written."))

    def _end_progress(self) -> None:
        progress, self.progress = self.progress, None
        if progress is not None:
            progress.canceled.disconnect(self._cancelled)
            progress.close()
            progress.deleteLater()

    def retranslate(self) -> None:
        self.day_label.setText(self.tr("Day:"))
        for fmt, button in self.exports.items():
            button.setText(self.tr("Export {0}…").format(fmt.upper()))
        self.summary_box.setTitle(self.tr("Parcels"))
        self.money_box.setTitle(self.tr("Money taken by method"))
        self.carrier_box.setTitle(self.tr("By carrier"))
        self.clerk_box.setTitle(self.tr("By clerk"))
        names = [self.tr("Received"), self.tr("Collected"), self.tr("Returned"),
                 self.tr("At the station at close"), self.tr("Overdue at close"),
                 self.tr("Hand-overs"), self.tr("Average time on shelf"),
                 self.tr("90% collected within"), self.tr("Tickets opened"),
                 self.tr("Tickets resolved"), self.tr("Sends taken in"),
                 self.tr("Send revenue"), self.tr("Sends handed to couriers"),
                 self.tr("Sends voided")]
        for key, text in zip(COUNTS, names, strict=True):
            self.names[key].setText(text)
        self.money.setHorizontalHeaderLabels([self.tr("Method"), self.tr("Amount")])
        self.carriers.setHorizontalHeaderLabels(
            [self.tr("Carrier"), names[0], names[1], names[2], self.tr("Overdue")])
        self.clerks.setHorizontalHeaderLabels([self.tr("Clerk"), names[0], names[1]])
        self.safety_box.setTitle(self.tr("Hand-ticks and near misses"))
        self.safety.setHorizontalHeaderLabels([
            self.tr("Clerk"), self.tr("Ticked by hand"), self.tr("Wrong parcel scanned"),
            self.tr("Failed ID checks"), self.tr("Several people matched"),
            self.tr("Found nothing")])
        if self.report is not None:
            self.show_report(self.report)


class ReportsScreen(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        root = QVBoxLayout(self)
        self.banner = Banner(auto_hide=True)
        root.addWidget(self.banner)
        self.pages = QStackedWidget()
        root.addWidget(self.pages, 1)
        self.owner_only = QLabel()
        self.owner_only.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.owner_only.setWordWrap(True)
        self.owner_only.setStyleSheet("font-size: 15pt; color: #92400e; font-weight: 600;")
        self.pages.addWidget(self.owner_only)
        self.tabs = QTabWidget()
        self.pages.addWidget(self.tabs)
        self.daily = DailyTab(self)
        self.dashboard = DashboardPanel(session)
        self.dashboard.failed.connect(self.failed)
        self.settlement = SettlementTab(self)
        for tab in (self.daily, self.dashboard, self.settlement):
            self.tabs.addTab(tab, "")
        self.tabs.currentChanged.connect(lambda _i: self._load_current())
        self.retranslate()
        session.actor_changed.connect(self._actor_changed)

    def _actor_changed(self, _actor: object) -> None:
        self._gate()

    def _gate(self) -> bool:
        owner = self.session.is_owner
        self.pages.setCurrentIndex(1 if owner else 0)
        return owner

    def activate(self) -> None:
        if self._gate():
            self._load_current()

    def _load_current(self) -> None:
        if not self._gate():
            return
        tab = self.tabs.currentWidget()
        if tab is self.settlement:
            self.settlement.load_carriers()
        tab.load()

    def failed(self, error: BaseException) -> None:
        self.banner.show_message("error", error_text(error))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.owner_only.setText(self.tr("Reports are for the station owner only. Ask the owner "
                                        "to log in."))
        for i, text in enumerate((self.tr("Daily report"), self.tr("Dashboard"),
                                  self.tr("Carrier settlement"))):
            self.tabs.setTabText(i, text)
        self.daily.retranslate()
        self.settlement.retranslate()
