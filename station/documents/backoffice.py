"""The back office's A4 documents: the owner's daily report with the dashboard's charts,
and a carrier's settlement statement to sign."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from station.documents import fmt
from station.documents.barcodes import MM
from station.documents.flow import (
    A4,
    Column,
    Flow,
    Para,
    Picture,
    Signatures,
    Space,
    Table,
    info_grid,
    page_footer,
)

MARGINS = (16 * MM, 16 * MM, 18 * MM, 16 * MM)
LABELS = {
    "received": "入库 Received",
    "collected": "出库(取件) Collected",
    "returned": "退回 Returned",
    "on_shelf": "日终在库 At station at close",
    "overdue": "滞留 Overdue",
    "pickups": "取件次数 Hand-overs",
    "avg_dwell_hours": "平均在库时长(小时) Average time on shelf (h)",
    "p90_dwell_hours": "90%在库时长(小时) 90th percentile time on shelf (h)",
    "tickets_opened": "新建工单 Tickets opened",
    "tickets_closed": "已解决工单 Tickets resolved",
    "day_closed": "已日结 Day closed",
}
SCALARS = tuple(LABELS)


def _label(key: str) -> str:
    return LABELS.get(key, key)


def _money(fen: int) -> str:
    return fmt.yuan(fen)


def _when(iso: str | None) -> str:
    """ "2026-11-26T07:17:33+08:00" → "2026-11-26 07:17" (already the station's time)."""
    return (iso or "")[:16].replace("T", " ")


def daily_report_pdf(report: Any, charts: Sequence[tuple[str, bytes]], out: Path | str) -> Path:
    """The daily report on A4 for the office printer: the figures as tables, then each chart
    (title, PNG) the screen drew, one under the other."""

    flow = Flow(
        A4[0],
        A4[1],
        MARGINS,
        footer=page_footer(f"{report.station_name} {report.date}"),
        footer_height=6 * MM,
    )
    flow.add(Para(report.station_name, 12, bold=True, align="center"))
    flow.add(
        Para(f"每日报表 Daily report  {report.date}", 17, bold=True, align="center", space_after=2)
    )
    flow.add(
        Para(f"生成 Generated {_when(report.generated_at)}", 8.5, align="center", space_after=6)
    )

    def value(key: str) -> str:
        v = getattr(report, key)
        if v is None:
            return "—"
        if isinstance(v, bool):
            return "是 Yes" if v else "否 No"
        return f"{v:.2f}" if isinstance(v, float) else f"{v:,}"

    two = [Column("项目 Item", 0.7), Column("数值 Value", 0.3, "right")]
    summary = [[_label(k), value(k)] for k in SCALARS]
    flow.add(Para("概况 Summary", 12, bold=True, keep_with_next=True, space_after=2))
    flow.add(Table(two, summary, size=9.5))
    pay = [[fmt.method(m), _money(fen)] for m, fen in report.collected_fen.items()]
    pay.append(["合计 Total", _money(report.collected_total_fen)])
    flow.add(
        Space(5 * MM),
        Para("收款 Money by method", 12, bold=True, keep_with_next=True, space_after=2),
    )
    flow.add(
        Table(
            [Column("方式 Method", 0.7), Column("金额 Amount", 0.3, "right")],
            pay,
            size=9.5,
            bold_last=True,
        )
    )
    keys = ("received", "collected", "returned", "overdue")
    cols = [Column("快递 Carrier", 0.28)] + [Column(_label(k), 0.18, "right") for k in keys]
    rows = [[code] + [str(c[k]) for k in keys] for code, c in report.by_carrier.items()]
    flow.add(
        Space(5 * MM),
        Para("按快递公司 By carrier", 12, bold=True, keep_with_next=True, space_after=2),
    )
    flow.add(Table(cols, rows or [["—", "", "", "", ""]], size=9.5))
    clerk_cols = [
        Column("店员 Clerk", 0.4),
        Column(_label("received"), 0.3, "right"),
        Column(_label("collected"), 0.3, "right"),
    ]
    clerks = [[n, str(c["received"]), str(c["collected"])] for n, c in report.by_clerk.items()]
    flow.add(
        Space(5 * MM), Para("按店员 By clerk", 12, bold=True, keep_with_next=True, space_after=2)
    )
    flow.add(Table(clerk_cols, clerks or [["—", "", ""]], size=9.5))
    _safety(flow, getattr(report, "safety", {}) or {})
    for _title, png in charts:  # each picture carries its own title
        flow.add(Space(6 * MM), Picture(png, max_height=82 * MM, frame=False))
    path = Path(out)
    flow.render(f"Daily report {report.date}", path)
    return path


def _safety(flow: Flow, safety: dict[str, Any]) -> None:
    """The per-clerk hand-ticks and near misses, then a line per hand tick and wrong scan."""
    from station.services import report_safety

    header, rows = report_safety.pdf_rows(safety)
    cols = [Column(header[0], 0.25)] + [Column(h, 0.15, "right") for h in header[1:]]
    flow.add(
        Space(5 * MM),
        Para("手动勾选与险情 Hand-ticks and near-misses", 12, bold=True, keep_with_next=True,
             space_after=2),
    )
    flow.add(Table(cols, rows or [["—"] + [""] * (len(header) - 1)], size=9.5))
    for line in report_safety.pdf_details(safety):
        flow.add(Para(line, 8.5))


def settlement_pdf(result: Any, out: Path | str) -> Path:
    """A carrier's settlement statement (settlement.SettlementResult) on A4, to sign."""

    label = f"{result.carrier} {result.date_from}..{result.date_to}"
    flow = Flow(
        A4[0],
        A4[1],
        MARGINS,
        footer=page_footer(label),
        footer_height=6 * MM,
    )
    flow.add(
        Para(
            "快递结算单 Carrier settlement statement", 17, bold=True, align="center", space_after=6
        )
    )
    flow.add(
        *info_grid(
            [
                ("快递公司 Carrier", f"{result.carrier} {result.carrier_name}"),
                ("期间 Period", f"{result.date_from} — {result.date_to}"),
                ("每件费用 Fee per parcel", _money(result.fee_per_parcel_fen)),
                ("每件退回费 Fee per return", _money(result.fee_per_return_fen)),
                ("生成 Generated", _when(result.generated_at)),
                ("应付合计 Owed", _money(result.owed_fen)),
            ]
        )
    )
    cols = [
        Column("日期 Date", 0.17),
        Column("入库件数 Parcels", 0.17, "right"),
        Column("退回件数 Returns", 0.17, "right"),
        Column("入库费 Parcel fees", 0.17, "right"),
        Column("退回费 Return fees", 0.17, "right"),
        Column("应付 Owed", 0.15, "right"),
    ]
    rows = [
        [
            d.date,
            f"{d.parcels:,}",
            f"{d.returns:,}",
            _money(d.parcels * result.fee_per_parcel_fen),
            _money(d.returns * result.fee_per_return_fen),
            _money(d.owed_fen),
        ]
        for d in result.days
    ]
    rows.append(
        [
            "合计 Total",
            f"{result.parcels:,}",
            f"{result.returns:,}",
            _money(result.parcels_fen),
            _money(result.returns_fen),
            _money(result.owed_fen),
        ]
    )
    flow.add(Space(4 * MM), Table(cols, rows, size=9, bold_last=True), Space(10 * MM))
    flow.add(Signatures(["驿站 Station", "快递公司 Carrier"]))
    path = Path(out)
    flow.render(f"Settlement {label}", path)
    return path
