"""The recipient and parcel parts of the Send screen.

Province, city and district are editable lists over station.domain.regions (type a few
characters, the list narrows; the core normalises 广东 → 广东省 and refuses an unknown place).
The parcel part holds what the price depends on: carrier, contents (a prohibited category is
refused at once, with its reason), declared value and insurance, weight and box size.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from station.domain import prohibited, regions
from station.errors import StationError
from station.services.senders import AddressEntry
from ui.screens.common import carrier_text, in_words
from ui.screens.send_common import category_label
from ui.screens.send_sender import BAD_STYLE, full_mobile_problem
from ui.session import Session
from ui.widgets.money_input import MoneyInput
from ui.widgets.scan_field import ScanLineEdit

MAX_CM = 300


def region_combo() -> QComboBox:
    box = QComboBox()
    box.setEditable(True)
    box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    box.setMaxVisibleItems(15)
    completer = QCompleter(box.model(), box)
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
    box.setCompleter(completer)
    return box


def _refill(box: QComboBox, names: list[str]) -> None:
    text = box.currentText()
    box.blockSignals(True)
    box.clear()
    box.addItems(names)
    box.setCurrentIndex(-1)
    box.setEditText(text if text in names else "")
    box.blockSignals(False)


class RecipientBox(QGroupBox):
    changed = Signal()  # the destination changed: quote again

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.entries: list[AddressEntry] = []
        self.address_id: int | None = None
        form = QFormLayout(self)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.book = QComboBox()
        self.book.activated.connect(lambda _i: self.apply_entry())
        self.name = QLineEdit()
        self.name.setMaxLength(40)
        self.phone = QLineEdit()
        self.phone.setMaxLength(20)
        self.phone.textEdited.connect(lambda _t: self._phone_state(""))
        self.phone_state = QLabel()
        self.phone_state.setWordWrap(True)
        self.phone_state.setStyleSheet(BAD_STYLE)
        self.phone_state.hide()
        self.province, self.city, self.district = region_combo(), region_combo(), region_combo()
        self.province.addItems(regions.provinces())
        self.province.setCurrentIndex(-1)
        self.detail = QLineEdit()
        self.detail.setMaxLength(200)
        self.labels = [QLabel() for _ in range(7)]
        rows = (self.book, self.name, self.phone, self.province, self.city, self.district,
                self.detail)
        for label, widget in zip(self.labels, rows, strict=True):
            form.addRow(label, widget)
            if widget is self.phone:
                form.addRow("", self.phone_state)
        self.province.currentTextChanged.connect(self._province_changed)
        self.city.currentTextChanged.connect(self._city_changed)
        self.district.currentTextChanged.connect(lambda _t: self.changed.emit())
        self.retranslate()
        self.set_entries([])

    # -- regions -------------------------------------------------------------------------
    def _province_changed(self, text: str) -> None:
        try:
            names = regions.cities(text)
        except StationError:
            names = []
        _refill(self.city, names)
        if len(names) == 1:  # a municipality: the city is the province
            self.city.setCurrentIndex(0)
        self.changed.emit()

    def _city_changed(self, text: str) -> None:
        try:
            names = regions.districts(self.province.currentText(), text) if text else []
        except StationError:
            names = []
        _refill(self.district, names)
        self.changed.emit()

    def destination(self) -> tuple[str, str, str]:
        return (self.province.currentText().strip(), self.city.currentText().strip(),
                self.district.currentText().strip())

    # -- the sender's address book -----------------------------------------------------------
    def set_entries(self, entries: list[AddressEntry]) -> None:
        self.entries = entries
        self.book.clear()
        self.book.addItem(self.tr("New recipient (type below)"), None)
        for e in entries:
            city = e.city if e.city != e.province else ""
            self.book.addItem(f"{e.name} {e.phone}  {e.province}{city}{e.district}{e.detail}",
                              e.id)
        self.book.setVisible(bool(entries))
        self.labels[0].setVisible(bool(entries))
        if entries:
            self.book.setCurrentIndex(1)  # the most used one first

    def apply_entry(self) -> None:
        entry = next((e for e in self.entries if e.id == self.book.currentData()), None)
        self.address_id = entry.id if entry else None
        if entry is None:
            self.clear_fields()
            return
        self.name.setText(entry.name)
        self.phone.clear()
        self.phone.setPlaceholderText(entry.phone)  # masked: the core fills in the number
        self.province.setEditText(entry.province)
        self.city.setEditText(entry.city)
        self.district.setEditText(entry.district)
        self.detail.setText(entry.detail)
        self._phone_state("")
        self.changed.emit()

    def clear_fields(self) -> None:
        self.address_id = None
        for widget in (self.name, self.phone, self.detail):
            widget.clear()
        for box in (self.province, self.city, self.district):
            box.setCurrentIndex(-1)
            box.setEditText("")
        self.phone.setPlaceholderText(self.tr("full mobile number"))
        self._phone_state("")

    def reset(self) -> None:
        self.set_entries([])
        self.clear_fields()

    # -- checks ----------------------------------------------------------------------------
    def _phone_state(self, text: str) -> None:
        self.phone_state.setText(text)
        self.phone_state.setVisible(bool(text))

    def phone_problem(self) -> str | None:
        text = self.phone.text().strip()
        if not text and self.address_id is not None:
            return None  # the address book entry has the number
        problem = full_mobile_problem(text)
        if problem is None:
            self._phone_state("")
            return None
        message = in_words(self.tr("The recipient's phone must be a full mobile number "
                                   "(11 digits). Ask the sender for the whole number."),
                           problem or self.tr("A masked or virtual number cannot be used."))
        self._phone_state(message)
        return message

    def problem(self) -> tuple[QWidget, str] | None:
        if not self.name.text().strip():
            return self.name, self.tr("Type the recipient's name.")
        phone = self.phone_problem()
        if phone is not None:
            return self.phone, phone
        province, city, _district = self.destination()
        if not province:
            return self.province, self.tr("Choose the destination province.")
        if not city:
            return self.city, self.tr("Choose the destination city.")
        if not self.detail.text().strip():
            return self.detail, self.tr("Type the street address (street, building, room).")
        return None

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.setTitle(self.tr("Recipient"))
        texts = (self.tr("Address book"), self.tr("Name"), self.tr("Phone"),
                 self.tr("Province"), self.tr("City"), self.tr("District"), self.tr("Street"))
        for label, text in zip(self.labels, texts, strict=True):
            label.setText(text)
        if self.book.count():
            self.book.setItemText(0, self.tr("New recipient (type below)"))
        if self.address_id is None:
            self.phone.setPlaceholderText(self.tr("full mobile number"))
        self.province.lineEdit().setPlaceholderText(self.tr("type to search, e.g. 广东"))
        self.city.lineEdit().setPlaceholderText(self.tr("city"))
        self.district.lineEdit().setPlaceholderText(self.tr("district (optional)"))
        self.detail.setPlaceholderText(self.tr("street, building, room"))


class ParcelBox(QGroupBox):
    changed = Signal()  # something the price depends on changed

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.weight_from_scale = False
        self.priced: set[str] = set()  # carriers with at least one rate card
        form = QFormLayout(self)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.carrier = QComboBox()
        # A carrier's pre-printed waybill: scanned anywhere on the screen (the ScanRouter
        # sends stray scans here); empty means the station numbers the waybill itself.
        self.waybill = ScanLineEdit(self, min_length=8)
        self.waybill.scanned.connect(self.waybill.setText)
        self.category = QComboBox()
        self.note = QLineEdit()
        self.note.setMaxLength(100)
        self.declared = MoneyInput()
        self.insured = QCheckBox()
        self.weight = QSpinBox()
        self.weight.setRange(0, 1_000_000)
        self.weight.setSingleStep(50)
        self.weight.setSuffix(" g")
        self.weight_state = QLabel()
        weight_row = QHBoxLayout()
        weight_row.addWidget(self.weight, 1)
        weight_row.addWidget(self.weight_state)
        self.length, self.width, self.height = QSpinBox(), QSpinBox(), QSpinBox()
        dims = QHBoxLayout()
        for i, box in enumerate((self.length, self.width, self.height)):
            box.setRange(0, MAX_CM)
            box.setSuffix(" cm")
            if i:
                dims.addWidget(QLabel("×"))
            dims.addWidget(box, 1)
            box.valueChanged.connect(lambda _v: self.changed.emit())
        self.labels = [QLabel() for _ in range(8)]
        rows = (self.carrier, self.waybill, self.category, self.note, self.declared,
                self.insured, weight_row, dims)
        for label, row in zip(self.labels, rows, strict=True):
            form.addRow(label, row)
        self.weight.valueChanged.connect(self._weight_typed)
        self.declared.fen_changed.connect(lambda _v: self.changed.emit())
        self.insured.toggled.connect(lambda _v: self.changed.emit())
        self.carrier.currentIndexChanged.connect(self._carrier_chosen)
        session.carriers_changed.connect(self.fill_carriers)
        self.retranslate()
        self.reset()

    def fill_carriers(self) -> None:
        """Carriers with a rate card first (the others cannot price a send yet)."""
        current = self.carrier.currentData() or self.session.settings.value("send/carrier", "")
        codes = sorted(c for c in self.session.carriers if c != "OTHER")
        priced = [c for c in codes if c in self.priced]
        self.carrier.blockSignals(True)
        self.carrier.clear()
        for code in priced:
            self.carrier.addItem(carrier_text(code, self.session.carriers), code)
        for code in (c for c in codes if c not in self.priced):
            self.carrier.addItem(self.tr("{0} (no rate card)").format(
                carrier_text(code, self.session.carriers)), code)
        index = self.carrier.findData(current)
        if index < 0 or (priced and current not in self.priced):
            index = 0
        self.carrier.setCurrentIndex(index)
        self.carrier.blockSignals(False)

    def set_priced(self, codes: set[str]) -> None:
        if codes != self.priced:
            self.priced = codes
            self.fill_carriers()
            self.changed.emit()

    def _carrier_chosen(self, _index: int) -> None:
        if self.carrier.currentData():
            # The next sender most likely goes with the same carrier.
            self.session.settings.setValue("send/carrier", self.carrier.currentData())
        self.changed.emit()

    def fill_categories(self) -> None:
        key = self.category.currentData()
        self.category.blockSignals(True)
        self.category.clear()
        self.category.addItem(self.tr("— what is inside? —"), "")
        cats = prohibited.categories()
        for c in (c for c in cats if not c.prohibited):
            self.category.addItem(category_label(c), c.key)
        self.category.insertSeparator(self.category.count())
        for c in (c for c in cats if c.prohibited):
            self.category.addItem("⛔ " + self.tr("{0} (prohibited)").format(category_label(c)),
                                  c.key)
        self.category.setCurrentIndex(max(0, self.category.findData(key)))
        self.category.blockSignals(False)

    # -- weight --------------------------------------------------------------------------
    def _weight_typed(self, _value: int) -> None:
        if not self.weight.signalsBlocked():
            self.weight_from_scale = False
            self._show_weight_state()
        self.changed.emit()

    def scale_reading(self, reading: object) -> None:
        """A stable reading fills the weight (the clerk may still type over it)."""
        if not getattr(reading, "usable", False):
            return
        grams = int(getattr(reading, "weight_g", 0) or 0)
        if grams <= 0 or (grams == self.weight.value() and self.weight_from_scale):
            return
        self.weight.blockSignals(True)
        self.weight.setValue(grams)
        self.weight.blockSignals(False)
        self.weight_from_scale = True
        self._show_weight_state()
        self.changed.emit()

    def _show_weight_state(self) -> None:
        if self.weight_from_scale:
            self.weight_state.setText(self.tr("from the scale"))
        elif self.session.has_scale:
            self.weight_state.setText(self.tr("typed"))
        else:
            self.weight_state.setText("")

    # -- values --------------------------------------------------------------------------
    def dims(self) -> tuple[int, int, int]:
        return self.length.value(), self.width.value(), self.height.value()

    def reset(self) -> None:
        self.fill_carriers()
        self.fill_categories()
        self.category.setCurrentIndex(0)
        self.note.clear()
        self.waybill.clear()
        self.declared.clear()
        self.insured.setChecked(False)
        for box in (self.weight, self.length, self.width, self.height):
            box.blockSignals(True)
            box.setValue(0)
            box.blockSignals(False)
        self.weight_from_scale = False
        self._show_weight_state()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.setTitle(self.tr("Parcel"))
        texts = (self.tr("Carrier"), self.tr("Waybill no."), self.tr("Contents"),
                 self.tr("Description"), self.tr("Declared value"), self.tr("Insurance"),
                 self.tr("Weight"), self.tr("L × W × H"))
        for label, text in zip(self.labels, texts, strict=True):
            label.setText(text)
        self.note.setPlaceholderText(self.tr("e.g. 2 books, a phone case"))
        self.waybill.setPlaceholderText(self.tr("scan a pre-printed waybill, or leave empty"))
        self.declared.setPlaceholderText(self.tr("yuan, what the contents are worth"))
        self.insured.setText(self.tr("Insure it (保价)"))
        self.weight.setSpecialValueText(self.tr("not weighed"))
        self.fill_carriers()
        self.fill_categories()
        self._show_weight_state()
