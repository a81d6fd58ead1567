"""The owner's reports: the daily report and the last-30-days trend, with CSV/XLSX/PDF export.

Fast on a station with a million historical parcels: nothing here scans the parcel table.
Every query is an index range (received_at, left_at, the active-status index) or a count over
one. "On the shelf at the end of day D" is derived, not replayed:

    at station at end of D = (active now) − (received after D ended) + (left after D ended)

because a parcel is at the station at a moment exactly when it was received before it and had
not left (left_at) by then. "On the shelf" means at the station: on a shelf, marked for return
or missing (a status of the past is not kept per parcel).
"""

from __future__ import annotations

import csv
import io
import math
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from peewee import JOIN, fn

from station import clock
from station.audit import Actor
from station.domain.cells import csv_row, neutralise_workbook
from station.i18n import N_, tr
from station.models import (
    PICKED_UP,
    RETURNED,
    Carrier,
    DayClose,
    Parcel,
    Pickup,
    Staff,
    Ticket,
    active_clause,
)
from station.services import ledger, report_safety, sends_handover, settings

UNKNOWN_CLERK = "(unknown)"
_WIDE = 20_000  # rows: beyond this, "left after the day" is no longer the narrow range
MAX_TREND_DAYS = 366


def _rows(query: Any) -> Iterator[tuple[Any, ...]]:
    """A query's rows as plain tuples (no model instances: cheaper, and typed)."""
    return iter(query.tuples())


@dataclass(frozen=True)
class DailyReport:
    date: str
    received: int
    collected: int
    returned: int
    on_shelf: int
    overdue: int
    collected_fen: dict[str, int]
    collected_total_fen: int
    avg_dwell_hours: float | None
    p90_dwell_hours: float | None
    by_carrier: dict[str, dict[str, int]]
    by_clerk: dict[str, dict[str, int]]
    tickets_opened: int
    tickets_closed: int
    pickups: int = 0
    day_closed: bool = False
    station_name: str = ""
    generated_at: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    # Outgoing sends taken that day (voided ones apart) and their revenue (see sends_handover).
    sends: int = 0
    sends_voided: int = 0
    sends_fen: int = 0
    sends_handed_over: int = 0
    sends_by_carrier: dict[str, dict[str, int]] = field(default_factory=dict)
    sends_by_clerk: dict[str, int] = field(default_factory=dict)
    # Per clerk: hand-ticks (with reasons) and near misses (see report_safety).
    safety: dict[str, dict[str, Any]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("extra")
        return data


@dataclass(frozen=True)
class TrendPoint:
    date: str
    received: int
    collected: int
    returned: int
    on_shelf: int
    avg_dwell_hours: float | None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


# -- figures ----------------------------------------------------------------------------------


def _hours(delta: timedelta) -> float:
    return delta.total_seconds() / 3600


def dwell_stats(hours: list[float]) -> tuple[float | None, float | None]:
    """(mean, 90th percentile by nearest rank), both rounded to 0.01 h; None when empty."""
    if not hours:
        return None, None
    ordered = sorted(hours)
    p90 = ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)]
    return round(sum(ordered) / len(ordered), 2), round(p90, 2)


def _left_after(moment: datetime) -> int:
    return Parcel.select().where(Parcel.left_at >= moment).count()


def at_station_at(moment: datetime, left_after: int | None = None) -> int:
    """How many parcels were at the station (received, not yet left) at `moment`."""
    active = Parcel.select().where(active_clause()).count()
    received_after = Parcel.select().where(Parcel.received_at >= moment).count()
    if left_after is None:
        left_after = _left_after(moment)
    return active - received_after + left_after


def _retention_cutoffs(day: date) -> dict[str, datetime]:
    """Per carrier: a parcel received before this moment is overdue at the end of `day`
    (it has been at the station for its carrier's retention days or more, counted by local
    days as `returns.overdue` does)."""
    return {
        code: clock.day_bounds(day - timedelta(days=days - 1))[0]
        for code, days in _rows(Carrier.select(Carrier.code, Carrier.retention_days))
    }


def _unindexed(column: Any) -> Any:
    return fn.COALESCE(column, column)


