"""A read-only table of text rows, each with a key (a tracking number, a ticket id …), an
optional tick box in the first column and an optional row colour. The back-office screens
(returns, stocktake, tickets, outbox) list short result sets with it."""

from __future__ import annotations

from collections.abc import Hashable, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

KEY_ROLE = Qt.ItemDataRole.UserRole + 1


class RowsTable(QTableWidget):
    ticks_changed = Signal()
    current_key_changed = Signal(object)  # the key of the current row, or None

    def __init__(self, checkable: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(0, 0, parent)
        self.checkable = checkable
        self._filling = False
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(28)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.itemChanged.connect(self._item_changed)
        self.currentCellChanged.connect(lambda *_: self.current_key_changed.emit(
            self.current_key()))

    def set_headers(self, headers: Sequence[str]) -> None:
        labels = ([""] if self.checkable else []) + list(headers)
        self.setColumnCount(len(labels))
        self.setHorizontalHeaderLabels(labels)

    def set_rows(self, rows: Sequence[Sequence[str]], keys: Sequence[Hashable],
                 colours: Sequence[str | None] | None = None,
                 ticked: set[Hashable] | None = None, bold: Sequence[bool] | None = None) -> None:
        """Replace the rows; keeps the current row when its key is still there (quietly: no
        ``current_key_changed`` for a row that only got fresh text)."""
        current = self.current_key()
        self._filling = True
        blocked = self.blockSignals(True)
        self.setSortingEnabled(False)
        self.setRowCount(len(rows))
        offset = 1 if self.checkable else 0
        for r, (cells, key) in enumerate(zip(rows, keys, strict=True)):
            colour = colours[r] if colours else None
            brush = QBrush(QColor(colour)) if colour else QBrush()
            if self.checkable:
                box = QTableWidgetItem()
                box.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled
                             | Qt.ItemFlag.ItemIsSelectable)
                box.setCheckState(Qt.CheckState.Checked if ticked and key in ticked
                                  else Qt.CheckState.Unchecked)
                box.setData(KEY_ROLE, key)
                box.setBackground(brush)
                self.setItem(r, 0, box)
            for c, text in enumerate(cells):
                item = QTableWidgetItem(str(text))
                item.setData(KEY_ROLE, key)
                item.setBackground(brush)
                if bold and bold[r]:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.setItem(r, c + offset, item)
        if current is not None:
            self.select_key(current)
        self.blockSignals(blocked)
        self._filling = False
        self.ticks_changed.emit()

    def key_at(self, row: int) -> Hashable | None:
        item = self.item(row, 0)
        return item.data(KEY_ROLE) if item is not None else None

    def keys(self) -> list[Hashable]:
        return [self.key_at(r) for r in range(self.rowCount())]

    def row_of(self, key: Hashable) -> int:
        for r in range(self.rowCount()):
            if self.key_at(r) == key:
                return r
        return -1

    def current_key(self) -> Hashable | None:
        row = self.currentRow()
        return self.key_at(row) if row >= 0 else None

    def scroll_to(self, key: Hashable) -> None:
        row = self.row_of(key)
        if row >= 0:
            self.scrollToItem(self.item(row, 0))

    def select_key(self, key: Hashable) -> bool:
        row = self.row_of(key)
        if row >= 0:
            self.setCurrentCell(row, self.columnCount() - 1)
            self.scrollToItem(self.item(row, 0))
        return row >= 0

    # -- ticks ---------------------------------------------------------------------------
    def ticked(self) -> list[Hashable]:
        if not self.checkable:
            return []
        return [self.key_at(r) for r in range(self.rowCount())
                if self.item(r, 0).checkState() == Qt.CheckState.Checked]

    def set_ticked(self, key: Hashable, on: bool = True) -> bool:
        row = self.row_of(key)
        if row < 0 or not self.checkable:
            return False
        self.item(row, 0).setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
        return True

    def tick_all(self, on: bool = True) -> None:
        self._filling = True
        for r in range(self.rowCount()):
            self.item(r, 0).setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
        self._filling = False
        self.ticks_changed.emit()

    def _item_changed(self, item: QTableWidgetItem) -> None:
        if not self._filling and self.checkable and item.column() == 0:
            self.ticks_changed.emit()
