"""The day-close Z-report (日结报告): expected vs counted money by method, variance, counts.

Printed on A4 for the owner's file, or on the 80 mm receipt roll at the counter.
"""

from __future__ import annotations

from pathlib import Path

from station.documents import fmt
from station.documents.barcodes import MM
from station.documents.data import ZReportData
from station.documents.flow import (
    A4,
    KV,
    ROLL_80,
    Block,
    Code128,
    Column,
    Flow,
    Para,
    Rule,
    Signatures,
    Space,
    Table,
    info_grid,
    page_footer,
)
from station.documents.receipt import ROLL_MARGINS
from station.errors import InvalidInput
from station.i18n import tr

A4_MARGINS = (16 * MM, 16 * MM, 18 * MM, 16 * MM)
METHOD_ORDER = ("cash", "wechat", "alipay", "card")
PAPERS = ("A4", "80mm")


def _methods(data: ZReportData) -> list[str]:
    keys = set(data.expected_fen) | set(data.counted_fen)
    return [m for m in METHOD_ORDER if m in keys] + sorted(keys - set(METHOD_ORDER))


def _money_rows(data: ZReportData) -> list[list[str]]:
    rows = []
    te = tc = 0
    for m in _methods(data):
        e, c = int(data.expected_fen.get(m, 0)), int(data.counted_fen.get(m, 0))
        te, tc = te + e, tc + c
        rows.append([fmt.method(m), fmt.yuan(e), fmt.yuan(c), fmt.yuan(c - e, sign=True)])
    rows.append(["合计 Total", fmt.yuan(te), fmt.yuan(tc), fmt.yuan(tc - te, sign=True)])
    return rows


def z_report_flow(data: ZReportData, paper: str = "A4") -> Flow:
    if paper not in PAPERS:
        raise InvalidInput(
            tr(
                "Unknown paper {paper!r}; use A4 or 80mm.",
                paper=paper,
            ),
            paper=paper,
        )
    roll = paper == "80mm"
    body = 8.5 if roll else 10.0
    if roll:
        f = Flow(ROLL_80, None, ROLL_MARGINS)
    else:
        label = f"Z {data.z_no or fmt.when(data.date)}"
        f = Flow(A4[0], A4[1], A4_MARGINS, footer=page_footer(label), footer_height=6 * MM)
    f.add(Para(data.station_name, 12 if roll else 13, bold=True, align="center"))
    f.add(Para("日结报告 Z-REPORT", 11 if roll else 18, bold=True, align="center", space_after=3))
    if data.reprint:
        f.add(Para("补打 REPRINT", 9, bold=True, align="center", inverse=True, space_after=3))
    pairs = [("营业日 Business day", fmt.when(data.date))]
    if data.z_no:
        pairs.append(("日结号 Z No.", data.z_no))
    pairs += [
        ("日结店员 Closed by", data.clerk),
        ("日结时间 Closed at", fmt.when(data.at, seconds=True)),
    ]
    head: list[Block] = (
        [KV(k, v, body, bold=i == 0) for i, (k, v) in enumerate(pairs)]
        if roll
        else list(info_grid(pairs, body))
    )
    f.add(*head, Rule())
    cols = (
        Column("方式 Method", 0.31 if roll else 0.34),
        Column("应有 Expected", 0.23 if roll else 0.22, "right"),
        Column("实点 Counted", 0.23 if roll else 0.22, "right"),
        Column("差额 Variance", 0.23 if roll else 0.22, "right"),
    )
    f.add(
        Para("现金与收款 Money by method", body + 1, bold=True, keep_with_next=True, space_after=2)
    )
    f.add(
        Table(
            cols,
            _money_rows(data),
            size=body - (1.5 if roll else 0),
            bold_last=True,
            shade=not roll,
            pad=1.2 if roll else 2.5,
        )
    )
    v = data.variance_fen
    f.add(Space(4))
    state = "平 Balanced" if v == 0 else ("长款 Over" if v > 0 else "短款 Short")
    f.add(KV(f"差额 Variance ({state})", fmt.yuan(v, sign=True), body + 1.5, bold=True))
    if v != 0 or data.variance_reason:
        f.add(
            Para(
                f"差额原因 Reason: {data.variance_reason or '未填写 not given'}",
                body,
                space_after=2,
            )
        )
    if data.counts:
        f.add(
            Rule(), Para("业务量 Counts", body + 1, bold=True, keep_with_next=True, space_after=2)
        )
        count_cols = (Column("项目 Item", 0.7), Column("数量 Count", 0.3, "right"))
        rows = [[fmt.count_label(k), str(n)] for k, n in data.counts.items()]
        f.add(
            Table(
                count_cols,
                rows,
                size=body - (1 if roll else 0),
                shade=not roll,
                pad=1.2 if roll else 2.5,
            )
        )
    f.add(Space(6, keep_with_next=True), Rule(weight=0.3, keep_with_next=True))
    if roll:
        f.add(
            Signatures(["店员 Clerk"], size=8, gap=12 * MM),
            Signatures(["站长 Owner"], size=8, gap=12 * MM),
        )
        if data.z_no:
            f.add(Code128(data.z_no, height=8 * MM, max_module_dots=2, size=7.5))
    else:
        f.add(Signatures(["日结店员 Clerk 签字 Sign", "站长 Owner 签字 Sign"]))
    return f


def render_z_report(data: ZReportData, out: Path | None = None, paper: str = "A4") -> bytes:
    """The Z-report as PDF bytes on ``paper`` "A4" or "80mm" (also written to ``out``)."""
    return z_report_flow(data, paper).render(f"Z-report {fmt.when(data.date)}", out)
