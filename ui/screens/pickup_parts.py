"""Parts of the pickup screen: the chooser between people who share the last 4 digits, and the
list of one person's parcels that each scan ticks off."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHeaderView,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from station.services.pickup_checks import Check
from station.services.pickup_checks import scan_key as _core_scan_key
from station.services.views import ParcelView
from ui.screens.common import carrier_text, money, status_text
from ui.session import Session


def scan_key(text: str) -> str:
    """A scan as a comparable key: the canonical pickup code, or the tracking number (the
    core's rule, so the screen and pickup() agree on what a scan identifies)."""
    return _core_scan_key(text)


class PeopleChooser(QGroupBox):
    """Several people match the last 4 digits: type the name (Enter) or pick one."""

    picked = Signal(list)  # the chosen person's parcels
    told = Signal(str, str)  # (banner kind, text)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.groups: list[list[ParcelView]] = []
        self.query = ""
        box = QVBoxLayout(self)
        self.name_field = QLineEdit()
        self.name_field.textChanged.connect(self._filter)
        self.name_field.returnPressed.connect(self._pick_typed)
        self.list = QListWidget()
        self.list.setStyleSheet("QListWidget { font-size: 14pt; }")
        self.list.itemActivated.connect(self._pick_item)
        self.list.itemClicked.connect(self._pick_item)
        box.addWidget(self.name_field)
        box.addWidget(self.list)
        self.retranslate()
        self.hide()

    def offer(self, groups: list[list[ParcelView]], query: str) -> None:
        self.groups, self.query = groups, query
        self.list.clear()
        for group in groups:
            first = group[0]
            self.list.addItem(QListWidgetItem(self.tr("{0}  {1}  (parcels: {2})").format(
                first.recipient_name or "—", first.recipient_phone, len(group))))
        self.show()
        self.list.setCurrentRow(0)
        self.name_field.clear()
        self.name_field.setFocus()

    def reset(self) -> None:
        self.groups = []
        self.list.clear()
        self.hide()

    def _visible(self) -> list[int]:
        return [r for r in range(len(self.groups)) if not self.list.item(r).isHidden()]

    def _filter(self, text: str) -> None:
        wanted = "".join(text.split()).casefold()
        for row, group in enumerate(self.groups):
            name = "".join(group[0].recipient_name.split()).casefold()
            self.list.item(row).setHidden(bool(wanted) and wanted not in name)
        visible = self._visible()
        if visible:
            self.list.setCurrentRow(visible[0])

    def _pick_typed(self) -> None:
        visible = self._visible()
        typed = self.name_field.text().strip()
        if len(visible) == 1 or (visible and not typed and self.list.currentRow() in visible):
            row = visible[0] if len(visible) == 1 else self.list.currentRow()
            self.picked.emit(self.groups[row])
        elif not visible:
            self.told.emit("error", self.tr("No one with {0} is called {1}.").format(
                self.query, typed))
        else:
            self.told.emit("warn", self.tr("Several people match that name: pick one from "
                                           "the list."))
            self.list.setFocus()

    def _pick_item(self, item: QListWidgetItem) -> None:
        self.picked.emit(self.groups[self.list.row(item)])

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.setTitle(self.tr("Several people: which one?"))
        self.name_field.setPlaceholderText(self.tr("Type the name, Enter"))


class HandoverTable(QTableWidget):
    """One person's parcels on the shelf; a tick per parcel confirmed by its scan (or, when
    there is no scanner, by a click on the box: the screen asks why before it ticks)."""

    ticks_changed = Signal()
    hand_tick_wanted = Signal(int)  # row: the clerk clicked an empty tick box

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(0, 8, parent)
        self.session = session
        self.parcels: list[ParcelView] = []
        self.checks: dict[int, Check] = {}  # parcel id → how it was confirmed
        self._ticking = False
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # scans stay in the scan field
        self.verticalHeader().hide()
        self.setStyleSheet("QTableWidget { font-size: 13pt; }")
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.itemChanged.connect(self._item_changed)
        self.retranslate()

    def load(self, group: list[ParcelView]) -> None:
        self.parcels, self.checks = list(group), {}
        self.blockSignals(True)
        self.setRowCount(len(group))
        for row, view in enumerate(group):
            check = QTableWidgetItem()
            check.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
            check.setCheckState(Qt.CheckState.Unchecked)
            self.setItem(row, 0, check)
            values = (view.pickup_code or "", view.slot or "", view.tracking,
                      carrier_text(view.carrier, self.session.carriers), view.size,
                      money(view.cod_fen) if view.cod_fen else "", self._notes(view))
            for col, value in enumerate(values, start=1):
                self.setItem(row, col, QTableWidgetItem(value))
            font = QFont()
            font.setBold(True)
            font.setPointSizeF(16)
            self.item(row, 2).setData(Qt.ItemDataRole.FontRole, font)  # the slot to walk to
        self.blockSignals(False)
        self.ticks_changed.emit()

    def _notes(self, view: ParcelView) -> str:
        notes = []
        if view.id_check:
            notes.append(self.tr("ID check"))
        if view.damaged:
            notes.append(self.tr("damaged"))
        if view.storage_fee_fen:
            notes.append(self.tr("storage fee {0}").format(money(view.storage_fee_fen)))
        if view.status != "ON_SHELF":
            notes.append(status_text(view.status))
        return ", ".join(notes)

    def reset(self) -> None:
        self.parcels, self.checks = [], {}
        self.setRowCount(0)
        self.ticks_changed.emit()

    def match(self, text: str) -> tuple[int, ParcelView] | None:
        key = scan_key(text)
        for row, view in enumerate(self.parcels):
            if key in (view.tracking, view.pickup_code):
                return row, view
        return None

    @property
    def ticked(self) -> set[int]:
        return set(self.checks)

    def tick(self, row: int, check: Check) -> None:
        """Tick a parcel with its confirmation (a scan, or by hand with the clerk's reason)."""
        self.checks[self.parcels[row].id] = check
        self._ticking = True
        try:
            self.item(row, 0).setCheckState(Qt.CheckState.Checked)
        finally:
            self._ticking = False
        self._paint(row)
        self.ticks_changed.emit()

    def chosen(self) -> list[ParcelView]:
        return [v for v in self.parcels if v.id in self.checks]

    def chosen_checks(self) -> tuple[Check, ...]:
        return tuple(self.checks[v.id] for v in self.chosen())

    def _item_changed(self, item: QTableWidgetItem) -> None:
        if item.column() != 0 or not self.parcels or self._ticking:
            return
        view = self.parcels[item.row()]
        if item.checkState() == Qt.CheckState.Checked:
            if view.id not in self.checks:  # a click: no tick until the clerk says why
                self.blockSignals(True)
                item.setCheckState(Qt.CheckState.Unchecked)
                self.blockSignals(False)
                self.hand_tick_wanted.emit(item.row())
                return
        else:
            self.checks.pop(view.id, None)
        self._paint(item.row())
        self.ticks_changed.emit()

    def _paint(self, row: int) -> None:
        view = self.parcels[row]
        colour = QBrush(QColor("#dcfce7" if view.id in self.checks else "#ffffff"))
        self.blockSignals(True)  # a background is an itemChanged too
        for col in range(self.columnCount()):
            cell = self.item(row, col)
            if cell is not None:
                cell.setBackground(colour)
        self.blockSignals(False)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.setHorizontalHeaderLabels([
            "✓", self.tr("Pickup code"), self.tr("Slot"), self.tr("Tracking number"),
            self.tr("Carrier"), self.tr("Size"), self.tr("COD"), self.tr("Notes")])
        for row, view in enumerate(self.parcels):
            if self.item(row, 7) is not None:
                self.item(row, 7).setText(self._notes(view))