def _overdue_at_end(day: date, end: datetime, left_after: int | None = None) -> Counter[str]:
    cutoffs = _retention_cutoffs(day)
    if not cutoffs:
        return Counter()
    latest = min(max(cutoffs.values()), end)
    still_here = _rows(
        Parcel.select(Parcel.carrier, Parcel.received_at).where(
            active_clause(), Parcel.received_at < latest
        )
    )
    # Parcels that were here at the end of the day and have left since: the (left_at,
    # received_at) index answers this from the index alone even for days long ago (30 ms on
    # 1M parcels, against 660 ms walking received_at). COALESCE keeps SQLite's planner, which
    # has no statistics, off the received_at index.
    condition = (Parcel.left_at >= end) & (_unindexed(Parcel.received_at) < latest)
    left_later = _rows(Parcel.select(Parcel.carrier, Parcel.received_at).where(condition))
    counts: Counter[str] = Counter()
    for rows in (still_here, left_later):
        for carrier, received_at in rows:
            cutoff = cutoffs.get(carrier)
            if cutoff is not None and received_at < cutoff:
                counts[carrier] += 1
    return counts


def figures(day: date) -> dict[str, Any]:
    """The daily figures of `day` (the station's local day) with no role check: for the
    report, the Z-report and charts."""
    start, end = clock.day_bounds(day)
    names = dict(_rows(Staff.select(Staff.id, Staff.name)))

    by_carrier: dict[str, Counter[str]] = {}
    by_clerk: dict[str, Counter[str]] = {}

    def bump(table: dict[str, Counter[str]], key: str, what: str) -> None:
        table.setdefault(key, Counter())[what] += 1

    received = 0
    rows = _rows(
        Parcel.select(Parcel.carrier, Parcel.received_by).where(
            Parcel.received_at >= start, Parcel.received_at < end
        )
    )
    for carrier, staff_id in rows:
        received += 1
        bump(by_carrier, carrier, "received")
        bump(by_clerk, names.get(staff_id, UNKNOWN_CLERK), "received")

    collected = returned = 0
    dwell: list[float] = []
    pickups: set[int] = set()
    rows = _rows(
        Parcel.select(
            Parcel.carrier,
            Parcel.status,
            Parcel.received_at,
            Parcel.picked_up_at,
            Parcel.pickup,
            Pickup.staff,
        )
        .join(Pickup, JOIN.LEFT_OUTER, on=(Parcel.pickup == Pickup.id))
        .where(Parcel.left_at >= start, Parcel.left_at < end)
    )
    for carrier, status, received_at, picked_up_at, pickup_id, staff_id in rows:
        if status == PICKED_UP:
            collected += 1
            bump(by_carrier, carrier, "collected")
            bump(by_clerk, names.get(staff_id, UNKNOWN_CLERK), "collected")
            dwell.append(_hours(picked_up_at - received_at))
            if pickup_id is not None:
                pickups.add(pickup_id)
        elif status == RETURNED:
            returned += 1
            bump(by_carrier, carrier, "returned")

    left_after = _left_after(end)
    overdue = _overdue_at_end(day, end, left_after)
    for carrier, n in overdue.items():
        by_carrier.setdefault(carrier, Counter())["overdue"] = n

    money = ledger.totals_by_method(day)
    avg, p90 = dwell_stats(dwell)
    return {
        "date": day.isoformat(),
        "received": received,
        "collected": collected,
        "returned": returned,
        "on_shelf": at_station_at(end, left_after),
        "overdue": sum(overdue.values()),
        "collected_fen": money,
        "collected_total_fen": sum(money.values()),
        "avg_dwell_hours": avg,
        "p90_dwell_hours": p90,
        "by_carrier": {
            code: {k: c[k] for k in ("received", "collected", "returned", "overdue")}
            for code, c in sorted(by_carrier.items())
        },
        "by_clerk": {
            name: {k: c[k] for k in ("received", "collected")}
            for name, c in sorted(by_clerk.items())
        },
        "tickets_opened": Ticket.select()
        .where(Ticket.opened_at >= start, Ticket.opened_at < end)
        .count(),
        "tickets_closed": Ticket.select()
        .where(Ticket.resolved_at >= start, Ticket.resolved_at < end)
        .count(),
        "pickups": len(pickups),
        "day_closed": DayClose.select().where(DayClose.day == day).exists(),
        **sends_handover.day_figures(start, end),
        **report_safety.day_figures(start, end),
    }


def daily(actor: Actor, day: date | None = None) -> DailyReport:
    """The owner's daily report for `day` (default: today, the station's local day)."""
    actor.require_owner(N_("see the daily report"))
    day = day or clock.local_day()
    data = figures(day)
    return DailyReport(
        **data,
        station_name=str(settings.get("station_name") or ""),
        generated_at=clock.iso(clock.now()),
    )


