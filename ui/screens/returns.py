"""Overdue and returns (F5, 滞留 / 退回): the parcels past their carrier's retention days with
days on the shelf and reminders sent; tick (or scan) them and mark them for return; then the
courier hand-over (ui/screens/returns_handover.py). Storage fees are not shown yet."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from station.services.views import ParcelView
from ui import workers
from ui.screens.common import carrier_text, error_text, money, short_time
from ui.screens.pickup_parts import scan_key
from ui.screens.returns_handover import HandoverPanel
from ui.session import Session
from ui.widgets.banner import Banner
from ui.widgets.rows_table import RowsTable
from ui.widgets.scan_field import ScanLineEdit

REMINDER_KINDS = ("reminder", "last_notice")
LONG_OVERDUE_BG = "#fee2e2"


def _load_job(actor) -> dict[str, Any]:  # noqa: ANN001
    """Overdue parcels with their reminders, and every parcel marked for return."""
    from station.services import browse, carriers, outbox, returns

    overdue = returns.overdue(actor)
    reminders: dict[int, tuple[int, bool]] = {}
    for view in overdue:
        sent = [m for m in outbox.list_messages(actor, parcel_id=view.id, limit=50)
                if m.kind in REMINDER_KINDS and m.status == "sent"]
        reminders[view.id] = (len(sent), any(m.kind == "last_notice" for m in sent))
    pending: list[ParcelView] = []
    after = None
    while True:
        page = browse.page(actor, browse.ParcelFilter(statuses=("RETURN_PENDING",)),
                           sort="received_at", descending=False, after=after, limit=1000)
        pending += page.rows
        if page.next is None:
            break
        after = page.next
    retention = {c.code: c.retention_days for c in carriers.list_carriers()}
    return {"overdue": overdue, "reminders": reminders, "pending": pending,
            "retention": retention}


def _mark_job(actor, trackings: list[str]) -> list[ParcelView]:  # noqa: ANN001
    from station.services import returns

    return returns.mark_for_return(actor, trackings)


class ReturnsScreen(QWidget):
    outbox_requested = Signal()  # "Messages…": the lead opens the outbox screen

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.overdue: list[ParcelView] = []
        self.reminders: dict[int, tuple[int, bool]] = {}
        self.retention: dict[str, int] = {}
        self.busy = False
        self.loaded = False
        self._build()
        self.retranslate()
        session.parcels_changed.connect(self._parcels_changed)

    def _build(self) -> None:
        root = QVBoxLayout(self)
        row = QHBoxLayout()
        self.scan_label = QLabel()
        self.scan_label.setStyleSheet("font-size: 14pt; font-weight: 600;")
        self.scan_field = ScanLineEdit(self, min_length=4)
        self.scan_field.setMinimumHeight(44)
        self.scan_field.setStyleSheet("font-size: 18pt; padding: 4px 8px;")
        self.scan_field.scanned.connect(self.on_scan)
        self.refresh_button = QPushButton()
        self.outbox_button = QPushButton()
        for button in (self.refresh_button, self.outbox_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.refresh_button.clicked.connect(self.refresh)
        self.outbox_button.clicked.connect(self.outbox_requested.emit)
        row.addWidget(self.scan_label)
        row.addWidget(self.scan_field, 1)
        row.addWidget(self.refresh_button)
        row.addWidget(self.outbox_button)
        root.addLayout(row)
        self.banner = Banner(big=True)
        root.addWidget(self.banner)

        self.tabs = QTabWidget()
        self.tabs.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        over = QWidget()
        col = QVBoxLayout(over)
        self.summary = QLabel()
        self.summary.setStyleSheet("font-size: 13pt; font-weight: 600;")
        col.addWidget(self.summary)
        self.table = RowsTable(checkable=True)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.ticks_changed.connect(self._refresh_buttons)
        col.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.all_button = QPushButton()
        self.none_button = QPushButton()
        self.mark_button = QPushButton()
        self.mark_button.setMinimumHeight(44)
        self.mark_button.setStyleSheet(
            "QPushButton { font-size: 13pt; font-weight: 700; background: #b45309; "
            "color: white; } QPushButton:disabled { background: #9ca3af; }")
        for button in (self.all_button, self.none_button, self.mark_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.all_button.clicked.connect(lambda: self.table.tick_all(True))
        self.none_button.clicked.connect(lambda: self.table.tick_all(False))
        self.mark_button.clicked.connect(self.mark_ticked)
        buttons.addWidget(self.all_button)
        buttons.addWidget(self.none_button)
        buttons.addStretch(1)
        buttons.addWidget(self.mark_button)
        col.addLayout(buttons)
        self.tabs.addTab(over, "")
        self.handover = HandoverPanel(self.session)
        self.handover.told.connect(self.banner.show_message)
        self.handover.changed.connect(self._after_change)
        self.tabs.addTab(self.handover, "")
        self.tabs.currentChanged.connect(lambda _i: self._tab_changed())
        root.addWidget(self.tabs, 1)
        QShortcut(QKeySequence("F12"), self).activated.connect(self._f12)

    def activate(self) -> None:
        self.refresh()
        self.scan_field.setFocus()

    def show_handover(self) -> None:
        self.tabs.setCurrentWidget(self.handover)

    # -- loading -----------------------------------------------------------------------------
    def refresh(self) -> None:
        workers.run(_load_job, self.session.actor, owner=self, on_done=self._loaded,
                    on_error=lambda e: self.banner.show_message("error", error_text(e)))

    def _parcels_changed(self) -> None:
        if self.isVisible():
            self.refresh()

    def _after_change(self) -> None:
        self.session.parcels_changed.emit()
        if not self.isVisible():
            self.refresh()

    def _loaded(self, data: dict[str, Any]) -> None:
        self.loaded = True
        self.overdue, self.reminders = data["overdue"], data["reminders"]
        self.retention = data["retention"]
        ticked = set(self.table.ticked())
        rows, colours = [], []
        for v in self.overdue:
            sent, last = self.reminders.get(v.id, (0, False))
            reminders = str(sent) + (" " + self.tr("(last notice)") if last else "")
            rows.append([v.tracking, carrier_text(v.carrier, self.session.carriers),
                         v.slot or "", v.pickup_code or "", v.recipient_name,
                         v.recipient_phone, short_time(v.received_at), str(v.days_on_shelf),
                         reminders, money(v.storage_fee_fen) if v.storage_fee_fen else ""])
            limit = self.retention.get(v.carrier, 0)
            colours.append(LONG_OVERDUE_BG if limit and v.days_on_shelf >= 2 * limit else None)
        self.table.set_rows(rows, [v.tracking for v in self.overdue], colours=colours,
                            ticked=ticked)
        self.handover.load(data["pending"])
        self._refresh_buttons()

    def _refresh_buttons(self) -> None:
        n = len(self.table.ticked())
        self.summary.setText(self.tr("{0} overdue parcel(s) on the shelf, {1} marked for return")
                             .format(len(self.overdue), len(self.handover.pending)))
        self.mark_button.setText(self.tr("Mark for return ({0})").format(n))
        self.mark_button.setEnabled(n > 0 and not self.busy)
        self.tabs.setTabText(1, self.tr("Courier hand-over ({0})").format(
            len(self.handover.pending)))

    # -- scanning and marking --------------------------------------------------------------
    def on_scan(self, text: str) -> None:
        if self.tabs.currentWidget() is self.handover:
            self.handover.on_scan(text)
            return
        key = scan_key(text)
        view = next((v for v in self.overdue if key in (v.tracking, v.pickup_code)), None)
        if view is None:
            pending = next((v for v in self.handover.pending
                            if key in (v.tracking, v.pickup_code)), None)
            if pending is not None:
                self.banner.show_message("info", self.tr(
                    "{0} is already marked for return.").format(pending.tracking))
            else:
                self.banner.show_message("warn", self.tr(
                    "{0} is not overdue: keep it on the shelf.").format(text))
            return
        self.table.set_ticked(view.tracking, True)
        self.table.select_key(view.tracking)
        self.banner.show_message("ok", self.tr("✓ {0} ticked ({1} ticked). F12 marks them for "
                                               "return.").format(view.tracking,
                                                                 len(self.table.ticked())))

    def mark_ticked(self) -> None:
        trackings = [str(t) for t in self.table.ticked()]
        if not trackings or self.busy:
            self.banner.show_message("warn", self.tr("Tick or scan the parcels to return first."))
            return
        self.busy = True
        self._refresh_buttons()
        workers.run(_mark_job, self.session.actor, trackings, owner=self,
                    on_done=self._marked, on_error=self._mark_failed)

    def _marked(self, views: list[ParcelView]) -> None:
        self.busy = False
        self.table.tick_all(False)
        self.banner.show_message("ok", self.tr(
            "{0} parcel(s) marked for return: put them in the returns area for the courier.")
            .format(len(views)))
        self._after_change()
        self.refresh()

    def _mark_failed(self, error: BaseException) -> None:
        self.busy = False
        self._refresh_buttons()
        self.banner.show_message("error", error_text(error))

    def _f12(self) -> None:
        if self.tabs.currentWidget() is self.handover:
            self.handover.complete()
        else:
            self.mark_ticked()

    def _tab_changed(self) -> None:
        self._idle_message()
        self.scan_field.setFocus()

    def _idle_message(self) -> None:
        if self.tabs.currentWidget() is self.handover:
            text = self.tr("Courier hand-over: choose the carrier, type the courier's name, scan "
                           "each parcel as it leaves; the courier signs; F12 completes.")
        else:
            text = self.tr("Overdue parcels: tick them or scan them, then mark them for return "
                           "(F12).")
        self.banner.show_message("idle", text)

    # -- language ---------------------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.scan_label.setText(self.tr("Scan (F5)"))
        self.scan_field.setPlaceholderText(self.tr("Scan a parcel's barcode or sticker, Enter"))
        self.refresh_button.setText(self.tr("Refresh"))
        self.outbox_button.setText(self.tr("Messages…"))
        self.tabs.setTabText(0, self.tr("Overdue"))
        self.table.set_headers([self.tr("Tracking number"), self.tr("Carrier"), self.tr("Slot"),
                                self.tr("Pickup code"), self.tr("Recipient"), self.tr("Phone"),
                                self.tr("Received"), self.tr("Days on shelf"),
                                self.tr("Reminders sent"), self.tr("Storage fee")])
        self.all_button.setText(self.tr("Tick all"))
        self.none_button.setText(self.tr("Tick none"))
        self._refresh_buttons()
        self._idle_message()
