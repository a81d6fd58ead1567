"""Barcodes that a scanner reads off a 203 dpi thermal print.

Code 128 symbols come from python-barcode's encoder (start/charset switching/checksum); QR
symbols from reportlab's QR encoder. We draw the modules ourselves so that:

* every module is a whole number of printer dots at 203 dpi (``module = n × 25.4/203 mm``);
* bars start on the 203 dpi dot grid measured from the page's left edge (and QR modules also
  from its top edge), so a 203 dpi raster of the page has crisp, equal bars;
* the quiet zone (10 modules for Code 128, 4 for QR) stays inside the box we were given.

A value that cannot be drawn inside its box at one dot per module raises ``BarcodeError``
instead of printing something a scanner cannot read.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from barcode.codex import Code128
from reportlab.graphics.barcode import qrencoder
from reportlab.pdfgen.canvas import Canvas

from station.errors import InvalidInput
from station.i18n import tr

DPI = 203
DOT = 72.0 / DPI  # one printer dot in points
MM = 72.0 / 25.4  # one millimetre in points
CODE128_QUIET = 10  # modules each side (ISO/IEC 15417 minimum)
QR_QUIET = 4


class BarcodeError(InvalidInput):
    code = "barcode"


@dataclass(frozen=True)
class Placed:
    """Where a barcode was drawn (points): the bars/modules, without the quiet zone."""

    x: float
    y: float
    width: float
    height: float
    module_dots: int


def dots(points: float) -> float:
    return points / DOT


def _fill(c: Canvas, transform: str, rects: list[str]) -> None:
    """Fill rectangles given in a private coordinate system, with the current fill colour.
    Written as raw operators: exact integers, and ~5× faster than reportlab path objects."""
    if rects:
        c.addLiteral(f"q {transform}\n" + "\n".join(rects) + "\nf Q")


@lru_cache(maxsize=4096)
def code128_modules(value: str) -> str:
    """The Code 128 module string ('1' = bar) for ``value``, start to stop, no quiet zone."""
    if not value:
        raise BarcodeError(tr("Nothing to encode in a barcode."), value=value)
    bad = [ch for ch in value if not 32 <= ord(ch) <= 126]
    if bad:
        raise BarcodeError(
            tr(
                "Cannot put {bad!r} in a Code 128 barcode (printable ASCII only).",
                bad="".join(bad),
            ),
            value=value,
        )
    return str(Code128(value).build()[0])


def code128_width(value: str, module_dots: int, quiet: int = CODE128_QUIET) -> float:
    """Width in points of the symbol including both quiet zones."""
    return (len(code128_modules(value)) + 2 * quiet) * module_dots * DOT


def choose_module_dots(
    value: str, max_width: float, max_dots: int = 3, quiet: int = CODE128_QUIET
) -> int:
    """The widest module (in dots, ``max_dots`` down to 1) at which the symbol and its quiet
    zones fit ``max_width`` points; raises ``BarcodeError`` when even one dot is too wide."""
    n = len(code128_modules(value)) + 2 * quiet
    avail = int(max_width / DOT + 1e-6)
    m = min(max_dots, avail // n)
    if m < 1:
        raise BarcodeError(
            tr(
                "Barcode of {value!r} needs {n} dots but only {avail} fit; use a larger label.",
                value=value,
                n=n,
                avail=avail,
            ),
            value=value,
        )
    return m


def draw_code128(
    c: Canvas,
    value: str,
    x: float,
    y: float,
    width: float,
    height: float,
    *,
    max_module_dots: int = 3,
    module_dots: int | None = None,
    quiet: int = CODE128_QUIET,
    align: str = "center",
) -> Placed:
    """Draw ``value`` as Code 128 inside the box (``x``, ``y`` = bottom-left, points).
    The quiet zones are part of the box; bars are placed on the dot grid."""
    modules = code128_modules(value)
    m = module_dots or choose_module_dots(value, width, max_module_dots, quiet)
    if code128_width(value, m, quiet) > width + 1e-6:
        raise BarcodeError(
            tr(
                "Barcode of {value!r} does not fit its box.",
                value=value,
            ),
            value=value,
        )
    bars_w = len(modules) * m * DOT
    spare = width - (len(modules) + 2 * quiet) * m * DOT
    offset = {"left": 0.0, "right": spare}.get(align, spare / 2)
    d0 = math.ceil((x + offset) / DOT - 1e-6) + quiet * m  # first bar, in whole dots
    if (d0 + (len(modules) + quiet) * m) * DOT > x + width + 1e-6:  # snapping pushed it out
        d0 -= 1
    ops = []
    i = 0
    n = len(modules)
    while i < n:
        if modules[i] == "1":
            j = i
            while j < n and modules[j] == "1":
                j += 1
            ops.append(f"{d0 + i * m} 0 {(j - i) * m} 1 re")
            i = j
        else:
            i += 1
    # x in whole dots, y from the bar bottom in units of the bar height
    _fill(c, f"{DOT:.6f} 0 0 {height:.4f} 0 {y:.4f} cm", ops)
    x0 = d0 * DOT
    return Placed(x0, y, bars_w, height, m)


_RUN5 = re.compile(r"0{5,}|1{5,}")
_FINDER = re.compile(r"(?=00001011101|10111010000)")


def _penalty(modules: list[list[bool]]) -> int:
    """ISO/IEC 18004 mask penalty (rules 1–4), on strings and ints: ~6× faster than the
    reference loops in reportlab's encoder, which dominate a sticker's rendering time."""
    rows = ["".join("1" if v else "0" for v in row) for row in modules]
    cols = ["".join(col) for col in zip(*rows, strict=True)]
    n = len(rows)
    score = 0
    for line in rows + cols:
        for m in _RUN5.finditer(line):
            score += m.end() - m.start() - 2  # 3 + (run - 5)
        score += 40 * len(_FINDER.findall(line))
    ints = [int(r, 2) for r in rows]
    mask = (1 << (n - 1)) - 1
    for a, b in zip(ints, ints[1:], strict=False):
        same = ~(a ^ b)  # vertically equal
        block = same & (same >> 1) & ~(a ^ (a >> 1))  # and horizontally equal: a 2×2 block
        score += 3 * bin(block & mask).count("1")
    dark = sum(r.count("1") for r in rows)
    score += 10 * (abs(dark * 100 // (n * n) - 50) // 5)
    return score


class _QRCode(qrencoder.QRCode):  # type: ignore[misc]
    def getBestMaskPattern(self) -> int:
        best, best_score = 0, -1
        for pattern in range(8):
            self.makeImpl(True, pattern)
            score = _penalty(self.modules)
            if best_score < 0 or score < best_score:
                best, best_score = pattern, score
        return best


@lru_cache(maxsize=1024)
def qr_matrix(value: str, ecc: str = "M") -> tuple[tuple[bool, ...], ...]:
    if not value:
        raise BarcodeError(tr("Nothing to encode in a QR code."), value=value)
    level = getattr(qrencoder.QRErrorCorrectLevel, ecc)
    qr = _QRCode(None, level)
    qr.addData(value)
    qr.make()
    return tuple(tuple(bool(v) for v in row) for row in qr.modules)


def qr_size(value: str, module_dots: int, quiet: int = QR_QUIET, ecc: str = "M") -> float:
    return (len(qr_matrix(value, ecc)) + 2 * quiet) * module_dots * DOT


def draw_qr(
    c: Canvas,
    value: str,
    x: float,
    y: float,
    size: float,
    *,
    page_height: float,
    quiet: int = QR_QUIET,
    ecc: str = "M",
    max_module_dots: int = 8,
    min_module_dots: int = 2,
    align: str = "center",
) -> Placed:
    """Draw a QR code in the square box of side ``size`` whose bottom-left is ``x``, ``y``.
    Modules are whole dots, aligned to the dot grid from the page's left and top edges."""
    matrix = qr_matrix(value, ecc)
    n = len(matrix)
    m = min(max_module_dots, int(size / DOT + 1e-6) // (n + 2 * quiet))
    if m < min_module_dots:
        raise BarcodeError(
            tr(
                "QR code of {value!r} does not fit its box.",
                value=value,
            ),
            value=value,
        )
    side = n * m * DOT
    spare = size - (n + 2 * quiet) * m * DOT
    offset = {"left": 0.0, "right": spare}.get(align, spare / 2)
    dx = math.ceil((x + offset) / DOT - 1e-6) + quiet * m  # left edge, dots from page left
    top_pt = page_height - (y + size) + spare / 2 + quiet * m * DOT  # from the page top
    dy = math.ceil(top_pt / DOT - 1e-6)  # top edge, dots from the page top
    ops = []
    for r, row in enumerate(matrix):
        col = 0
        while col < n:
            if row[col]:
                end = col
                while end < n and row[end]:
                    end += 1
                ops.append(f"{dx + col * m} {dy + r * m} {(end - col) * m} {m} re")
                col = end
            else:
                col += 1
    # whole dots from the page's top-left corner, y downwards
    _fill(c, f"{DOT:.6f} 0 0 {-DOT:.6f} 0 {page_height:.4f} cm", ops)
    x0 = dx * DOT
    top = page_height - dy * DOT
    return Placed(x0, top - side, side, side, m)
