"""The list of what did not print: each line says what, when and why; Retry sends it again,
Dismiss drops it (the PDF, if any, stays in its folder)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.print_jobs import PrintJobs


class PrintTroublesDialog(QDialog):
    def __init__(self, jobs: PrintJobs, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.jobs = jobs
        self.setWindowTitle(self.tr("Not printed"))
        self.resize(720, 360)
        col = QVBoxLayout(self)
        col.addWidget(QLabel(self.tr(
            "These stickers, receipts and reports did not reach the printer. Fix the printer "
            "(paper, cable, power), then Retry. Saved PDFs stay in their folder.")))
        self.list = QListWidget()
        self.list.setWordWrap(True)
        col.addWidget(self.list, 1)
        buttons = QDialogButtonBox()
        self.retry_button = QPushButton(self.tr("Retry selected (Enter)"))
        self.retry_all_button = QPushButton(self.tr("Retry all"))
        self.dismiss_button = QPushButton(self.tr("Dismiss selected (Del)"))
        for button in (self.retry_button, self.retry_all_button, self.dismiss_button):
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.retry_button.clicked.connect(self.retry_selected)
        self.retry_all_button.clicked.connect(self.jobs.retry_all)
        self.dismiss_button.clicked.connect(self.dismiss_selected)
        self.retry_button.setDefault(True)
        col.addWidget(buttons)
        jobs.changed.connect(self.fill)
        self.fill()

    def fill(self) -> None:
        self.list.clear()
        for trouble in self.jobs.troubles:
            where = self.tr("PDF: {0}").format(trouble.saved_to) if trouble.saved_to else ""
            text = f"{trouble.at:%H:%M:%S}  {trouble.job}\n{trouble.message}"
            item = QListWidgetItem(f"{text}\n{where}" if where else text)
            if trouble.retry is None:
                item.setForeground(Qt.GlobalColor.darkGray)
            self.list.addItem(item)
        if self.list.count():
            self.list.setCurrentRow(0)
        has = bool(self.jobs.troubles)
        for button in (self.retry_button, self.retry_all_button, self.dismiss_button):
            button.setEnabled(has)

    def retry_selected(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < self.jobs.count():
            self.jobs.retry(row)

    def dismiss_selected(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < self.jobs.count():
            self.jobs.dismiss(row)

    def keyPressEvent(self, event) -> None:  # noqa: ANN001, N802 - Qt API
        if event.key() == Qt.Key.Key_Delete:
            self.dismiss_selected()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.retry_selected()
            return
        super().keyPressEvent(event)
