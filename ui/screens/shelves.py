"""Shelves (Alt+H): the shelf map with occupancy per size class; click a layer to see what is on
it. The owner adds, renames and resizes shelves here (a shelf holding parcels cannot go)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from station.domain.sizes import SIZES
from ui import workers
from ui.screens.common import error_text, status_text
from ui.session import Session
from ui.widgets.banner import Banner
from ui.widgets.slot_tile import SlotTile


def _list_job() -> list[Any]:
    from station.services import shelves

    return shelves.list_shelves()


def _slot_job(actor, label: str) -> list[Any]:  # noqa: ANN001
    from station.services import browse

    return browse.active_in_slot(actor, label)


def _owner_job(actor, action: str, *args: Any) -> Any:  # noqa: ANN001, ANN401
    from station.services import shelves

    return {"add": shelves.add_shelf, "rename": shelves.rename_shelf,
            "resize": shelves.resize_layer, "remove": shelves.remove_shelf}[action](actor, *args)


class CapacityEditor(QWidget):
    """Four spin boxes, S/M/L/XL."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.boxes: dict[str, QSpinBox] = {}
        for size in SIZES:
            box = QSpinBox()
            box.setRange(0, 999)
            box.setPrefix(f"{size} ")
            self.boxes[size] = box
            row.addWidget(box)

    def value(self) -> dict[str, int]:
        return {s: b.value() for s, b in self.boxes.items()}

    def set_value(self, capacity: dict[str, int]) -> None:
        for size, box in self.boxes.items():
            box.setValue(int(capacity.get(size, 0)))


class AddShelfDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Add a shelf"))
        form = QFormLayout(self)
        self.name = QLineEdit()
        self.name.setMaxLength(3)
        self.name.setPlaceholderText(self.tr("1-3 letters, e.g. E"))
        self.layers = QSpinBox()
        self.layers.setRange(1, 20)
        self.layers.setValue(4)
        self.capacity = CapacityEditor()
        self.capacity.set_value({"S": 12, "M": 6, "L": 2, "XL": 1})
        form.addRow(self.tr("Name"), self.name)
        form.addRow(self.tr("Layers"), self.layers)
        form.addRow(self.tr("Parcels per layer"), self.capacity)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)


