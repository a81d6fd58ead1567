"""Settings (F9): a list of pages on the left, the page on the right, Save (Ctrl+S).

The station's own pages (name, carriers' retention, staff) are the owner's: a clerk sees them
read-only with a note, and the services refuse a clerk's change anyway. Language and the other
settings of this PC are open to everybody at the counter.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ui.screens.settings_local import CounterPage, DevicesPage
from ui.screens.settings_pages import CarriersPage, Page, StaffPage, StationPage
from ui.screens.settings_residents import ResidentsPage
from ui.screens.settings_sends import RateCardsPage
from ui.session import Session
from ui.widgets.banner import Banner


class SettingsScreen(QWidget):
    language_chosen = Signal(str)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.pages: list[Page] = [StationPage(session), CarriersPage(session),
                                  StaffPage(session), CounterPage(session), DevicesPage(session),
                                  RateCardsPage(session), ResidentsPage(session)]
        root = QVBoxLayout(self)
        self.banner = Banner(auto_hide=True)
        root.addWidget(self.banner)
        body = QHBoxLayout()
        self.list = QListWidget()
        self.list.setMaximumWidth(220)
        self.list.setStyleSheet("QListWidget { font-size: 12pt; } "
                                "QListWidget::item { padding: 8px 6px; }")
        self.stack = QStackedWidget()
        for page in self.pages:
            self.list.addItem("")
            self.stack.addWidget(page)
            page.report.connect(self.banner.show_message)
        # Pages are found by class, not by position: other pages are added over time.
        self.counter_page = next(p for p in self.pages if isinstance(p, CounterPage))
        self.counter_page.language_chosen.connect(self.language_chosen)
        self.list.currentRowChanged.connect(self._page_changed)
        body.addWidget(self.list)
        right = QVBoxLayout()
        self.owner_note = QLabel()
        self.owner_note.setStyleSheet("color: #92400e; font-weight: 600;")
        right.addWidget(self.owner_note)
        right.addWidget(self.stack, 1)
        self.save_button = QPushButton()
        self.save_button.setMinimumHeight(36)
        self.save_button.clicked.connect(self.save)
        right.addWidget(self.save_button)
        body.addLayout(right, 1)
        root.addLayout(body, 1)
        QShortcut(QKeySequence("Ctrl+S"), self).activated.connect(self.save)
        self.retranslate()
        start = 0 if session.is_owner else self.pages.index(self.counter_page)
        self.list.setCurrentRow(start)

    def activate(self) -> None:
        self.list.setFocus()
        self._page_changed(self.list.currentRow())

    def current_page(self) -> Page:
        return self.pages[max(0, self.list.currentRow())]

    def _page_changed(self, row: int) -> None:
        if row < 0:
            return
        self.stack.setCurrentIndex(row)
        page = self.pages[row]
        allowed = self.session.is_owner or not page.owner_only
        page.setEnabled(allowed)
        self.save_button.setEnabled(allowed)
        self.owner_note.setVisible(not allowed)
        if allowed:
            page.load()

    def save(self) -> None:
        page = self.current_page()
        if page.isEnabled():
            page.save()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        names = {StationPage: self.tr("Station"), CarriersPage: self.tr("Carriers"),
                 StaffPage: self.tr("Staff"), CounterPage: self.tr("This counter"),
                 DevicesPage: self.tr("Scale")}
        for row, page in enumerate(self.pages):
            # A page outside this table names itself (title()), in the current language.
            title = names.get(type(page)) or page.title()  # type: ignore[attr-defined]
            self.list.item(row).setText(title)
        self.owner_note.setText(self.tr("Only the station owner can change these settings."))
        self.save_button.setText(self.tr("Save (Ctrl+S)"))
