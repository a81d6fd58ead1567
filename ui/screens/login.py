"""Login and lock screen: user name (focused), Tab to the PIN, Enter logs in.

The PIN check (a deliberately slow hash) runs on the worker thread. A wrong PIN says how many
tries are left; a locked account shows the minutes left and counts them down.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from station.errors import StationError
from ui import workers
from ui.screens.common import error_text
from ui.session import Session
from ui.widgets.banner import Banner


def _authenticate(name: str, pin: str, counter: str):  # noqa: ANN202 - worker thread
    from station.services import staff

    return staff.authenticate(name, pin, counter)


class LoginScreen(QWidget):
    logged_in = Signal(object)  # Actor

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.busy = False
        self.ready = False
        self.locked_for: str | None = None
        self._lock_deadline = 0.0
        self._countdown = QTimer(self)
        self._countdown.setInterval(15_000)
        self._countdown.timeout.connect(self._show_lockout)
        self._build()
        self.retranslate()

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        card = QFrame()
        card.setObjectName("loginCard")
        card.setStyleSheet("#loginCard { background: white; border: 1px solid #d1d5db; "
                           "border-radius: 12px; } QLineEdit { font-size: 16pt; padding: 6px; }")
        card.setMinimumWidth(520)
        card.setMaximumWidth(640)
        box = QVBoxLayout(card)
        box.setContentsMargins(32, 24, 32, 24)
        self.title = QLabel()
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title.setStyleSheet("font-size: 22pt; font-weight: 700;")
        self.subtitle = QLabel()
        self.subtitle.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.subtitle.setStyleSheet("font-size: 12pt; color: #4b5563;")
        self.subtitle.setWordWrap(True)
        box.addWidget(self.title)
        box.addWidget(self.subtitle)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.user_label, self.pin_label = QLabel(), QLabel()
        self.user = QLineEdit()
        self.user.setMaxLength(40)
        self.pin = QLineEdit()
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setMaxLength(64)
        self.pin.setInputMethodHints(Qt.InputMethodHint.ImhHiddenText
                                     | Qt.InputMethodHint.ImhSensitiveData)
        form.addRow(self.user_label, self.user)
        form.addRow(self.pin_label, self.pin)
        box.addLayout(form)
        self.button = QPushButton()
        self.button.setDefault(True)
        self.button.setMinimumHeight(44)
        self.button.setStyleSheet("font-size: 14pt;")
        self.button.clicked.connect(self.submit)
        box.addWidget(self.button)
        self.banner = Banner(auto_hide=True)
        box.addWidget(self.banner)
        db_row = QHBoxLayout()
        self.db_button = QPushButton()
        self.db_button.clicked.connect(self._choose_db)
        self.db_button.hide()
        db_row.addStretch(1)
        db_row.addWidget(self.db_button)
        box.addLayout(db_row)
        center = QHBoxLayout()
        center.addStretch(1)
        center.addWidget(card, 2)
        center.addStretch(1)
        outer.addLayout(center)
        outer.addStretch(2)
        self.user.returnPressed.connect(self._user_enter)
        self.pin.returnPressed.connect(self.submit)
        self.setTabOrder(self.user, self.pin)
        self.setTabOrder(self.pin, self.button)

    # -- states ------------------------------------------------------------------------------
    def set_busy(self, text: str) -> None:
        self.ready = False
        self.banner.show_message("info", text)

    def set_ready(self) -> None:
        self.ready = True
        self.db_button.hide()
        self.banner.clear_message()
        self.retranslate()
        self.activate()

    def set_db_error(self, error: BaseException) -> None:
        self.ready = False
        self.banner.show_message("error", error_text(error))
        self.db_button.show()

    def locked(self, name: str) -> None:
        self.locked_for = name
        self.user.setText(name)
        self.pin.clear()
        self.retranslate()
        self.banner.show_message("info", self.tr("Screen locked. Type your PIN to continue, or "
                                                 "log in as another user."))
        self.pin.setFocus()

    def activate(self) -> None:
        (self.pin if self.user.text() else self.user).setFocus()

    def showEvent(self, event) -> None:  # noqa: ANN001, N802 - Qt API
        super().showEvent(event)
        QTimer.singleShot(0, self.activate)

    # -- logging in --------------------------------------------------------------------------
    def _user_enter(self) -> None:
        if self.pin.text():
            self.submit()
        else:
            self.pin.setFocus()

    def submit(self) -> None:
        if self.busy:
            return
        if not self.ready:
            self.banner.show_message("warn", self.tr("The station database is not open yet."))
            return
        name, pin = self.user.text().strip(), self.pin.text()
        if not name:
            self.banner.show_message("warn", self.tr("Type your user name."))
            self.user.setFocus()
            return
        if not pin:
            self.banner.show_message("warn", self.tr("Type your PIN."))
            self.pin.setFocus()
            return
        self.busy = True
        self.button.setEnabled(False)
        self.banner.show_message("info", self.tr("Checking…"))
        workers.run(_authenticate, name, pin, self.session.counter, owner=self,
                    on_done=self._ok, on_error=self._failed)

    def _ok(self, actor) -> None:  # noqa: ANN001
        self.busy = False
        self.button.setEnabled(True)
        self.pin.clear()
        self.locked_for = None
        self._countdown.stop()
        self.banner.clear_message()
        self.retranslate()
        self.logged_in.emit(actor)

    def _failed(self, error: BaseException) -> None:
        self.busy = False
        self.button.setEnabled(True)
        self.pin.clear()
        self.pin.setFocus()
        if isinstance(error, StationError) and error.code == "locked":
            minutes = int(error.details.get("minutes_left") or 0) or _minutes(error.message)
            self._lock_deadline = time.monotonic() + minutes * 60
            self._countdown.start()
            self._show_lockout()
            return
        self.banner.show_message("error", error_text(error))

    def _show_lockout(self) -> None:
        left = max(0, int(self._lock_deadline - time.monotonic() + 59) // 60)
        if left <= 0:
            self._countdown.stop()
            self.banner.show_message("info", self.tr("The lock has expired: you can try again."))
            return
        self.banner.show_message(
            "error", self.tr("This account is locked after too many wrong PINs. Try again in "
                             "{0} min, or ask the owner to reset the PIN.").format(left))

    def _choose_db(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Station database"), self.session.url,
            self.tr("Station database (*.db);;All files (*)"),
            options=QFileDialog.Option.DontConfirmOverwrite)
        if path:
            self.session.url = path
            self.session.settings.setValue("db_url", path)
            window = self.window()
            start = getattr(window, "start", None)
            if start is not None:
                start()

    # -- language --------------------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.title.setText(self.session.station_name or self.tr("Parcel Station"))
        if self.locked_for:
            self.subtitle.setText(self.tr("Locked by {0}").format(self.locked_for))
        else:
            self.subtitle.setText(self.tr("Log in to start your shift"))
        self.user_label.setText(self.tr("User name"))
        self.pin_label.setText(self.tr("PIN"))
        self.user.setPlaceholderText(self.tr("e.g. amy"))
        self.button.setText(self.tr("Log in (Enter)"))
        self.db_button.setText(self.tr("Choose another database file…"))


def _minutes(message: str) -> int:
    import re

    match = re.search(r"(\d+) min", message)
    return int(match.group(1)) if match else 1
