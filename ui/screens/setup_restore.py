"""Restore a station onto this PC from its backup file (a new counter PC, a dead disk).

Nobody has an account on this PC yet, so the owner logs in with an account and PIN kept in
the backup itself; the service checks the file before it replaces anything."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui import workers
from ui.screens.common import error_text
from ui.widgets.banner import Banner


def _restore_job(path: str, name: str, pin: str, counter: str):  # noqa: ANN202 - worker
    from station.services import backup, staff

    actor = backup.owner_from_backup(path, name, pin)
    result = backup.restore(actor, path)
    return result, staff.authenticate(name, pin, counter)


class RestoreDialog(QDialog):
    def __init__(self, counter: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.counter = counter
        self.result_value = None  # (BackupResult, Actor) once restored
        self.setWindowTitle(self.tr("Restore a backup"))
        self.setMinimumWidth(560)
        root = QVBoxLayout(self)
        form = QFormLayout()
        row = QHBoxLayout()
        self.file = QLineEdit()
        self.browse = QPushButton(self.tr("Choose…"))
        self.browse.clicked.connect(self.choose)
        row.addWidget(self.file, 1)
        row.addWidget(self.browse)
        self.user, self.pin = QLineEdit(), QLineEdit()
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setInputMethodHints(Qt.InputMethodHint.ImhHiddenText
                                     | Qt.InputMethodHint.ImhSensitiveData)
        form.addRow(self.tr("Backup file"), row)
        form.addRow(self.tr("Owner's user name in the backup"), self.user)
        form.addRow(self.tr("PIN"), self.pin)
        root.addLayout(form)
        self.banner = Banner(auto_hide=True)
        root.addWidget(self.banner)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.restore_button = self.buttons.addButton(self.tr("Restore"),
                                                     QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        root.addWidget(self.buttons)
        self.user.returnPressed.connect(self.pin.setFocus)
        self.pin.returnPressed.connect(self.submit)

    def choose(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Backup file"), str(Path.home()),
            self.tr("Station backup (*.db *.sqlite *.bak);;All files (*)"))
        if path:
            self.file.setText(path)
            self.user.setFocus()

    def submit(self) -> None:
        path, name, pin = self.file.text().strip(), self.user.text().strip(), self.pin.text()
        if not path:
            self.banner.show_message("warn", self.tr("Choose the backup file first."))
            self.file.setFocus()
            return
        if not name or not pin:
            self.banner.show_message("warn", self.tr(
                "Type the owner's user name and PIN as they were on the backed-up station."))
            (self.user if not name else self.pin).setFocus()
            return
        self.restore_button.setEnabled(False)
        self.banner.show_message("info", self.tr("Checking and restoring the backup…"))
        workers.run(_restore_job, path, name, pin, self.counter, owner=self,
                    on_done=self._done, on_error=self._failed)

    def _done(self, value) -> None:  # noqa: ANN001
        self.result_value = value
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.restore_button.setEnabled(True)
        self.pin.clear()
        self.pin.setFocus()
        self.banner.show_message("error", error_text(error))
