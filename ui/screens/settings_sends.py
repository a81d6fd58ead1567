"""Settings → Sends (owner): where the station sends from, and the carriers' rate cards.

The rate cards are a model/view table (carrier × zone); a click puts the row in the editor
below, Save (Ctrl+S) or "Save rate card" writes it. Import CSV replaces the cards the file
names, all or nothing: a bad row is refused with its line number in the banner above.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from station.domain import regions
from station.errors import StationError
from station.services.sends_rates import RateCardInput, RateCardView
from ui import workers
from ui.screens.common import carrier_text, money, short_time
from ui.screens.send_common import send_error_text, weight_kg, zone_text
from ui.screens.send_form import region_combo
from ui.screens.settings_pages import Page
from ui.session import Session
from ui.widgets.money_input import MoneyInput

Index = QModelIndex | QPersistentModelIndex


def _read_job(carrier: str | None) -> dict[str, Any]:
    from station.services import sends_rates

    try:
        origin = sends_rates.origin()
    except StationError:
        origin = None
    return {"origin": origin, "cards": sends_rates.list_rate_cards(carrier)}


def _set_origin_job(actor, province: str, city: str) -> Any:  # noqa: ANN001, ANN401
    from station.services import sends_rates

    return sends_rates.set_origin(actor, province, city)


def _set_card_job(actor, card: RateCardInput) -> RateCardView:  # noqa: ANN001
    from station.services import sends_rates

    return sends_rates.set_rate_card(actor, card)


def _delete_card_job(actor, carrier: str, zone: str) -> None:  # noqa: ANN001
    from station.services import sends_rates

    sends_rates.delete_rate_card(actor, carrier, zone)


def _import_job(actor, path: str) -> Any:  # noqa: ANN001, ANN401
    from station.services import sends_rates_csv

    return sends_rates_csv.import_rate_cards(actor, path)


def _percent(bp: int) -> str:
    return f"{bp / 100:g} %"


class RateCardModel(QAbstractTableModel):
    def __init__(self, session: Session, parent: Any = None) -> None:  # noqa: ANN401
        super().__init__(parent)
        self.session = session
        self.rows: list[RateCardView] = []
        self.columns = [
            (lambda: self.tr("Carrier"), lambda c: carrier_text(c.carrier, session.carriers)),
            (lambda: self.tr("Zone"), lambda c: zone_text(c.zone)),
            (lambda: self.tr("First weight"), lambda c: weight_kg(c.first_weight_g)),
            (lambda: self.tr("First price"), lambda c: money(c.first_price_fen)),
            (lambda: self.tr("Per extra kg"), lambda c: money(c.additional_per_kg_fen)),
            (lambda: self.tr("Max weight"), lambda c: weight_kg(c.max_weight_g)),
            (lambda: self.tr("Divisor"), lambda c: str(c.volumetric_divisor)),
            (lambda: self.tr("Insurance"), lambda c: _percent(c.insurance_rate_bp)),
            (lambda: self.tr("Min. insurance"), lambda c: money(c.insurance_min_fen)),
            (lambda: self.tr("Max. declared"),
             lambda c: money(c.max_declared_fen) if c.max_declared_fen else self.tr("no limit")),
            (lambda: self.tr("Changed"), lambda c: f"{short_time(c.updated_at)} "
                                                   f"{c.updated_by or ''}".strip()),
        ]

    def set_rows(self, rows: list[RateCardView]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def card_at(self, row: int) -> RateCardView | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: ANN401
        card = self.card_at(index.row()) if index.isValid() else None
        if card is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.columns[index.column()][1](card)
        if role == Qt.ItemDataRole.UserRole:
            return card
        if role == Qt.ItemDataRole.TextAlignmentRole and 2 <= index.column() <= 9:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: ANN401
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(self.columns)):
            return self.columns[section][0]()
        return None


class RateCardsPage(Page):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.origin: Any = None
        root = QVBoxLayout(self)
        self.origin_box = QGroupBox()
        row = QHBoxLayout(self.origin_box)
        self.l_province, self.l_city, self.origin_note = QLabel(), QLabel(), QLabel()
        self.province, self.city = region_combo(), region_combo()
        self.province.addItems(regions.provinces())
        self.province.currentTextChanged.connect(self._province_changed)
        for widget, stretch in ((self.l_province, 0), (self.province, 2), (self.l_city, 0),
                                (self.city, 2), (self.origin_note, 3)):
            row.addWidget(widget, stretch)
        self.origin_note.setWordWrap(True)
        root.addWidget(self.origin_box)

        tools = QHBoxLayout()
        self.l_filter = QLabel()
        self.filter = QComboBox()
        self.filter.activated.connect(lambda _i: self.load())
        self.count = QLabel()
        self.import_button = QPushButton()
        self.import_button.clicked.connect(self.import_csv)
        for widget, stretch in ((self.l_filter, 0), (self.filter, 0), (self.count, 1),
                                (self.import_button, 0)):
            tools.addWidget(widget, stretch)
        root.addLayout(tools)
        self.model = RateCardModel(session, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.selectionModel().currentRowChanged.connect(
            lambda current, _prev: self.edit_row(current.row()))
        root.addWidget(self.table, 1)
        root.addWidget(self._build_editor())
        session.carriers_changed.connect(self.fill_carriers)
        self.retranslate()

    def _build_editor(self) -> QGroupBox:
        self.editor = QGroupBox()
        grid = QGridLayout(self.editor)
        self.carrier, self.zone = QComboBox(), QComboBox()
        for zone in regions.ZONES:
            self.zone.addItem(zone_text(zone), zone)
        self.first_weight, self.max_weight = QSpinBox(), QSpinBox()
        self.first_weight.setRange(1, 100_000)
        self.max_weight.setRange(1, 1_000_000)
        self.divisor = QSpinBox()
        self.divisor.setRange(1000, 20_000)
        self.divisor.setSingleStep(1000)
        for box in (self.first_weight, self.max_weight):
            box.setSuffix(" g")
            box.setSingleStep(500)
        self.first_price, self.per_kg = MoneyInput(), MoneyInput()
        self.ins_min, self.max_declared = MoneyInput(), MoneyInput()
        self.ins_rate = QDoubleSpinBox()
        self.ins_rate.setRange(0, 100)
        self.ins_rate.setDecimals(2)
        self.ins_rate.setSingleStep(0.1)
        self.ins_rate.setSuffix(" %")
        fields = (self.carrier, self.zone, self.first_weight, self.first_price, self.per_kg,
                  self.max_weight, self.divisor, self.ins_rate, self.ins_min, self.max_declared)
        self.editor_labels = [QLabel() for _ in fields]
        for i, (label, field) in enumerate(zip(self.editor_labels, fields, strict=True)):
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            field.setMinimumWidth(100)
            grid.addWidget(label, i // 5, (i % 5) * 2)
            grid.addWidget(field, i // 5, (i % 5) * 2 + 1)
        for column in range(5):
            grid.setColumnStretch(column * 2 + 1, 1)
        buttons = QHBoxLayout()
        self.save_card_button, self.delete_button = QPushButton(), QPushButton()
        self.save_card_button.clicked.connect(self.save_card)
        self.delete_button.clicked.connect(self.delete_card)
        buttons.addStretch(1)
        buttons.addWidget(self.save_card_button)
        buttons.addWidget(self.delete_button)
        grid.addLayout(buttons, 2, 0, 1, 10)
        self.new_card()
        return self.editor

    def title(self) -> str:
        return self.tr("Sends & rate cards")

    # -- reading ----------------------------------------------------------------------------
    def _province_changed(self, text: str) -> None:
        try:
            names = regions.cities(text)
        except StationError:
            names = []
        current = self.city.currentText()
        self.city.clear()
        self.city.addItems(names)
        self.city.setEditText(current if current in names else (names[0] if names else ""))

    def fill_carriers(self) -> None:
        chosen, wanted = self.filter.currentData(), self.carrier.currentData()
        self.filter.clear()
        self.carrier.clear()
        self.filter.addItem(self.tr("All carriers"), None)
        for code in sorted(self.session.carriers):
            self.filter.addItem(carrier_text(code, self.session.carriers), code)
            self.carrier.addItem(carrier_text(code, self.session.carriers), code)
        self.filter.setCurrentIndex(max(0, self.filter.findData(chosen)))
        self.carrier.setCurrentIndex(max(0, self.carrier.findData(wanted)))

    def load(self) -> None:
        if not self.filter.count():
            self.fill_carriers()
        workers.run(_read_job, self.filter.currentData(), owner=self, on_done=self._loaded,
                    on_error=self._failed)

    def _loaded(self, data: dict[str, Any]) -> None:
        self.origin = data["origin"]
        if self.origin is not None:
            self.province.setEditText(self.origin.province)
            self.city.setEditText(self.origin.city)
        else:
            self.province.setCurrentIndex(-1)
            self.province.setEditText("")
        order = {zone: i for i, zone in enumerate(regions.ZONES)}  # near to far
        cards = sorted(data["cards"], key=lambda c: (c.carrier, order.get(c.zone, 99)))
        self.model.set_rows(cards)
        self.count.setText(self.tr("{0} rate card(s)").format(len(data["cards"])))
        self._origin_note()

    def _origin_note(self) -> None:
        if self.origin is None:
            self.origin_note.setStyleSheet("color: #b91c1c; font-weight: 600;")
            self.origin_note.setText(self.tr("Not set: no send can be priced until it is."))
        else:
            self.origin_note.setStyleSheet("color: #6b7280;")
            self.origin_note.setText(self.tr("Zones (same city, same province …) are counted "
                                             "from here."))

    def _failed(self, error: BaseException) -> None:
        self.report.emit("error", send_error_text(error))

    # -- the editor --------------------------------------------------------------------------
    def edit_row(self, row: int) -> None:
        card = self.model.card_at(row)
        if card is None:
            return
        self.carrier.setCurrentIndex(max(0, self.carrier.findData(card.carrier)))
        self.zone.setCurrentIndex(max(0, self.zone.findData(card.zone)))
        self.first_weight.setValue(card.first_weight_g)
        self.max_weight.setValue(card.max_weight_g)
        self.divisor.setValue(card.volumetric_divisor)
        self.ins_rate.setValue(card.insurance_rate_bp / 100)
        self.first_price.set_fen(card.first_price_fen)
        self.per_kg.set_fen(card.additional_per_kg_fen)
        self.ins_min.set_fen(card.insurance_min_fen)
        self.max_declared.set_fen(card.max_declared_fen or None)

    def new_card(self) -> None:
        self.first_weight.setValue(1000)
        self.max_weight.setValue(30_000)
        self.divisor.setValue(6000)
        self.ins_rate.setValue(0.5)
        for field in (self.first_price, self.per_kg, self.max_declared):
            field.clear()
        self.ins_min.set_fen(100)

    def card_input(self) -> RateCardInput | str:
        """The editor's card, or what to fix."""
        for field in (self.first_price, self.per_kg, self.ins_min, self.max_declared):
            if not field.is_valid():
                return self.tr("Not an amount: type it like 12.50.")
        if self.first_price.fen() is None or self.per_kg.fen() is None:
            return self.tr("Type the first-weight price and the price per extra kg.")
        return RateCardInput(
            carrier=self.carrier.currentData() or "", zone=self.zone.currentData(),
            first_weight_g=self.first_weight.value(), first_price_fen=self.first_price.fen() or 0,
            additional_per_kg_fen=self.per_kg.fen() or 0, max_weight_g=self.max_weight.value(),
            volumetric_divisor=self.divisor.value(),
            insurance_rate_bp=round(self.ins_rate.value() * 100),
            insurance_min_fen=self.ins_min.fen() or 0,
            max_declared_fen=self.max_declared.fen() or 0)

    def save(self) -> None:
        """Ctrl+S: the origin when it changed, and the card in the editor."""
        province, city = self.province.currentText().strip(), self.city.currentText().strip()
        if province and city and (self.origin is None or (province, city) != (
                self.origin.province, self.origin.city)):
            workers.run(_set_origin_job, self.session.actor, province, city, owner=self,
                        on_done=self._origin_saved, on_error=self._failed)
        if self.first_price.text().strip() or self.per_kg.text().strip():
            self.save_card()

    def _origin_saved(self, origin: Any) -> None:  # noqa: ANN401
        self.origin = origin
        self._origin_note()
        self.report.emit("ok", self.tr("The station sends from {0} {1}.").format(
            origin.province, origin.city))

    def save_card(self) -> None:
        card = self.card_input()
        if isinstance(card, str):
            self.report.emit("error", card)
            return
        workers.run(_set_card_job, self.session.actor, card, owner=self,
                    on_done=self._card_saved, on_error=self._failed)

    def _card_saved(self, view: RateCardView) -> None:
        self.report.emit("ok", self.tr("Rate card saved: {0}, {1}: first {2} {3}, then {4} "
                                       "per kg.").format(
            carrier_text(view.carrier, self.session.carriers), zone_text(view.zone),
            weight_kg(view.first_weight_g), money(view.first_price_fen),
            money(view.additional_per_kg_fen)))
        self.load()

    def delete_card(self) -> None:
        carrier, zone = self.carrier.currentData(), self.zone.currentData()
        if not carrier:
            return
        workers.run(_delete_card_job, self.session.actor, carrier, zone, owner=self,
                    on_done=lambda _r: self._deleted(carrier, zone), on_error=self._failed)

    def _deleted(self, carrier: str, zone: str) -> None:
        self.report.emit("ok", self.tr("Rate card deleted: {0}, {1}.").format(
            carrier_text(carrier, self.session.carriers), zone_text(zone)))
        self.load()

    # -- import ----------------------------------------------------------------------------
    def import_csv(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, self.tr("Import rate cards"), "", self.tr("CSV files (*.csv);;All files (*)"))
        if not path:
            return
        self.report.emit("info", self.tr("Importing {0}…").format(path))
        workers.run(_import_job, self.session.actor, path, owner=self,
                    on_done=self._imported, on_error=self._failed)

    def _imported(self, result: Any) -> None:  # noqa: ANN401 - RateImportResult
        self.report.emit("ok", self.tr("Imported {0} rate card(s): {1} new, {2} changed.").format(
            result.rows, result.created, result.updated))
        self.load()

    def retranslate(self) -> None:
        self.origin_box.setTitle(self.tr("The station sends from"))
        self.l_province.setText(self.tr("Province"))
        self.l_city.setText(self.tr("City"))
        self.l_filter.setText(self.tr("Show"))
        self.import_button.setText(self.tr("Import CSV…"))
        self.editor.setTitle(self.tr("Edit a rate card (click a row, change, Save)"))
        texts = (self.tr("Carrier"), self.tr("Zone"), self.tr("First weight"),
                 self.tr("First price"), self.tr("Per extra kg"), self.tr("Max weight"),
                 self.tr("Divisor"), self.tr("Insurance"), self.tr("Min. insurance"),
                 self.tr("Max. declared"))
        for label, text in zip(self.editor_labels, texts, strict=True):
            label.setText(text)
        for i, zone in enumerate(regions.ZONES):
            self.zone.setItemText(i, zone_text(zone))
        self.max_declared.setPlaceholderText(self.tr("no limit"))
        self.save_card_button.setText(self.tr("Save rate card"))
        self.delete_button.setText(self.tr("Delete rate card"))
        self.fill_carriers()
        self._origin_note()
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0,
                                          self.model.columnCount() - 1)

