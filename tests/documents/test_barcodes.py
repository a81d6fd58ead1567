"""Barcodes: whole 203 dpi dots, quiet zones, and a real decoder reading them back."""

from __future__ import annotations

import io
import re
import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from reportlab.pdfgen.canvas import Canvas

from station.documents import barcodes
from station.documents.barcodes import DOT, MM, BarcodeError

from .helpers import decode_pdf, needs_poppler, needs_zbar

PAGE = (60 * MM, 25 * MM)


def _pdf(draw) -> bytes:  # type: ignore[no-untyped-def]
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=PAGE, invariant=1, pageCompression=0)
    draw(c)
    c.showPage()
    c.save()
    return buf.getvalue()


def test_code128_modules_start_and_stop() -> None:
    mods = barcodes.code128_modules("SF1234567890123")
    assert set(mods) <= {"0", "1"}
    assert mods.endswith("1100011101011")  # stop pattern
    assert mods[:11] in ("11010000100", "11010010000", "11010011100")  # start A/B/C
    assert (len(mods) - 13) % 11 == 0


@pytest.mark.parametrize("bad", ["", "顺丰", "tab\there", "\x7f"])
def test_code128_refuses_what_it_cannot_encode(bad: str) -> None:
    with pytest.raises(BarcodeError):
        barcodes.code128_modules(bad)


def test_module_choice_keeps_quiet_zones() -> None:
    value = "SF1234567890123"
    n = len(barcodes.code128_modules(value)) + 2 * barcodes.CODE128_QUIET
    assert barcodes.choose_module_dots(value, n * 3 * DOT) == 3
    assert barcodes.choose_module_dots(value, n * 3 * DOT - 0.01) == 2
    assert barcodes.choose_module_dots(value, n * 2 * DOT) == 2
    assert barcodes.choose_module_dots(value, n * DOT) == 1
    with pytest.raises(BarcodeError):
        barcodes.choose_module_dots(value, n * DOT - 0.5)
    assert barcodes.code128_width(value, 2) == pytest.approx(n * 2 * DOT)


def _filled_rects(pdf: bytes) -> list[tuple[float, float, float, float]]:
    """The rectangles our raw operators fill, in points (from an uncompressed page)."""
    rects = []
    for block in re.finditer(rb"q ([-\d. ]+) cm\n((?:[-\d. ]+ re\n)+)f Q", pdf):
        a, b, cc, d, e, f = (float(v) for v in block.group(1).split())
        assert b == 0 and cc == 0
        for line in block.group(2).splitlines():
            x, y, w, h = (float(v) for v in line.split()[:4])
            rects.append((a * x + e, d * y + f, a * w, d * h))
    return rects


@pytest.mark.parametrize("module", [1, 2, 3])
def test_bars_are_whole_dots_on_the_dot_grid(module: int) -> None:
    """Every bar starts and ends on the 203 dpi dot grid (from the page's left edge), is a
    whole number of modules, reproduces the symbol exactly, and the quiet zones fit the box."""
    value = "A-3-0127"
    placed: list[barcodes.Placed] = []
    box_x, box_w = 3.3 * MM, 55 * MM
    pdf = _pdf(
        lambda c: placed.append(
            barcodes.draw_code128(c, value, box_x, 5 * MM, box_w, 15 * MM, module_dots=module)
        )
    )
    (p,) = placed
    assert p.module_dots == module
    rects = _filled_rects(pdf)
    assert rects
    dark = set()
    for x, _, w, _ in rects:
        x0, x1 = x / DOT, (x + w) / DOT
        assert x0 == pytest.approx(round(x0), abs=1e-3) and x1 == pytest.approx(round(x1), abs=1e-3)
        dark.update(range(round(x0), round(x1)))
    start = round(p.x / DOT)
    mods = barcodes.code128_modules(value)
    drawn = "".join("1" if start + i in dark else "0" for i in range(len(mods) * module))
    assert drawn == "".join(ch * module for ch in mods)
    quiet = barcodes.CODE128_QUIET * module * DOT
    assert p.x - quiet >= box_x - 1e-6
    assert p.x + p.width + quiet <= box_x + box_w + 1e-6


@needs_zbar
@needs_poppler
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    value=st.text(alphabet=string.ascii_letters + string.digits + "-_/.", min_size=1, max_size=20)
)
def test_any_printable_value_decodes(value: str, tmp_path: Path) -> None:
    # Values too long for 2-dot bars on this page go to a QR code on real stickers (1-dot bars
    # do not scan reliably at 203 dpi); the Code 128 promise is for what fits at >= 2 dots.
    modules = len(barcodes.code128_modules(value)) + 2 * barcodes.CODE128_QUIET
    assume(modules * 2 * DOT <= PAGE[0])
    pdf = _pdf(
        lambda c: barcodes.draw_code128(c, value, 0, 5 * MM, PAGE[0], 15 * MM, max_module_dots=2)
    )
    for dpi in (203, 300):
        assert ("CODE-128", value) in decode_pdf(pdf, tmp_path, dpi), (value, dpi)


@needs_zbar
@needs_poppler
@pytest.mark.parametrize(
    "value", ["A-3-0127", "B-12-3456", "SF1402345678901", "https://example.invalid/p?c=A-3-0127"]
)
def test_qr_decodes_and_sits_on_the_grid(value: str, tmp_path: Path) -> None:
    placed: list[barcodes.Placed] = []
    pdf = _pdf(
        lambda c: placed.append(
            barcodes.draw_qr(
                c, value, 1.1 * MM, 1.3 * MM, 22 * MM, page_height=PAGE[1], max_module_dots=3
            )
        )
    )
    (p,) = placed
    assert p.module_dots == 3
    assert p.x / DOT == pytest.approx(round(p.x / DOT), abs=1e-6)
    top_from_page_top = (PAGE[1] - (p.y + p.height)) / DOT
    assert top_from_page_top == pytest.approx(round(top_from_page_top), abs=1e-6)
    for dpi in (203, 300):
        assert ("QR-Code", value) in decode_pdf(pdf, tmp_path, dpi)


def test_qr_that_does_not_fit_is_refused() -> None:
    with pytest.raises(BarcodeError):
        _pdf(lambda c: barcodes.draw_qr(c, "A-3-0127", 0, 0, 5 * MM, page_height=PAGE[1]))