def trend(actor: Actor, days: int = 30, end_day: date | None = None) -> list[TrendPoint]:
    """One point per day for the charts (in vs out, dwell time, shelf occupancy), oldest first.

    Two range reads over the period and one occupancy count at its end; occupancy of the
    earlier days is rolled back from there (at end of D−1 = at end of D − in(D) + out(D))."""
    actor.require_owner(N_("see the reports"))
    if not 1 <= days <= MAX_TREND_DAYS:
        from station.errors import InvalidInput

        raise InvalidInput(
            tr(
                "A trend covers 1 to {max_trend_days} days.",
                max_trend_days=MAX_TREND_DAYS,
            )
        )
    last = end_day or clock.local_day()
    dates = [last - timedelta(days=days - 1 - i) for i in range(days)]
    bounds = [clock.day_bounds(d)[0] for d in dates] + [clock.day_bounds(last)[1]]
    start, end = bounds[0], bounds[-1]

    def bucket(moment: datetime) -> int:
        return bisect_right(bounds, moment) - 1

    received = [0] * days
    for (received_at,) in _rows(
        Parcel.select(Parcel.received_at).where(
            Parcel.received_at >= start, Parcel.received_at < end
        )
    ):
        received[bucket(received_at)] += 1
    collected, returned = [0] * days, [0] * days
    dwell: list[list[float]] = [[] for _ in range(days)]
    for status, left_at, received_at in _rows(
        Parcel.select(Parcel.status, Parcel.left_at, Parcel.received_at).where(
            Parcel.left_at >= start, Parcel.left_at < end
        )
    ):
        i = bucket(left_at)
        if status == PICKED_UP:
            collected[i] += 1
            dwell[i].append(_hours(left_at - received_at))
        elif status == RETURNED:
            returned[i] += 1

    occupancy = [0] * days
    here = at_station_at(end)
    for i in range(days - 1, -1, -1):
        occupancy[i] = here
        here = here - received[i] + collected[i] + returned[i]
    return [
        TrendPoint(
            dates[i].isoformat(),
            received[i],
            collected[i],
            returned[i],
            occupancy[i],
            dwell_stats(dwell[i])[0],
        )
        for i in range(days)
    ]


# -- exports ----------------------------------------------------------------------------------

LABELS: dict[str, tuple[str, str]] = {
    "date": ("日期", "Date"),
    "received": ("入库", "Received"),
    "collected": ("出库(取件)", "Collected"),
    "returned": ("退回", "Returned"),
    "on_shelf": ("日终在库", "At station at close"),
    "overdue": ("滞留", "Overdue"),
    "collected_total_fen": ("收款合计", "Money taken"),
    "avg_dwell_hours": ("平均在库时长(小时)", "Average time on shelf (h)"),
    "p90_dwell_hours": ("90%在库时长(小时)", "90th percentile time on shelf (h)"),
    "tickets_opened": ("新建工单", "Tickets opened"),
    "tickets_closed": ("已解决工单", "Tickets resolved"),
    "pickups": ("取件次数", "Hand-overs"),
    "day_closed": ("已日结", "Day closed"),
    "sends": ("寄件", "Sends"),
    "sends_voided": ("作废寄件", "Sends voided"),
    "sends_handed_over": ("寄件交接", "Sends handed over"),
    "sends_fen": ("寄件收入", "Send revenue"),
}
METHOD_LABELS = {
    "cash": ("现金", "Cash"),
    "wechat": ("微信", "WeChat Pay"),
    "alipay": ("支付宝", "Alipay"),
    "card": ("刷卡", "Card"),
}
SCALARS = (
    "received",
    "collected",
    "returned",
    "on_shelf",
    "overdue",
    "pickups",
    "avg_dwell_hours",
    "p90_dwell_hours",
    "tickets_opened",
    "tickets_closed",
    "day_closed",
    "sends",
    "sends_voided",
    "sends_handed_over",
)


def _label(key: str) -> str:
    zh, en = LABELS.get(key, (key, key))
    return f"{zh} {en}"


def _yuan(fen: int) -> Decimal:
    return Decimal(fen) / 100


