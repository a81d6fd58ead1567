"""Parts of the intake screen: the recipient form for a number no manifest knows, and the
damage note dialog.

The form is driven from the keyboard: phone, Enter → name, Enter → size, Enter → weight (only
when there is no scale), Enter → done. Esc drops the parcel (nothing was written yet).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from station.domain.phone import parse_phone
from station.domain.sizes import SIZES
from station.errors import StationError
from station.services.views import ParcelView
from ui.screens.common import carrier_text, in_words, short_time, size_text, weight_text
from ui.session import Session
from ui.widgets.money_input import MoneyInput

_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


@dataclass(frozen=True)
class Pending:
    """A scanned number waiting for the clerk to type who it is for."""

    tracking: str
    carrier_guess: tuple[str, ...]
    manifest_name: str = ""
    manifest_phone: str = ""  # masked, when the manifest knows the phone
    manifest_carrier: str | None = None
    door_delivery: bool = False
    size: str = "M"  # chosen for this scan (the size buttons reset after each scan)
    consent: str | None = None  # known basis (manifest, standing consent); None: ask


class RecipientForm(QGroupBox):
    submitted = Signal()
    cancelled = Signal()
    scan_typed = Signal(str)  # a tracking number typed/scanned into the phone field

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.pending: Pending | None = None
        session.carriers_changed.connect(self.fill_carriers)
        # Typed at arm's length while holding a parcel: larger than the default text.
        self.setStyleSheet("QLineEdit, QComboBox, QSpinBox { font-size: 13pt; padding: 2px; }"
                           " QLabel { font-size: 12pt; } QPushButton { font-size: 12pt; "
                           "padding: 6px; }")
        self.form = QFormLayout(self)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.tracking = QLabel()
        self.tracking.setStyleSheet("font-size: 14pt; font-weight: 700;")
        self.carrier = QComboBox()
        self.phone = QLineEdit()
        self.phone.setMaxLength(30)
        self.name = QLineEdit()
        self.name.setMaxLength(40)
        self.size = QComboBox()
        for size in SIZES:
            self.size.addItem(size, size)
        self.weight = QSpinBox()
        self.weight.setRange(0, 100_000)
        self.weight.setSingleStep(50)
        self.cod = MoneyInput()
        self.consent = QComboBox()  # how the recipient agreed: asked, never defaulted
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #b91c1c; font-weight: 600;")
        buttons = QHBoxLayout()
        self.ok = QPushButton()
        self.ok.setDefault(False)
        self.ok.clicked.connect(self.submitted)
        self.cancel = QPushButton()
        self.cancel.clicked.connect(self.cancelled)
        buttons.addWidget(self.ok, 2)
        buttons.addWidget(self.cancel, 1)
        self.labels = [QLabel() for _ in range(8)]
        rows = (self.tracking, self.carrier, self.phone, self.name, self.size, self.weight,
                self.cod, self.consent)
        for label, widget in zip(self.labels, rows, strict=True):
            self.form.addRow(label, widget)
        self.form.addRow(self.note)
        self.form.addRow(buttons)
        self.phone.returnPressed.connect(self._phone_enter)
        self.name.returnPressed.connect(self.size.setFocus)
        for widget in (self.size, self.weight, self.cod, self.consent, self.carrier):
            widget.installEventFilter(self)
        self.setTabOrder(self.phone, self.name)
        self.setTabOrder(self.name, self.size)
        self.setTabOrder(self.size, self.weight)
        self.setTabOrder(self.weight, self.cod)
        self.setTabOrder(self.cod, self.consent)
        self.setTabOrder(self.consent, self.carrier)
        self.retranslate()
        self.load(None)

    # -- keyboard flow -------------------------------------------------------------------
    def _phone_enter(self) -> None:
        text = self.phone.text().strip()
        if _looks_like_tracking(text):
            # The scanner fired while the phone field had focus: that is the next parcel.
            self.phone.clear()
            self.scan_typed.emit(text)
            return
        self.name.setFocus()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if event.key() in _ENTER:
                if obj is self.size and self.weight.isVisible() and self.weight.isEnabled():
                    self.weight.setFocus()
                    self.weight.selectAll()
                else:
                    self.submitted.emit()
                return True
            if event.key() == Qt.Key.Key_Escape:
                self.cancelled.emit()
                return True
        return False

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        if event.key() == Qt.Key.Key_Escape:
            self.cancelled.emit()
            return
        super().keyPressEvent(event)

    # -- content -------------------------------------------------------------------------
    def load(self, pending: Pending | None, size: str = "M") -> None:
        self.pending = pending
        self.setEnabled(pending is not None)
        self.phone.clear()
        self.name.clear()
        self.cod.clear()
        self.weight.setValue(0)
        self.fill_consent(pending.consent if pending else None)
        self.note.clear()
        self.size.setCurrentIndex(max(0, self.size.findData(size)))
        self.fill_carriers()
        if pending is None:
            self.tracking.setText("—")
            return
        self.tracking.setText(pending.tracking)
        chosen = pending.manifest_carrier or (pending.carrier_guess[0] if pending.carrier_guess
                                               else "OTHER")
        self.carrier.setCurrentIndex(max(0, self.carrier.findData(chosen)))
        self.name.setText(pending.manifest_name)
        if pending.manifest_phone:
            self.phone.setPlaceholderText(pending.manifest_phone)
        if pending.door_delivery:
            self.note.setText(self.tr("This recipient asked for door delivery: call them for "
                                      "consent, then choose 'Phone call: they agreed'."))
        self.weight.setVisible(not self.session.has_scale)
        self.labels[5].setVisible(not self.session.has_scale)

    def fill_carriers(self) -> None:
        current = self.carrier.currentData()
        self.carrier.blockSignals(True)
        self.carrier.clear()
        for code in sorted(self.session.carriers):
            self.carrier.addItem(carrier_text(code, self.session.carriers), code)
        if not self.session.carriers:
            self.carrier.addItem("OTHER", "OTHER")
        self.carrier.setCurrentIndex(max(0, self.carrier.findData(current)))
        self.carrier.blockSignals(False)

    def validate(self) -> tuple[QWidget, str] | None:
        """(widget, message) for the first thing to fix, or None."""
        assert self.pending is not None
        phone = self.phone.text().strip()
        if phone:
            try:
                parse_phone(phone)
            except StationError as exc:
                return self.phone, in_words(self.tr("This phone number cannot be used. Check "
                                                    "it and type it again."), exc.message)
        elif not self.pending.manifest_phone:
            return self.phone, self.tr("Type the recipient's phone number (or the last 4 "
                                       "digits and the extension from a privacy label).")
        if not self.cod.is_valid():
            return self.cod, in_words(self.tr("Not an amount: type it like 12.50."),
                                      self.cod.error)
        return None

    def values(self) -> dict[str, object]:
        assert self.pending is not None
        # With a scale, the stable reading at the moment of Enter; else what was typed.
        if self.session.has_scale:
            weight = self.session.stable_weight()
        else:
            weight = self.weight.value() or None
        return {
            "tracking": self.pending.tracking,
            "phone": self.phone.text().strip() or None,
            "name": self.name.text().strip() or None,
            "carrier": self.carrier.currentData(),
            "size": self.size.currentData(),
            "weight_g": weight,
            "cod_fen": self.cod.fen(),
            "consent_basis": self.consent.currentData() or None,
        }

    def start(self) -> None:
        self.phone.setFocus()

    # -- consent: asked when nobody has said, never defaulted ---------------------------
    def fill_consent(self, known: str | None = None) -> None:
        self.consent.clear()
        if known:
            names = {"manifest": self.tr("Agreed: the carrier's manifest says so"),
                     "standing": self.tr("Agreed: standing consent on record")}
            self.consent.addItem(names.get(known, known), "")
        else:
            self.consent.addItem(self.tr("Not asked yet"), "")
        self.consent.addItem(self.tr("Phone call: they agreed"), "phone_call")
        self.consent.addItem(self.tr("The courier confirmed they agreed"), "carrier")

    def consent_question(self) -> str:
        who = self.name.text().strip() or (self.pending.tracking if self.pending else "")
        return self.tr("How did {0} agree to collect it here? In 'Consent' choose (↓) phone "
                       "call or the courier confirmed it, then Enter. Nobody agreed: Esc, and "
                       "give the parcel back to the courier.").format(who)

    def ask_consent(self) -> None:
        self.note.setText(self.consent_question())
        self.consent.setFocus()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.setTitle(self.tr("Not in a manifest: who is it for?"))
        texts = (self.tr("Parcel"), self.tr("Carrier"), self.tr("Phone"), self.tr("Name"),
                 self.tr("Size"), self.tr("Weight (g)"), self.tr("Cash on delivery"),
                 self.tr("Consent"))
        for label, text in zip(self.labels, texts, strict=True):
            label.setText(text)
        self.phone.setPlaceholderText(self.tr("13812345678, or 5678-123 from a privacy label"))
        self.name.setPlaceholderText(self.tr("optional"))
        for i, size in enumerate(SIZES):
            self.size.setItemText(i, size_text(size))
        self.weight.setSuffix(" g")
        self.weight.setSpecialValueText(self.tr("not weighed"))
        chosen = self.consent.currentIndex()
        self.fill_consent(self.pending.consent if self.pending else None)
        self.consent.setCurrentIndex(max(0, chosen))
        self.ok.setText(self.tr("Take in (Enter)"))
        self.cancel.setText(self.tr("Skip (Esc)"))
        self.fill_carriers()


def _looks_like_tracking(text: str) -> bool:
    """A phone number is 11 digits (or shorter with an extension); tracking numbers have
    letters or are longer."""
    compact = text.replace(" ", "")
    if not compact.isalnum() or not compact.isascii():
        return False
    return any(ch.isalpha() for ch in compact) or len(compact) >= 13


class DamageDialog(QDialog):
    """One key (F6) at intake: what is wrong with the parcel, and a photo when a camera is
    connected. The note goes with the next intake."""

    def __init__(self, note: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Damaged parcel"))
        self.photo_path = ""
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("What is damaged? (wet, torn, crushed, open…)")))
        self.text = QPlainTextEdit(note)
        self.text.setTabChangesFocus(True)
        self.text.setMinimumHeight(90)
        layout.addWidget(self.text)
        self.camera_row = QHBoxLayout()
        self.camera_label = QLabel()
        self.camera_row.addWidget(self.camera_label, 1)
        self.photo_button = QPushButton(self.tr("Take photo"))
        self.photo_button.clicked.connect(self._take_photo)
        self.camera_row.addWidget(self.photo_button)
        layout.addLayout(self.camera_row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(
            self.tr("Mark damaged (Ctrl+Enter)"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        from PySide6.QtGui import QKeySequence, QShortcut

        QShortcut(QKeySequence("Ctrl+Return"), self).activated.connect(self.accept)
        self._camera = _first_camera()
        if self._camera is None:
            self.camera_label.setText(self.tr("No camera connected: describe the damage."))
            self.photo_button.hide()
        else:
            self.camera_label.setText(self.tr("Camera: {0}").format(self._camera.description()))
        self.text.setFocus()

    def note(self) -> str:
        text = " ".join(self.text.toPlainText().split())
        if self.photo_path:
            text = f"{text} [photo {self.photo_path}]".strip()
        return text[:200]

    def _take_photo(self) -> None:
        from ui.screens.intake_photo import capture_photo

        path = capture_photo(self._camera, self)
        if path:
            self.photo_path = path
            self.camera_label.setText(self.tr("Photo saved: {0}").format(path))


def _first_camera():  # noqa: ANN202 - QCameraDevice | None
    try:
        from PySide6.QtMultimedia import QMediaDevices
    except ImportError:
        return None
    devices = QMediaDevices.videoInputs()
    return devices[0] if devices else None


class TakenList(QTableWidget):
    """This session's intakes, newest on top."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(0, 7, parent)
        self.session = session
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the list never takes the scans
        self.verticalHeader().hide()
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.horizontalHeader().setStretchLastSection(True)
        self.retranslate()

    def add(self, view: ParcelView) -> None:
        self.insertRow(0)
        values = (short_time(view.received_at), view.tracking,
                  carrier_text(view.carrier, self.session.carriers), view.pickup_code or "",
                  view.slot or "", f"{view.recipient_name} {view.recipient_phone}".strip(),
                  weight_text(view.weight_g))
        for col, value in enumerate(values):
            self.setItem(0, col, QTableWidgetItem(value))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.setHorizontalHeaderLabels([
            self.tr("Time"), self.tr("Tracking number"), self.tr("Carrier"),
            self.tr("Pickup code"), self.tr("Slot"), self.tr("Recipient"), self.tr("Weight")])
