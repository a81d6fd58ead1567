"""The sender part of the Send screen: phone first (a repeat sender is recalled with the ID
already checked), else name and the real-name ID check (实名寄递), done once per sender.

The ID number is checked as soon as Enter is pressed in its field and is then shown masked
(110***********1234); the full number stays in memory only until the send is created, where
the core keeps just its type, the masked form and a keyed hash.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QWidget,
)

from station.domain.ids import ID_TYPES, mask_id, validate_id
from station.domain.phone import parse_phone
from station.errors import StationError
from station.services.senders import SenderRequest, SenderView
from ui.screens.common import id_type_text, in_words, short_time

OK_STYLE = "color: #15803d; font-weight: 700;"
BAD_STYLE = "color: #b91c1c; font-weight: 700;"
NEW = -1  # the "new sender" entry of the chooser


def full_mobile_problem(text: str) -> str | None:
    """None when ``text`` is a full number a courier can call; else the core's reason (English)
    or "" for a masked/virtual number."""
    try:
        phone = parse_phone(text)
    except StationError as exc:
        return exc.message
    if phone.full is None or phone.ext:
        return ""
    return None


class SenderBox(QGroupBox):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.known: SenderView | None = None  # a recalled sender
        self.matches: list[SenderView] = []
        self._id_number = ""  # checked, normalised; never shown in full
        form = QFormLayout(self)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.phone = QLineEdit()
        self.phone.setMaxLength(20)
        self.chooser = QComboBox()
        self.name = QLineEdit()
        self.name.setMaxLength(40)
        self.id_type = QComboBox()
        for kind in ID_TYPES:
            self.id_type.addItem(id_type_text(kind), kind)
        self.id_number = QLineEdit()
        self.id_number.setMaxLength(30)
        self.id_number.textEdited.connect(self._id_edited)
        self.id_number.installEventFilter(self)
        self.state = QLabel()
        self.state.setWordWrap(True)
        self.labels = [QLabel() for _ in range(5)]
        for label, widget in zip(self.labels, (self.phone, self.chooser, self.name,
                                               self.id_type, self.id_number), strict=True):
            form.addRow(label, widget)
        form.addRow("", self.state)
        self.phone.textEdited.connect(self._phone_edited)
        self.id_type.currentIndexChanged.connect(lambda _i: self._forget_id())
        self.retranslate()
        self.reset()

    # -- state ---------------------------------------------------------------------------
    def reset(self) -> None:
        self.phone.clear()
        self._clear_person()

    def _clear_person(self) -> None:
        self.known = None
        self.matches = []
        self.chooser.clear()
        self._show_chooser(False)
        for widget in (self.name, self.id_number):
            widget.clear()
            widget.setReadOnly(False)
        self.id_type.setEnabled(True)
        self.id_type.setCurrentIndex(0)
        self._id_number = ""
        self._state("", "")

    def _show_chooser(self, visible: bool) -> None:
        self.chooser.setVisible(visible)
        self.labels[1].setVisible(visible)

    def _phone_edited(self, _text: str) -> None:
        if self.known is not None or self.matches:
            self._clear_person()  # another phone: another lookup

    def _id_edited(self, text: str) -> None:
        if self._id_number and text != mask_id(self._id_number):
            self._forget_id()

    def _forget_id(self) -> None:
        if self.known is None:
            self._id_number = ""
            self._state("", "")

    def eventFilter(self, obj, event) -> bool:  # noqa: ANN001, N802 - Qt API
        if obj is self.id_number and event.type() == QEvent.Type.FocusIn and self._id_number:
            self.id_number.selectAll()  # typing replaces the masked number
        return False

    def _state(self, style: str, text: str) -> None:
        self.state.setStyleSheet(style)
        self.state.setText(text)
        self.state.setVisible(bool(text))

    # -- what the lookup found -------------------------------------------------------------
    def offer(self, matches: list[SenderView]) -> None:
        """Several senders share this phone (a family): the clerk picks one, or a new one."""
        self.matches = matches
        self.chooser.clear()
        for view in matches:
            self.chooser.addItem(f"{view.name}  {id_type_text(view.id_type)} {view.id_masked}",
                                 view.id)
        self.chooser.addItem(self.tr("New sender (check the ID)"), NEW)
        self._show_chooser(True)

    def chosen(self) -> SenderView | None:
        sender_id = self.chooser.currentData()
        return next((v for v in self.matches if v.id == sender_id), None)

    def recall(self, view: SenderView) -> None:
        """A known sender: the ID was checked when they first sent, nothing to type again."""
        self.known = view
        self.name.setText(view.name)
        self.name.setReadOnly(True)
        self.id_type.setCurrentIndex(max(0, self.id_type.findData(view.id_type)))
        self.id_type.setEnabled(False)
        self.id_number.setText(view.id_masked)
        self.id_number.setReadOnly(True)
        self._id_number = ""
        when = short_time(view.verified_at)
        self._state(OK_STYLE, self.tr("✓ Known sender, ID checked {0} by {1}; {2} send(s) "
                                      "so far.").format(when, view.verified_by or "—",
                                                        view.sends))

    def start_new(self) -> None:
        phone = self.phone.text()
        self._clear_person()
        self.phone.setText(phone)
        self._state("", self.tr("New sender: type the name and check the ID once."))

    # -- checks (in place, before anything is sent to the core) ----------------------------
    def phone_problem(self) -> str | None:
        problem = full_mobile_problem(self.phone.text().strip())
        if problem is None:
            return None
        return in_words(self.tr("The sender's phone must be a full mobile number (11 digits). "
                                "Ask for the whole number."), problem or self.tr(
            "A masked or virtual number cannot be used for a sender."))

    def check_id(self) -> str | None:
        """Check the typed number; on success show it masked. The problem otherwise."""
        if self.known is not None:
            return None
        if self._id_number:
            return None
        kind = self.id_type.currentData()
        try:
            number = validate_id(kind, self.id_number.text())
        except StationError as exc:
            text = in_words(self.tr("The ID number is not valid. Check the document and type "
                                    "it again."), exc.message)
            self._state(BAD_STYLE, text)
            return text
        self._id_number = number
        self.id_number.setText(mask_id(number))
        self._state(OK_STYLE, self.tr("✓ {0} checked: {1}").format(id_type_text(kind),
                                                                   mask_id(number)))
        return None

    def problem(self) -> tuple[QWidget, str] | None:
        """(widget, message) for the first thing to fix before a send can be created."""
        phone = self.phone_problem()
        if phone is not None:
            return self.phone, phone
        if self.known is not None:
            return None
        if self.chooser.isVisibleTo(self) and self.chooser.currentData() != NEW:
            return self.chooser, self.tr("Pick the sender from the list (Enter).")
        if not self.name.text().strip():
            return self.name, self.tr("Type the sender's name as on the ID.")
        if not self.id_number.text().strip():
            return self.id_number, self.tr("Real-name sending: type the sender's ID number.")
        problem = self.check_id()
        if problem is not None:
            return self.id_number, problem
        return None

    def request(self) -> tuple[int | None, SenderRequest | None]:
        """(sender_id, None) for a known sender, (None, SenderRequest) for a new one."""
        if self.known is not None:
            return self.known.id, None
        return None, SenderRequest(self.name.text().strip(), self.phone.text().strip(),
                                   self.id_type.currentData(), self._id_number)

    # -- language ------------------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.setTitle(self.tr("Sender (real name)"))
        for label, text in zip(self.labels, (self.tr("Phone"), self.tr("Known senders"),
                                             self.tr("Name"), self.tr("ID type"),
                                             self.tr("ID number")), strict=True):
            label.setText(text)
        self.phone.setPlaceholderText(self.tr("sender's mobile, Enter looks them up"))
        self.name.setPlaceholderText(self.tr("as on the ID"))
        self.id_number.setPlaceholderText(self.tr("checked once, shown masked"))
        for i, kind in enumerate(ID_TYPES):
            self.id_type.setItemText(i, id_type_text(kind))
        if self.chooser.count():
            self.chooser.setItemText(self.chooser.count() - 1,
                                     self.tr("New sender (check the ID)"))
