"""Fonts embedded in every PDF, text measuring, wrapping and fitting.

Two TrueType-outline fonts ship in ``resources/fonts/`` (see the README there):

* ``PSSans`` — WenQuanYi Micro Hei: Chinese *and* Latin, used for all ordinary text;
* ``PSBold`` — DejaVu Sans Condensed Bold: Latin only, used for pickup codes and headings.

Text in the bold style is split into runs: characters the bold font lacks (Chinese) are drawn
with ``PSSans`` in text render mode 2 (fill + thin stroke), a "fake bold" that prints well on a
thermal head. reportlab subsets both fonts into each PDF, so documents print on a machine with
no Chinese fonts installed.
"""

from __future__ import annotations

import threading
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

FONT_DIR = Path(__file__).resolve().parents[2] / "resources" / "fonts"
SANS = "PSSans"
BOLD = "PSBold"
SANS_FILE = FONT_DIR / "wqy-microhei.ttc"
BOLD_FILE = FONT_DIR / "DejaVuSansCondensed-Bold.ttf"

ASCENT = 0.766  # of the font size, both fonts (units/em scaled to 1000 by reportlab)
DESCENT = 0.241
CAP_HEIGHT = {False: 0.714, True: 0.729}
FAKE_BOLD_STROKE = 0.035  # stroke width for fake bold, fraction of the font size
REPLACEMENT = "\u25a1"  # □ for a character no font has
ELLIPSIS = "\u2026"

_lock = threading.Lock()
_registered = False
_coverage: dict[str, frozenset[int]] = {}

# Punctuation that must not start a line (simple Chinese line-breaking rule, 避头).
_NO_LINE_START = set("，。、；：？！）》」』】〉,.;:?!)]}%…·")
_NO_LINE_END = set("（《「『【〈([{¥￥")


def register() -> None:
    """Register the station fonts with reportlab (idempotent, thread-safe)."""
    global _registered
    if _registered:
        return
    with _lock:
        if _registered:
            return
        for name, path in ((SANS, SANS_FILE), (BOLD, BOLD_FILE)):
            if not path.is_file():
                raise FileNotFoundError(f"font file missing: {path}")
            font = TTFont(name, str(path), subfontIndex=0)
            pdfmetrics.registerFont(font)
            _coverage[name] = frozenset(font.face.charToGlyph)
        _registered = True


def has_glyph(char: str, font: str = SANS) -> bool:
    register()
    return ord(char) in _coverage[font]


@lru_cache(maxsize=4096)
def clean(text: str) -> str:
    """Normalise text for printing: NFC, no control characters, tabs/newlines as spaces,
    characters that no font has replaced by □."""
    register()
    out = []
    sans = _coverage[SANS]
    for ch in unicodedata.normalize("NFC", text):
        if ch in "\t\r\n":
            out.append(" ")
        elif unicodedata.category(ch) in ("Cc", "Cf", "Cs"):
            continue
        elif ord(ch) in sans or ch == " ":
            out.append(ch)
        elif ch == "\uffe5":  # full-width yen
            out.append("¥")
        else:
            out.append(REPLACEMENT)
    return "".join(out)


@lru_cache(maxsize=8192)
def runs(text: str, bold: bool = False) -> tuple[tuple[str, str, bool], ...]:
    """Split cleaned ``text`` into ``(font, substring, fake_bold)`` runs."""
    text = clean(text)
    if not bold:
        return ((SANS, text, False),) if text else ()
    bold_cov = _coverage[BOLD]
    result: list[tuple[str, str, bool]] = []
    for ch in text:
        font, fake = (BOLD, False) if (ord(ch) in bold_cov) else (SANS, True)
        if result and result[-1][0] == font:
            result[-1] = (font, result[-1][1] + ch, fake)
        else:
            result.append((font, ch, fake))
    return tuple(result)


@lru_cache(maxsize=16384)
def _unit_width(text: str, bold: bool) -> float:
    return sum(pdfmetrics.stringWidth(t, f, 1.0) for f, t, _ in runs(text, bold))


def width(text: str, size: float, bold: bool = False) -> float:
    """Width in points of ``text`` at ``size``."""
    return _unit_width(text, bold) * size


def draw(
    c: Canvas,
    x: float,
    y: float,
    text: str,
    size: float,
    *,
    bold: bool = False,
    align: str = "left",
) -> float:
    """Draw one line with its baseline at ``y``; returns the drawn width."""
    register()
    w = width(text, size, bold)
    if align == "center":
        x -= w / 2
    elif align == "right":
        x -= w
    for font, part, fake in runs(text, bold):
        if fake:
            t = c.beginText(x, y)
            t.setTextRenderMode(2)
            t.setFont(font, size)
            c.saveState()
            c.setLineWidth(size * FAKE_BOLD_STROKE)
            c.setLineJoin(1)
            t.textOut(part)
            c.drawText(t)
            c.restoreState()
        else:
            c.setFont(font, size)
            c.drawString(x, y, part)
        x += pdfmetrics.stringWidth(part, font, size)
    return w


