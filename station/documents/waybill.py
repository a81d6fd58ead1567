"""The outgoing waybill (电子面单), 76×130 mm: just a ``layout.Template`` over ``WaybillData``.

Top part for the carrier (sorting code, barcode, addresses, charges, signature), a tear-off
stub for the sender at the bottom. Phones are masked (privacy waybill, 隐私面单).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from station.documents import fmt
from station.documents.data import WaybillData
from station.documents.layout import Barcode, Frame, Line, QRCode, Template, Text, render_pages
from station.errors import InvalidInput
from station.i18n import tr

W, H, M = 76.0, 130.0, 2.0
IN = W - 2 * M

WAYBILL = Template(
    "waybill-76x130",
    W,
    H,
    (
        # header
        Text(M, M, IN * 0.55, 6, text="{carrier}", size=12, min_size=7, bold=True),
        Text(M + IN * 0.55, M, IN * 0.45, 6, text="{created}", size=7.5, min_size=5, align="right"),
        Line(M, 8.5, IN, 0, width=0.8),
        # sorting code (大头笔)
        Text(
            M,
            9,
            IN,
            11,
            text="{dest}",
            size=30,
            min_size=12,
            bold=True,
            align="center",
            cap=True,
            when="dest",
        ),
        Line(M, 20.5, IN, 0, width=0.8),
        # tracking barcode
        Barcode(M, 21.5, IN, 17, value="{tracking}", max_module_dots=3, hr_size=10, hr_bold=True),
        Line(M, 39.5, IN, 0, width=0.8),
        # recipient
        Text(M, 40.5, 6, 6, text="收", size=13, bold=True, inverse=True, align="center"),
        Text(M + 7, 40.5, IN - 7, 6, text="{r_name}  {r_phone}", size=11, min_size=7, bold=True),
        Text(
            M + 7,
            46.5,
            IN - 7,
            11,
            text="{r_addr}",
            size=10,
            min_size=6.5,
            max_lines=3,
            valign="top",
        ),
        Line(M, 58, IN, 0, width=0.4),
        # sender
        Text(M, 59, 6, 5, text="寄", size=11, bold=True, border=0.8, align="center"),
        Text(M + 7, 59, IN - 7, 5, text="{s_name}  {s_phone}", size=9, min_size=6),
        Text(
            M + 7, 64, IN - 7, 7.5, text="{s_addr}", size=8, min_size=5.5, max_lines=2, valign="top"
        ),
        Line(M, 72, IN, 0, width=0.8),
        # charges
        Text(M, 72.5, IN * 0.5, 4.5, text="物品 Contents: {contents}", size=7.5, min_size=5),
        Text(
            M + IN * 0.5,
            72.5,
            IN * 0.5,
            4.5,
            text="重量 Weight: {weight}  件数 Pcs: {pieces}",
            size=7.5,
            min_size=5,
            align="right",
        ),
        Text(M, 77, IN * 0.5, 4.5, text="运费 Freight: {price}", size=7.5, min_size=5),
        Text(
            M + IN * 0.5,
            77,
            IN * 0.5,
            4.5,
            text="保价 Insured: {insured}",
            size=7.5,
            min_size=5,
            align="right",
            when="insured",
        ),
        Text(
            M,
            81.8,
            IN,
            5,
            text="代收货款 COD {cod}",
            size=10,
            min_size=6,
            bold=True,
            inverse=True,
            align="center",
            when="cod",
        ),
        # signature
        Frame(M, 87.5, IN, 11, width=0.6),
        Text(M + 1, 88, IN * 0.6, 4, text="签收人 Received by:", size=7, min_size=5),
        Text(M + IN * 0.55, 94, IN * 0.45 - 1, 4, text="时间 Date:", size=7, min_size=5),
        # tear-off stub for the sender
        Line(0, 100.5, W, 0, width=0.5, dash=3),
        Text(
            M,
            101.5,
            IN * 0.7,
            4.5,
            text="{carrier} · 寄件存根 Sender's copy",
            size=7.5,
            min_size=5,
            bold=True,
        ),
        Text(M, 106, IN - 23, 4, text="收 {r_name}  {r_phone}", size=7.5, min_size=5),
        Text(M, 110, IN - 23, 4, text="{station}", size=7, min_size=5),
        Barcode(
            M, 114.5, IN - 23, 13.5, value="{tracking}", max_module_dots=2, hr_size=7, align="left"
        ),
        QRCode(M + IN - 22, 105.5, 22, 22, value="{tracking}", align="right"),
    ),
)


def waybill_fields(data: WaybillData) -> dict[str, Any]:
    if not data.tracking.strip():
        raise InvalidInput(tr("A waybill needs a tracking number."))
    return {
        "carrier": data.carrier_name,
        "created": fmt.when(data.created_at),
        "dest": data.destination_code,
        "tracking": data.tracking.strip(),
        "r_name": data.recipient_name,
        "r_phone": fmt.mask_phone(data.recipient_phone),
        "r_addr": data.recipient_address,
        "s_name": data.sender_name,
        "s_phone": fmt.mask_phone(data.sender_phone),
        "s_addr": data.sender_address,
        "contents": data.contents or "—",
        "weight": fmt.weight(data.weight_g),
        "pieces": str(data.pieces),
        "price": fmt.yuan(data.price_fen),
        "insured": fmt.yuan(data.insured_fen) if data.insured_fen else "",
        "cod": fmt.yuan(data.cod_fen) if data.cod_fen else "",
        "station": data.station_name,
    }


def render_waybill(data: WaybillData, out: Path | None = None) -> bytes:
    """A 76×130 mm waybill as PDF bytes (also written to ``out`` if given)."""
    return render_pages(WAYBILL, [waybill_fields(data)], f"Waybill {data.tracking}", out)
