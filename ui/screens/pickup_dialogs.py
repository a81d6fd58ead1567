"""The ID check at pickup (核验身份): document type and number, the name on it, and whether
that matches the recipient (or the proxy who collects for them, 代取).

The dialog checks the number's form and the name as they are typed, so the clerk sees a
mismatch before pressing anything; the core checks again when the parcel is handed over and
counts failures.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from station.domain.ids import ID_TYPES, validate_id
from station.domain.phone import parse_phone
from station.errors import StationError
from ui.screens.common import id_type_text, in_words

OK_STYLE = "color: #15803d; font-weight: 700;"
BAD_STYLE = "color: #b91c1c; font-weight: 700;"


@dataclass(frozen=True)
class IdInfo:
    id_type: str
    id_number: str
    id_name: str
    proxy_name: str | None = None
    proxy_phone: str | None = None


def _same_name(a: str, b: str) -> bool:
    return "".join(a.split()).casefold() == "".join(b.split()).casefold()


class IdCheckDialog(QDialog):
    def __init__(self, recipient: str, proxy: bool = False, previous: IdInfo | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.recipient = recipient
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        form = QFormLayout()
        self.proxy = QCheckBox()
        self.proxy_name = QLineEdit()
        self.proxy_name.setMaxLength(40)
        self.proxy_phone = QLineEdit()
        self.proxy_phone.setMaxLength(20)
        self.id_type = QComboBox()
        for kind in ID_TYPES:
            self.id_type.addItem(id_type_text(kind), kind)
        self.number = QLineEdit()
        self.number.setMaxLength(30)
        self.name = QLineEdit()
        self.name.setMaxLength(40)
        self.number_state = QLabel()
        self.name_state = QLabel()
        self.l_proxy_name, self.l_proxy_phone = QLabel(), QLabel()
        self.l_type, self.l_number, self.l_name = QLabel(), QLabel(), QLabel()
        form.addRow(self.proxy)
        form.addRow(self.l_proxy_name, self.proxy_name)
        form.addRow(self.l_proxy_phone, self.proxy_phone)
        form.addRow(self.l_type, self.id_type)
        form.addRow(self.l_number, self.number)
        form.addRow("", self.number_state)
        form.addRow(self.l_name, self.name)
        form.addRow("", self.name_state)
        layout.addLayout(form)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        for widget in (self.proxy_name, self.number, self.name, self.proxy_phone):
            widget.textChanged.connect(self.check)
        self.id_type.currentIndexChanged.connect(self.check)
        self.proxy.toggled.connect(self._proxy_toggled)
        self.number.returnPressed.connect(self.name.setFocus)
        self.proxy_name.returnPressed.connect(self.proxy_phone.setFocus)
        self.proxy_phone.returnPressed.connect(self.number.setFocus)
        self.name.returnPressed.connect(self.accept)
        if previous is not None:
            self.id_type.setCurrentIndex(max(0, self.id_type.findData(previous.id_type)))
            self.number.setText(previous.id_number)
            self.name.setText(previous.id_name)
            self.proxy_name.setText(previous.proxy_name or "")
            self.proxy_phone.setText(previous.proxy_phone or "")
            proxy = proxy or bool(previous.proxy_name)
        self.proxy.setChecked(proxy)
        self.retranslate()
        self._proxy_toggled(proxy)

    def _proxy_toggled(self, on: bool) -> None:
        for widget in (self.proxy_name, self.proxy_phone, self.l_proxy_name, self.l_proxy_phone):
            widget.setVisible(on)
        self.retranslate()
        self.check()
        (self.proxy_name if on else self.number).setFocus()

    def expected_name(self) -> str:
        return self.proxy_name.text().strip() if self.proxy.isChecked() else self.recipient

    def check(self) -> bool:
        """Show whether the number and the name match; True when OK may be pressed."""
        ok = True
        number = self.number.text().strip()
        if not number:
            self.number_state.setText(self.tr("Type the number printed on the document."))
            self.number_state.setStyleSheet("")
            ok = False
        else:
            try:
                validate_id(self.id_type.currentData(), number)
                self.number_state.setText(self.tr("✓ The number is valid"))
                self.number_state.setStyleSheet(OK_STYLE)
            except StationError as exc:
                generic = self.tr("This is not a valid number for this document. Check it and "
                                  "type it again.")
                self.number_state.setText("✗ " + in_words(generic, exc.message))
                self.number_state.setStyleSheet(BAD_STYLE)
                ok = False
        expected, typed = self.expected_name(), self.name.text().strip()
        if self.proxy.isChecked() and not expected:
            self.name_state.setText(self.tr("Type the proxy's name first."))
            self.name_state.setStyleSheet(BAD_STYLE)
            ok = False
        elif not typed:
            self.name_state.setText(self.tr("Type the name on the document."))
            self.name_state.setStyleSheet("")
            ok = False
        elif expected and not _same_name(typed, expected):
            self.name_state.setText(self.tr("✗ Does not match {0}: do not hand over").format(
                expected))
            self.name_state.setStyleSheet(BAD_STYLE)
            ok = False
        else:
            self.name_state.setText(self.tr("✓ Matches {0}").format(expected or typed))
            self.name_state.setStyleSheet(OK_STYLE)
        if self.proxy.isChecked() and self.proxy_phone.text().strip():
            try:
                parse_phone(self.proxy_phone.text())
            except StationError:
                ok = False
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)
        return ok

    def accept(self) -> None:
        if self.check():
            super().accept()

    def info(self) -> IdInfo:
        proxy = self.proxy.isChecked()
        return IdInfo(
            id_type=self.id_type.currentData(), id_number=self.number.text().strip(),
            id_name=self.name.text().strip(),
            proxy_name=self.proxy_name.text().strip() if proxy else None,
            proxy_phone=(self.proxy_phone.text().strip() or None) if proxy else None,
        )

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("ID check"))
        if self.proxy.isChecked():
            self.intro.setText(self.tr("Proxy pickup for {0}: check the proxy's ID.").format(
                self.recipient))
        else:
            self.intro.setText(self.tr("Check the ID of {0}.").format(self.recipient))
        self.proxy.setText(self.tr("Someone else collects (proxy pickup)"))
        self.l_proxy_name.setText(self.tr("Proxy's name"))
        self.l_proxy_phone.setText(self.tr("Proxy's phone"))
        self.l_type.setText(self.tr("Document"))
        self.l_number.setText(self.tr("Number"))
        self.l_name.setText(self.tr("Name on the document"))
        for i, kind in enumerate(ID_TYPES):
            self.id_type.setItemText(i, id_type_text(kind))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Confirm"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