def _csv_rows(report: DailyReport) -> list[list[Any]]:
    """Long format, one fact a row: section, key, metric, value."""
    rows: list[list[Any]] = [["section", "key", "metric", "value"]]
    rows.append(["summary", "", "date", report.date])
    rows.append(["summary", "", "station", report.station_name])
    for key in SCALARS:
        value = getattr(report, key)
        rows.append(["summary", "", key, "" if value is None else value])
    for method, fen in report.collected_fen.items():
        rows.append(["payments", method, "fen", fen])
    rows.append(["payments", "total", "fen", report.collected_total_fen])
    rows.append(["sends", "total", "fen", report.sends_fen])
    for code, counts in report.sends_by_carrier.items():
        for metric, n in counts.items():
            rows.append(["sends", code, metric, n])
    for code, counts in report.by_carrier.items():
        for metric, n in counts.items():
            rows.append(["carrier", code, metric, n])
    for name, counts in report.by_clerk.items():
        for metric, n in counts.items():
            rows.append(["clerk", name, metric, n])
    rows += report_safety.csv_rows(report.safety)
    return rows


def write_csv(report: DailyReport, path: Path | str) -> Path:
    """UTF-8 with a BOM, so Excel on a Chinese Windows opens it with the right characters."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(csv_row(r) for r in _csv_rows(report))
    return _write_atomic(Path(path), buf.getvalue().encode("utf-8-sig"))


def _write_atomic(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    return path


def write_xlsx(report: DailyReport, path: Path | str) -> Path:
    """Sheets Summary, Payments, Carriers, Clerks: typed cells, frozen header, set widths."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    bold = Font(bold=True)
    money = "#,##0.00"

    def sheet(
        title: str,
        header: list[str],
        rows: list[list[Any]],
        widths: list[int],
        formats: dict[int, str] | None = None,
        first: bool = False,
    ) -> None:
        ws = wb.active if first else wb.create_sheet()
        assert ws is not None
        ws.title = title
        ws.append(header)
        for cell in ws[1]:
            cell.font = bold
        for row in rows:
            ws.append(row)
        for col, fmt in (formats or {}).items():
            for (cell,) in ws.iter_rows(min_row=2, min_col=col, max_col=col):
                cell.number_format = fmt
        for i, w in enumerate(widths, start=1):
            ws.column_dimensions[chr(64 + i)].width = w
        ws.freeze_panes = "A2"

    day = date.fromisoformat(report.date)
    summary: list[list[Any]] = [[_label("date"), day]]
    summary += [[_label(k), getattr(report, k)] for k in SCALARS]
    summary.append([_label("collected_total_fen"), _yuan(report.collected_total_fen)])
    sheet("Summary", ["项目 Item", "数值 Value"], summary, [34, 16], first=True)
    ws = wb["Summary"]
    ws["B2"].number_format = "yyyy-mm-dd"
    ws.cell(row=len(summary) + 1, column=2).number_format = money

    payments = [
        [" ".join(METHOD_LABELS.get(m, (m, m))), m, fen, _yuan(fen)]
        for m, fen in report.collected_fen.items()
    ]
    total = report.collected_total_fen
    payments.append(["合计 Total", "", total, _yuan(total)])
    sheet(
        "Payments",
        ["方式 Method", "code", "分 Fen", "元 Yuan"],
        payments,
        [18, 10, 12, 14],
        {4: money},
    )
    carriers = [
        [code, c["received"], c["collected"], c["returned"], c["overdue"]]
        for code, c in report.by_carrier.items()
    ]
    sheet(
        "Carriers",
        [
            "快递 Carrier",
            _label("received"),
            _label("collected"),
            _label("returned"),
            _label("overdue"),
        ],
        carriers,
        [14, 14, 20, 14, 14],
    )
    clerks = [[name, c["received"], c["collected"]] for name, c in report.by_clerk.items()]
    sheet("Clerks", ["店员 Clerk", _label("received"), _label("collected")], clerks, [20, 14, 20])
    header, safety = report_safety.sheet_rows(report.safety)
    sheet("Safety", header, safety, [16, 22, 12, 12, 12, 12, 12, 50])
    wb.properties.title = f"Daily report {report.date}"
    buf = io.BytesIO()
    neutralise_workbook(wb)  # a name like =HYPERLINK(…) stays text
    wb.save(buf)
    return _write_atomic(Path(path), buf.getvalue())


def _pdf_font() -> tuple[str, Any]:
    """(font name, text cleaner): the station's embedded CJK font, else reportlab's built-in
    STSong-Light CID font (renders Chinese on any reader, embeds nothing)."""
    try:
        from station.documents import fonts

        fonts.register()
        return fonts.SANS, fonts.clean
    except Exception:  # pragma: no cover - only when the font files are missing
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont

        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
        return "STSong-Light", lambda text: text