def _is_cjk(ch: str) -> bool:
    o = ord(ch)
    return (
        0x2E80 <= o <= 0x9FFF
        or 0xAC00 <= o <= 0xD7AF
        or 0xF900 <= o <= 0xFAFF
        or 0xFF00 <= o <= 0xFFEF
        or 0x20000 <= o <= 0x3FFFF
    )


def _tokens(text: str) -> list[str]:
    """Break opportunities: each CJK character alone, Latin words with their trailing spaces."""
    tokens: list[str] = []
    word = ""
    for ch in text:
        if _is_cjk(ch) or ch in _NO_LINE_START:
            if word:
                tokens.append(word)
                word = ""
            tokens.append(ch)
        elif ch == " ":
            word += ch
            tokens.append(word)
            word = ""
        else:
            if word.endswith(" "):
                tokens.append(word)
                word = ""
            word += ch
    if word:
        tokens.append(word)
    return tokens


def wrap(text: str, max_width: float, size: float, bold: bool = False) -> list[str]:
    """Wrap ``text`` into lines no wider than ``max_width``; words that do not fit on a line
    of their own are broken between characters. Closing punctuation never starts a line."""
    text = clean(text).strip()
    if not text:
        return []
    if width(text, size, bold) <= max_width:
        return [text]
    lines: list[str] = []
    line = ""
    for tok in _tokens(text):
        candidate = line + tok
        if width(candidate.rstrip(), size, bold) <= max_width:
            line = candidate
            continue
        if line and tok[0] in _NO_LINE_START and len(line) > 1 and line[-1] != " ":
            # keep the punctuation with its character: carry that character to the next line
            lines.append(line[:-1].rstrip())
            line = line[-1] + tok
            if width(line.rstrip(), size, bold) <= max_width:
                continue
            tok, line = line, ""
        elif line:
            if line[-1] in _NO_LINE_END and len(line) > 1:
                lines.append(line[:-1].rstrip())
                line = line[-1]
            else:
                lines.append(line.rstrip())
                line = ""
            candidate = line + tok
            if width(candidate.rstrip(), size, bold) <= max_width:
                line = candidate
                continue
            tok, line = candidate, ""
        # a token wider than the line: break it between characters
        for ch in tok:
            if width((line + ch).rstrip(), size, bold) <= max_width or not line:
                line += ch
            else:
                lines.append(line.rstrip())
                line = ch
    if line.strip():
        lines.append(line.rstrip())
    return [ln.lstrip() if i else ln for i, ln in enumerate(lines)]


def ellipsize(text: str, max_width: float, size: float, bold: bool = False) -> str:
    """Cut ``text`` so that it plus "…" fits in ``max_width``."""
    if width(text, size, bold) <= max_width:
        return text
    lo, hi = 0, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if width(text[:mid].rstrip() + ELLIPSIS, size, bold) <= max_width:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo].rstrip() + ELLIPSIS if lo else ""


def fit(
    text: str,
    max_width: float,
    max_height: float,
    size: float,
    *,
    min_size: float | None = None,
    bold: bool = False,
    max_lines: int = 1,
    leading: float = 1.15,
) -> tuple[float, list[str]]:
    """Choose the largest size (from ``size`` down to ``min_size`` in 0.5 pt steps) at which
    ``text`` fits the box in at most ``max_lines`` lines. If it never fits, it is set at
    ``min_size`` and the last line that fits ends in "…": text never leaves its box."""
    text = clean(text).strip()
    min_size = size if min_size is None else min(min_size, size)
    if not text:
        return size, []
    s = size
    while True:
        lines_allowed = max(1, min(max_lines, int((max_height + 1e-6) / (s * leading)) or 1))
        if lines_allowed == 1 or max_lines == 1:
            if width(text, s, bold) <= max_width and s * (ASCENT + DESCENT) <= max_height + 1e-6:
                return s, [text]
        else:
            lines = wrap(text, max_width, s, bold)
            if len(lines) <= lines_allowed:
                return s, lines
        if s <= min_size:
            break
        s = max(min_size, s - 0.5)
    lines_allowed = max(1, min(max_lines, int((max_height + 1e-6) / (s * leading)) or 1))
    lines = wrap(text, max_width, s, bold)
    if len(lines) > lines_allowed:
        rest = _join(lines[lines_allowed - 1 :])
        lines = lines[: lines_allowed - 1] + [ellipsize(rest, max_width, s, bold)]
    return s, lines


def _join(lines: list[str]) -> str:
    out = ""
    for ln in lines:
        if out and not (_is_cjk(out[-1]) or _is_cjk(ln[0])):
            out += " "
        out += ln
    return out


def max_width_of(texts: Iterable[str], size: float, bold: bool = False) -> float:
    return max((width(t, size, bold) for t in texts), default=0.0)
