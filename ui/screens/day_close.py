"""Day close (日结, F10, owner only): the ledger's expected takings per payment method, the
drawer count (a denomination counter) and the counted amounts, the variance with a reason,
Close → Z-report (A4 or 80 mm), the closed days, and the day's ledger entries with the
owner's reversal. Clerks see a note: the core refuses them anyway."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate, QEvent, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from station import clock
from ui import workers
from ui.screens.common import error_text, method_text, money, short_time
from ui.session import Session
from ui.widgets.banner import Banner
from ui.widgets.denomination_counter import DenominationCounter, MethodCounts, signed

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def _load_job(actor: Any, day: date) -> dict[str, Any]:  # noqa: ANN401 - db lane
    from station.services import day_close, ledger, settings

    closes = day_close.list_closes(actor)  # owner only: refuses a clerk first
    closed = next((c for c in closes if c.date == day.isoformat()), None)
    if closed is None and day_close.is_closed(day):
        closed = day_close.get_close(day)
    return {"day": day, "expected": day_close.expected(day), "closed": closed,
            "entries": ledger.entries(day), "closes": closes,
            "limit": int(settings.get("variance_reason_fen")), "open_day": ledger.open_day()}


def _z_job(day: str, paper: str) -> bytes:  # paper lane
    from pathlib import Path

    from station.services import day_close, paperwork

    result = day_close.get_close(date.fromisoformat(day))
    if paper == "A4" and result.pdf and Path(result.pdf).is_file():
        return Path(result.pdf).read_bytes()
    return paperwork.z_report_pdf(result, paper=paper).read_bytes()


def qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def py_date(edit: QDateEdit) -> date:
    d = edit.date()
    return date(d.year(), d.month(), d.day())


def date_edit(day: date) -> QDateEdit:
    edit = QDateEdit(qdate(day))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    return edit


def make_table(columns: int, stretch: int | None = None) -> QTableWidget:
    """A read-only table of whole rows (the back office's lists); ``stretch``: the column
    that takes the spare width (None: all share it)."""
    table = QTableWidget(0, columns)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.verticalHeader().hide()
    header = table.horizontalHeader()
    if stretch is None:
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    else:
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table


def fill_table(table: QTableWidget, rows: list[list[str]], bold_last: bool = False,
               data: list[Any] | None = None, numbers: tuple[int, ...] | None = None) -> None:
    """Rows of text; the ``numbers`` columns (default: all but the first) right-aligned;
    ``data`` per row goes into each item's UserRole."""
    table.setRowCount(len(rows))
    for r, cells in enumerate(rows):
        for c, text in enumerate(cells):
            item = QTableWidgetItem(text)
            if (c in numbers) if numbers is not None else c:
                item.setTextAlignment(RIGHT)
            if bold_last and r == len(rows) - 1:
                font = item.font()
                font.setBold(True)
                item.setFont(font)
            if data is not None:
                item.setData(Qt.ItemDataRole.UserRole, data[r])
            table.setItem(r, c, item)


class DayCloseScreen(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.data: dict[str, Any] | None = None
        self.preview: QWidget | None = None
        self._build()
        self.retranslate()
        session.actor_changed.connect(self._actor_changed)

    # -- building ----------------------------------------------------------------------------
    def _build(self) -> None:
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
        body = QWidget()
        self.pages.addWidget(body)
        col = QVBoxLayout(body)
        col.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        self.day_label = QLabel()
        self.day = date_edit(clock.local_day())
        self.day.dateChanged.connect(lambda _d: self.load())
        self.today_button = QPushButton()
        self.today_button.clicked.connect(self.go_today)
        self.state = QLabel()
        self.state.setStyleSheet("font-weight: 600;")
        for w in (self.day_label, self.day, self.today_button):
            top.addWidget(w)
        top.addWidget(self.state, 1)
        col.addLayout(top)
        row = QHBoxLayout()
        col.addLayout(row, 1)
        left = QVBoxLayout()
        row.addLayout(left, 5)
        counts = QHBoxLayout()
        left.addLayout(counts)
        self.drawer_box = QGroupBox()
        self.counter = DenominationCounter()
        self.counter.total_changed.connect(self._drawer_counted)
        QVBoxLayout(self.drawer_box).addWidget(self.counter)
        counts.addWidget(self.drawer_box)
        self.totals_box = QGroupBox()
        self.counts = MethodCounts()
        self.counts.changed.connect(self._recompute)
        QVBoxLayout(self.totals_box).addWidget(self.counts)
        counts.addWidget(self.totals_box, 1)
        reason_row = QHBoxLayout()
        self.reason_label = QLabel()
        self.reason = QLineEdit()
        self.reason.setMaxLength(200)
        self.reason.textChanged.connect(lambda _t: self._recompute())
        reason_row.addWidget(self.reason_label)
        reason_row.addWidget(self.reason, 1)
        left.addLayout(reason_row)
        buttons = QHBoxLayout()
        self.close_button = QPushButton()
        self.close_button.setMinimumHeight(40)
        self.close_button.setStyleSheet("QPushButton:enabled { background: #2563eb; "
                                        "color: white; font-size: 13pt; font-weight: 600; }")
        self.close_button.clicked.connect(self.close_day)
        self.z_a4, self.z_roll = QPushButton(), QPushButton()
        self.z_a4.clicked.connect(lambda: self.show_z(None, "A4"))
        self.z_roll.clicked.connect(lambda: self.show_z(None, "80mm"))
        buttons.addWidget(self.close_button, 2)
        buttons.addWidget(self.z_a4, 1)
        buttons.addWidget(self.z_roll, 1)
        left.addLayout(buttons)
        self.closes_box = QGroupBox()
        lay = QVBoxLayout(self.closes_box)
        self.closes = make_table(6, stretch=5)
        self.closes.itemDoubleClicked.connect(self._close_picked)
        lay.addWidget(self.closes, 1)
        z_row = QHBoxLayout()
        self.list_a4, self.list_roll = QPushButton(), QPushButton()
        self.list_a4.clicked.connect(lambda: self.show_z(self._picked_close(), "A4"))
        self.list_roll.clicked.connect(lambda: self.show_z(self._picked_close(), "80mm"))
        z_row.addWidget(self.list_a4)
        z_row.addWidget(self.list_roll)
        lay.addLayout(z_row)
        left.addWidget(self.closes_box, 1)
        self.entries_box = QGroupBox()
        row.addWidget(self.entries_box, 4)
        lay = QVBoxLayout(self.entries_box)
        self.entries = make_table(7, stretch=5)
        self.entries.itemSelectionChanged.connect(self._entry_selected)
        lay.addWidget(self.entries, 1)
        self.reverse_button = QPushButton()
        self.reverse_button.clicked.connect(self.reverse)
        lay.addWidget(self.reverse_button)

    # -- loading -----------------------------------------------------------------------------
    def _actor_changed(self, _actor: object) -> None:
        self._gate()

    def _gate(self) -> bool:
        owner = self.session.is_owner
        self.pages.setCurrentIndex(1 if owner else 0)
        return owner

    def activate(self) -> None:
        if self._gate():
            self.load()

    def go_today(self) -> None:
        today = qdate(clock.local_day())
        if self.day.date() == today:
            self.load()
        self.day.setDate(today)

    def selected_day(self) -> date:
        return py_date(self.day)

    def load(self) -> None:
        if not self._gate():
            return
        workers.run(_load_job, self.session.actor, self.selected_day(), owner=self,
                    on_done=self._loaded, on_error=self._failed)

    def _loaded(self, data: dict[str, Any]) -> None:
        if data["day"] != self.selected_day():
            return  # the owner has picked another day since
        if self.data is None or self.data["day"] != data["day"]:  # another day: count afresh
            self.counter.clear()
            for field in self.counts.counted.values():
                field.clear()
            self.reason.clear()
        self.data = data
        closed = data["closed"]
        self.counts.set_expected(data["expected"], data["limit"])
        self.counts.set_counted(closed.counted_fen if closed else None, closed is not None)
        self.drawer_box.setEnabled(closed is None)
        self.reason.setReadOnly(closed is not None)
        if closed is not None:
            self.reason.setText(closed.reason)
        self._fill_entries(data["entries"])
        self._fill_closes(data["closes"])
        self._show_state()
        self._recompute()

    def _failed(self, error: BaseException) -> None:
        self.banner.show_message("error", error_text(error))

    def _fill_entries(self, entries: list[Any]) -> None:
        rows = [[str(e.id), short_time(e.at), self.kind_text(e.kind), method_text(e.method),
                 money(e.amount_fen), e.reason, str(e.reverses or "")] for e in entries]
        fill_table(self.entries, rows, data=[e.id for e in entries], numbers=(0, 4, 6))
        self._entry_selected()

    def _fill_closes(self, closes: list[Any]) -> None:
        rows = [[c.date, money(sum(c.expected_fen.values())), money(sum(c.counted_fen.values())),
                 signed(c.total_variance_fen), c.closed_by, c.reason] for c in closes]
        fill_table(self.closes, rows, data=[c.date for c in closes], numbers=(1, 2, 3))

    def _show_state(self) -> None:
        data = self.data
        if data is None:
            return
        closed = data["closed"]
        if closed is None:
            self.state.setText(self.tr("Open: not closed yet"))
            self.state.setStyleSheet("font-weight: 600; color: #1d4ed8;")
        else:
            self.state.setText(self.tr("Closed {0} by {1} ({2}). Corrections are booked on {3}.")
                               .format(short_time(closed.at), closed.closed_by, closed.z_no,
                                       data["open_day"].isoformat()))
            self.state.setStyleSheet("font-weight: 600; color: #15803d;")

    # -- counting ----------------------------------------------------------------------------
    def _drawer_counted(self, fen: int) -> None:
        if self.data is None or self.data["closed"] is None:
            self.counts.counted["cash"].set_fen(fen)

    def _recompute(self) -> None:
        data = self.data
        closed = data is not None and data["closed"] is not None
        required = not closed and self.counts.reason_required()
        self.reason_label.setText(self.tr("Reason (required):") if required
                                  else self.tr("Reason:"))
        self.reason_label.setStyleSheet("color: #b91c1c; font-weight: 600;" if required else "")
        self.close_button.setEnabled(
            data is not None and not closed and self.counts.counted_fen() is not None
            and not (required and not self.reason.text().strip()))
        self.z_a4.setEnabled(closed)
        self.z_roll.setEnabled(closed)

    # -- actions -----------------------------------------------------------------------------
    def close_day(self) -> None:
        counted = self.counts.counted_fen()
        if self.data is None or counted is None:
            return
        day = self.selected_day()
        answer = QMessageBox.question(
            self, self.tr("Close the day"),
            self.tr("Close {0} with {1} counted? A closed day can never be changed; later "
                    "corrections are booked on the next open day.").format(
                day.isoformat(), money(sum(counted.values()))))
        if answer != QMessageBox.StandardButton.Yes:
            return
        from station.services import day_close

        self.close_button.setEnabled(False)
        workers.run(day_close.close_day, self.session.actor, day, counted,
                    self.reason.text().strip(), owner=self, on_done=self._closed,
                    on_error=self._close_failed)

    def _closed(self, result: Any) -> None:  # noqa: ANN401
        self.counter.clear()
        self.banner.show_message("ok", self.tr("{0} is closed ({1}). Variance {2}.").format(
            result.date, result.z_no, signed(result.total_variance_fen)))
        self.load()
        self.show_z(result.date, "A4")

    def _close_failed(self, error: BaseException) -> None:
        self._failed(error)
        self._recompute()

    def show_z(self, day: str | None, paper: str) -> None:
        """The Z-report of a closed day in the print preview (A4 office printer or the 80 mm
        receipt roll)."""
        if day is None:
            closed = self.data["closed"] if self.data else None
            day = closed.date if closed is not None else None
        if not day:
            return
        workers.run(_z_job, day, paper, owner=self, lane="paper",
                    on_done=lambda pdf: self._preview(pdf, day, paper), on_error=self._failed)

    def _preview(self, pdf: bytes, day: str, paper: str) -> None:
        from ui.printing import DocKind, PrintPreviewDialog

        service = self.session.print_service()
        kind = DocKind.REPORT if paper == "A4" else DocKind.RECEIPT
        suffix = "" if paper == "A4" else "-80mm"
        self.preview = PrintPreviewDialog(pdf, kind, service, job_name=f"Z-{day}{suffix}",
                                          parent=self)
        self.preview.setModal(True)
        self.preview.open()

    def _picked_close(self) -> str | None:
        rows = self.closes.selectionModel().selectedRows()
        return self.closes.item(rows[0].row(), 0).text() if rows else None

    def _close_picked(self, item: QTableWidgetItem) -> None:
        self.day.setDate(qdate(date.fromisoformat(item.data(Qt.ItemDataRole.UserRole))))

    def _entry_row(self) -> int | None:
        rows = self.entries.selectionModel().selectedRows()
        return rows[0].row() if rows else None

    def _entry_selected(self) -> None:
        row = self._entry_row()
        self.reverse_button.setEnabled(
            row is not None and self.entries.item(row, 2).text() != self.kind_text("reversal"))

    def reverse(self) -> None:
        row = self._entry_row()
        if row is None or self.data is None:
            return
        entry_id = int(self.entries.item(row, 0).data(Qt.ItemDataRole.UserRole))
        reason, ok = QInputDialog.getText(
            self, self.tr("Reverse a payment"),
            self.tr("Entry {0}, {1}: why is it reversed? The reversal is booked on {2}.").format(
                entry_id, self.entries.item(row, 4).text(), self.data["open_day"].isoformat()))
        if not ok or not reason.strip():
            return
        from station.services import ledger

        workers.run(ledger.reverse, self.session.actor, entry_id, reason.strip(), owner=self,
                    on_done=self._reversed, on_error=self._failed)

    def _reversed(self, view: Any) -> None:  # noqa: ANN401
        self.banner.show_message("ok", self.tr("Entry {0} reversed: {1} booked on {2}.").format(
            view.reverses, money(view.amount_fen), view.day))
        self.load()

    # -- language ----------------------------------------------------------------------------
    def kind_text(self, kind: str) -> str:
        names = {"cod": self.tr("Cash on delivery"), "freight": self.tr("Freight"),
                 "storage": self.tr("Storage fee"), "send": self.tr("Send"),
                 "refund": self.tr("Refund"), "reversal": self.tr("Reversal")}
        return names.get(kind, kind)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.owner_only.setText(self.tr("Day close is for the station owner only. Ask the "
                                        "owner to log in."))
        self.day_label.setText(self.tr("Business day:"))
        self.today_button.setText(self.tr("Today"))
        self.drawer_box.setTitle(self.tr("Cash drawer count"))
        self.totals_box.setTitle(self.tr("Expected and counted"))
        self.reason.setPlaceholderText(self.tr("Why the count differs, e.g. change given twice"))
        self.close_button.setText(self.tr("Close the day"))
        self.z_a4.setText(self.tr("Z-report A4…"))
        self.z_roll.setText(self.tr("Z-report 80 mm…"))
        self.list_a4.setText(self.tr("Z-report A4…"))
        self.list_roll.setText(self.tr("Z-report 80 mm…"))
        self.reverse_button.setText(self.tr("Reverse the selected entry…"))
        self.entries_box.setTitle(self.tr("Ledger entries of the day"))
        self.closes_box.setTitle(self.tr("Closed days (double-click to open)"))
        self.entries.setHorizontalHeaderLabels([
            self.tr("No."), self.tr("Time"), self.tr("Kind"), self.tr("Method"),
            self.tr("Amount"), self.tr("Reason"), self.tr("Reverses")])
        self.closes.setHorizontalHeaderLabels([
            self.tr("Day"), self.tr("Expected"), self.tr("Counted"), self.tr("Variance"),
            self.tr("Closed by"), self.tr("Reason")])
        if self.data is not None:
            self._fill_entries(self.data["entries"])
            self._show_state()
        self._recompute()
