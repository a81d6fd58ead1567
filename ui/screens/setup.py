"""First-run setup: what a new station shows instead of a login nobody could pass.

The owner types the station's name, address and phone, their own account (name, PIN twice)
and edits the suggested shelf layout; one service call (station.setup_station) writes it all
and logs the owner in. A station moving to a new PC restores its backup from here instead.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from station.services.station import DEFAULT_LAYOUT, SetupRequest
from ui import workers
from ui.screens.common import error_text
from ui.session import Session
from ui.widgets.banner import Banner
from ui.widgets.shelf_layout import ShelfLayoutEditor


def _setup_job(request: SetupRequest):  # noqa: ANN202 - worker thread
    from station.services.station import setup_station

    return setup_station(request)


class SetupScreen(QWidget):
    set_up = Signal(object)  # the new owner's Actor
    restore_requested = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.busy = False
        self._build()
        self.retranslate()

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        outer.addWidget(scroll)
        page = QWidget()
        scroll.setWidget(page)
        center = QHBoxLayout(page)
        center.addStretch(1)
        card = QFrame()
        card.setObjectName("setupCard")
        card.setStyleSheet("#setupCard { background: white; border: 1px solid #d1d5db; "
                           "border-radius: 12px; } QLineEdit { font-size: 13pt; padding: 4px; }")
        card.setMinimumWidth(640)
        card.setMaximumWidth(900)
        center.addWidget(card, 4)
        center.addStretch(1)
        box = QVBoxLayout(card)
        box.setContentsMargins(28, 20, 28, 20)
        self.title, self.subtitle = QLabel(), QLabel()
        self.title.setStyleSheet("font-size: 20pt; font-weight: 700;")
        self.subtitle.setWordWrap(True)
        self.subtitle.setStyleSheet("color: #4b5563;")
        box.addWidget(self.title)
        box.addWidget(self.subtitle)

        self.station_box, self.owner_box, self.shelf_box = QGroupBox(), QGroupBox(), QGroupBox()
        station_form, owner_form = QFormLayout(self.station_box), QFormLayout(self.owner_box)
        self.name, self.address, self.phone, self.hours = (QLineEdit() for _ in range(4))
        self.name.setMaxLength(80)
        self.address.setMaxLength(120)
        self.phone.setMaxLength(30)
        self.hours.setMaxLength(40)
        self.hours.setText("09:00-21:00")
        self.owner, self.pin, self.pin_again = QLineEdit(), QLineEdit(), QLineEdit()
        self.owner.setMaxLength(40)
        for pin in (self.pin, self.pin_again):
            pin.setEchoMode(QLineEdit.EchoMode.Password)
            pin.setMaxLength(64)
            pin.setInputMethodHints(Qt.InputMethodHint.ImhHiddenText
                                    | Qt.InputMethodHint.ImhSensitiveData)
        self.labels: dict[QWidget, QLabel] = {}
        for form, widgets in ((station_form, (self.name, self.address, self.phone, self.hours)),
                              (owner_form, (self.owner, self.pin, self.pin_again))):
            for widget in widgets:
                label = QLabel()
                self.labels[widget] = label
                form.addRow(label, widget)
        shelf_col = QVBoxLayout(self.shelf_box)
        self.shelf_hint = QLabel()
        self.shelf_hint.setWordWrap(True)
        shelf_col.addWidget(self.shelf_hint)
        self.layout_editor = ShelfLayoutEditor()
        self.layout_editor.set_layout(DEFAULT_LAYOUT)
        shelf_col.addWidget(self.layout_editor)
        for group in (self.station_box, self.owner_box, self.shelf_box):
            box.addWidget(group)

        self.banner = Banner(auto_hide=True)
        box.addWidget(self.banner)
        buttons = QHBoxLayout()
        self.restore_button = QPushButton()
        self.restore_button.clicked.connect(self.restore_requested)
        self.create_button = QPushButton()
        self.create_button.setDefault(True)
        self.create_button.setMinimumHeight(44)
        self.create_button.setStyleSheet("font-size: 13pt; font-weight: 600;")
        self.create_button.clicked.connect(self.submit)
        buttons.addWidget(self.restore_button)
        buttons.addStretch(1)
        buttons.addWidget(self.create_button)
        box.addLayout(buttons)

        # Enter walks down the form, as at the login; on the last PIN it creates the station.
        chain = (self.name, self.address, self.phone, self.hours, self.owner, self.pin)
        for here, nxt in zip(chain, (*chain[1:], self.pin_again), strict=True):
            here.returnPressed.connect(nxt.setFocus)
        self.pin_again.returnPressed.connect(self.submit)
        self.fields = {"Station name": self.name, "Station address": self.address,
                       "Station phone": self.phone, "Opening hours": self.hours,
                       "Name": self.owner}

    def activate(self) -> None:
        self.name.setFocus()

    # -- creating the station ----------------------------------------------------------------
    def request(self) -> SetupRequest:
        return SetupRequest(
            owner=self.owner.text(), pin=self.pin.text(), station_name=self.name.text(),
            address=self.address.text(), phone=self.phone.text(), hours=self.hours.text(),
            layout=tuple(self.layout_editor.shelves()))

    def submit(self) -> None:
        if self.busy:
            return
        if self.pin.text() != self.pin_again.text():
            self._problem(self.pin_again, self.tr("The two PINs differ: type the same PIN twice."))
            self.pin_again.clear()
            return
        self.busy = True
        self.create_button.setEnabled(False)
        self.banner.show_message("info", self.tr("Creating the station…"))
        workers.run(_setup_job, self.request(), owner=self, on_done=self._done,
                    on_error=self._failed)

    def _done(self, result) -> None:  # noqa: ANN001
        self.busy = False
        self.create_button.setEnabled(True)
        self.pin.clear()
        self.pin_again.clear()
        self.banner.clear_message()
        self.set_up.emit(result.actor)

    def _failed(self, error: BaseException) -> None:
        self.busy = False
        self.create_button.setEnabled(True)
        field = getattr(error, "details", {}).get("field", "")
        widget = self.fields.get(str(field))
        message = error_text(error)
        if widget is None and "PIN" in getattr(error, "message", ""):
            widget = self.pin
        if widget is None and getattr(error, "code", "") == "already_set_up":
            self.banner.show_message("error", message)
            return
        self._problem(widget or self.name, message)

    def _problem(self, widget: QWidget, message: str) -> None:
        self.banner.show_message("error", message)
        widget.setFocus()
        if isinstance(widget, QLineEdit):
            widget.selectAll()

    # -- language ------------------------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.title.setText(self.tr("Set up your station"))
        self.subtitle.setText(self.tr(
            "This database has no station yet. Type the station's details and the owner's "
            "account, check the shelves, then Create. Everything can be changed later in "
            "Settings (F9) and Shelves."))
        self.station_box.setTitle(self.tr("Station (printed on receipts, sent in messages)"))
        self.owner_box.setTitle(self.tr("Owner account (站长)"))
        self.shelf_box.setTitle(self.tr("Shelves"))
        texts = {self.name: self.tr("Station name"), self.address: self.tr("Address"),
                 self.phone: self.tr("Phone"), self.hours: self.tr("Opening hours"),
                 self.owner: self.tr("Owner's user name"), self.pin: self.tr("PIN"),
                 self.pin_again: self.tr("PIN again")}
        for widget, text in texts.items():
            self.labels[widget].setText(text)
        self.name.setPlaceholderText(self.tr("e.g. 幸福里驿站"))
        self.address.setPlaceholderText(self.tr("e.g. 幸福里小区 12 号楼底商"))
        self.phone.setPlaceholderText(self.tr("e.g. 010-62345678 or 13812345678"))
        self.owner.setPlaceholderText(self.tr("e.g. wang"))
        self.pin.setPlaceholderText(self.tr("4 or more characters"))
        self.shelf_hint.setText(self.tr(
            "Each shelf gets a letter; pickup codes read shelf-layer-number (A-3-0127). "
            "Set how many parcels of each size one layer holds."))
        self.restore_button.setText(self.tr("Restore a backup instead…"))
        self.create_button.setText(self.tr("Create the station"))
