"""Real tools for checking PDFs: poppler (pdfinfo, pdftotext, pdffonts, pdftoppm) and zbarimg."""

from __future__ import annotations

import math
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

MM = 72 / 25.4
HAVE_POPPLER = all(shutil.which(t) for t in ("pdfinfo", "pdftotext", "pdffonts", "pdftoppm"))
HAVE_ZBAR = shutil.which("zbarimg") is not None

needs_poppler = pytest.mark.skipif(not HAVE_POPPLER, reason="poppler-utils not installed")
needs_zbar = pytest.mark.skipif(
    not HAVE_ZBAR, reason="zbarimg (Debian zbar-tools) not installed: cannot decode barcodes"
)


def _pdf_path(pdf: bytes | Path, tmp: Path) -> Path:
    if isinstance(pdf, Path):
        return pdf
    path = tmp / f"doc-{zlib.crc32(pdf):08x}.pdf"
    path.write_bytes(pdf)
    return path


def page_sizes(pdf: bytes | Path, tmp: Path) -> list[tuple[float, float]]:
    """Page sizes in points, every page."""
    path = _pdf_path(pdf, tmp)
    out = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", "100000", str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [
        (float(w), float(h))
        for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", out)
    ]


def text(pdf: bytes | Path, tmp: Path, layout: bool = False) -> str:
    path = _pdf_path(pdf, tmp)
    args = ["pdftotext", "-enc", "UTF-8"] + (["-layout"] if layout else []) + [str(path), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def words(pdf: bytes | Path, tmp: Path) -> list[tuple[int, str, float, float, float, float]]:
    """(page, word, xmin, ymin, xmax, ymax) in points from the page's top-left."""
    path = _pdf_path(pdf, tmp)
    html = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    result = []
    for page_no, page in enumerate(html.split("<page ")[1:], start=1):
        for m in re.finditer(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
            r'yMax="([\d.]+)">([^<]*)</word>',
            page,
        ):
            x0, y0, x1, y1 = (float(v) for v in m.groups()[:4])
            result.append((page_no, m.group(5), x0, y0, x1, y1))
    return result


def fonts(pdf: bytes | Path, tmp: Path) -> list[dict[str, str]]:
    path = _pdf_path(pdf, tmp)
    out = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    rows = []
    for line in out[2:]:
        parts = line.split()
        # name type [type2] encoding emb sub uni id gen
        rows.append(
            {
                "name": parts[0],
                "emb": parts[-5],
                "sub": parts[-4],
                "uni": parts[-3],
                "type": parts[1],
            }
        )
    return rows


def to_png(
    pdf: bytes | Path,
    tmp: Path,
    dpi: int,
    *,
    page: int | None = None,
    crop: tuple[int, int, int, int] | None = None,
    aa: bool = True,
) -> list[Path]:
    """Render with pdftoppm; ``crop`` = (x, y, w, h) in pixels at ``dpi``."""
    path = _pdf_path(pdf, tmp)
    stem = tmp / f"{path.stem}-{dpi}-{page or 'all'}-{'x'.join(map(str, crop or ()))}"
    args = ["pdftoppm", "-r", str(dpi), "-png"]
    if not aa:
        args += ["-aa", "no", "-aaVector", "no"]
    if page:
        args += ["-f", str(page), "-l", str(page)]
    if crop:
        x, y, w, h = crop
        args += ["-x", str(x), "-y", str(y), "-W", str(w), "-H", str(h)]
    subprocess.run(args + [str(path), str(stem)], check=True)
    return sorted(tmp.glob(f"{stem.name}*.png"))


def decode(png: Path) -> list[tuple[str, str]]:
    """Every symbol zbarimg finds: (type, value)."""
    run = subprocess.run(["zbarimg", "-q", str(png)], capture_output=True, text=True)
    found = []
    for line in run.stdout.splitlines():
        if ":" in line:
            kind, value = line.split(":", 1)
            found.append((kind, value))
    return found


def decode_pdf(pdf: bytes | Path, tmp: Path, dpi: int, **kw: object) -> list[tuple[str, str]]:
    found = []
    for png in to_png(pdf, tmp, dpi, **kw):  # type: ignore[arg-type]
        found += decode(png)
    return found


def signature_png(w: int = 300, h: int = 90) -> bytes:
    """A small grey-scale PNG of a squiggle, written by hand (no image library needed)."""
    rows = [[255] * w for _ in range(h)]
    for x in range(10, w - 10):
        y = int(h / 2 + math.sin(x / 18) * h / 3 * math.cos(x / 55))
        for dy in (-1, 0, 1):
            if 0 <= y + dy < h:
                rows[y + dy][x] = 0
    raw = b"".join(b"\x00" + bytes(r) for r in rows)

    def chunk(tag: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(tag + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", crc)

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )
