"""The template engine and the waybill, which is only a template."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from station.documents.data import WaybillData
from station.documents.layout import Template, Text, expand, render_pages
from station.documents.waybill import WAYBILL, render_waybill

from .helpers import MM, decode_pdf, fonts, needs_poppler, needs_zbar, page_sizes, text, words

TEMPLATE_JSON = """{
  "name": "shelf-card", "width_mm": 70, "height_mm": 50,
  "elements": [
    {"type": "text", "x": 2, "y": 2, "w": 66, "h": 14, "text": "{code}", "size": 40,
     "bold": true, "align": "center", "cap": true},
    {"type": "text", "x": 2, "y": 17, "w": 66, "h": 8, "text": "{note}", "size": 12,
     "max_lines": 2, "min_size": 5},
    {"type": "text", "x": 2, "y": 26, "w": 30, "h": 5, "text": "COD {cod}", "when": "cod",
     "inverse": true},
    {"type": "line", "x": 2, "y": 32, "w": 66, "h": 0, "width": 0.8},
    {"type": "code128", "x": 2, "y": 33, "w": 45, "h": 15, "value": "{code}"},
    {"type": "qr", "x": 50, "y": 33, "w": 18, "h": 15, "value": "{code}"},
    {"type": "frame", "x": 0.5, "y": 0.5, "w": 69, "h": 49, "width": 0.5}
  ]
}"""


def test_expand_leaves_missing_fields_blank() -> None:
    assert expand("{a} and {b}", {"a": "x"}) == "x and"


@needs_poppler
def test_template_from_json(tmp_path: Path) -> None:
    t = Template.from_dict(json.loads(TEMPLATE_JSON))
    assert t.check() == []
    values = {
        "code": "C-7-0042",
        "note": "易碎 fragile — 轻拿轻放 handle with care " * 3,
        "cod": "",
    }
    pdf = render_pages(t, [values, {**values, "cod": "¥5.00"}], "cards")
    sizes = page_sizes(pdf, tmp_path)
    assert sizes == [pytest.approx((70 * MM, 50 * MM), abs=0.01)] * 2
    pages = text(pdf, tmp_path).split("\f")
    assert "COD" not in pages[0] and "COD ¥5.00" in pages[1]
    for _, word, x0, _y0, x1, y1 in words(pdf, tmp_path):
        assert x0 >= 2 * MM - 0.5 and x1 <= 68 * MM + 0.5 and y1 <= 50 * MM, word


def test_template_from_dict_rejects_unknown_things() -> None:
    with pytest.raises(ValueError):
        Template.from_dict(
            {
                "name": "x",
                "width_mm": 10,
                "height_mm": 10,
                "elements": [{"type": "blink", "x": 0, "y": 0, "w": 1, "h": 1}],
            }
        )
    with pytest.raises(ValueError):
        Template.from_dict(
            {
                "name": "x",
                "width_mm": 10,
                "height_mm": 10,
                "elements": [{"type": "text", "x": 0, "y": 0, "w": 1, "h": 1, "colour": "red"}],
            }
        )


def test_check_finds_elements_off_the_page() -> None:
    t = Template("t", 20, 10, (Text(15, 2, 10, 5, text="x"),))
    assert t.check() == ["t: element 0 (text) leaves the page"]


@needs_poppler
def test_waybill_size_text_fonts(waybill: WaybillData, tmp_path: Path) -> None:
    pdf = render_waybill(waybill)
    assert page_sizes(pdf, tmp_path) == [pytest.approx((76 * MM, 130 * MM), abs=0.01)]
    t = text(pdf, tmp_path)
    for expected in (
        "顺丰速运 SF Express",
        "021-PD 浦东张江",
        "欧阳娜娜",
        "138****5432",
        "陈大文",
        "137****5678",
        "张江高科技园区",
        "1.25 kg",
        "¥23.00",
        "¥2.00",
        "寄件存根",
    ):
        assert expected in t, expected
    assert "13898765432" not in t
    assert all(f["emb"] == "yes" for f in fonts(pdf, tmp_path))
    assert WAYBILL.check() == []


@needs_poppler
def test_waybill_long_address_stays_in_place(waybill: WaybillData, tmp_path: Path) -> None:
    long = dataclasses.replace(
        waybill,
        recipient_address=waybill.recipient_address * 4,
        sender_address=waybill.sender_address * 4,
    )
    pdf = render_waybill(long)
    for _, word, x0, _y0, x1, y1 in words(pdf, tmp_path):
        assert x0 >= 1.5 * MM and x1 <= 74.5 * MM and y1 <= 130 * MM, word
    t = text(pdf, tmp_path)
    assert "…" in t


@needs_zbar
@needs_poppler
@pytest.mark.parametrize("dpi", [203, 300])
def test_waybill_barcodes_decode(waybill: WaybillData, dpi: int, tmp_path: Path) -> None:
    pdf = render_waybill(waybill)
    px = dpi / 25.4
    top = decode_pdf(pdf, tmp_path, dpi, crop=(0, 0, round(76 * px), round(45 * px)))
    stub = decode_pdf(pdf, tmp_path, dpi, crop=(0, round(101 * px), round(76 * px), round(29 * px)))
    assert top == [("CODE-128", waybill.tracking)]
    assert sorted(stub) == [("CODE-128", waybill.tracking), ("QR-Code", waybill.tracking)]
