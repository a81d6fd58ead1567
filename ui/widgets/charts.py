"""Qt Charts for the owner's dashboard: a clickable bar chart, the four dashboard charts built
from ``station.services.dashboard.Dashboard``, and the list of parcels behind a bar."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QLineSeries,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QDate,
    QEvent,
    QIODevice,
    QMargins,
    QPoint,
    QPointF,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QCursor, QFont, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from station.services.dashboard import Bar, Behind, Dashboard
from ui import workers
from ui.screens.common import carrier_text, error_text, short_time, status_text
from ui.session import Session

BAR_WIDTH = 0.7
BLUE, GREEN, AMBER, GREY, FREE = "#2563eb", "#16a34a", "#f59e0b", "#6b7280", "#e5e7eb"
SIZE_COLOURS = {"S": "#93c5fd", "M": "#3b82f6", "L": "#1d4ed8", "XL": "#1e3a8a"}


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    values: Sequence[int]
    colour: str


class BarChart(QChartView):
    """Bars by category (grouped, or stacked), an optional line on a right-hand axis.
    ``bar_clicked(series key, category index)`` when the owner clicks a bar."""

    bar_clicked = Signal(str, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumSize(280, 200)
        self.spec: dict[str, Any] = {}
        self.sets: dict[str, QBarSet] = {}
        self.tooltip: Callable[[str, int], str] | None = None

    def show_data(self, title: str, categories: Sequence[str], series: Sequence[Series],
                  stacked: bool = False, line: Series | None = None,
                  tooltip: Callable[[str, int], str] | None = None) -> None:
        self.spec = {"title": title, "categories": list(categories), "series": list(series),
                     "stacked": stacked, "line": line, "tooltip": tooltip}
        self.tooltip = tooltip
        chart = QChart()
        chart.setTitle(title)
        title_font = QFont(chart.titleFont())
        title_font.setPointSizeF(10.5)
        title_font.setBold(True)
        chart.setTitleFont(title_font)
        chart.setMargins(QMargins(4, 2, 4, 2))
        chart.layout().setContentsMargins(0, 0, 0, 0)
        chart.setBackgroundRoundness(0)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignTop)
        small = QFont(chart.legend().font())
        small.setPointSizeF(8.5)
        chart.legend().setFont(small)
        bars = QStackedBarSeries() if stacked else QBarSeries()
        bars.setBarWidth(BAR_WIDTH)
        self.sets = {}
        for s in series:
            bar_set = QBarSet(s.label)
            bar_set.append([float(v) for v in s.values])
            bar_set.setColor(QColor(s.colour))
            bar_set.setBorderColor(QColor(s.colour))
            bar_set.clicked.connect(lambda i, key=s.key: self.bar_clicked.emit(key, i))
            bar_set.hovered.connect(lambda on, i, key=s.key: self._hover(on, key, i))
            bars.append(bar_set)
            self.sets[s.key] = bar_set
        chart.addSeries(bars)
        x = QBarCategoryAxis()
        x.append(list(categories))
        x.setLabelsFont(small)
        x.setTruncateLabels(False)
        if len(categories) > 24:
            x.setLabelsAngle(-90)
        y = QValueAxis()
        y.setLabelFormat("%d")
        y.setLabelsFont(small)
        chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
        bars.attachAxis(x)
        bars.attachAxis(y)
        top = _stack_top(series) if stacked else max((max(s.values, default=0) for s in series),
                                                       default=0)
        end, ticks = _axis(top * 1.05)
        y.setRange(0, end)
        y.setTickCount(ticks)
        if line is not None:
            curve = QLineSeries()
            curve.setName(line.label)
            for i, v in enumerate(line.values):
                curve.append(QPointF(i, v))
            curve.setPen(QPen(QColor(line.colour), 2))
            chart.addSeries(curve)
            right = QValueAxis()
            right.setLabelFormat("%d")
            right.setLabelsFont(small)
            end, ticks = _axis(max(line.values, default=0) * 1.05)
            right.setRange(0, end)
            right.setTickCount(ticks)
            chart.addAxis(right, Qt.AlignmentFlag.AlignRight)
            curve.attachAxis(x)
            curve.attachAxis(right)
        old = self.chart()
        self.setChart(chart)
        if old is not None:
            old.deleteLater()

    def _hover(self, on: bool, key: str, index: int) -> None:
        if on and self.tooltip is not None:
            QToolTip.showText(QCursor.pos(), self.tooltip(key, index), self)
        elif not on:
            QToolTip.hideText()

    def value(self, key: str, index: int) -> int:
        return int(self.sets[key].at(index))

    def bar_centre(self, key: str, index: int) -> QPoint:
        """Where the middle of a bar is on the view (tests click there)."""
        keys = list(self.sets)
        series = self.chart().series()[0]
        if self.spec["stacked"]:
            below = sum(self.sets[k].at(index) for k in keys[: keys.index(key)])
            point = QPointF(index, below + self.sets[key].at(index) / 2)
        else:
            share = BAR_WIDTH / len(keys)
            x = index - BAR_WIDTH / 2 + share * (keys.index(key) + 0.5)
            point = QPointF(x, self.sets[key].at(index) / 2)
        scene = self.chart().mapToScene(self.chart().mapToPosition(point, series))
        return self.mapFromScene(scene)

    def png(self, width: int = 1000, height: int = 420) -> bytes:
        """The same chart drawn at print size, as PNG bytes (for the PDF report)."""
        twin = BarChart()
        twin.show_data(**self.spec)
        twin.resize(width, height)
        pixmap = twin.grab()
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        pixmap.save(buffer, "PNG")
        buffer.close()
        twin.deleteLater()
        return bytes(data.data())


def _stack_top(series: Sequence[Series]) -> int:
    columns = zip(*(s.values for s in series), strict=True) if series else []
    return max((sum(c) for c in columns), default=0)


def _axis(top: float) -> tuple[int, int]:
    """A round axis end at or above ``top`` and its tick count: 4 or 5 whole steps of 1, 2,
    3 … 10, 15, 20, 25, 30 … (whichever ends lower)."""
    steps = [1, 2, 3, 4, 5, 6, 8] + [m * 10**k for k in range(1, 9)
                                     for m in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8)]
    options = []
    for n in (4, 5):
        step = next((st for st in steps if st >= max(top, 1) / n), steps[-1])
        options.append((int(step * n), n + 1))
    return min(options)


class DashboardCharts(QWidget):
    """The four charts in a 2×2 grid. ``bar_clicked(Bar, title)``."""

    bar_clicked = Signal(object, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.dash: Dashboard | None = None
        self.trend, self.dwell = BarChart(), BarChart()
        self.shelves, self.hours = BarChart(), BarChart()
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(6)
        for i, chart in enumerate(self.charts()):
            grid.addWidget(chart, i // 2, i % 2)
        self.trend.bar_clicked.connect(lambda k, i: self._clicked("days", k, i))
        self.dwell.bar_clicked.connect(lambda k, i: self._clicked("dwell", k, i))
        self.shelves.bar_clicked.connect(lambda k, i: self._clicked("shelves", k, i))
        self.hours.bar_clicked.connect(lambda k, i: self._clicked("hours", k, i))

    def charts(self) -> list[BarChart]:
        return [self.trend, self.dwell, self.shelves, self.hours]

    def show_dashboard(self, dash: Dashboard) -> None:
        self.dash = dash
        days = dash.days
        labels = [_day_label(p.date, i) for i, p in enumerate(days)]
        self.trend.show_data(
            self.tr("Last {0} days: in vs out").format(len(days)), labels,
            [Series("received", self.tr("In"), [p.received for p in days], BLUE),
             Series("collected", self.tr("Collected"), [p.collected for p in days], GREEN),
             Series("returned", self.tr("Returned"), [p.returned for p in days], AMBER)],
            line=Series("on_shelf", self.tr("At the station (right axis)"),
                        [p.on_shelf for p in days], GREY),
            tooltip=lambda k, i: self.tr("{0}: {1} parcels").format(days[i].date,
                                                                   self.trend.value(k, i)))
        self.dwell.show_data(
            self.tr("Time on shelf"), [self.dwell_label(b.lo_hours, b.hi_hours)
                                       for b in dash.dwell],
            [Series("collected", self.tr("Collected in the period"),
                    [b.collected for b in dash.dwell], GREEN),
             Series("on_shelf", self.tr("Still at the station"),
                    [b.on_shelf for b in dash.dwell], AMBER)],
            tooltip=lambda k, i: self.tr("{0} parcels").format(self.dwell.value(k, i)))
        loads = dash.shelves
        free = [max(0, sum(s.capacity.values()) - sum(s.used.values())) for s in loads]

        def occupancy_tip(k: str, i: int) -> str:
            s = loads[i]
            if k == "free":
                return self.tr("Shelf {0}: {1} of {2} places free").format(
                    s.shelf, free[i], sum(s.capacity.values()))
            return self.tr("Shelf {0}, size {1}: {2} of {3} places used").format(
                s.shelf, k, s.used[k], s.capacity[k])

        self.shelves.show_data(
            self.tr("Shelf occupancy by size"), [s.shelf for s in loads],
            [Series(size, size, [s.used[size] for s in loads], colour)
             for size, colour in SIZE_COLOURS.items()]
            + [Series("free", self.tr("Free"), free, FREE)],
            stacked=True, tooltip=occupancy_tip)
        self.hours.show_data(
            self.tr("Busiest hours (whole period)"), [str(h) for h in range(24)],
            [Series("received", self.tr("In"), dash.hours_received, BLUE),
             Series("collected", self.tr("Collected"), dash.hours_collected, GREEN)],
            tooltip=lambda k, i: self.tr("{0}:00–{0}:59: {1} parcels").format(
                i, self.hours.value(k, i)))

    def dwell_label(self, lo: int, hi: int | None) -> str:
        if hi is None:
            return self.tr("≥{0} d").format(lo // 24)
        if hi <= 24:
            return self.tr("{0}–{1} h").format(lo, hi)
        return self.tr("{0}–{1} d").format(lo // 24, hi // 24)

    def _clicked(self, chart: str, key: str, index: int) -> None:
        dash = self.dash
        if dash is None or key == "free":
            return
        if chart == "days":
            bar = Bar("days", dash.days[index].date, key)
            title = f"{dash.days[index].date} · {self.trend.sets[key].label()}"
        elif chart == "dwell":
            bar = Bar("dwell", str(index), key, dash.date_from, dash.date_to)
            bucket = dash.dwell[index]
            title = (f"{self.dwell_label(bucket.lo_hours, bucket.hi_hours)} · "
                     f"{self.dwell.sets[key].label()}")
        elif chart == "shelves":
            bar = Bar("shelves", dash.shelves[index].shelf, key)
            title = self.tr("Shelf {0}, size {1}").format(dash.shelves[index].shelf, key)
        else:
            bar = Bar("hours", str(index), key, dash.date_from, dash.date_to)
            title = f"{index}:00–{index}:59 · {self.hours.sets[key].label()}"
        self.bar_clicked.emit(bar, title)


def _day_label(iso: str, i: int) -> str:
    day = date.fromisoformat(iso)
    return f"{day.month}/{day.day}" if i == 0 or day.day == 1 else str(day.day)


class ParcelListDialog(QDialog):
    """The parcels behind one bar, loaded in the background (the first 500)."""

    COLUMNS = 10

    def __init__(self, session: Session, bar: Bar, title: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session, self.bar, self.title = session, bar, title
        self.behind: Behind | None = None
        self.setWindowTitle(title)
        self.info = QLabel(self.tr("Loading…"))
        self.info.setStyleSheet("font-weight: 600;")
        self.table = QTableWidget(0, self.COLUMNS)
        self.table.setHorizontalHeaderLabels([
            self.tr("Tracking number"), self.tr("Carrier"), self.tr("Status"),
            self.tr("Pickup code"), self.tr("Slot"), self.tr("Size"), self.tr("Recipient"),
            self.tr("Phone"), self.tr("Received"), self.tr("Left")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.info)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(1100, 560)
        from station.services import dashboard

        workers.run(dashboard.parcels_behind, session.actor, bar, owner=self,
                    on_done=self._loaded, on_error=self._failed)

    def _loaded(self, behind: Behind) -> None:
        self.behind = behind
        if behind.total > len(behind.rows):
            count = self.tr("{0} parcels (the first {1} shown)").format(
                behind.total, len(behind.rows))
        else:
            count = self.tr("{0} parcels").format(behind.total)
        self.info.setText(f"{self.title} — {count}")
        self.table.setRowCount(len(behind.rows))
        for r, v in enumerate(behind.rows):
            left = v.picked_up_at or v.returned_at
            cells = [v.tracking, carrier_text(v.carrier, self.session.carriers),
                     status_text(v.status), v.pickup_code or "", v.slot or "", v.size,
                     v.recipient_name, v.recipient_phone, short_time(v.received_at),
                     short_time(left)]
            for c, text in enumerate(cells):
                self.table.setItem(r, c, QTableWidgetItem(text))

    def _failed(self, error: BaseException) -> None:
        self.info.setText(error_text(error))
        self.info.setStyleSheet("color: #b91c1c; font-weight: 600;")


class DashboardPanel(QWidget):
    """The Dashboard tab: the 30 days up to a chosen day, the four charts, and the parcel list
    of a clicked bar. ``failed(error)`` when the figures cannot be read."""

    failed = Signal(object)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from station import clock

        self.session = session
        self.dash: Dashboard | None = None
        self.dialog: ParcelListDialog | None = None
        root = QVBoxLayout(self)
        top = QHBoxLayout()
        self.end_label = QLabel()
        today = clock.local_day()
        self.end = QDateEdit(QDate(today.year, today.month, today.day))
        self.end.setCalendarPopup(True)
        self.end.setDisplayFormat("yyyy-MM-dd")
        self.end.dateChanged.connect(lambda _d: self.load())
        self.summary = QLabel()
        self.summary.setStyleSheet("font-weight: 600;")
        self.hint = QLabel()
        self.hint.setStyleSheet("color: #4b5563;")
        for w in (self.end_label, self.end, self.summary):
            top.addWidget(w)
        top.addStretch(1)
        top.addWidget(self.hint)
        root.addLayout(top)
        self.charts = DashboardCharts()
        self.charts.bar_clicked.connect(self.open_bar)
        root.addWidget(self.charts, 1)
        self.retranslate()

    def end_day(self) -> date:
        d = self.end.date()
        return date(d.year(), d.month(), d.day())

    def load(self) -> None:
        from station.services import dashboard

        workers.run(dashboard.dashboard, self.session.actor, 30, self.end_day(), owner=self,
                    on_done=self.show_dashboard, on_error=self.failed.emit)

    def show_dashboard(self, dash: Dashboard) -> None:
        self.dash = dash
        self.charts.show_dashboard(dash)
        self._summary()

    def _summary(self) -> None:
        dash = self.dash
        parts = []
        if dash is not None and dash.avg_dwell_hours is not None:
            parts.append(self.tr("Collected after {0} h on average; 90% within {1} h.").format(
                f"{dash.avg_dwell_hours:.1f}", f"{dash.p90_dwell_hours:.1f}"))
        if dash is not None and dash.sends:
            parts.append(self.tr("Sends: {0}, revenue ¥{1}.").format(
                dash.sends, f"{dash.sends_fen / 100:,.2f}"))
        self.summary.setText("  ".join(parts))

    def open_bar(self, bar: Bar, title: str) -> None:
        self.dialog = ParcelListDialog(self.session, bar, title, self)
        self.dialog.open()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.end_label.setText(self.tr("Last 30 days up to:"))
        self.hint.setText(self.tr("Click a bar to see the parcels behind it."))
        self._summary()
        if self.dash is not None:
            self.charts.show_dashboard(self.dash)
