"""Parcels (F3): every parcel the station ever had, filtered, sorted, with the history and the
actions of the selected one. The list is a lazily loaded model (ui/models/parcel_table.py)."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from station.models import STATUSES
from station.services.browse import ParcelFilter
from ui.models.parcel_table import ParcelTableModel
from ui.screens.common import carrier_text, error_text, status_text
from ui.screens.parcel_detail import ParcelDetail
from ui.session import Session
from ui.widgets.banner import Banner

ACTIVE = ("ON_SHELF", "RETURN_PENDING", "MISSING")
RANGES = ("any", "today", "7", "30")


def _station_today() -> date:
    from station import clock

    return clock.local_day()


class ParcelsScreen(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.dirty = False
        self.model = ParcelTableModel(session, self)
        self.model.count_changed.connect(self._show_count)
        self.model.loaded.connect(self._show_count)
        self.model.loaded.connect(self._fit_columns)
        self._fitted = False
        self.model.failed.connect(lambda e: self.banner.show_message("error", error_text(e)))
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(250)
        self._debounce.timeout.connect(self.apply_filters)
        self._build()
        self.retranslate()
        session.parcels_changed.connect(self._parcels_changed)
        self.apply_filters()

    def _build(self) -> None:
        root = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.text = QLineEdit()
        self.text.setClearButtonEnabled(True)
        self.text.textChanged.connect(lambda _t: self._debounce.start())
        self.text.returnPressed.connect(self.apply_filters)
        self.status = QComboBox()
        self.carrier = QComboBox()
        self.period = QComboBox()
        self.shelf = QComboBox()
        self.shelf.setEditable(True)
        self.shelf.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.overdue = QCheckBox()
        for combo in (self.status, self.carrier, self.period):
            combo.currentIndexChanged.connect(lambda _i: self.apply_filters())
        self.shelf.lineEdit().editingFinished.connect(self.apply_filters)
        self.shelf.activated.connect(lambda _i: self.apply_filters())
        self.overdue.toggled.connect(lambda _b: self.apply_filters())
        self.reset_button = QPushButton()
        self.reset_button.clicked.connect(self.reset_filters)
        bar.addWidget(self.text, 3)
        for widget in (self.status, self.carrier, self.period, self.shelf):
            bar.addWidget(widget, 1)
        bar.addWidget(self.overdue)
        bar.addWidget(self.reset_button)
        root.addLayout(bar)
        info = QHBoxLayout()
        self.count = QLabel()
        self.count.setStyleSheet("font-weight: 600;")
        info.addWidget(self.count)
        self.banner = Banner()
        self.banner.hide()
        info.addWidget(self.banner, 1)
        root.addLayout(info)
        split = QSplitter(Qt.Orientation.Horizontal)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSortingEnabled(True)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.sortIndicatorChanged.connect(self._sort_changed)
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.DescendingOrder)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        split.addWidget(self.table)
        self.detail = ParcelDetail(self.session)
        self.detail.changed.connect(self.model.replace)
        self.detail.changed.connect(lambda _v: self.session.parcels_changed.emit())
        split.addWidget(self.detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([800, 420])
        root.addWidget(split, 1)

    def activate(self) -> None:
        self._fill_shelves()
        if self.dirty:
            self.dirty = False
            self.model.refresh()
        self.text.setFocus()
        self.text.selectAll()

    # -- filters ---------------------------------------------------------------------------
    def filters(self) -> ParcelFilter:
        status = self.status.currentData()
        statuses: tuple[str, ...] = ()
        if status == "active":
            statuses = ACTIVE
        elif status:
            statuses = (status,)
        period = self.period.currentData()
        start = None
        if period == "today":
            start = _station_today()
        elif period in ("7", "30"):
            start = _station_today() - timedelta(days=int(period) - 1)
        shelf = self.shelf.currentText().strip().upper()
        if shelf in ("", self.tr("All shelves").upper()):
            shelf = ""
        return ParcelFilter(statuses=statuses, carrier=self.carrier.currentData() or None,
                            received_from=start, overdue=self.overdue.isChecked(),
                            shelf=shelf or None, text=self.text.text().strip())

    def apply_filters(self) -> None:
        self._debounce.stop()
        self.banner.hide()
        self.detail.show_parcel(None)
        self.count.setText(self.tr("Counting…"))
        self.model.set_query(self.filters())

    def reset_filters(self) -> None:
        for widget in (self.status, self.carrier, self.period, self.shelf, self.overdue,
                       self.text):
            widget.blockSignals(True)
        self.text.clear()
        self.status.setCurrentIndex(0)
        self.carrier.setCurrentIndex(0)
        self.period.setCurrentIndex(0)
        self.shelf.setCurrentIndex(0)
        self.overdue.setChecked(False)
        for widget in (self.status, self.carrier, self.period, self.shelf, self.overdue,
                       self.text):
            widget.blockSignals(False)
        self.apply_filters()

    def _sort_changed(self, column: int, order: Qt.SortOrder) -> None:
        if not self.model.sortable(column):
            # Put the indicator back on the column the list is really sorted by.
            header = self.table.horizontalHeader()
            header.blockSignals(True)
            header.setSortIndicator(self.model.sort_column(),
                                    Qt.SortOrder.DescendingOrder if self.model.descending
                                    else Qt.SortOrder.AscendingOrder)
            header.blockSignals(False)
            self.banner.show()
            self.banner.show_message("info", self.tr("Sort by received time, tracking number, "
                                                     "carrier, status or pickup code."))

    def _fit_columns(self) -> None:
        """Size the columns to the first page once; after that the clerk's widths stay."""
        if self._fitted or not self.model.rowCount():
            return
        self._fitted = True
        header = self.table.horizontalHeader()
        for col in range(self.model.columnCount() - 1):
            self.table.resizeColumnToContents(col)
            header.resizeSection(col, min(header.sectionSize(col) + 8, 260))

    def _show_count(self, *_args: object) -> None:
        if self.model.total is None:
            self.count.setText(self.tr("Counting… ({0} shown)").format(self.model.rowCount()))
        else:
            self.count.setText(self.tr("{0} parcels ({1} loaded)").format(
                f"{self.model.total:,}", f"{self.model.rowCount():,}"))

    def _current_changed(self, current, _previous) -> None:  # noqa: ANN001
        view = self.model.view_at(current.row())
        if view is not None:
            self.detail.load(view.tracking)

    def _parcels_changed(self) -> None:
        if self.isVisible():
            self.model.refresh()
        else:
            self.dirty = True

    def _fill_shelves(self) -> None:
        from ui import workers

        def fill(shelves: list) -> None:  # noqa: ANN001
            current = self.shelf.currentText()
            self.shelf.blockSignals(True)
            self.shelf.clear()
            self.shelf.addItem(self.tr("All shelves"), "")
            for shelf in shelves:
                self.shelf.addItem(shelf.name, shelf.name)
                for slot in shelf.slots:
                    self.shelf.addItem(f"  {slot.label}", slot.label)
            self.shelf.setCurrentText(current or self.tr("All shelves"))
            self.shelf.blockSignals(False)

        def job() -> list:
            from station.services import shelves

            return shelves.list_shelves()

        workers.run(job, owner=self, on_done=fill)

    # -- language --------------------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.text.setPlaceholderText(self.tr("Tracking number, pickup code, phone, last 4 "
                                             "digits or name"))
        _refill(self.status, [("", self.tr("All statuses")), ("active", self.tr("At the station"))]
                + [(s, status_text(s)) for s in STATUSES])
        _refill(self.carrier, [("", self.tr("All carriers"))] + [
            (code, carrier_text(code, self.session.carriers))
            for code in sorted(self.session.carriers)])
        _refill(self.period, list(zip(RANGES, (self.tr("Any time"), self.tr("Today"),
                                               self.tr("Last 7 days"), self.tr("Last 30 days")),
                                      strict=True)))
        if self.shelf.count() == 0:
            self.shelf.addItem(self.tr("All shelves"), "")
        else:
            self.shelf.setItemText(0, self.tr("All shelves"))
        self.overdue.setText(self.tr("Overdue only"))
        self.reset_button.setText(self.tr("Clear filters"))
        self.model.retranslate()
        self._show_count()


def _refill(combo: QComboBox, items: list[tuple[str, str]]) -> None:
    """Replace a combo's items keeping the current choice, without firing its signals."""
    current = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    for data, text in items:
        combo.addItem(text, data)
    combo.setCurrentIndex(max(0, combo.findData(current)))
    combo.blockSignals(False)
