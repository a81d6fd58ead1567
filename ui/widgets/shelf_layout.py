"""An editable shelf layout for the first-run setup: one row a shelf (name, layers, parcels per
layer by size), with a running total of what the station can hold.

A station has a handful of shelves, so a plain table of spin boxes is the right tool here
(the growing lists elsewhere use model/view)."""

from __future__ import annotations

import string

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from station.domain.sizes import SIZES
from station.services.station import ShelfSpec

COLUMNS = ("name", "layers", *SIZES)


class ShelfLayoutEditor(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        root = QVBoxLayout(self)
        root.setContentsMargins(0, 0, 0, 0)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumHeight(150)
        root.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.total = QLabel()
        self.total.setWordWrap(True)
        row.addWidget(self.total, 1)
        self.add_button, self.remove_button = QPushButton(), QPushButton()
        self.add_button.clicked.connect(self.add_shelf)
        self.remove_button.clicked.connect(self.remove_shelf)
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        root.addLayout(row)
        self.changed.connect(self._update_total)
        self.retranslate()

    # -- rows ----------------------------------------------------------------------------------
    def set_layout(self, layout: tuple[ShelfSpec, ...] | list[ShelfSpec]) -> None:
        self.table.setRowCount(0)
        for spec in layout:
            self._append(spec)
        self.changed.emit()

    def _append(self, spec: ShelfSpec) -> None:
        r = self.table.rowCount()
        self.table.insertRow(r)
        name = QLineEdit(spec.name)
        name.setMaxLength(3)
        name.textChanged.connect(lambda _t: self.changed.emit())
        self.table.setCellWidget(r, 0, name)
        values = [spec.layers, *[int(spec.capacity.get(s, 0)) for s in SIZES]]
        for c, value in enumerate(values, start=1):
            box = QSpinBox()
            box.setRange(1 if c == 1 else 0, 20 if c == 1 else 999)
            box.setValue(value)
            box.valueChanged.connect(lambda _v: self.changed.emit())
            self.table.setCellWidget(r, c, box)

    def add_shelf(self) -> None:
        used = {spec.name for spec in self.shelves()}
        name = next((ch for ch in string.ascii_uppercase if ch not in used), "")
        last = self.shelves()[-1] if self.table.rowCount() else None
        capacity = dict(last.capacity) if last else {"S": 12, "M": 6, "L": 2, "XL": 0}
        self._append(ShelfSpec(name, last.layers if last else 5, capacity))
        self.table.cellWidget(self.table.rowCount() - 1, 0).setFocus()
        self.changed.emit()

    def remove_shelf(self) -> None:
        row = self.table.currentRow()
        if row < 0:
            row = self.table.rowCount() - 1
        if row >= 0:
            self.table.removeRow(row)
            self.changed.emit()

    def shelves(self) -> list[ShelfSpec]:
        out = []
        for r in range(self.table.rowCount()):
            name = self.table.cellWidget(r, 0).text().strip().upper()
            layers = self.table.cellWidget(r, 1).value()
            capacity = {s: self.table.cellWidget(r, 2 + i).value() for i, s in enumerate(SIZES)}
            out.append(ShelfSpec(name, layers, capacity))
        return out

    def _update_total(self) -> None:
        shelves = self.shelves()
        totals = {s: sum(spec.layers * spec.capacity[s] for spec in shelves) for s in SIZES}
        layers = sum(spec.layers for spec in shelves)
        room = " · ".join(f"{s} {totals[s]}" for s in SIZES)
        self.total.setText(self.tr("{0} shelves, {1} layers; room for {2} parcels ({3})").format(
            len(shelves), layers, sum(totals.values()), room))

    def retranslate(self) -> None:
        self.table.setHorizontalHeaderLabels(
            [self.tr("Shelf"), self.tr("Layers"), *[self.tr("{0} per layer").format(s)
                                                     for s in SIZES]])
        self.add_button.setText(self.tr("Add a shelf"))
        self.remove_button.setText(self.tr("Remove shelf"))
        self._update_total()
