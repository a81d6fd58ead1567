"""The blocks a flowing document (``flow.Flow``) stacks: paragraphs, label/value lines,
rules, barcodes, pictures, signature lines, and tables (expanded into rows so that a page
break falls between rows). Each block measures its height for a width and draws itself;
text wraps (CJK anywhere, Latin at spaces) and never leaves its column.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.pdfgen.canvas import Canvas

from station.documents import barcodes, fonts
from station.documents.barcodes import MM
from station.documents.layout import draw_image

A4 = (210 * MM, 297 * MM)
ROLL_80 = 80 * MM
LEADING = 1.2


class Block:
    keep_with_next = False

    def measure(self, width: float) -> float:
        raise NotImplementedError

    def draw(self, c: Canvas, x: float, top: float, width: float, page_h: float) -> None:
        raise NotImplementedError


def _line_h(size: float) -> float:
    return size * LEADING


def _text_lines(text: str, width: float, size: float, bold: bool, max_lines: int) -> list[str]:
    """Wrap ``text`` (explicit "\n" breaks kept) to at most ``max_lines`` lines."""
    lines = [ln for part in text.split("\n") for ln in fonts.wrap(part, width, size, bold)]
    if len(lines) > max_lines:
        rest = "".join(lines[max_lines - 1 :])
        lines = lines[: max_lines - 1] + [fonts.ellipsize(rest, width, size, bold)]
    return lines


def _draw_lines(
    c: Canvas,
    lines: Sequence[str],
    x: float,
    top: float,
    width: float,
    size: float,
    bold: bool,
    align: str,
) -> None:
    ax = {"center": x + width / 2, "right": x + width}.get(align, x)
    for i, line in enumerate(lines):
        base = top - (size * LEADING - size) / 2 - fonts.ASCENT * size - i * _line_h(size)
        fonts.draw(c, ax, base, line, size, bold=bold, align=align)


@dataclass
class Para(Block):
    text: str
    size: float = 9.0
    bold: bool = False
    align: str = "left"
    inverse: bool = False
    space_after: float = 0.0  # points
    max_lines: int = 20
    keep_with_next: bool = False

    def _lines(self, width: float) -> list[str]:
        pad = 2.0 if self.inverse else 0.0
        return _text_lines(self.text, width - 2 * pad, self.size, self.bold, self.max_lines)

    def measure(self, width: float) -> float:
        return len(self._lines(width)) * _line_h(self.size) + self.space_after

    def draw(self, c: Canvas, x: float, top: float, width: float, page_h: float) -> None:
        lines = self._lines(width)
        if self.inverse:
            w = min(width, fonts.max_width_of(lines, self.size, self.bold) + 4.0)
            bx = {"center": x + (width - w) / 2, "right": x + width - w}.get(self.align, x)
            h = len(lines) * _line_h(self.size)
            c.rect(bx, top - h, w, h, stroke=0, fill=1)
            c.saveState()
            c.setFillColorRGB(1, 1, 1)
            c.setStrokeColorRGB(1, 1, 1)
            _draw_lines(c, lines, bx + 2.0, top, w - 4.0, self.size, self.bold, self.align)
            c.restoreState()
        else:
            _draw_lines(c, lines, x, top, width, self.size, self.bold, self.align)


@dataclass
class KV(Block):
    """A label on the left, a value on the right (money, numbers); the label wraps."""

    key: str
    value: str
    size: float = 9.0
    bold: bool = False
    value_size: float | None = None

    def _layout(self, width: float) -> tuple[list[str], float, list[str]]:
        vs = self.value_size or self.size
        vw = min(fonts.width(self.value, vs, self.bold), width * 0.62)
        v_lines = _text_lines(self.value, width * 0.62, vs, self.bold, 3)
        k_lines = _text_lines(self.key, max(width - vw - 4.0, width * 0.3), self.size, self.bold, 3)
        return k_lines, vs, v_lines

    def measure(self, width: float) -> float:
        k, vs, v = self._layout(width)
        return max(len(k) * _line_h(self.size), len(v) * _line_h(vs))

    def draw(self, c: Canvas, x: float, top: float, width: float, page_h: float) -> None:
        k, vs, v = self._layout(width)
        _draw_lines(c, k, x, top, width, self.size, self.bold, "left")
        _draw_lines(c, v, x, top, width, vs, self.bold, "right")


@dataclass
class Rule(Block):
    dashed: bool = False
    weight: float = 0.6
    space: float = 3.0  # points above and below
    keep_with_next: bool = False

    def measure(self, width: float) -> float:
        return 2 * self.space

    def draw(self, c: Canvas, x: float, top: float, width: float, page_h: float) -> None:
        c.saveState()
        c.setLineWidth(self.weight)
        if self.dashed:
            c.setDash(2, 2)
        c.line(x, top - self.space, x + width, top - self.space)
        c.restoreState()


@dataclass
class Space(Block):
    height: float
    keep_with_next: bool = False

    def measure(self, width: float) -> float:
        return self.height

    def draw(self, c: Canvas, x: float, top: float, width: float, page_h: float) -> None:
        return None


@dataclass
class Code128(Block):
    value: str
    height: float = 10 * MM
    max_module_dots: int = 2
    human_readable: bool = True
    size: float = 8.0
    align: str = "center"

    def measure(self, width: float) -> float:
        return self.height + (_line_h(self.size) + 1.0 if self.human_readable else 0.0) + 2.0

    def draw(self, c: Canvas, x: float, top: float, width: float, page_h: float) -> None:
        y = top - 1.0 - self.height
        placed = barcodes.draw_code128(
            c,
            self.value,
            x,
            y,
            width,
            self.height,
            max_module_dots=self.max_module_dots,
            align=self.align,
        )
        if self.human_readable:
            _draw_lines(
                c, [self.value], placed.x, y - 1.0, placed.width, self.size, False, "center"
            )


@dataclass
class Picture(Block):
    data: bytes
    max_height: float = 18 * MM
    max_width: float | None = None
    frame: bool = True

    def measure(self, width: float) -> float:
        return self.max_height + 2.0

    def draw(self, c: Canvas, x: float, top: float, width: float, page_h: float) -> None:
        w = min(width, self.max_width or width)
        if self.frame:
            c.setLineWidth(0.4)
            c.rect(x, top - self.max_height - 1.0, w, self.max_height, stroke=1, fill=0)
        draw_image(c, self.data, x + 1.0, top - self.max_height, w - 2.0, self.max_height - 2.0)


@dataclass
class Signatures(Block):
    """Signature lines side by side: "label ____________ date ______"."""

    labels: Sequence[str]
    size: float = 9.0
    gap: float = 14 * MM  # room to sign above each line

    def measure(self, width: float) -> float:
        return self.gap + _line_h(self.size) + 2.0

    def draw(self, c: Canvas, x: float, top: float, width: float, page_h: float) -> None:
        n = max(1, len(self.labels))
        col = width / n
        y = top - self.gap
        c.setLineWidth(0.6)
        for i, label in enumerate(self.labels):
            x0 = x + i * col
            c.line(x0, y, x0 + col - 8 * MM, y)
            size, lines = fonts.fit(label, col - 8 * MM, _line_h(self.size), self.size, min_size=6)
            _draw_lines(c, lines, x0, y - 1.5, col - 8 * MM, size, False, "left")


@dataclass(frozen=True)
class Column:
    title: str
    frac: float  # share of the table width
    align: str = "left"


@dataclass(frozen=True)
class BarcodeCell:
    value: str
    height: float = 8 * MM


Cell = str | BarcodeCell


@dataclass
class Row(Block):
    columns: Sequence[Column]
    cells: Sequence[Cell]
    size: float = 9.0
    bold: bool = False
    header: bool = False
    rule_below: bool = True
    pad: float = 2.0
    max_lines: int = 4
    keep_with_next: bool = False
    shade: bool = True  # grey header background (not on thermal receipts)

    def _widths(self, width: float) -> list[float]:
        total = sum(col.frac for col in self.columns)
        return [width * col.frac / total for col in self.columns]

    def _cell_h(self, cell: Cell, w: float) -> float:
        if isinstance(cell, BarcodeCell):
            return cell.height + _line_h(self.size - 1) + 2.0
        lines = _text_lines(cell, w - 2 * self.pad, self.size, self.bold, self.max_lines)
        return max(1, len(lines)) * _line_h(self.size)

    def measure(self, width: float) -> float:
        ws = self._widths(width)
        return (
            max(self._cell_h(cell, w) for cell, w in zip(self.cells, ws, strict=True))
            + 2 * self.pad
        )

    def draw(self, c: Canvas, x: float, top: float, width: float, page_h: float) -> None:
        ws = self._widths(width)
        h = self.measure(width)
        if self.header and self.shade:
            c.saveState()
            c.setFillGray(0.88)
            c.rect(x, top - h, width, h, stroke=0, fill=1)
            c.restoreState()
        cx = x
        for cell, w, col in zip(self.cells, ws, self.columns, strict=True):
            if isinstance(cell, BarcodeCell):
                y = top - self.pad - cell.height
                placed = barcodes.draw_code128(
                    c,
                    cell.value,
                    cx + self.pad,
                    y,
                    w - 2 * self.pad,
                    cell.height,
                    max_module_dots=2,
                    align="left",
                )
                _draw_lines(
                    c, [cell.value], placed.x, y - 1.0, placed.width, self.size - 1, False, "center"
                )
            else:
                lines = _text_lines(cell, w - 2 * self.pad, self.size, self.bold, self.max_lines)
                _draw_lines(
                    c,
                    lines,
                    cx + self.pad,
                    top - self.pad,
                    w - 2 * self.pad,
                    self.size,
                    self.bold,
                    col.align,
                )
            cx += w
        if self.rule_below:
            c.setLineWidth(0.8 if self.header else 0.3)
            c.line(x, top - h, x + width, top - h)


@dataclass
class Table:
    """Not a block itself: expanded into rows; the header is repeated after a page break."""

    columns: Sequence[Column]
    rows: Sequence[Sequence[Cell]]
    size: float = 9.0
    bold_last: bool = False  # a totals row
    shade: bool = True
    pad: float = 2.0

    def expand(self) -> list[Row]:
        head = Row(
            self.columns,
            [col.title for col in self.columns],
            self.size,
            bold=True,
            header=True,
            keep_with_next=True,
            shade=self.shade,
            pad=self.pad,
        )
        rows = [head]
        for i, cells in enumerate(self.rows):
            last = self.bold_last and i == len(self.rows) - 1
            rows.append(Row(self.columns, list(cells), self.size, bold=last, pad=self.pad))
        return rows


def info_grid(pairs: Sequence[tuple[str, str]], size: float = 10.0, per_row: int = 2) -> list[Row]:
    """Label/value pairs laid out ``per_row`` to a line (A4 document headers)."""
    cols = []
    for _ in range(per_row):
        cols += [Column("", 0.2 / per_row * 2), Column("", 0.3 / per_row * 2)]
    rows = []
    for i in range(0, len(pairs), per_row):
        cells: list[Cell] = []
        for k, v in list(pairs[i : i + per_row]) + [("", "")] * (per_row - len(pairs[i:])):
            cells += [k, v]
        rows.append(Row(cols, cells, size, rule_below=False, pad=1.2))
    return rows
