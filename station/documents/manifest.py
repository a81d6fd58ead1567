"""Courier hand-over manifests on A4: returns (退件交接单) and outgoing sends (寄件交接单).

One row per parcel with its tracking number as Code 128 (so the courier can scan the sheet),
counts by reason, and signature lines for the station clerk and the courier.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from station.documents import fmt
from station.documents.barcodes import MM
from station.documents.data import ManifestData
from station.documents.flow import (
    A4,
    BarcodeCell,
    Block,
    Cell,
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
from station.errors import InvalidInput
from station.i18n import tr

MARGINS = (14 * MM, 14 * MM, 18 * MM, 14 * MM)
TITLES = {
    "return": "退件交接单 RETURN HAND-OVER MANIFEST",
    "send": "寄件交接单 OUTGOING HAND-OVER MANIFEST",
    "mixed": "退件及寄件交接单 RETURNS & SENDS HAND-OVER MANIFEST",
}

COLUMNS = (
    Column("#", 0.05),
    Column("运单号 Tracking", 0.39),
    Column("货位 Slot", 0.10),
    Column("原因 Reason", 0.19),
    Column("入库 Received", 0.12),
    Column("重量 Weight\n备注 Note", 0.15),
)


def _info(data: ManifestData) -> list[Block]:
    courier = data.courier_name
    if data.courier_phone:
        courier += f"  {fmt.mask_phone(data.courier_phone)}"
    pairs = [
        ("单号 Manifest No.", data.manifest_no),
        ("快递公司 Carrier", data.carrier),
        ("快递员 Courier", courier),
        ("驿站 Station", data.station_name),
        ("时间 Time", fmt.when(data.at)),
        ("经办 Clerk", data.clerk),
    ]
    return list(info_grid(pairs, 10))


def manifest_flow(data: ManifestData) -> Flow:
    if not data.parcels:
        raise InvalidInput(
            tr("A manifest needs at least one parcel."), manifest_no=data.manifest_no
        )
    f = Flow(A4[0], A4[1], MARGINS, footer=page_footer(data.manifest_no), footer_height=6 * MM)
    f.add(Para(TITLES.get(data.kind, data.kind), 16, bold=True, align="center", space_after=4))
    f.add(Code128(data.manifest_no, height=9 * MM, max_module_dots=2, size=8, align="right"))
    f.add(*_info(data), Space(6))
    rows: list[list[Cell]] = []
    for i, p in enumerate(data.parcels, start=1):
        extra = "\n".join(x for x in (fmt.weight(p.weight_g), p.note) if x)
        rows.append(
            [
                str(i),
                BarcodeCell(p.tracking, height=9 * MM),
                p.slot,
                p.reason,
                p.received_at.strftime("%Y-%m-%d\n%H:%M") if p.received_at else "",
                extra,
            ]
        )
    f.add(Table(COLUMNS, rows, size=9))
    by_reason = Counter(p.reason for p in data.parcels if p.reason)
    f.add(
        Space(6),
        Para(f"合计 Total: {len(data.parcels)} 件 parcels", 11, bold=True, keep_with_next=True),
    )
    if by_reason:
        f.add(
            Para(
                "  ".join(f"{r}: {n}" for r, n in sorted(by_reason.items())),
                9.5,
                keep_with_next=True,
            )
        )
    if data.notes:
        f.add(
            Space(3, keep_with_next=True),
            Para(f"备注 Notes: {data.notes}", 9.5, keep_with_next=True),
        )
    f.add(
        Space(4, keep_with_next=True),
        Para(
            "以上包裹已当面点清交接 The parcels above were counted and handed over in person.",
            9,
            keep_with_next=True,
        ),
        Rule(space=4, weight=0.3, keep_with_next=True),
        Signatures(
            ["驿站经办 Station clerk 签字/日期 Sign/Date", "快递员 Courier 签字/日期 Sign/Date"]
        ),
    )
    return f


def render_manifest(data: ManifestData, out: Path | None = None) -> bytes:
    """The hand-over manifest as an A4 PDF (bytes; also written to ``out`` if given)."""
    return manifest_flow(data).render(f"Manifest {data.manifest_no}", out)
