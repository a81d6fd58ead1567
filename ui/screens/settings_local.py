"""Settings of this counter PC (QSettings): language, counter name, idle lock, database
location, backup folder, printers, and the scale page from ui/widgets/scale_settings.py."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ui.screens.common import is_chinese
from ui.screens.settings_pages import Page
from ui.session import Session

LANGUAGES = (("zh_CN", "简体中文"), ("en", "English"))


def _backup_job(actor, folder: str) -> Any:  # noqa: ANN001, ANN401
    from pathlib import Path

    from station import clock
    from station.services import backup

    name = f"station-{clock.now():%Y%m%d-%H%M%S}.db"
    return backup.backup(actor, Path(folder) / name)


def _path_row(edit: QLineEdit, button: QPushButton) -> QHBoxLayout:
    row = QHBoxLayout()
    row.addWidget(edit, 1)
    row.addWidget(button)
    return row


class CounterPage(Page):
    owner_only = False
    language_chosen = Signal(str)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.form = QFormLayout(self)
        self.language = QComboBox()
        for code, name in LANGUAGES:
            self.language.addItem(name, code)  # each language in its own words
        self.language.activated.connect(self._language)
        self.counter = QLineEdit()
        self.counter.setMaxLength(40)
        self.idle = QSpinBox()
        self.idle.setRange(0, 240)
        self.db = QLineEdit()
        self.db_browse = QPushButton()
        self.db_browse.clicked.connect(self._browse_db)
        self.db_note = QLabel()
        self.db_note.setWordWrap(True)
        self.backup_dir = QLineEdit()
        self.backup_browse = QPushButton()
        self.backup_browse.clicked.connect(self._browse_backup)
        self.backup_now = QPushButton()
        self.backup_now.clicked.connect(self._backup)
        self.stickers = QCheckBox()
        self.sounds = QCheckBox()  # ui/sounds.py: ok / duplicate / COD / error at intake
        self.label_printer, self.receipt_printer = QComboBox(), QComboBox()
        self.report_printer = QComboBox()
        # Names of languages and printers are data, not words to translate.
        for combo in (self.language, self.label_printer, self.receipt_printer,
                      self.report_printer):
            combo.setObjectName("data")
        self.l_lang, self.l_counter, self.l_idle, self.l_db = QLabel(), QLabel(), QLabel(), QLabel()
        self.l_backup, self.l_label, self.l_receipt = QLabel(), QLabel(), QLabel()
        self.l_report = QLabel()
        self.form.addRow(self.l_lang, self.language)
        self.form.addRow(self.l_counter, self.counter)
        self.form.addRow(self.l_idle, self.idle)
        self.form.addRow(self.l_db, _path_row(self.db, self.db_browse))
        self.form.addRow("", self.db_note)
        self.form.addRow(self.l_backup, _path_row(self.backup_dir, self.backup_browse))
        self.form.addRow("", self.backup_now)
        self.form.addRow(self.l_label, self.label_printer)
        self.form.addRow(self.l_receipt, self.receipt_printer)
        self.form.addRow(self.l_report, self.report_printer)
        self.form.addRow("", self.stickers)
        self.form.addRow("", self.sounds)
        self.retranslate()

    def load(self) -> None:
        s = self.session.settings
        current = str(s.value("language", "") or "")
        language = current or ("zh_CN" if is_chinese() else "en")
        self.language.setCurrentIndex(max(0, self.language.findData(language)))
        self.counter.setText(self.session.counter)
        self.idle.setValue(self.session.idle_lock_minutes)
        self.db.setText(str(s.value("db_url", "") or self.session.url))
        self.backup_dir.setText(str(s.value("backup_dir", "") or ""))
        self.stickers.setChecked(str(s.value("printing/stickers", "true")) != "false")
        self.sounds.setChecked(str(s.value("sounds/enabled", "true")) != "false")
        self._fill_printers()
        owner = self.session.is_owner
        for widget in (self.db, self.db_browse, self.backup_dir, self.backup_browse,
                       self.backup_now):
            widget.setEnabled(owner)

    def _fill_printers(self) -> None:
        try:
            from ui.printing import DocKind, available_printers, printer_for
        except ImportError:
            return
        names = available_printers()
        for combo, kind in ((self.label_printer, DocKind.LABEL),
                            (self.receipt_printer, DocKind.RECEIPT),
                            (self.report_printer, DocKind.REPORT)):
            combo.clear()
            combo.addItem(self.tr("None: save PDF files"), "")
            for name in names:
                combo.addItem(name, name)
            combo.setCurrentIndex(max(0, combo.findData(printer_for(kind, self.session.settings))))

    def save(self) -> None:
        s = self.session.settings
        s.setValue("counter", self.counter.text().strip())
        s.setValue("idle_lock_minutes", self.idle.value())
        s.setValue("printing/stickers", "true" if self.stickers.isChecked() else "false")
        s.setValue("sounds/enabled", "true" if self.sounds.isChecked() else "false")
        restart = False
        if self.session.is_owner:
            old = str(s.value("db_url", "") or self.session.url)
            new = self.db.text().strip()
            if new and new != old:
                s.setValue("db_url", new)
                restart = True
            s.setValue("backup_dir", self.backup_dir.text().strip())
        try:
            from ui.printing import DocKind, set_printer_for

            set_printer_for(DocKind.LABEL, self.label_printer.currentData() or "", s)
            set_printer_for(DocKind.RECEIPT, self.receipt_printer.currentData() or "", s)
            set_printer_for(DocKind.REPORT, self.report_printer.currentData() or "", s)
        except ImportError:
            pass
        s.sync()
        self.session.device_changed.emit()
        text = self.tr("This counter's settings are saved.")
        if restart:
            text += " " + self.tr("The new database is used from the next start.")
        self.report.emit("ok", text)

    def _language(self, _index: int) -> None:
        self.language_chosen.emit(self.language.currentData())

    def _browse_db(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Station database"), self.db.text(),
            self.tr("Station database (*.db);;All files (*)"),
            options=QFileDialog.Option.DontConfirmOverwrite)
        if path:
            self.db.setText(path)

    def _browse_backup(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Backup folder"),
                                                  self.backup_dir.text())
        if folder:
            self.backup_dir.setText(folder)

    def _backup(self) -> None:
        folder = self.backup_dir.text().strip()
        if not folder:
            self.report.emit("warn", self.tr("Choose a backup folder first."))
            return
        self.report.emit("info", self.tr("Backing up…"))
        self.run(_backup_job, self.session.actor, folder, done=lambda r: self.report.emit(
            "ok", self.tr("Backup saved: {0} ({1} parcels).").format(r.path, r.parcels)))

    def retranslate(self) -> None:
        self.l_lang.setText(self.tr("Language"))
        self.l_counter.setText(self.tr("Counter name"))
        self.l_idle.setText(self.tr("Lock the screen after idle (min)"))
        self.idle.setSpecialValueText(self.tr("never"))
        self.l_db.setText(self.tr("Database"))
        self.db_browse.setText(self.tr("Choose…"))
        self.db_note.setText(self.tr("A file path, or postgresql://user:password@host/name for "
                                     "a station with several counters. Used from the next start."))
        self.l_backup.setText(self.tr("Backup folder"))
        self.backup_browse.setText(self.tr("Choose…"))
        self.backup_now.setText(self.tr("Back up now"))
        self.l_label.setText(self.tr("Label printer"))
        self.l_receipt.setText(self.tr("Receipt printer"))
        self.l_report.setText(self.tr("Report printer (A4)"))
        self.stickers.setText(self.tr("Print a shelf sticker for every intake"))
        self.sounds.setText(self.tr("Sounds at intake (taken in, repeat scan, cash on delivery, "
                                    "refused)"))
        if self.label_printer.count():
            self.label_printer.setItemText(0, self.tr("None: save PDF files"))
            self.receipt_printer.setItemText(0, self.tr("None: save PDF files"))
            self.report_printer.setItemText(0, self.tr("None: save PDF files"))


class DevicesPage(Page):
    """The scale (ui/widgets/scale_settings.py), rebuilt on a language change because that
    page sets its texts once."""

    owner_only = False

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.box = QVBoxLayout(self)
        self.inner: QWidget | None = None
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.box.addWidget(self.note)
        self._make()
        self.retranslate()

    def _make(self) -> None:
        if self.inner is not None:
            self.inner.deleteLater()
            self.inner = None
        try:
            from ui.widgets.scale_settings import ScaleSettingsPage
        except ImportError:
            return
        self.inner = ScaleSettingsPage()
        self.box.addWidget(self.inner, 1)

    def load(self) -> None:
        if self.inner is not None:
            self.inner.load(self.session.settings)

    def save(self) -> None:
        if self.inner is None:
            return
        self.inner.save(self.session.settings)
        self.session.start_scale()
        self.report.emit("ok", self.tr("Scale settings saved."))

    def retranslate(self) -> None:
        self.note.setText(self.tr("The scale of this counter. Without one, weights are typed "
                                  "at intake."))
        if self.inner is not None and self.inner.isVisible():
            self._make()
            self.load()
