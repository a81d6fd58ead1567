"""Flowing documents: receipts on an 80 mm roll (one page as long as needed) and A4 reports
(paginated, table headers repeated, "page n of N" footers), built from ``blocks``.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.pdfgen.canvas import Canvas

from station.documents import fonts
from station.documents.barcodes import MM
from station.documents.blocks import (
    A4,
    KV,
    ROLL_80,
    BarcodeCell,
    Block,
    Cell,
    Code128,
    Column,
    Para,
    Picture,
    Row,
    Rule,
    Signatures,
    Space,
    Table,
    info_grid,
)
from station.documents.layout import new_canvas, write

__all__ = [
    "A4",
    "KV",
    "ROLL_80",
    "BarcodeCell",
    "Block",
    "Cell",
    "Code128",
    "Column",
    "Flow",
    "Para",
    "Picture",
    "Row",
    "Rule",
    "Signatures",
    "Space",
    "Table",
    "info_grid",
    "page_footer",
]

Footer = Callable[[Canvas, int, int, float, float], None]


@dataclass
class Flow:
    """Blocks laid out on pages ``width`` wide; ``height=None`` means one roll page as long as
    the content. ``margins`` = (top, right, bottom, left) in points."""

    width: float
    height: float | None
    margins: tuple[float, float, float, float]
    blocks: list[Block | Table] = field(default_factory=list)
    footer: Footer | None = None
    footer_height: float = 0.0

    def add(self, *blocks: Block | Table) -> Flow:
        self.blocks.extend(blocks)
        return self

    def _items(self) -> list[tuple[Block, Row | None]]:
        items: list[tuple[Block, Row | None]] = []
        for b in self.blocks:
            if isinstance(b, Table):
                rows = b.expand()
                items.extend((r, rows[0]) for r in rows)
            else:
                items.append((b, None))
        return items

    def layout(self) -> tuple[list[list[tuple[Block, float]]], float]:
        """Pages of (block, top offset from the page top), and the page height."""
        top_m, right_m, bottom_m, left_m = self.margins
        inner = self.width - left_m - right_m
        items = self._items()
        heights = [b.measure(inner) for b, _ in items]
        if self.height is None:  # a roll: one page
            page_h = top_m + sum(heights) + bottom_m + self.footer_height
            y, page = top_m, []
            for (b, _), h in zip(items, heights, strict=True):
                page.append((b, y))
                y += h
            return [page], page_h
        avail = self.height - top_m - bottom_m - self.footer_height
        pages: list[list[tuple[Block, float]]] = [[]]
        used = 0.0
        i = 0
        while i < len(items):
            b, head = items[i]
            h = heights[i]
            need = h  # keep a heading with what follows it
            j = i
            while items[j][0].keep_with_next and j + 1 < len(items):
                j += 1
                need += heights[j]
            if used + min(need, avail) > avail + 1e-6 and pages[-1]:
                pages.append([])
                used = 0.0
                if head is not None and b is not head:  # repeat the table header
                    pages[-1].append((head, top_m))
                    used += head.measure(inner)
            pages[-1].append((b, top_m + used))
            used += h
            i += 1
        return pages, self.height

    def render(self, title: str, out: Path | None = None) -> bytes:
        pages, page_h = self.layout()
        top_m, right_m, bottom_m, left_m = self.margins
        inner = self.width - left_m - right_m
        buf = io.BytesIO()
        c = new_canvas(buf, (self.width, page_h), title)
        for n, page in enumerate(pages, start=1):
            c.setFillColorRGB(0, 0, 0)
            for block, offset in page:
                block.draw(c, left_m, page_h - offset, inner, page_h)
            if self.footer:
                self.footer(c, n, len(pages), self.width, page_h)
            c.showPage()
        c.save()
        pdf = buf.getvalue()
        if out is not None:
            write(out, pdf)
        return pdf


def page_footer(label: str, size: float = 8.0) -> Footer:
    """A footer "label · 第 n/N 页 Page n of N" centred at the bottom of an A4 page."""

    def draw(c: Canvas, n: int, total: int, width: float, height: float) -> None:
        fonts.draw(
            c,
            width / 2,
            10 * MM,
            f"{label} · 第 {n}/{total} 页 Page {n} of {total}",
            size,
            align="center",
        )

    return draw
