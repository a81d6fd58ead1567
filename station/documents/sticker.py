"""Shelf stickers (货架贴): 60×40 mm (default), 50×30 and 40×30 mm thermal labels.

Each size is a ``layout.Template``; ``render_sticker`` fills it from a ``StickerData``.
The pickup code is printed as large as the label allows and as a QR code; the tracking
number as Code 128 with whole-dot modules (see ``barcodes``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from station.documents import fmt
from station.documents.data import StickerData
from station.documents.layout import Barcode, Line, QRCode, Template, Text, render_pages
from station.errors import InvalidInput
from station.i18n import tr


def _top(
    m: float,
    inner: float,
    head: float,
    code: float,
    info: float,
    code_w: float,
    head_size: float,
    code_size: float,
    info_size: float,
) -> list[Any]:
    """Header (carrier, reprint mark, date), the pickup code, and slot / surname / phone."""
    y_code = m + head
    y_info = y_code + code
    third = code_w / 3
    return [
        Text(m, m, inner * 0.62, head, text="{carrier}", size=head_size, min_size=5, bold=True),
        Text(
            m + inner * 0.62,
            m,
            inner * 0.38,
            head,
            text="{date}",
            size=head_size - 1,
            min_size=4.5,
            align="right",
        ),
        Text(
            m + inner * 0.36,
            m,
            inner * 0.26,
            head,
            text="{reprint}",
            size=head_size - 1.5,
            min_size=4,
            inverse=True,
            align="center",
            when="reprint",
        ),
        Line(m, y_code, inner, 0, width=0.6),
        Text(
            m,
            y_code,
            code_w,
            code,
            text="{code}",
            size=code_size,
            min_size=6,  # shrink as far as needed: the pickup code is never cut
            bold=True,
            align="center",
            cap=True,
        ),
        Text(
            m,
            y_info,
            third * 0.9,
            info,
            text="{slot}",
            size=info_size,
            min_size=4.5,
            max_lines=2,
            leading=1.05,
            bold=True,
            border=0.8,
            align="center",
            pad=0.3,
        ),
        Text(
            m + third * 0.95,
            y_info,
            third * 0.75,
            info,
            text="{name}",
            size=info_size,
            min_size=5,
            align="center",
        ),
        Text(
            m + third * 1.75,
            y_info,
            third * 1.25,
            info,
            text="{phone}",
            size=info_size,
            min_size=5,
            align="right",
        ),
    ]


def _template(
    name: str,
    w: float,
    h: float,
    *,
    m: float,
    head: float,
    code: float,
    info: float,
    flags: float,
    qr: float,
    qr_place: str,
    head_size: float,
    code_size: float,
    info_size: float,
) -> Template:
    """Rows from the top: header (carrier, date) / pickup code / slot, name, phone /
    COD and ID-check flags / tracking barcode. The QR code of the pickup code (at least
    3 dots a module, which zbar and handheld imagers read reliably) sits beside the barcode
    (``qr_place="bar"``), beside the code and info rows (``"code"``), or is left out
    (``"none"``, the 40×30 label, where the large code and a wider barcode matter more).

    When the tracking number's Code 128 would need modules thinner than 2 dots, a fallback
    template is used: first one whose barcode has the whole width (no pickup-code QR), then
    one that prints the tracking number as a QR code with large text instead."""
    inner = w - 2 * m
    y_code = m + head
    y_info = y_code + code
    y_flags = y_info + info
    y_bar = y_flags + flags
    bar_h = h - m - y_bar
    code_w = inner - (qr + 0.6 if qr_place == "code" else 0)
    bar_w = inner - (qr + 0.6 if qr_place == "bar" else 0)
    els = _top(m, inner, head, code, info, code_w, head_size, code_size, info_size)
    els += [
        Text(
            m,
            y_flags + 0.3,
            inner * 0.56,
            flags - 0.4,
            text="{cod}",
            size=info_size,
            min_size=5,
            bold=True,
            inverse=True,
            align="center",
            when="cod",
        ),
        Text(
            m + inner * 0.6,
            y_flags + 0.3,
            inner * 0.4,
            flags - 0.4,
            text="{idc}",
            size=info_size,
            min_size=5,
            bold=True,
            border=1.0,
            align="center",
            when="idc",
        ),
        Barcode(
            m,
            y_bar,
            bar_w,
            bar_h,
            value="{tracking}",
            max_module_dots=3,
            hr_size=max(5.5, info_size - 1.5),
            align="left" if qr_place == "bar" else "center",
        ),
    ]
    if qr_place == "code":
        span = code + info
        els.append(QRCode(m + inner - qr, y_code + (span - qr) / 2, qr, qr, value="{code}"))
    elif qr_place == "bar":
        els.append(QRCode(m + inner - qr, y_bar + (bar_h - qr) / 2, qr, qr, value="{code}"))
    # fallback: the bottom area holds the flags and the tracking text left, its QR right
    bottom = h - m - y_flags
    side = min(bottom, 13.0)
    left_w = inner - side - 0.8
    row = bottom / 3
    alt = _top(m, inner, head, code, info, inner, head_size, code_size, info_size) + [
        Text(
            m,
            y_flags + 0.3,
            left_w,
            row - 0.4,
            text="{cod}",
            size=info_size,
            min_size=5,
            bold=True,
            inverse=True,
            align="center",
            when="cod",
        ),
        Text(
            m,
            y_flags + row + 0.2,
            left_w,
            row - 0.4,
            text="{idc}",
            size=info_size,
            min_size=5,
            bold=True,
            border=1.0,
            align="center",
            when="idc",
        ),
        Text(
            m,
            y_flags + 2 * row,
            left_w,
            row,
            text="{tracking}",
            size=info_size + 1,
            min_size=5,
            bold=True,
            align="left",
        ),
        QRCode(
            m + inner - side,
            y_flags + (bottom - side) / 2,
            side,
            side,
            value="{tracking}",
            align="right",
        ),
    ]
    fallback = Template(f"sticker-{name}-qr", w, h, tuple(alt))
    if qr_place == "bar":  # first give the barcode the whole width (no pickup-code QR)
        fallback = dataclasses.replace(
            _template(
                name,
                w,
                h,
                m=m,
                head=head,
                code=code,
                info=info,
                flags=flags,
                qr=0,
                qr_place="none",
                head_size=head_size,
                code_size=code_size,
                info_size=info_size,
            ),
            name=f"sticker-{name}-wide",
        )
    return Template(f"sticker-{name}", w, h, tuple(els), fallback)


TEMPLATES: dict[str, Template] = {
    "60x40": _template(
        "60x40",
        60,
        40,
        m=1.5,
        head=4.2,
        code=12.0,
        info=4.6,
        flags=4.4,
        qr=11.2,
        qr_place="bar",
        head_size=9,
        code_size=48,
        info_size=9.5,
    ),
    "50x30": _template(
        "50x30",
        50,
        30,
        m=1.2,
        head=3.6,
        code=8.6,
        info=3.8,
        flags=3.6,
        qr=11.0,
        qr_place="code",
        head_size=8,
        code_size=34,
        info_size=8,
    ),
    "40x30": _template(
        "40x30",
        40,
        30,
        m=1.0,
        head=3.4,
        code=8.6,
        info=3.6,
        flags=3.4,
        qr=0,
        qr_place="none",
        head_size=7,
        code_size=30,
        info_size=7,
    ),
}
SIZES = tuple(TEMPLATES)


def sticker_fields(data: StickerData) -> dict[str, Any]:
    """The values a sticker template draws, formatted (money, surname, masking)."""
    if not data.tracking.strip():
        raise InvalidInput(tr("A sticker needs a tracking number."))
    if not data.pickup_code.strip():
        raise InvalidInput(tr("A sticker needs a pickup code."), tracking=data.tracking)
    return {
        "tracking": data.tracking.strip(),
        "carrier": data.carrier_name or data.carrier_code,
        "date": data.received_at.strftime("%m-%d %H:%M"),
        "code": data.pickup_code.strip(),
        "slot": f"货位 {data.slot}" if data.slot else "",
        "name": fmt.surname(data.recipient_name),
        "phone": fmt.mask_phone(data.masked_phone),
        "cod": f"到付 COD {fmt.yuan(data.cod_fen)}" if data.cod_fen > 0 else "",
        "idc": "验证件 ID check" if data.id_check else "",
        "reprint": "补打 REPRINT" if data.reprint else "",
        "station": data.station_name,
    }


def template_for(size: str) -> Template:
    try:
        return TEMPLATES[size.lower().replace("×", "x").replace(" ", "")]
    except KeyError:
        raise InvalidInput(
            tr(
                "Unknown sticker size {size!r}; use one of {sizes}.",
                size=size,
                sizes=", ".join(SIZES),
            ),
            size=size,
        ) from None


def render_sticker(data: StickerData, out: Path | None = None, size: str = "60x40") -> bytes:
    """One sticker as PDF bytes (also written to ``out`` if given)."""
    template = template_for(size)
    return render_pages(template, [sticker_fields(data)], f"Sticker {data.tracking}", out)


def render_stickers(items: Sequence[StickerData], out: Path, size: str = "60x40") -> Path:
    """Many stickers, one per page, in one PDF written to ``out`` (a morning's intake)."""
    template = template_for(size)
    pages = [sticker_fields(d) for d in items]
    if not pages:
        raise InvalidInput(tr("No stickers to print."))
    render_pages(template, pages, f"Stickers ×{len(pages)}", Path(out))
    return Path(out)
