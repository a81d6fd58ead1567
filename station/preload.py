"""Import every module the documents need, once, before two threads could.

This module lives outside ``station.documents`` on purpose: importing anything inside that
package runs its ``__init__``, which imports all of it, and is itself part of the race.

reportlab imports parts of itself lazily (barcode widgets, the widths of the standard fonts)
and those modules import each other in a cycle. Two threads that render their first PDF at the
same moment (the sticker lane and the message lane) then trip Python's import deadlock guard
and one of them gets an ImportError / "deadlock detected" instead of a sticker. It happened to
the first sticker of every session. Everything that renders calls :func:`warm_up` first (and
the app calls it at start-up); it runs the imports under one lock, so at most one thread ever
imports reportlab or our documents.
"""

from __future__ import annotations

import importlib
import pkgutil
import threading

_lock = threading.Lock()
_done = False

# Imported lazily by reportlab itself, so neither a thread nor PyInstaller sees them coming.
REPORTLAB_MODULES = (
    "reportlab.pdfgen.canvas",
    "reportlab.pdfbase.pdfmetrics",
    "reportlab.pdfbase.ttfonts",
    "reportlab.pdfbase._fontdata",
    "reportlab.graphics.shapes",
    "reportlab.graphics.renderPDF",
    "reportlab.graphics.barcode",
    "reportlab.lib.pagesizes",
    "reportlab.lib.units",
)
STANDARD_FONTS = ("Helvetica", "Helvetica-Bold", "Courier", "Times-Roman")


def lazy_reportlab_modules() -> list[str]:
    """Every submodule of the packages reportlab loads on demand (for warm-up and for the
    installer's hidden imports)."""
    names = list(REPORTLAB_MODULES)
    for package in ("reportlab.graphics.barcode", "reportlab.pdfbase"):
        module = importlib.import_module(package)
        names += [f"{package}.{info.name}" for info in pkgutil.iter_modules(module.__path__)
                  if not info.name.startswith("_") or info.name.startswith("_fontdata")]
    return names


def warm_up() -> None:
    global _done
    if _done:
        return
    with _lock:
        if _done:
            return
        for name in lazy_reportlab_modules():
            try:
                importlib.import_module(name)
            except ImportError:  # an optional reportlab extra (e.g. renderPM's C part)
                continue
        from reportlab.pdfbase import pdfmetrics

        for font in STANDARD_FONTS:
            pdfmetrics.getFont(font)  # loads the font's widths module now, not mid-render
        import barcode.codex  # noqa: F401 - python-barcode's Code 128 encoder

        importlib.import_module("station.documents")  # all our layouts, fonts and barcodes

        _done = True
