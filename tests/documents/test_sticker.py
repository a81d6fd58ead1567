"""Shelf stickers: size, text, fonts, barcodes that decode, nothing leaves the label."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from station.documents import render_sticker, render_stickers
from station.documents.barcodes import BarcodeError
from station.documents.data import StickerData
from station.documents.sticker import SIZES, TEMPLATES, sticker_fields
from station.errors import InvalidInput

from .helpers import (
    HAVE_ZBAR,
    MM,
    decode_pdf,
    fonts,
    needs_poppler,
    needs_zbar,
    page_sizes,
    text,
    words,
)

SIZE_MM = {"60x40": (60, 40), "50x30": (50, 30), "40x30": (40, 30)}
HAS_QR = {"60x40": True, "50x30": True, "40x30": False}

pytestmark = needs_poppler


@pytest.mark.parametrize("size", SIZES)
def test_page_size_is_exact(sticker: StickerData, size: str, tmp_path: Path) -> None:
    pdf = render_sticker(sticker, size=size)
    w, h = SIZE_MM[size]
    [(pw, ph)] = page_sizes(pdf, tmp_path)
    assert pw == pytest.approx(w * MM, abs=0.01)
    assert ph == pytest.approx(h * MM, abs=0.01)


@pytest.mark.parametrize("size", SIZES)
def test_text_on_the_sticker(sticker: StickerData, size: str, tmp_path: Path) -> None:
    t = text(render_sticker(sticker, size=size), tmp_path)
    for expected in (
        "A-3-0127",
        "顺丰速运",
        "货位 A-3",
        "张*",
        "138****5678",
        "到付 COD ¥12.50",
        "验证件 ID check",
        "SF1234567890123",
        "05-01 14:03",
    ):
        assert expected in t, expected
    assert "张三丰" not in t  # only the surname is printed


def test_flags_only_when_they_apply(plain_sticker: StickerData, tmp_path: Path) -> None:
    t = text(render_sticker(plain_sticker), tmp_path)
    assert "COD" not in t and "ID check" not in t and "REPRINT" not in t
    assert "John*" in t and "Smith" not in t
    reprint = dataclasses.replace(plain_sticker, reprint=True)
    assert "补打 REPRINT" in text(render_sticker(reprint), tmp_path)


def test_full_phone_is_masked(plain_sticker: StickerData, tmp_path: Path) -> None:
    data = dataclasses.replace(plain_sticker, masked_phone="13812345678")
    t = text(render_sticker(data), tmp_path)
    assert "138****5678" in t and "13812345678" not in t


@pytest.mark.parametrize("size", SIZES)
def test_fonts_are_embedded(sticker: StickerData, size: str, tmp_path: Path) -> None:
    found = fonts(render_sticker(sticker, size=size), tmp_path)
    assert found, "no fonts at all"
    assert all(f["emb"] == "yes" for f in found), found
    assert all(f["type"] == "TrueType" for f in found), found
    assert any("WenQuanYi" in f["name"] for f in found)


@needs_zbar
@pytest.mark.parametrize("dpi", [203, 300])
@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("which", ["sticker", "plain_sticker"])
def test_barcodes_decode(
    which: str, size: str, dpi: int, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    data: StickerData = request.getfixturevalue(which)
    found = decode_pdf(render_sticker(data, size=size), tmp_path, dpi)
    assert _tracking_found(found, data.tracking, size), found
    if HAS_QR[size] and ("CODE-128", data.tracking) in found:
        assert ("QR-Code", data.pickup_code) in found
    assert all(v in (data.tracking, data.pickup_code) for _, v in found), found


def _tracking_found(found: list[tuple[str, str]], tracking: str, size: str) -> bool:
    """Code 128 on every label where it fits at 2-dot modules; on the small 40×30 label a
    long tracking number is printed as a QR code (the fallback template) instead."""
    if ("CODE-128", tracking) in found:
        return True
    return size == "40x30" and ("QR-Code", tracking) in found


def test_code128_on_40x30_when_it_fits(
    plain_sticker: StickerData, sticker: StickerData, tmp_path: Path
) -> None:
    if not HAVE_ZBAR:
        pytest.skip("zbarimg (Debian zbar-tools) not installed")
    found = decode_pdf(render_sticker(plain_sticker, size="40x30"), tmp_path, 203)
    assert ("CODE-128", plain_sticker.tracking) in found  # 12 digits: 2-dot modules fit
    found = decode_pdf(render_sticker(sticker, size="40x30"), tmp_path, 203)
    assert ("QR-Code", sticker.tracking) in found  # SF + 13 digits: would need 1-dot bars
    assert sticker.tracking in text(render_sticker(sticker, size="40x30"), tmp_path)


@needs_zbar
@pytest.mark.parametrize(
    "tracking",
    [
        "JDVA12345678901",
        "YT2023123112345678",
        "1234567890123456789",
        "DPK300012345678",
        "ab-Cd_9/x",
    ],
)
@pytest.mark.parametrize("size", SIZES)
def test_other_tracking_numbers_decode(
    sticker: StickerData, tracking: str, size: str, tmp_path: Path
) -> None:
    pdf = render_sticker(dataclasses.replace(sticker, tracking=tracking), size=size)
    for dpi in (203, 300):
        found = decode_pdf(pdf, tmp_path, dpi)
        assert _tracking_found(found, tracking, size), (dpi, found)


LONG = dict(
    carrier_name="中通快递股份有限公司 ZTO Express (Shanghai) Logistics Co., Ltd. 华东分拨中心",
    recipient_name="Maximilian-Alexander von Habsburg-Lothringen",
    slot="A-12-LEFT-UPPER-07",
    pickup_code="XL-12-000127-99",
    masked_phone="+86 138****5678 ext. 12345",
    cod_fen=123456789,
)


@pytest.mark.parametrize("size", SIZES)
def test_long_values_stay_on_the_label(sticker: StickerData, size: str, tmp_path: Path) -> None:
    pdf = render_sticker(dataclasses.replace(sticker, **LONG), size=size)
    w, h = SIZE_MM[size]
    assert LONG["pickup_code"] in text(pdf, tmp_path)  # shrunk, never cut
    found = words(pdf, tmp_path)
    assert found
    for _, word, x0, y0, x1, y1 in found:
        assert x0 >= 0.5 * MM - 0.5 and x1 <= (w - 0.5) * MM + 0.5, (word, x0, x1)
        assert y0 >= 0.5 * MM - 0.5 and y1 <= (h - 0.5) * MM + 0.5, (word, y0, y1)


def test_elements_of_every_template_are_on_the_page() -> None:
    for template in TEMPLATES.values():
        assert template.check() == []


def test_bad_input_is_refused(sticker: StickerData) -> None:
    with pytest.raises(InvalidInput):
        render_sticker(sticker, size="100x150")
    with pytest.raises(InvalidInput):
        render_sticker(dataclasses.replace(sticker, tracking=" "))
    with pytest.raises(InvalidInput):
        render_sticker(dataclasses.replace(sticker, pickup_code=""))
    with pytest.raises(BarcodeError):  # non-ASCII cannot be Code 128
        render_sticker(dataclasses.replace(sticker, tracking="顺丰123"))
    with pytest.raises(BarcodeError):  # too long for a 40 mm label even at one dot a module
        render_sticker(dataclasses.replace(sticker, tracking="X" * 40), size="40x30")


def test_size_aliases(sticker: StickerData) -> None:
    assert render_sticker(sticker, size="60×40")[:5] == b"%PDF-"


def test_writes_out_and_returns_bytes(sticker: StickerData, tmp_path: Path) -> None:
    out = tmp_path / "sub" / "s.pdf"
    pdf = render_sticker(sticker, out)
    assert out.read_bytes() == pdf
    assert render_sticker(sticker) == pdf  # deterministic


def test_many_stickers_in_one_pdf(sticker: StickerData, tmp_path: Path) -> None:
    items = [
        dataclasses.replace(
            sticker, tracking=f"SF{1400000000000 + i}", pickup_code=f"A-{i % 9 + 1}-{i:04d}"
        )
        for i in range(40)
    ]
    out = render_stickers(items, tmp_path / "batch.pdf", size="50x30")
    sizes = page_sizes(out, tmp_path)
    assert len(sizes) == 40
    assert all(s == pytest.approx((50 * MM, 30 * MM), abs=0.01) for s in sizes)
    t = text(out, tmp_path)
    assert "A-1-0000" in t and "A-4-0039" in t
    with pytest.raises(InvalidInput):
        render_stickers([], tmp_path / "none.pdf")


def test_fields_are_formatted(sticker: StickerData) -> None:
    f = sticker_fields(sticker)
    assert f["cod"] == "到付 COD ¥12.50"
    assert f["name"] == "张*"
    assert f["date"] == "05-01 14:03"
