"""Stocktake (F7, 盘点): count one shelf or the whole station by scanning everything found.

Scan a slot marker ("@A-2", or pick the slot in the list) and then the parcels in that slot.
The counters show expected / found live; F12 previews what the reconcile would do and a
second F12 applies it (missing → MISSING, misplaced → moved to the slot they were found in,
unknown → offered for intake). The scans are kept in this PC's settings after every scan,
so a stocktake interrupted by a restart resumes. The owner signs the result off (PDF).
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from station.services.views import ParcelView
from ui import workers
from ui.screens.common import error_text, short_time, status_text
from ui.screens.pickup_parts import scan_key
from ui.screens.stocktake_parts import ResultPanel, SignOffBar
from ui.session import Session
from ui.widgets.banner import Banner
from ui.widgets.rows_table import RowsTable
from ui.widgets.scan_field import ScanLineEdit

STATE_KEY = "stocktake/in_progress"
FOUND_BG, MOVED_BG, MISSING_BG = "#dcfce7", "#fef3c7", None
ACTIVE = ("ON_SHELF", "RETURN_PENDING", "MISSING")


def _load_job(actor) -> dict[str, Any]:  # noqa: ANN001
    from station.services import browse, shelves, stocktake_signoff

    known: list[ParcelView] = []
    after = None
    while True:
        page = browse.page(actor, browse.ParcelFilter(statuses=ACTIVE), sort="received_at",
                           descending=False, after=after, limit=1000)
        known += page.rows
        if page.next is None:
            break
        after = page.next
    shelf_list = shelves.list_shelves()
    return {"known": known, "shelves": [s.name for s in shelf_list],
            "slots": [slot.label for s in shelf_list for slot in s.slots],
            "unsigned": stocktake_signoff.latest_unsigned()}


def _reconcile_job(actor, lines: list[str], shelf: str | None, apply: bool) -> Any:  # noqa: ANN001, ANN401
    from station.services import stocktake

    return stocktake.reconcile(actor, lines, shelf=shelf, apply=apply)


class StocktakeScreen(QWidget):
    intake_requested = Signal(str)  # an unknown parcel found on a shelf: take it in

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.known: dict[str, ParcelView] = {}  # tracking and pickup code → parcel
        self.slots: list[str] = []
        self.scope: str | None = None  # None = whole station
        self.started = False
        self.since = ""
        self.lines: list[str] = []
        self.slot: str | None = None
        self.found: dict[str, str | None] = {}  # tracking → slot found in
        self.strangers: list[str] = []  # scans that are not expected here
        self.previewed = False
        self.busy = False
        self._build()
        self.retranslate()

    def _build(self) -> None:
        root = QVBoxLayout(self)
        top = QHBoxLayout()
        self.scope_box = QComboBox()
        self.start_button = QPushButton()
        self.start_button.clicked.connect(lambda: self.start(self.scope_box.currentData()))
        self.slot_box = QComboBox()
        self.slot_box.setMinimumWidth(170)
        self.slot_box.activated.connect(self._slot_picked)
        self.scan_field = ScanLineEdit(self, min_length=3)
        self.scan_field.setMinimumHeight(44)
        self.scan_field.setStyleSheet("font-size: 18pt; padding: 4px 8px;")
        self.scan_field.scanned.connect(self.on_scan)
        top.addWidget(self.scope_box)
        top.addWidget(self.start_button)
        top.addWidget(self.scan_field, 1)
        top.addWidget(self.slot_box)
        root.addLayout(top)
        self.banner = Banner(big=True)
        root.addWidget(self.banner)
        counters = QHBoxLayout()
        self.counter_labels: dict[str, QLabel] = {}
        for name in ("expected", "found", "left", "strangers", "slot"):
            label = QLabel()
            label.setStyleSheet("font-size: 15pt; font-weight: 700; padding: 4px 12px; "
                                "background: #f3f4f6; border-radius: 6px;")
            self.counter_labels[name] = label
            counters.addWidget(label)
        counters.addStretch(1)
        root.addLayout(counters)
        middle = QHBoxLayout()
        self.table = RowsTable()
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        middle.addWidget(self.table, 3)
        side = QVBoxLayout()
        self.log_title = QLabel()
        self.log = QListWidget()
        self.log.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.undo_button = QPushButton()
        self.undo_button.clicked.connect(self.undo_last)
        side.addWidget(self.log_title)
        side.addWidget(self.log, 1)
        side.addWidget(self.undo_button)
        middle.addLayout(side, 1)
        root.addLayout(middle, 1)
        self.result_panel = ResultPanel()
        self.result_panel.intake_requested.connect(self.intake_requested.emit)
        root.addWidget(self.result_panel)
        bottom = QHBoxLayout()
        self.signoff = SignOffBar(self.session)
        self.signoff.told.connect(self.banner.show_message)
        self.abandon_button = QPushButton()
        self.abandon_button.clicked.connect(self.abandon)
        self.preview_button = QPushButton()
        self.preview_button.clicked.connect(lambda: self.reconcile(apply=False))
        self.finish_button = QPushButton()
        self.finish_button.setMinimumHeight(44)
        self.finish_button.setStyleSheet(
            "QPushButton { font-size: 13pt; font-weight: 700; background: #2563eb; "
            "color: white; } QPushButton:disabled { background: #9ca3af; }")
        self.finish_button.clicked.connect(self.finish)
        bottom.addWidget(self.signoff, 1)
        bottom.addWidget(self.abandon_button)
        bottom.addWidget(self.preview_button)
        bottom.addWidget(self.finish_button)
        root.addLayout(bottom)
        for button in (self.start_button, self.undo_button,
                       self.abandon_button, self.preview_button, self.finish_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        QShortcut(QKeySequence("F12"), self).activated.connect(self.finish)

    def activate(self) -> None:
        workers.run(_load_job, self.session.actor, owner=self, on_done=self._loaded,
                    on_error=lambda e: self.banner.show_message("error", error_text(e)))
        self.scan_field.setFocus()

    # -- loading, starting, resuming -----------------------------------------------------------
    def _loaded(self, data: dict[str, Any]) -> None:
        self.known = {}
        for v in data["known"]:
            self.known[v.tracking] = v
            if v.pickup_code:
                self.known[v.pickup_code] = v
        self.slots = data["slots"]
        self.signoff.set_record(data["unsigned"])
        chosen = self.scope_box.currentData()
        self.scope_box.clear()
        self.scope_box.addItem(self.tr("Whole station"), None)
        for name in data["shelves"]:
            self.scope_box.addItem(self.tr("Shelf {0}").format(name), name)
        self.scope_box.setCurrentIndex(max(0, self.scope_box.findData(chosen)))
        self.slot_box.clear()
        self.slot_box.addItem(self.tr("Slot: not marked"), "")
        for label in self.slots:
            self.slot_box.addItem(label, label)
        saved = self._saved_state()
        if saved is not None and not self.started:
            self.start(saved.get("scope"), resume=list(saved.get("lines") or []),
                       since=str(saved.get("started") or ""))
        else:
            self._redraw()

    def _saved_state(self) -> dict[str, Any] | None:
        raw = self.session.settings.value(STATE_KEY, "")
        try:
            state = json.loads(str(raw)) if raw else None
        except ValueError:
            return None
        return state if isinstance(state, dict) else None

    def _save_state(self) -> None:
        if not self.started:
            self.session.settings.remove(STATE_KEY)
        else:
            state = {"scope": self.scope, "lines": self.lines,
                     "started": self.since}
            self.session.settings.setValue(STATE_KEY, json.dumps(state, ensure_ascii=False))
        self.session.settings.sync()

    def start(self, scope: str | None, resume: list[str] | None = None, since: str = "") -> None:
        from station import clock

        self.scope, self.started = scope, True
        self.since = since or clock.iso(clock.now()) or ""
        self.lines, self.found, self.strangers, self.slot = [], {}, [], None
        self.log.clear()
        self.result_panel.show_result(None)
        for line in resume or []:
            self._apply_line(line, quiet=True)
        self._save_state()
        self._redraw()
        where = self.tr("shelf {0}").format(scope) if scope else self.tr("the whole station")
        if resume:
            self.banner.show_message("warn", self.tr(
                "Resumed the stocktake of {0} started {1}: {2} scans kept. Carry on scanning."
            ).format(where, short_time(since), len(self.lines)))
        else:
            self.banner.show_message("info", self.tr(
                "Stocktake of {0}: scan a slot marker (@A-2) or pick the slot, then every "
                "parcel in it.").format(where))
        self.scan_field.setFocus()

    def expected(self) -> list[ParcelView]:
        seen: dict[str, ParcelView] = {}
        for v in self.known.values():
            if v.status in ("ON_SHELF", "RETURN_PENDING") and (
                    self.scope is None or (v.slot or "").rsplit("-", 1)[0] == self.scope):
                seen[v.tracking] = v
        return sorted(seen.values(), key=lambda v: (v.slot or "", v.tracking))

    # -- scanning ------------------------------------------------------------------------
    def on_scan(self, text: str) -> None:
        if self.busy:
            return
        if not self.started:
            self.start(self.scope_box.currentData())
        self._apply_line(text)
        self.previewed = False
        self._save_state()
        self._redraw()

    def _slot_picked(self, _index: int) -> None:
        label = self.slot_box.currentData()
        self.on_scan("@" + label if label else "@")

    def _apply_line(self, text: str, quiet: bool = False) -> None:
        say = (lambda kind, msg: None) if quiet else self.banner.show_message
        if text.startswith("@"):
            label = text[1:]
            if label and label not in self.slots:
                say("error", self.tr("There is no slot {0}. Slots are named like A-2.")
                    .format(label))
                return
            self.slot = label or None
            self.lines.append(text)
            self.log.insertItem(0, "▶ " + (label or self.tr("slot not marked")))
            say("info", self.tr("Now scanning in {0}.").format(label or self.tr("no slot")))
            return
        view = self.known.get(scan_key(text))
        self.lines.append(text)
        self.log.insertItem(0, text)
        if view is None:
            self.strangers.append(text)
            say("error", self.tr("UNKNOWN: {0} is not at this station. Put it aside for "
                                 "intake.").format(text))
            if not quiet:  # unless it already left: then who took it, and when
                self.result_panel.check_left(text, say)
            return
        if view.tracking in self.found:
            self.found[view.tracking] = self.slot or self.found[view.tracking]
            say("info", self.tr("{0} is already counted.").format(view.tracking))
            return
        self.found[view.tracking] = self.slot
        in_scope = view.tracking in {v.tracking for v in self.expected()}
        if view.status == "MISSING":
            say("ok", self.tr("FOUND AGAIN: {0} was missing.").format(view.tracking))
        elif not in_scope:
            self.strangers.append(view.tracking)
            say("warn", self.tr("{0} belongs in {1}, not on this shelf.").format(
                view.tracking, view.slot or "—"))
        elif self.slot and self.slot != view.slot:
            say("warn", self.tr("MISPLACED: {0} belongs in {1}; found in {2}.").format(
                view.tracking, view.slot or "—", self.slot))
        else:
            say("ok", self.tr("✓ {0} ({1})").format(view.tracking, view.slot or "—"))

    def undo_last(self) -> None:
        if not self.lines:
            return
        lines = self.lines[:-1]
        self.start(self.scope, resume=lines, since=self.since)
        self.banner.show_message("info", self.tr("The last scan was taken back."))

    def abandon(self) -> None:
        self.started, self.lines, self.found, self.strangers = False, [], {}, []
        self.slot, self.previewed = None, False
        self.log.clear()
        self._save_state()
        self.result_panel.show_result(None)
        self._redraw()
        self.banner.show_message("idle", self.tr("Stocktake abandoned: nothing was changed."))

    def _redraw(self) -> None:
        expected = self.expected() if self.started else []
        found = [v for v in expected if v.tracking in self.found]
        c = self.counter_labels
        c["expected"].setText(self.tr("Expected {0}").format(len(expected)))
        c["found"].setText(self.tr("Found {0}").format(len(found)))
        c["left"].setText(self.tr("Not found yet {0}").format(len(expected) - len(found)))
        c["strangers"].setText(self.tr("Not expected {0}").format(len(self.strangers)))
        c["slot"].setText(self.tr("Slot: {0}").format(self.slot or "—"))
        self.slot_box.setCurrentIndex(max(0, self.slot_box.findData(self.slot or "")))
        rows, colours = [], []
        for v in expected:
            where = self.found.get(v.tracking, "?") if v.tracking in self.found else None
            moved = where is not None and where != "?" and where != v.slot
            mark = "" if where is None else ("✓ " + (where or "") if not moved else "→ " + where)
            rows.append([v.slot or "", v.tracking, v.pickup_code or "", v.recipient_name,
                         status_text(v.status), mark])
            colours.append(MOVED_BG if moved else FOUND_BG if where is not None else MISSING_BG)
        self.table.set_rows(rows, [v.tracking for v in expected], colours=colours)
        self.log_title.setText(self.tr("Scans ({0})").format(len(self.lines)))
        self.undo_button.setEnabled(bool(self.lines))
        self.abandon_button.setEnabled(self.started)
        for button in (self.preview_button, self.finish_button):
            button.setEnabled(self.started and bool(self.lines) and not self.busy)
        self.finish_button.setText(self.tr("Apply the result (F12)") if self.previewed
                                   else self.tr("Finish (F12)"))
        self.scope_box.setEnabled(not self.started)
        self.start_button.setEnabled(not self.started)

    # -- reconcile -----------------------------------------------------------------------
    def finish(self) -> None:
        """F12: preview first, apply on the second press."""
        self.reconcile(apply=self.previewed)

    def reconcile(self, apply: bool) -> None:
        if self.busy or not self.started or not self.lines:
            return
        self.busy = True
        self._redraw()
        workers.run(_reconcile_job, self.session.actor, list(self.lines), self.scope, apply,
                    owner=self, on_done=self._reconciled, on_error=self._failed)

    def _reconciled(self, result: Any) -> None:  # noqa: ANN401 - StocktakeResult
        self.busy = False
        self.result_panel.show_result(result)
        if not result.applied:
            self.previewed = True
            self.banner.show_message("warn", self.tr(
                "Check the result below. F12 again applies it: {0} marked MISSING, {1} moved."
            ).format(len(result.missing), sum(1 for m in result.misplaced if m.found_slot)))
            self._redraw()
            return
        self.started, self.previewed, self.lines = False, False, []
        self._save_state()
        self.banner.show_message("ok", self.tr(
            "Stocktake finished: {0} of {1} found. Unknown parcels can be taken in below.")
            .format(result.found, result.expected))
        self.session.parcels_changed.emit()
        self.activate()

    def _failed(self, error: BaseException) -> None:
        self.busy = False
        self._redraw()
        self.banner.show_message("error", error_text(error))

    # -- language ------------------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.start_button.setText(self.tr("Start"))
        self.scan_field.setPlaceholderText(self.tr("Scan a parcel, or a slot marker like @A-2"))
        self.table.set_headers([self.tr("Slot"), self.tr("Tracking number"),
                                self.tr("Pickup code"), self.tr("Recipient"), self.tr("Status"),
                                self.tr("Found")])
        self.undo_button.setText(self.tr("Take back the last scan"))
        self.abandon_button.setText(self.tr("Abandon"))
        self.preview_button.setText(self.tr("Preview"))
        self._redraw()
        if not self.started:
            self.banner.show_message("idle", self.tr(
                "Choose a shelf (or the whole station) and press Start, or just scan."))