class ShelvesScreen(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.shelves: list[Any] = []
        self.tiles: dict[str, SlotTile] = {}
        self.selected: str | None = None
        self._build()
        self.retranslate()
        self.dirty = False
        session.parcels_changed.connect(self._parcels_changed)
        self.refresh()

    def _build(self) -> None:
        root = QVBoxLayout(self)
        top = QHBoxLayout()
        self.summary = QLabel()
        self.summary.setStyleSheet("font-weight: 600; font-size: 12pt;")
        top.addWidget(self.summary, 1)
        self.add_button, self.rename_button = QPushButton(), QPushButton()
        self.remove_button, self.refresh_button = QPushButton(), QPushButton()
        for button, slot in ((self.add_button, self.add_shelf),
                             (self.rename_button, self.rename_shelf),
                             (self.remove_button, self.remove_shelf),
                             (self.refresh_button, self.refresh)):
            button.clicked.connect(slot)
            top.addWidget(button)
        root.addLayout(top)
        self.banner = Banner(auto_hide=True)
        root.addWidget(self.banner)
        body = QHBoxLayout()
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.map = QWidget()
        self.map_layout = QHBoxLayout(self.map)
        self.map_layout.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.scroll.setWidget(self.map)
        body.addWidget(self.scroll, 3)
        self.side = QGroupBox()
        side = QVBoxLayout(self.side)
        self.capacity = CapacityEditor()
        self.resize_button = QPushButton()
        self.resize_button.clicked.connect(self.resize_layer)
        self.cap_label = QLabel()
        side.addWidget(self.cap_label)
        side.addWidget(self.capacity)
        side.addWidget(self.resize_button, 0, Qt.AlignmentFlag.AlignRight)
        self.parcel_list = QListWidget()
        self.parcel_list.setWordWrap(True)
        self.parcels_label = QLabel()
        side.addWidget(self.parcels_label)
        side.addWidget(self.parcel_list, 1)
        self.side.setMinimumWidth(300)
        self.side.setMaximumWidth(380)
        body.addWidget(self.side, 1)
        root.addLayout(body, 1)

    def activate(self) -> None:
        self.dirty = False
        self.refresh()
        tile = self.tiles.get(self.selected or "") or next(iter(self.tiles.values()), None)
        if tile is not None:
            tile.setFocus()

    def _parcels_changed(self) -> None:
        # Hidden during a 200-parcel intake run: refresh once when looked at, not 200 times.
        if self.isVisible():
            self.refresh()
        else:
            self.dirty = True

    # -- the map ---------------------------------------------------------------------------
    def refresh(self) -> None:
        workers.run(_list_job, owner=self, on_done=self._show,
                    on_error=lambda e: self.banner.show_message("error", error_text(e)))

    def _show(self, shelves: list[Any]) -> None:
        self.shelves = shelves
        while self.map_layout.count():
            item = self.map_layout.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.tiles = {}
        used = dict.fromkeys(SIZES, 0)
        cap = dict.fromkeys(SIZES, 0)
        for shelf in shelves:
            box = QGroupBox(self.tr("Shelf {0}").format(shelf.name))
            box.setStyleSheet("QGroupBox { font-weight: 700; font-size: 12pt; }")
            col = QVBoxLayout(box)
            for slot in reversed(shelf.slots):  # top layer on top, as the shelf stands
                tile = SlotTile(slot.label, slot.capacity, slot.used)
                tile.clicked.connect(lambda _=False, label=slot.label: self.select(label))
                col.addWidget(tile)
                self.tiles[slot.label] = tile
                for size in SIZES:
                    used[size] += slot.used[size]
                    cap[size] += slot.capacity[size]
            col.addStretch(1)
            box.setMinimumWidth(170)
            self.map_layout.addWidget(box)
        self.map_layout.addStretch(1)
        self.summary.setText(self.tr("{0} shelves. In use: {1}").format(
            len(shelves), "  ".join(f"{s} {used[s]}/{cap[s]}" for s in SIZES if cap[s])))
        if self.selected in self.tiles:
            self.select(self.selected)
        else:
            self.selected = None
            self._show_slot(None)
        self._update_tools()

    def select(self, label: str) -> None:
        self.selected = label
        for name, tile in self.tiles.items():
            tile.setChecked(name == label)
        self._show_slot(label)
        workers.run(_slot_job, self.session.actor, label, owner=self, on_done=self._slot_parcels,
                    on_error=lambda e: self.banner.show_message("error", error_text(e)))

    def _show_slot(self, label: str | None) -> None:
        slot = next((s for sh in self.shelves for s in sh.slots if s.label == label), None)
        self.side.setTitle(label or self.tr("Click a layer"))
        if slot is not None:
            self.capacity.set_value(slot.capacity)
        self.parcel_list.clear()
        self._update_tools()

    def _slot_parcels(self, views: list[Any]) -> None:
        self.parcel_list.clear()
        for v in views:
            extra = "" if v.status == "ON_SHELF" else f" [{status_text(v.status)}]"
            self.parcel_list.addItem(f"{v.pickup_code}  {v.tracking}  {v.recipient_name}"
                                     f"  {v.size}{extra}")
        self.parcels_label.setText(self.tr("{0} parcels on this layer").format(len(views)))

    def _update_tools(self) -> None:
        owner = self.session.is_owner
        for button in (self.add_button, self.rename_button, self.remove_button):
            button.setVisible(owner)
        self.capacity.setEnabled(owner and self.selected is not None)
        self.resize_button.setVisible(owner)
        self.resize_button.setEnabled(self.selected is not None)

    # -- owner tools -------------------------------------------------------------------------
    def _selected_shelf(self) -> str | None:
        if self.selected:
            return self.selected.rsplit("-", 1)[0]
        self.banner.show_message("warn", self.tr("Click a layer of the shelf first."))
        return None

    def _owner(self, action: str, *args: Any, done: str) -> None:
        def ok(_result: Any) -> None:  # noqa: ANN401
            self.banner.show_message("ok", done)
            self.session.parcels_changed.emit()  # refreshes this map too

        workers.run(_owner_job, self.session.actor, action, *args, owner=self, on_done=ok,
                    on_error=lambda e: self.banner.show_message("error", error_text(e)))

    def add_shelf(self) -> None:
        dialog = AddShelfDialog(self)
        if dialog.exec():
            name = dialog.name.text().strip().upper()
            self._owner("add", name, dialog.layers.value(), dialog.capacity.value(),
                        done=self.tr("Shelf {0} added.").format(name))

    def rename_shelf(self) -> None:
        shelf = self._selected_shelf()
        if shelf is None:
            return
        new, ok = QInputDialog.getText(self, self.tr("Rename shelf"),
                                       self.tr("New name for shelf {0}:").format(shelf))
        if ok and new.strip():
            self.selected = None
            self._owner("rename", shelf, new.strip(),
                        done=self.tr("Shelf {0} is now {1}.").format(shelf, new.strip().upper()))

    def remove_shelf(self) -> None:
        shelf = self._selected_shelf()
        if shelf is None:
            return
        answer = QMessageBox.question(self, self.tr("Remove shelf"),
                                      self.tr("Remove shelf {0} and all its layers?").format(shelf))
        if answer == QMessageBox.StandardButton.Yes:
            self._owner("remove", shelf, done=self.tr("Shelf {0} removed.").format(shelf))

    def resize_layer(self) -> None:
        if self.selected:
            self._owner("resize", self.selected, self.capacity.value(),
                        done=self.tr("{0} resized.").format(self.selected))

    # -- language ------------------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.add_button.setText(self.tr("Add shelf…"))
        self.rename_button.setText(self.tr("Rename shelf…"))
        self.remove_button.setText(self.tr("Remove shelf"))
        self.refresh_button.setText(self.tr("Refresh"))
        self.cap_label.setText(self.tr("Capacity of this layer (parcels per size)"))
        self.resize_button.setText(self.tr("Save capacity"))
        self.parcels_label.setText(self.tr("Parcels on this layer"))
        self.side.setTitle(self.selected or self.tr("Click a layer"))
        if self.shelves:
            self._show(self.shelves)
