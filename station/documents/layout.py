"""The label template engine: fixed-size documents (shelf stickers, waybills) as data.

A ``Template`` is a page size plus elements placed in millimetres from the page's top-left
corner. Element text is a ``str.format`` pattern over a dict of already formatted fields
(``"{pickup_code}"``); an element with ``when="cod"`` is drawn only if ``fields["cod"]`` is
truthy. Text shrinks (down to ``min_size``), then wraps (up to ``max_lines``), then ends in
"…": it never leaves its box. Barcodes keep whole-dot modules and their quiet zones.

Templates can be written in Python (``sticker.py``, ``waybill.py``) or loaded from JSON-like
dicts with ``Template.from_dict``; a new layout is a new template, not new drawing code.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, ClassVar

from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from station.documents import barcodes, fonts
from station.documents.barcodes import MM
from station.i18n import tr

CREATOR = "Parcel Station"


class _Blank(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return ""


def expand(pattern: str, values: Mapping[str, Any]) -> str:
    return pattern.format_map(_Blank(values)).strip()


@dataclass(frozen=True)
class Element:
    x: float
    y: float
    w: float
    h: float
    when: str | None = None
    kind: ClassVar[str] = ""

    def visible(self, values: Mapping[str, Any]) -> bool:
        return self.when is None or bool(values.get(self.when))

    def rect(self, page_h: float) -> tuple[float, float, float, float]:
        """(x, y, w, h) in points, y measured from the bottom of the page."""
        return self.x * MM, page_h - (self.y + self.h) * MM, self.w * MM, self.h * MM

    def draw(self, c: Canvas, values: Mapping[str, Any], page_h: float) -> None:
        raise NotImplementedError


@dataclass(frozen=True)
class Text(Element):
    text: str = ""
    size: float = 8.0
    min_size: float | None = None
    bold: bool = False
    align: str = "left"  # left | center | right
    valign: str = "middle"  # top | middle | bottom
    max_lines: int = 1
    leading: float = 1.15
    inverse: bool = False  # white text on a black box
    border: float = 0.0  # frame line width in points, 0 = none
    pad: float = 0.0  # inner padding, mm
    cap: bool = False  # centre on the cap height (large codes without descenders)
    kind: ClassVar[str] = "text"

    def draw(self, c: Canvas, values: Mapping[str, Any], page_h: float) -> None:
        x, y, w, h = self.rect(page_h)
        content = expand(self.text, values)
        if self.inverse:
            c.rect(x, y, w, h, stroke=0, fill=1)
        elif self.border:
            c.setLineWidth(self.border)
            c.rect(x, y, w, h, stroke=1, fill=0)
        if not content:
            return
        p = self.pad * MM
        iw, ih = w - 2 * p, h - 2 * p
        size, lines = fonts.fit(
            content,
            iw,
            ih,
            self.size,
            min_size=self.min_size,
            bold=self.bold,
            max_lines=self.max_lines,
            leading=self.leading,
        )
        if not lines:
            return
        line_h = size * self.leading
        if self.cap and len(lines) == 1:
            glyph_h, top_gap = (
                fonts.CAP_HEIGHT[self.bold] * size,
                fonts.CAP_HEIGHT[self.bold] * size,
            )
        else:
            glyph_h = (len(lines) - 1) * line_h + (fonts.ASCENT + fonts.DESCENT) * size
            top_gap = fonts.ASCENT * size
        top = y + h - p
        if self.valign == "middle":
            top -= (ih - glyph_h) / 2
        elif self.valign == "bottom":
            top -= ih - glyph_h
        ax = {"center": x + w / 2, "right": x + w - p}.get(self.align, x + p)
        if self.inverse:
            c.saveState()
            c.setFillColorRGB(1, 1, 1)
            c.setStrokeColorRGB(1, 1, 1)
        for i, line in enumerate(lines):
            fonts.draw(
                c, ax, top - top_gap - i * line_h, line, size, bold=self.bold, align=self.align
            )
        if self.inverse:
            c.restoreState()


@dataclass(frozen=True)
class Barcode(Element):
    """Code 128 with its quiet zones inside the box; the human-readable text (if any) under it."""

    value: str = ""
    max_module_dots: int = 3
    min_module_dots: int = 2  # thinner bars do not scan reliably off a 203 dpi thermal head
    human_readable: bool = True
    hr_size: float = 7.0
    hr_bold: bool = False
    align: str = "center"
    kind: ClassVar[str] = "code128"

    def module_dots(self, value: str) -> int:
        """Module width in dots for ``value``; BarcodeError if below ``min_module_dots``."""
        m = barcodes.choose_module_dots(value, self.w * MM, self.max_module_dots)
        if m < self.min_module_dots:
            raise barcodes.BarcodeError(
                tr(
                    "{value!r} is too long for a {width:.0f} mm wide barcode ({modules} dot "
                    "modules; {needed} needed).",
                    value=value,
                    width=self.w,
                    modules=m,
                    needed=self.min_module_dots,
                ),
                value=value,
            )
        return m

    def fits(self, values: Mapping[str, Any]) -> bool:
        value = expand(self.value, values)
        if not value:
            return True
        barcodes.code128_modules(value)  # a value Code 128 cannot encode is an error
        try:
            return bool(self.module_dots(value))
        except barcodes.BarcodeError:
            return False

    def draw(self, c: Canvas, values: Mapping[str, Any], page_h: float) -> None:
        x, y, w, h = self.rect(page_h)
        value = expand(self.value, values)
        if not value:
            return
        text_h = 0.0
        if self.human_readable:
            text_h = self.hr_size * (fonts.ASCENT + fonts.DESCENT) + 0.6 * MM
        placed = barcodes.draw_code128(
            c,
            value,
            x,
            y + text_h,
            w,
            h - text_h,
            module_dots=self.module_dots(value),
            align=self.align,
        )
        if self.human_readable:
            cx = placed.x + placed.width / 2
            size, lines = fonts.fit(value, w, text_h, self.hr_size, min_size=5, bold=self.hr_bold)
            if lines:
                fonts.draw(
                    c,
                    cx,
                    y + fonts.DESCENT * size,
                    lines[0],
                    size,
                    bold=self.hr_bold,
                    align="center",
                )


@dataclass(frozen=True)
class QRCode(Element):
    value: str = ""
    ecc: str = "M"
    align: str = "center"
    max_module_dots: int = 8
    min_module_dots: int = 3
    kind: ClassVar[str] = "qr"

    def draw(self, c: Canvas, values: Mapping[str, Any], page_h: float) -> None:
        x, y, w, h = self.rect(page_h)
        value = expand(self.value, values)
        if not value:
            return
        side = min(w, h)
        bx = {"left": x, "right": x + w - side}.get(self.align, x + (w - side) / 2)
        barcodes.draw_qr(
            c,
            value,
            bx,
            y + (h - side) / 2,
            side,
            page_height=page_h,
            ecc=self.ecc,
            max_module_dots=self.max_module_dots,
            min_module_dots=self.min_module_dots,
        )


@dataclass(frozen=True)
class Line(Element):
    """A line from (x, y) to (x + w, y + h); width in points; dash in points (0 = solid)."""

    width: float = 0.5
    dash: float = 0.0
    kind: ClassVar[str] = "line"

    def draw(self, c: Canvas, values: Mapping[str, Any], page_h: float) -> None:
        c.saveState()
        c.setLineWidth(self.width)
        if self.dash:
            c.setDash(self.dash, self.dash)
        c.line(
            self.x * MM,
            page_h - self.y * MM,
            (self.x + self.w) * MM,
            page_h - (self.y + self.h) * MM,
        )
        c.restoreState()


@dataclass(frozen=True)
class Frame(Element):
    width: float = 0.5
    fill: bool = False
    radius: float = 0.0  # mm
    kind: ClassVar[str] = "frame"

    def draw(self, c: Canvas, values: Mapping[str, Any], page_h: float) -> None:
        x, y, w, h = self.rect(page_h)
        c.setLineWidth(self.width)
        if self.radius:
            c.roundRect(x, y, w, h, self.radius * MM, stroke=1, fill=int(self.fill))
        else:
            c.rect(x, y, w, h, stroke=1, fill=int(self.fill))


@dataclass(frozen=True)
class Picture(Element):
    """PNG/JPEG bytes from ``values[field]``, scaled to fit the box, aspect kept."""

    field: str = ""
    kind: ClassVar[str] = "image"

    def draw(self, c: Canvas, values: Mapping[str, Any], page_h: float) -> None:
        data = values.get(self.field)
        if not data:
            return
        x, y, w, h = self.rect(page_h)
        draw_image(c, data, x, y, w, h)


def draw_image(
    c: Canvas, data: bytes, x: float, y: float, w: float, h: float
) -> tuple[float, float]:
    """Draw image bytes fitted and centred in the box; returns the drawn (w, h)."""
    img = ImageReader(io.BytesIO(data))
    iw, ih = img.getSize()
    scale = min(w / iw, h / ih)
    dw, dh = iw * scale, ih * scale
    c.drawImage(img, x + (w - dw) / 2, y + (h - dh) / 2, dw, dh, mask="auto")
    return dw, dh


ELEMENT_TYPES: dict[str, type[Element]] = {
    cls.kind: cls for cls in (Text, Barcode, QRCode, Line, Frame, Picture)
}


@dataclass(frozen=True)
class Template:
    name: str
    width_mm: float
    height_mm: float
    elements: tuple[Element, ...]
    # used for a page whose Code 128 would not fit at its minimum module width
    fallback: Template | None = None

    def fits(self, values: Mapping[str, Any]) -> bool:
        return all(
            el.fits(values)
            for el in self.elements
            if isinstance(el, Barcode) and el.visible(values)
        )

    def pick(self, values: Mapping[str, Any]) -> Template:
        """This template, or its fallback when a barcode would not fit."""
        if self.fallback is not None and not self.fits(values):
            return self.fallback.pick(values)
        return self

    @property
    def pagesize(self) -> tuple[float, float]:
        return self.width_mm * MM, self.height_mm * MM

    def render(self, c: Canvas, values: Mapping[str, Any]) -> None:
        """Draw one page (the caller has set the page size and calls ``showPage``)."""
        page_h = self.height_mm * MM
        c.setFillColorRGB(0, 0, 0)
        c.setStrokeColorRGB(0, 0, 0)
        for el in self.elements:
            if el.visible(values):
                el.draw(c, values, page_h)

    def check(self) -> list[str]:
        """Problems with the geometry: elements that leave the page."""
        problems = []
        for i, el in enumerate(self.elements):
            xs, ys = (el.x, el.x + el.w), (el.y, el.y + el.h)
            if (
                min(xs) < -1e-6
                or max(xs) > self.width_mm + 1e-6
                or min(ys) < -1e-6
                or (max(ys) > self.height_mm + 1e-6)
            ):
                problems.append(f"{self.name}: element {i} ({el.kind}) leaves the page")
        if self.fallback is not None:
            problems += self.fallback.check()
        return problems

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Template:
        """Build a template from plain data, e.g. loaded from JSON::

        {"name": "x", "width_mm": 60, "height_mm": 40,
         "elements": [{"type": "text", "x": 2, "y": 2, "w": 56, "h": 10, "text": "{code}"}]}
        """
        elements = []
        for raw in data["elements"]:
            raw = dict(raw)
            kind = raw.pop("type")
            et = ELEMENT_TYPES.get(kind)
            if et is None:
                raise ValueError(f"unknown element type {kind!r}")
            known = {f.name for f in fields(et)}
            unknown = set(raw) - known
            if unknown:
                raise ValueError(f"{kind}: unknown keys {sorted(unknown)}")
            elements.append(et(**raw))
        return cls(data["name"], float(data["width_mm"]), float(data["height_mm"]), tuple(elements))


def new_canvas(target: io.BytesIO | str, pagesize: tuple[float, float], title: str) -> Canvas:
    fonts.register()
    c = Canvas(
        target,
        pagesize=pagesize,
        pageCompression=1,
        invariant=1,
        initialFontName=fonts.SANS,
        initialFontSize=8,
    )
    c.setTitle(title)
    c.setAuthor(CREATOR)
    c.setCreator(CREATOR)
    c.setProducer(CREATOR)
    return c


def render_pages(
    template: Template,
    pages: Iterable[Mapping[str, Any]],
    title: str,
    out: Path | None = None,
) -> bytes:
    """Render one page per ``values`` mapping; returns the PDF bytes (also written to ``out``)."""
    buf = io.BytesIO()
    c = new_canvas(buf, template.pagesize, title)
    for values in pages:
        template.pick(values).render(c, values)
        c.showPage()
    c.save()
    pdf = buf.getvalue()
    if out is not None:
        write(out, pdf)
    return pdf


def write(out: Path | str, pdf: bytes) -> Path:
    """Write atomically (temp file + rename) so a reader never sees half a PDF."""
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(pdf)
    tmp.replace(path)
    return path


def stack(*groups: Sequence[Element]) -> tuple[Element, ...]:
    return tuple(el for g in groups for el in g)