def write_pdf(report: DailyReport, path: Path | str) -> Path:
    """An A4 page (or more) for the office printer; Chinese text embedded."""
    from station.preload import warm_up

    warm_up()  # reportlab is imported by one thread only: see station/preload.py
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    font, clean = _pdf_font()
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A4, pageCompression=1, invariant=1)
    c.setTitle(f"Daily report {report.date}")
    c.setAuthor("Parcel Station")
    width, height = A4
    left, right, top, bottom = 18 * mm, width - 18 * mm, height - 18 * mm, 18 * mm
    y = top

    def need(space: float) -> None:
        nonlocal y
        if y - space < bottom:
            c.showPage()
            y = top

    def text(x: float, s: str, size: float = 10, align: str = "left") -> None:
        c.setFont(font, size)
        s = clean(s)
        if align == "right":
            c.drawRightString(x, y, s)
        else:
            c.drawString(x, y, s)

    def table(title: str, header: list[str], rows: list[list[str]], cols: list[float]) -> None:
        nonlocal y
        need(14 * mm)
        y -= 8 * mm
        text(left, title, 12)
        y -= 6 * mm
        for r, row in enumerate([header, *rows]):
            need(6 * mm)
            for i, cell in enumerate(row):
                x = left + cols[i]
                text(x, cell, 9.5, "right" if i else "left")
            if r == 0:
                c.setLineWidth(0.5)
                c.line(left, y - 1.8 * mm, right, y - 1.8 * mm)
            y -= 5.5 * mm

    text(left, f"每日报表 Daily report  {report.date}", 16)
    y -= 7 * mm
    text(left, f"{report.station_name}    生成 Generated {report.generated_at or ''}", 9)
    y -= 2 * mm

    def fmt(key: str) -> str:
        value = getattr(report, key)
        if value is None:
            return "—"
        if isinstance(value, bool):
            return "是 Yes" if value else "否 No"
        return f"{value:.2f}" if isinstance(value, float) else str(value)

    summary = [[_label(k), fmt(k)] for k in SCALARS]
    summary.append([_label("sends_fen"), f"¥{_yuan(report.sends_fen):,.2f}"])
    table("概况 Summary", ["项目 Item", "数值 Value"], summary, [0, 120 * mm])
    pay = [
        [" ".join(METHOD_LABELS.get(m, (m, m))), f"¥{_yuan(fen):,.2f}"]
        for m, fen in report.collected_fen.items()
    ]
    pay.append(["合计 Total", f"¥{_yuan(report.collected_total_fen):,.2f}"])
    table("收款 Money by method", ["方式 Method", "金额 Amount"], pay, [0, 120 * mm])
    carriers = [
        [code, str(v["received"]), str(v["collected"]), str(v["returned"]), str(v["overdue"])]
        for code, v in report.by_carrier.items()
    ]
    table(
        "按快递公司 By carrier",
        ["快递 Carrier", "入库 In", "出库 Out", "退回 Returned", "滞留 Overdue"],
        carriers,
        [0, 60 * mm, 90 * mm, 120 * mm, 150 * mm],
    )
    clerks = [
        [name, str(v["received"]), str(v["collected"])] for name, v in report.by_clerk.items()
    ]
    table("按店员 By clerk", ["店员 Clerk", "入库 In", "出库 Out"], clerks, [0, 90 * mm, 120 * mm])
    header, safety = report_safety.pdf_rows(report.safety)
    cols = [0, 70 * mm, 90 * mm, 110 * mm, 130 * mm, 150 * mm]
    table("手动勾选与险情 Hand-ticks and near-misses", header, safety or [["—"]], cols)
    for line in report_safety.pdf_details(report.safety):
        need(6 * mm)
        text(left, line[:90], 8.5)
        y -= 5 * mm
    c.showPage()
    c.save()
    return _write_atomic(Path(path), buf.getvalue())


def export(report: DailyReport, path: Path | str) -> Path:
    """Write the report in the format the file name asks for (.pdf, .csv or .xlsx)."""
    suffix = Path(path).suffix.lower()
    writers = {".pdf": write_pdf, ".csv": write_csv, ".xlsx": write_xlsx}
    if suffix not in writers:
        from station.errors import InvalidInput

        raise InvalidInput(tr("Choose a file name ending in .pdf, .csv or .xlsx for the report."))
    return writers[suffix](report, path)
