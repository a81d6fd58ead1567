"""Every parcel, as a lazily filled table: pages of 200 arrive from the worker as the view
scrolls (canFetchMore/fetchMore), so a million-row station opens as fast as an empty one and
memory grows only with what the clerk actually scrolls through.

Each new filter or sort bumps a generation number; answers from an older generation are
dropped, so fast typing in the filter box never shows a stale list.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor

from station.services.views import ParcelView
from ui import workers
from ui.screens.common import carrier_text, money, short_time, status_text, weight_text
from ui.session import Session

PAGE = 200
Index = QModelIndex | QPersistentModelIndex
STATUS_COLOURS = {"MISSING": "#b91c1c", "RETURN_PENDING": "#b45309", "PICKED_UP": "#6b7280",
                  "RETURNED": "#6b7280", "ON_SHELF": "#166534"}


def _page_job(actor, filters, sort: str, desc: bool, after, limit: int):  # noqa: ANN001, ANN202
    from station.services import browse

    return browse.page(actor, filters, sort, desc, after=after, limit=limit)


def _count_job(filters):  # noqa: ANN001, ANN202
    from station.services import browse

    return browse.count(filters)


class ParcelTableModel(QAbstractTableModel):
    count_changed = Signal(int)
    loaded = Signal()  # a page arrived
    failed = Signal(object)  # the error, for the screen's banner

    def __init__(self, session: Session, parent: Any = None) -> None:  # noqa: ANN401
        super().__init__(parent)
        self.session = session
        self.rows: list[ParcelView] = []
        self.filters: Any = None
        self.sort_key = "received_at"
        self.descending = True
        self.total: int | None = None
        self._next: Any = None
        self._exhausted = True
        self._loading = False
        self._generation = 0
        self.page_size = PAGE
        # (header, value from a view, sort key or None when the column cannot be sorted fast)
        self.columns: list[tuple[Callable[[], str], Callable[[ParcelView], str], str | None]] = [
            (lambda: self.tr("Received"), lambda v: short_time(v.received_at), "received_at"),
            (lambda: self.tr("Tracking number"), lambda v: v.tracking, "tracking"),
            (lambda: self.tr("Carrier"),
             lambda v: carrier_text(v.carrier, self.session.carriers), "carrier"),
            (lambda: self.tr("Status"), lambda v: status_text(v.status), "status"),
            (lambda: self.tr("Pickup code"), lambda v: v.pickup_code or "", "pickup_code"),
            (lambda: self.tr("Slot"), lambda v: v.slot or "", None),
            (lambda: self.tr("Recipient"), lambda v: v.recipient_name, None),
            (lambda: self.tr("Phone"), lambda v: v.recipient_phone, None),
            (lambda: self.tr("Size"), lambda v: v.size, None),
            (lambda: self.tr("Weight"), lambda v: weight_text(v.weight_g), None),
            (lambda: self.tr("COD"), lambda v: money(v.cod_fen) if v.cod_fen else "", None),
            (lambda: self.tr("Days"), lambda v: str(v.days_on_shelf), None),
            (lambda: self.tr("Picked up"), lambda v: short_time(v.picked_up_at), None),
        ]

    # -- querying --------------------------------------------------------------------------
    def set_query(self, filters: Any, sort: str | None = None,  # noqa: ANN401
                  descending: bool | None = None) -> None:
        self._generation += 1
        self.filters = filters
        if sort is not None:
            self.sort_key = sort
        if descending is not None:
            self.descending = descending
        self.beginResetModel()
        self.rows = []
        self._next = None
        self._exhausted = False
        self._loading = False
        self.total = None
        self.endResetModel()
        self._request()
        gen = self._generation
        # Counting a million rows can take a moment on a cold cache: its own lane, so the
        # pages the clerk is scrolling through never wait behind it.
        workers.run(_count_job, filters, owner=self, lane="count",
                    on_done=lambda n, g=gen: self._counted(n, g), on_error=self._failed)

    def refresh(self) -> None:
        if self.filters is not None:
            self.set_query(self.filters)

    def _request(self) -> None:
        if self._loading or self._exhausted or self.session.actor is None:
            return
        self._loading = True
        gen = self._generation
        workers.run(_page_job, self.session.actor, self.filters, self.sort_key, self.descending,
                    self._next, self.page_size, owner=self,
                    on_done=lambda page, g=gen: self._got(page, g),
                    on_error=lambda e, g=gen: self._page_failed(e, g))

    def _got(self, page: Any, gen: int) -> None:  # noqa: ANN401
        if gen != self._generation:
            return
        self._loading = False
        if page.rows:
            start = len(self.rows)
            self.beginInsertRows(QModelIndex(), start, start + len(page.rows) - 1)
            self.rows.extend(page.rows)
            self.endInsertRows()
        self._next = page.next
        self._exhausted = page.next is None
        self.loaded.emit()

    def _page_failed(self, error: BaseException, gen: int) -> None:
        if gen == self._generation:
            self._loading = False
            self._exhausted = True
            self.failed.emit(error)

    def _counted(self, n: int, gen: int) -> None:
        if gen == self._generation:
            self.total = n
            self.count_changed.emit(n)

    def _failed(self, error: BaseException) -> None:
        self.failed.emit(error)

    @property
    def loading(self) -> bool:
        return self._loading

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008, N802
        return not parent.isValid() and not self._exhausted and not self._loading

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008, N802
        if not parent.isValid():
            self._request()

    # -- the table --------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: ANN401
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        view = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.columns[index.column()][1](view)
        if role == Qt.ItemDataRole.UserRole:
            return view
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == 3:
            return QBrush(QColor(STATUS_COLOURS.get(view.status, "#111827")))
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in (9, 10, 11):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: ANN401
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section][0]()
        if role == Qt.ItemDataRole.ToolTipRole and self.columns[section][2] is None:
            return self.tr("This column cannot be sorted on a large station.")
        return None

    def sortable(self, column: int) -> bool:
        return 0 <= column < len(self.columns) and self.columns[column][2] is not None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not self.sortable(column) or self.filters is None:
            return
        self.set_query(self.filters, self.columns[column][2],
                       order == Qt.SortOrder.DescendingOrder)

    def sort_column(self) -> int:
        return next((i for i, c in enumerate(self.columns) if c[2] == self.sort_key), 0)

    def view_at(self, row: int) -> ParcelView | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def replace(self, view: ParcelView) -> None:
        """Show a parcel's new state after an action, without reloading the list."""
        for row, old in enumerate(self.rows):
            if old.id == view.id:
                self.rows[row] = view
                self.dataChanged.emit(self.index(row, 0),
                                      self.index(row, len(self.columns) - 1))
                return

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.columns) - 1)
        if self.rows:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self.rows) - 1, len(self.columns) - 1))
