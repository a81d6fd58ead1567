"""Pickup receipts on the 80 mm roll."""

from __future__ import annotations

import dataclasses
import subprocess
from pathlib import Path

import pytest

from station.documents import render_receipt
from station.documents.data import ReceiptData, ReceiptLine
from station.errors import InvalidInput

from .helpers import MM, decode_pdf, fonts, needs_poppler, needs_zbar, page_sizes, text, words

pytestmark = needs_poppler


def test_roll_width_and_length_grows_with_content(receipt: ReceiptData, tmp_path: Path) -> None:
    [(w, h)] = page_sizes(render_receipt(receipt), tmp_path)
    assert w == pytest.approx(80 * MM, abs=0.01)
    more = dataclasses.replace(receipt, lines=receipt.lines * 10)
    [(w2, h2)] = page_sizes(render_receipt(more), tmp_path)
    assert w2 == pytest.approx(w) and h2 > h + 27 * 8  # ~ one line per extra parcel at least
    short = dataclasses.replace(
        receipt, lines=receipt.lines[:1], signature_png=None, proxy=None, id_check=None
    )
    [(_, h3)] = page_sizes(render_receipt(short), tmp_path)
    assert 60 * MM < h3 < h


def test_receipt_text(receipt: ReceiptData, tmp_path: Path) -> None:
    t = text(render_receipt(receipt), tmp_path, layout=True)
    for expected in (
        "幸福里快递驿站",
        "取件凭证 PICKUP RECEIPT",
        "R20240501-0007",
        "王小明",
        "2024-05-01 14:03:22",
        "SF1234567890123",
        "A-3-0127",
        "B-12-3456",
        "¥12.50",
        "¥8.00",
        "应收 Due",
        "¥20.50",
        "现金 Cash",
        "收款 Tendered",
        "¥50.00",
        "找零 Change",
        "¥29.50",
        "代取人 Proxy",
        "139****1234",
        "110***********123X",
        "签名 Signature",
    ):
        assert expected in t, expected
    assert "13912341234" not in t


def test_no_money_section_without_cod(receipt: ReceiptData, tmp_path: Path) -> None:
    free = dataclasses.replace(
        receipt,
        lines=tuple(dataclasses.replace(ln, cod_fen=0) for ln in receipt.lines),
        due_fen=0,
        paid_fen=0,
        tendered_fen=0,
        change_fen=0,
        method="",
    )
    t = text(render_receipt(free), tmp_path)
    assert "应收 Due" not in t and "找零 Change" not in t and "件数 Parcels" in t


def test_electronic_payment_has_no_change_lines(receipt: ReceiptData, tmp_path: Path) -> None:
    paid = dataclasses.replace(receipt, method="wechat", tendered_fen=0, change_fen=0)
    t = text(render_receipt(paid), tmp_path)
    assert "微信 WeChat Pay" in t and "找零 Change" not in t


def test_signature_image_is_embedded(receipt: ReceiptData, tmp_path: Path) -> None:
    path = tmp_path / "r.pdf"
    render_receipt(receipt, path)
    out = subprocess.run(
        ["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert len(out) == 1 and " 300 " in out[0] and " 90 " in out[0]
    no_sig = dataclasses.replace(receipt, signature_png=None)
    render_receipt(no_sig, path)
    out = subprocess.run(
        ["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert out == []


def test_fonts_embedded(receipt: ReceiptData, tmp_path: Path) -> None:
    found = fonts(render_receipt(receipt), tmp_path)
    assert found and all(f["emb"] == "yes" for f in found)


@needs_zbar
@pytest.mark.parametrize("dpi", [203, 300])
def test_receipt_number_barcode_decodes(receipt: ReceiptData, dpi: int, tmp_path: Path) -> None:
    assert decode_pdf(render_receipt(receipt), tmp_path, dpi) == [("CODE-128", "R20240501-0007")]


def test_long_text_stays_on_the_roll(receipt: ReceiptData, tmp_path: Path) -> None:
    long = dataclasses.replace(
        receipt,
        station_name="幸福里社区菜鸟驿站（朝阳区望京街道第三分站）Happy Lane Station No. 3",
        station_address="北京市朝阳区望京街道幸福里小区3号楼底商东侧第二间，近地铁望京南站B口",
        lines=(
            ReceiptLine(
                "JDVA123456789012345",
                "XL-12-000127",
                "A-12-LEFT-UPPER",
                123456,
                "京东物流 JD Logistics 华北大件中心",
            ),
        ),
    )
    pdf = render_receipt(long)
    [(w, h)] = page_sizes(pdf, tmp_path)
    for _, word, x0, y0, x1, y1 in words(pdf, tmp_path):
        assert 3.5 * MM <= x0 and x1 <= w - 3.5 * MM, word
        assert 0 <= y0 and y1 <= h, word


def test_receipt_needs_parcels(receipt: ReceiptData) -> None:
    with pytest.raises(InvalidInput):
        render_receipt(dataclasses.replace(receipt, lines=()))


def test_reprint_mark(receipt: ReceiptData, tmp_path: Path) -> None:
    assert "补打 REPRINT" in text(
        render_receipt(dataclasses.replace(receipt, reprint=True)), tmp_path
    )
    assert "REPRINT" not in text(render_receipt(receipt), tmp_path)
