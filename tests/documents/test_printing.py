"""ui/printing.py with pytest-qt (offscreen): settings, exact pages, fallback, no blocking."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QSize
from PySide6.QtGui import QPageLayout

from station.documents import render_manifest, render_receipt, render_sticker
from station.documents.barcodes import code128_modules
from station.documents.data import ManifestData, ReceiptData, StickerData
from ui import printing
from ui.printing import DocKind, PrintResult, PrintService

from .helpers import MM, decode_pdf, needs_poppler, needs_zbar, page_sizes

NOWHERE = "ParcelStation-No-Such-Printer"


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    s = QSettings(str(tmp_path / "station.ini"), QSettings.Format.IniFormat)
    s.setValue("printing/fallback_dir", str(tmp_path / "unprinted"))
    return s


def test_printer_per_document_kind(qapp: object, settings: QSettings) -> None:
    assert printing.printer_for(DocKind.LABEL, settings) == ""
    printing.set_printer_for(DocKind.LABEL, "Xprinter-XP-365B", settings)
    printing.set_printer_for(DocKind.RECEIPT, "EPSON-TM-T82", settings)
    printing.set_printer_for(DocKind.REPORT, "Office-Laser", settings)
    assert printing.printer_for(DocKind.LABEL, settings) == "Xprinter-XP-365B"
    assert printing.printer_for(DocKind.RECEIPT, settings) == "EPSON-TM-T82"
    assert printing.printer_for(DocKind.REPORT, settings) == "Office-Laser"
    assert settings.value("printing/label_printer") == "Xprinter-XP-365B"
    assert printing.fallback_dir(settings).name == "unprinted"


@pytest.mark.parametrize("w_mm, h_mm", [(60, 40), (40, 30), (80, 213.4), (210, 297), (76, 130)])
def test_page_layout_is_the_exact_page(qapp: object, w_mm: float, h_mm: float) -> None:
    layout = printing.page_layout_for(
        __import__("PySide6.QtCore").QtCore.QSizeF(w_mm * MM, h_mm * MM)
    )
    full = layout.fullRect(QPageLayout.Unit.Millimeter)
    assert full.width() == pytest.approx(w_mm, abs=0.01)
    assert full.height() == pytest.approx(h_mm, abs=0.01)
    assert layout.margins().isNull()
    assert layout.orientation() == QPageLayout.Orientation.Portrait


@needs_poppler
@pytest.mark.parametrize("dpi", [203, 300])
def test_print_to_pdf_printer_keeps_size_and_barcodes(
    qapp: object, sticker: StickerData, dpi: int, tmp_path: Path
) -> None:
    from PySide6.QtPrintSupport import QPrinter

    out = tmp_path / "printed.pdf"
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(out))
    printer.setResolution(dpi)
    assert printing.print_to(printer, render_sticker(sticker), DocKind.LABEL) == 1
    [(w, h)] = page_sizes(out, tmp_path)
    assert (w, h) == pytest.approx((60 * MM, 40 * MM), abs=0.5)
    if printing.shutil.which("zbarimg"):
        found = decode_pdf(out, tmp_path, dpi)
        assert ("CODE-128", sticker.tracking) in found and ("QR-Code", "A-3-0127") in found


def test_aliased_raster_at_203_dpi_has_exact_bars(qapp: object, sticker: StickerData) -> None:
    """What the label printer gets: QtPdf's aliased 203 dpi raster of the sticker. The
    tracking barcode row must be the Code 128 modules exactly, each a whole number of dots."""
    from PySide6.QtPdf import QPdfDocumentRenderOptions

    src = printing._PdfSource(render_sticker(sticker))
    try:
        size = src.page_size_pt(0)
        px = QSize(round(size.width() * 203 / 72), round(size.height() * 203 / 72))
        opts = QPdfDocumentRenderOptions()
        opts.setRenderFlags(
            QPdfDocumentRenderOptions.RenderFlag.PathAliased
            | QPdfDocumentRenderOptions.RenderFlag.TextAliased
        )
        image = src.doc.render(0, px, opts)
    finally:
        src.close()
    row = round(px.height() * 0.80)  # through the bars, above the human-readable text

    def is_dark(x: int) -> bool:  # pdfium leaves the paper transparent
        c = image.pixelColor(x, row)
        return c.alpha() > 127 and c.lightness() < 128

    dark = "".join("1" if is_dark(x) else "0" for x in range(px.width() * 3 // 4))
    first, last = dark.index("1"), dark.rindex("1")
    drawn = dark[first : last + 1]
    mods = code128_modules(sticker.tracking)
    assert any(drawn == "".join(c * m for c in mods) for m in (1, 2, 3)), drawn


def test_missing_printer_saves_the_pdf(qapp: object, sticker: StickerData, tmp_path: Path) -> None:
    pdf = render_sticker(sticker)
    result = printing.print_pdf(
        pdf, DocKind.LABEL, NOWHERE, job_name="sticker SF123", save_dir=tmp_path / "out"
    )
    assert result.ok and not result.printed
    assert result.saved_to is not None and result.saved_to.read_bytes() == pdf
    assert result.saved_to.parent == tmp_path / "out"
    assert str(result.saved_to) in result.message and NOWHERE in result.message
    unset = printing.print_pdf(pdf, DocKind.LABEL, "", save_dir=tmp_path / "out")
    assert not unset.printed and unset.saved_to is not None and "No printer" in unset.message


def test_service_does_not_block_and_reports_back(
    qtbot,
    settings: QSettings,  # type: ignore[no-untyped-def]
    manifest: ManifestData,
) -> None:
    printing.set_printer_for(DocKind.REPORT, NOWHERE, settings)
    service = PrintService(settings=settings)
    got: list[PrintResult] = []
    service.finished.connect(got.append)
    pdf = render_manifest(manifest)
    with qtbot.waitSignal(service.finished, timeout=20000) as blocker:
        started = time.perf_counter()
        service.submit(pdf, DocKind.REPORT, job_name="manifest RM1")
        assert time.perf_counter() - started < 0.05  # handed to the worker, GUI goes on
        assert got == []  # results arrive later, on the GUI thread
    result = blocker.args[0]
    assert isinstance(result, PrintResult) and not result.printed
    assert result.saved_to is not None and result.saved_to.read_bytes() == pdf
    assert result.saved_to.parent == Path(settings.value("printing/fallback_dir"))
    assert service.wait(5000)


def test_service_reports_errors_instead_of_raising(
    qtbot,
    settings: QSettings,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    service = PrintService(settings=settings)

    def boom(*args: object, **kw: object) -> PrintResult:
        raise OSError("disk full")

    monkeypatch.setattr(printing, "print_pdf", boom)
    with qtbot.waitSignal(service.finished, timeout=5000) as blocker:
        service.submit(b"%PDF-", DocKind.LABEL)
    assert not blocker.args[0].ok and "disk full" in blocker.args[0].message


def test_preview_dialog(
    qtbot,
    settings: QSettings,
    receipt: ReceiptData,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    service = PrintService(settings=settings)
    printing.set_printer_for(DocKind.RECEIPT, NOWHERE, settings)
    pdf = render_receipt(receipt)
    dialog = printing.PrintPreviewDialog(pdf, DocKind.RECEIPT, service, job_name="receipt R7")
    qtbot.addWidget(dialog)
    dialog.show()
    assert "1 page(s) · 80×" in dialog.info.text()
    assert dialog.print_button.text() == "Print" and dialog.windowTitle().endswith("receipt R7")
    assert dialog.printers.currentText() == NOWHERE
    saved = dialog.save_as(str(tmp_path / "copy.pdf"))
    assert saved is not None and saved.read_bytes() == pdf
    dialog.remember.setChecked(True)
    with qtbot.waitSignal(service.finished, timeout=10000) as blocker:
        dialog.print_button.click()
    assert not dialog.isVisible()
    assert blocker.args[0].saved_to is not None
    assert printing.printer_for(DocKind.RECEIPT, settings) == NOWHERE


def test_raw_escpos_to_missing_printer_fails_softly(qapp: object) -> None:
    result = printing.send_raw(NOWHERE, b"\x1b@hello")
    assert not result.ok and not result.printed and NOWHERE in result.message


def test_printer_problem_names_the_reason(qapp: object) -> None:
    assert "No printer" in (printing.printer_problem("") or "")
    assert "not found" in (printing.printer_problem(NOWHERE) or "")


@needs_zbar
def test_zbar_marker() -> None:  # keeps the skip reason visible when zbar is missing
    assert printing.THERMAL_DPI == 203
