"""The stocktake sign-off report (盘点报告) on A4: expected vs found, the missing, misplaced,
unknown and recovered parcels, and the owner's sign-off with an optional drawn signature.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from station.documents import fmt
from station.documents.barcodes import MM
from station.documents.flow import (
    A4,
    Block,
    Column,
    Flow,
    Para,
    Picture,
    Rule,
    Signatures,
    Space,
    Table,
    info_grid,
    page_footer,
)

MARGINS = (16 * MM, 16 * MM, 18 * MM, 16 * MM)


@dataclass(frozen=True)
class MisplacedLine:
    tracking: str
    expected_slot: str
    found_slot: str
    moved: bool


@dataclass(frozen=True)
class StocktakeReportData:
    """One reconciled stocktake as its sign-off report shows it."""

    report_no: str  # e.g. "ST-2024-05-000123" (the reconcile event's number)
    station_name: str
    period: str  # "2024-05"
    scope: str  # "" = the whole station, else the shelf name
    reconciled_at: datetime
    reconciled_by: str
    expected: int
    found: int
    missing: Sequence[str] = ()
    misplaced: Sequence[MisplacedLine] = ()
    unknown: Sequence[str] = ()
    recovered: Sequence[str] = ()
    signed_by: str = ""
    signed_at: datetime | None = None
    note: str = ""
    signature_png: bytes | None = None


def _list_table(title: str, items: Sequence[str], body: float) -> list[Block | Table]:
    if not items:
        return []
    rows: list[list[str]] = [[str(i), t] for i, t in enumerate(items, start=1)]
    return [
        Para(f"{title} ({len(items)})", body + 1, bold=True, keep_with_next=True, space_after=2),
        Table(
            (Column("#", 0.08), Column("运单号 / 扫描内容 Tracking / scan", 0.92)),
            rows,
            size=body - 0.5,
        ),
        Space(6),
    ]


def stocktake_flow(data: StocktakeReportData) -> Flow:
    body = 10.0
    f = Flow(A4[0], A4[1], MARGINS, footer=page_footer(data.report_no), footer_height=6 * MM)
    f.add(Para(data.station_name, 13, bold=True, align="center"))
    f.add(Para("月末盘点报告 MONTH-END STOCKTAKE", 18, bold=True, align="center", space_after=4))
    pairs = [
        ("报告号 Report No.", data.report_no),
        ("月份 Period", data.period),
        ("范围 Scope", f"货架 Shelf {data.scope}" if data.scope else "全站 Whole station"),
        ("盘点时间 Counted at", fmt.when(data.reconciled_at)),
        ("盘点人 Counted by", data.reconciled_by),
        ("签字时间 Signed at", fmt.when(data.signed_at) if data.signed_at else ""),
    ]
    f.add(*info_grid(pairs, body), Rule())
    diff = data.found - data.expected
    summary = [
        ["应在架 Expected", str(data.expected)],
        ["已找到 Found", str(data.found)],
        ["差异 Difference", f"{diff:+d}"],
        ["缺失 Missing (marked MISSING)", str(len(data.missing))],
        ["错位 Misplaced", str(len(data.misplaced))],
        ["未知 Unknown (not at the station)", str(len(data.unknown))],
        ["找回 Recovered", str(len(data.recovered))],
    ]
    f.add(Para("汇总 Summary", body + 1, bold=True, keep_with_next=True, space_after=2))
    f.add(Table((Column("项目 Item", 0.7), Column("数量 Count", 0.3, "right")), summary, size=body))
    f.add(Space(8))
    f.add(*_list_table("缺失 Missing", data.missing, body))
    if data.misplaced:
        rows = [
            [
                str(i),
                m.tracking,
                m.expected_slot or "—",
                m.found_slot or "?",
                "已移 moved" if m.moved else "待放回 put back",
            ]
            for i, m in enumerate(data.misplaced, start=1)
        ]
        f.add(
            Para(
                f"错位 Misplaced ({len(rows)})",
                body + 1,
                bold=True,
                keep_with_next=True,
                space_after=2,
            )
        )
        f.add(
            Table(
                (
                    Column("#", 0.08),
                    Column("运单号 Tracking", 0.4),
                    Column("原货位 Was", 0.14),
                    Column("实际 Found", 0.14),
                    Column("处理 Action", 0.24),
                ),
                rows,
                size=body - 0.5,
            )
        )
        f.add(Space(6))
    f.add(*_list_table("未知 Unknown", data.unknown, body))
    f.add(*_list_table("找回 Recovered", data.recovered, body))
    if data.note:
        f.add(Para(f"站长备注 Owner's note: {data.note}", body, space_after=4))
    f.add(
        Space(4, keep_with_next=True),
        Para("本人已核对以上盘点结果 I have checked the stocktake above.", 9, keep_with_next=True),
        Rule(space=4, weight=0.3, keep_with_next=True),
    )
    if data.signature_png:
        f.add(
            Para(f"站长签字 Owner's signature: {data.signed_by}", 9, keep_with_next=True),
            Picture(data.signature_png, max_height=22 * MM, max_width=80 * MM),
        )
    else:
        label = f"站长 Owner {data.signed_by} 签字/日期 Sign/Date".replace("  ", " ")
        f.add(Signatures([label]))
    return f


def render_stocktake_report(data: StocktakeReportData, out: Path | None = None) -> bytes:
    """The sign-off report as A4 PDF bytes (also written to ``out`` if given)."""
    return stocktake_flow(data).render(f"Stocktake {data.report_no}", out)
