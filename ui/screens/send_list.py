"""Today's sends on the Send screen: a lazily paged table (model/view), reprint of the waybill
or the receipt, and void with a reason (only before the courier has the parcel; the owner, or
the clerk who took it today — the core checks).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from station.services.sends_views import SendView
from ui import workers
from ui.screens.common import carrier_text, method_text, money, short_time
from ui.screens.send_common import print_send_receipt, print_waybill, send_error_text, weight_kg
from ui.session import Session

PAGE = 100
Index = QModelIndex | QPersistentModelIndex
STATUS_COLOURS = {"created": "#166534", "handed_over": "#6b7280", "voided": "#b91c1c"}


def _page_job(actor, offset: int, limit: int) -> list[SendView]:  # noqa: ANN001
    from station import clock
    from station.services import sends

    day = clock.local_day()
    return sends.list_sends(actor, sends.SendFilter(date_from=day, date_to=day, limit=limit,
                                                    offset=offset))


def _void_job(actor, ref: str, reason: str) -> SendView:  # noqa: ANN001
    from station.services import sends

    return sends.void_send(actor, ref, reason)


def status_text(status: str) -> str:
    names = {
        "created": QCoreApplication.translate("SendStatus", "Waiting for the courier"),
        "handed_over": QCoreApplication.translate("SendStatus", "Handed over"),
        "voided": QCoreApplication.translate("SendStatus", "Voided"),
    }
    return names.get(status, status)


class SendTableModel(QAbstractTableModel):
    loaded = Signal()
    failed = Signal(object)

    def __init__(self, session: Session, parent: Any = None) -> None:  # noqa: ANN401
        super().__init__(parent)
        self.session = session
        self.rows: list[SendView] = []
        self.page_size = PAGE
        self._exhausted = True
        self._loading = False
        self._generation = 0
        self.columns = [
            (lambda: self.tr("Time"), lambda v: short_time(v.created_at)),
            (lambda: self.tr("Waybill"), lambda v: v.waybill_no),
            (lambda: self.tr("Carrier"), lambda v: carrier_text(v.carrier, session.carriers)),
            (lambda: self.tr("Status"), lambda v: status_text(v.status)),
            (lambda: self.tr("Sender"), lambda v: v.sender_name),
            (lambda: self.tr("Recipient"), lambda v: f"{v.recipient_name} {v.recipient_phone}"),
            (lambda: self.tr("Destination"), lambda v: v.address),
            (lambda: self.tr("Chargeable"), lambda v: weight_kg(v.chargeable_weight_g)),
            (lambda: self.tr("Total"), lambda v: money(v.total_fen)),
            (lambda: self.tr("Paid by"), lambda v: method_text(v.method)),
            (lambda: self.tr("Clerk"), lambda v: v.created_by),
        ]

    def reload(self) -> None:
        self._generation += 1
        self.beginResetModel()
        self.rows = []
        self._exhausted = False
        self._loading = False
        self.endResetModel()
        self._request()

    def _request(self) -> None:
        if self._loading or self._exhausted or self.session.actor is None:
            return
        self._loading = True
        gen = self._generation
        workers.run(_page_job, self.session.actor, len(self.rows), self.page_size, owner=self,
                    on_done=lambda page, g=gen: self._got(page, g),
                    on_error=lambda e, g=gen: self._page_failed(e, g))

    def _got(self, page: list[SendView], gen: int) -> None:
        if gen != self._generation:
            return
        self._loading = False
        self._exhausted = len(page) < self.page_size
        known = {v.id for v in self.rows}
        fresh = [v for v in page if v.id not in known]  # another counter added sends meanwhile
        if fresh:
            start = len(self.rows)
            self.beginInsertRows(QModelIndex(), start, start + len(fresh) - 1)
            self.rows.extend(fresh)
            self.endInsertRows()
        self.loaded.emit()

    def _page_failed(self, error: BaseException, gen: int) -> None:
        if gen == self._generation:
            self._loading, self._exhausted = False, True
            self.failed.emit(error)

    def add(self, view: SendView) -> None:
        """A send just taken at this counter goes on top at once."""
        if any(v.id == view.id for v in self.rows):
            self.replace(view)
            return
        self.beginInsertRows(QModelIndex(), 0, 0)
        self.rows.insert(0, view)
        self.endInsertRows()

    def replace(self, view: SendView) -> None:
        for row, old in enumerate(self.rows):
            if old.id == view.id:
                self.rows[row] = view
                self.dataChanged.emit(self.index(row, 0),
                                      self.index(row, self.columnCount() - 1))
                return

    def view_at(self, row: int) -> SendView | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008, N802
        return not parent.isValid() and not self._exhausted and not self._loading

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008, N802
        if not parent.isValid():
            self._request()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: ANN401
        view = self.view_at(index.row()) if index.isValid() else None
        if view is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.columns[index.column()][1](view)
        if role == Qt.ItemDataRole.UserRole:
            return view
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == 3:
            return QBrush(QColor(STATUS_COLOURS.get(view.status, "#111827")))
        if role == Qt.ItemDataRole.ToolTipRole and view.void_reason:
            return self.tr("Voided by {0}: {1}").format(view.voided_by or "", view.void_reason)
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in (7, 8):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: ANN401
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(self.columns)):
            return self.columns[section][0]()
        return None


class VoidDialog(QDialog):
    """Why the send is voided (required; it goes into the ledger reversal and the audit)."""

    def __init__(self, view: SendView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Void send {0}").format(view.waybill_no))
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr("Void {0} to {1} ({2})? The payment is reversed in the ledger; "
                               "give the money back to the sender.").format(
            view.waybill_no, view.recipient_name, money(view.total_fen)))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.reason = QLineEdit()
        self.reason.setMaxLength(200)
        self.reason.setPlaceholderText(self.tr("Reason (required), e.g. sender changed mind"))
        layout.addWidget(self.reason)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(self.tr("Void the send"))
        self.ok.setEnabled(False)
        self.reason.textChanged.connect(lambda t: self.ok.setEnabled(bool(t.strip())))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.reason.setFocus()

    def text(self) -> str:
        return self.reason.text().strip()


class SendList(QWidget):
    report = Signal(str, str)  # (kind, text) for the screen's banner

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._sized = False  # columns fitted to the first rows that arrive
        self.model = SendTableModel(session, self)
        self.model.failed.connect(lambda e: self.report.emit("error", send_error_text(e)))
        self.model.loaded.connect(self.update_actions)
        self.model.rowsInserted.connect(lambda *_: self._fit())
        layout = QVBoxLayout(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self.update_actions())
        self.table.doubleClicked.connect(lambda _i: self.reprint())
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.count = QLabel()
        row.addWidget(self.count, 1)
        self.refresh_button, self.reprint_button = QPushButton(), QPushButton()
        self.receipt_button, self.void_button = QPushButton(), QPushButton()
        self.refresh_button.clicked.connect(self.model.reload)
        self.reprint_button.clicked.connect(self.reprint)
        self.receipt_button.clicked.connect(self.reprint_receipt)
        self.void_button.clicked.connect(self.void)
        for button in (self.refresh_button, self.reprint_button, self.receipt_button,
                       self.void_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            row.addWidget(button)
        layout.addLayout(row)
        for key, slot in (("Ctrl+P", self.reprint), ("Ctrl+Del", self.void)):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        self.retranslate()
        self.update_actions()

    def showEvent(self, event) -> None:  # noqa: ANN001, N802 - Qt API
        super().showEvent(event)
        self._fit()

    def _fit(self) -> None:
        # A hidden table cannot measure its cells: fit the columns once it is on screen.
        if not self._sized and self.model.rows and self.table.isVisible():
            self._sized = True  # once: the clerk may widen a column afterwards
            self.table.resizeColumnsToContents()

    def current(self) -> SendView | None:
        index = self.table.currentIndex()
        return self.model.view_at(index.row()) if index.isValid() else None

    def select(self, row: int) -> None:
        self.table.selectRow(row)
        self.table.setCurrentIndex(self.model.index(row, 0))

    def update_actions(self) -> None:
        view = self.current()
        self.reprint_button.setEnabled(view is not None and view.status != "voided")
        self.receipt_button.setEnabled(view is not None)
        self.void_button.setEnabled(view is not None and view.status == "created")
        live = [v for v in self.model.rows if v.status != "voided"]
        self.count.setText(self.tr("Today: {0} send(s), {1}").format(
            len(live), money(sum(v.total_fen for v in live))))

    def reprint(self) -> None:
        view = self.current()
        if view is None or view.status == "voided":
            return
        print_waybill(self.session, self, view.waybill_no, reprint=True)
        self.report.emit("info", self.tr("Reprinting the waybill of {0}.").format(
            view.waybill_no))

    def reprint_receipt(self) -> None:
        view = self.current()
        if view is not None:
            print_send_receipt(self.session, self, view.waybill_no)
            self.report.emit("info", self.tr("Reprinting the receipt of {0}.").format(
                view.waybill_no))

    def void(self) -> None:
        view = self.current()
        if view is None or view.status != "created":
            return
        # Parented to the window: a scan typed into the reason is not a lookup.
        dialog = VoidDialog(view, self.window())
        if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.text():
            return
        self.void_button.setEnabled(False)
        workers.run(_void_job, self.session.actor, view.waybill_no, dialog.text(), owner=self,
                    on_done=self._voided, on_error=self._void_failed)

    def _voided(self, view: SendView) -> None:
        self.model.replace(view)
        self.update_actions()
        text = self.tr("{0} is voided and its payment reversed.").format(view.waybill_no)
        if view.method == "cash" and view.total_fen:
            text += " " + self.tr("Give {0} back to the sender.").format(money(view.total_fen))
        self.report.emit("ok", text)

    def _void_failed(self, error: BaseException) -> None:
        self.update_actions()
        self.report.emit("error", send_error_text(error))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.refresh_button.setText(self.tr("Refresh"))
        self.reprint_button.setText(self.tr("Reprint waybill (Ctrl+P)"))
        self.receipt_button.setText(self.tr("Reprint receipt"))
        self.void_button.setText(self.tr("Void… (Ctrl+Del)"))
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0,
                                          self.model.columnCount() - 1)
        self.update_actions()
