"""Printing from the app: PDF → QtPdf raster at the printer's resolution → QPrinter.

* One printer per document kind (label, receipt, report), kept in ``QSettings`` (a setting of
  this PC, not of the station).
* Each page is printed on a page of exactly its PDF size with no margins, rendered by
  ``QPdfDocument`` at the printer's dots per inch (203 dpi on a thermal label printer, so the
  whole-dot barcode modules stay whole dots), aliased on thermal printers.
* Printing never blocks the counter: ``PrintService.submit`` runs the job in a worker thread
  and reports a ``PrintResult`` through the ``finished`` signal on the GUI thread.
* A missing, unknown or stopped printer is not an error the clerk must handle: the PDF is
  saved to a folder and the result says where.
* Raw ESC/POS bytes can go to a CUPS receipt queue (``lp -o raw``).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QCoreApplication,
    QIODevice,
    QMarginsF,
    QObject,
    QRectF,
    QRunnable,
    QSettings,
    QSize,
    QSizeF,
    QStandardPaths,
    QThreadPool,
    Signal,
)
from PySide6.QtGui import QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument, QPdfDocumentRenderOptions
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

MAX_RENDER_DPI = 600  # office printers report 1200 dpi; a raster that fine only costs memory
THERMAL_DPI = 203


class DocKind(StrEnum):
    LABEL = "label"  # shelf stickers, waybills: thermal label printer
    RECEIPT = "receipt"  # 80 mm receipt roll
    REPORT = "report"  # A4 office printer: manifests, Z-reports


THERMAL_KINDS = frozenset({DocKind.LABEL, DocKind.RECEIPT})


def settings_key(kind: DocKind) -> str:
    return f"printing/{DocKind(kind).value}_printer"


def printer_for(kind: DocKind, settings: QSettings | None = None) -> str:
    """The printer chosen for ``kind`` on this PC ("" = none chosen)."""
    s = settings or QSettings()
    return str(s.value(settings_key(kind), "") or "")


def set_printer_for(kind: DocKind, name: str, settings: QSettings | None = None) -> None:
    s = settings or QSettings()
    s.setValue(settings_key(kind), name)
    s.sync()


def available_printers() -> list[str]:
    return list(QPrinterInfo.availablePrinterNames())


def fallback_dir(settings: QSettings | None = None) -> Path:
    """Where PDFs go when they cannot be printed (setting ``printing/fallback_dir``)."""
    s = settings or QSettings()
    configured = str(s.value("printing/fallback_dir", "") or "")
    if configured:
        return Path(configured)
    docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(docs or Path.home()) / "Parcel Station" / "unprinted"


@dataclass(frozen=True)
class PrintResult:
    ok: bool  # printed, or saved as asked: nothing for the clerk to do
    printed: bool
    printer: str
    pages: int
    saved_to: Path | None
    message: str
    job_name: str
    kind: str


def save_pdf(pdf: bytes, directory: Path, job_name: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in job_name).strip("_")
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    path = directory / f"{safe or 'document'}-{stamp}.pdf"
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(pdf)
    tmp.replace(path)
    return path


def printer_problem(name: str) -> str | None:
    """Why ``name`` cannot take a job now, or None if it can."""
    if not name:
        return QCoreApplication.translate("Printing", "No printer is set")
    if name not in QPrinterInfo.availablePrinterNames():
        return QCoreApplication.translate("Printing", "Printer not found: {0}").format(name)
    state = QPrinterInfo.printerInfo(name).state()
    if state in (QPrinter.PrinterState.Error, QPrinter.PrinterState.Aborted):
        return QCoreApplication.translate("Printing", "Printer offline or stopped: {0}").format(
            name
        )
    return None


class _PdfSource:
    """A QPdfDocument over bytes (the buffer must outlive the document)."""

    def __init__(self, pdf: bytes) -> None:
        self.data = QByteArray(pdf)
        self.buffer = QBuffer(self.data)
        self.buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.doc = QPdfDocument()
        self.doc.load(self.buffer)
        if self.doc.status() != QPdfDocument.Status.Ready or self.doc.pageCount() < 1:
            raise ValueError(f"not a readable PDF ({self.doc.error()})")

    def page_size_pt(self, page: int) -> QSizeF:
        return self.doc.pagePointSize(page)

    def close(self) -> None:
        self.doc.close()
        self.buffer.close()


def page_layout_for(size_pt: QSizeF) -> QPageLayout:
    """Exactly the PDF page (width × height as drawn, so a 60×40 mm sticker is 60 mm across
    the print head), portrait, no margins."""
    mm = QSizeF(size_pt.width() * 25.4 / 72, size_pt.height() * 25.4 / 72)
    page_size = QPageSize(
        mm,
        QPageSize.Unit.Millimeter,
        f"{mm.width():.0f}x{mm.height():.0f}mm",
        QPageSize.SizeMatchPolicy.ExactMatch,
    )
    return QPageLayout(
        page_size,
        QPageLayout.Orientation.Portrait,
        QMarginsF(0, 0, 0, 0),
        QPageLayout.Unit.Millimeter,
        QMarginsF(0, 0, 0, 0),
    )


def render_dpi(printer: QPrinter, kind: DocKind) -> int:
    dpi = printer.resolution()
    if dpi <= 0:
        dpi = THERMAL_DPI if kind in THERMAL_KINDS else 300
    return min(dpi, MAX_RENDER_DPI)


def print_to(printer: QPrinter, pdf: bytes, kind: DocKind) -> int:
    """Paint every page of ``pdf`` on ``printer`` (a real printer or a PDF file); returns the
    number of pages. Raises RuntimeError when the printer cannot be opened."""
    src = _PdfSource(pdf)
    try:
        printer.setFullPage(True)
        printer.setPageLayout(page_layout_for(src.page_size_pt(0)))
        options = QPdfDocumentRenderOptions()
        if kind in THERMAL_KINDS:  # black dots only: no grey fringes on bars and text
            flags = (
                QPdfDocumentRenderOptions.RenderFlag.TextAliased
                | QPdfDocumentRenderOptions.RenderFlag.ImageAliased
                | QPdfDocumentRenderOptions.RenderFlag.PathAliased
            )
            options.setRenderFlags(flags)
        painter = QPainter()
        if not painter.begin(printer):
            raise RuntimeError("the printer could not be opened")
        try:
            for page in range(src.doc.pageCount()):
                size_pt = src.page_size_pt(page)
                if page:
                    printer.setPageLayout(page_layout_for(size_pt))
                    if not printer.newPage():
                        raise RuntimeError("the printer refused a new page")
                dpi = render_dpi(printer, kind)
                px = QSize(round(size_pt.width() * dpi / 72), round(size_pt.height() * dpi / 72))
                image = src.doc.render(page, px, options)
                if image.isNull():
                    raise RuntimeError(f"page {page + 1} could not be rendered")
                target = QRectF(printer.paperRect(QPrinter.Unit.DevicePixel))
                target.moveTo(0, 0)
                painter.drawImage(target, image)
        finally:
            painter.end()
        return src.doc.pageCount()
    finally:
        src.close()


def print_pdf(
    pdf: bytes,
    kind: DocKind,
    printer_name: str,
    *,
    job_name: str = "Parcel Station",
    save_dir: Path | None = None,
    copies: int = 1,
) -> PrintResult:
    """Print synchronously (call it from a worker: ``PrintService``). Any trouble with the
    printer ends with the PDF saved in ``save_dir`` and a message saying where."""
    kind = DocKind(kind)
    save_dir = save_dir or fallback_dir()
    problem = printer_problem(printer_name)
    if problem is None:
        printer = QPrinter(
            QPrinterInfo.printerInfo(printer_name), QPrinter.PrinterMode.HighResolution
        )
        printer.setDocName(job_name)
        printer.setCopyCount(max(1, copies))
        printer.setColorMode(QPrinter.ColorMode.GrayScale)
        try:
            pages = print_to(printer, pdf, kind)
        except (RuntimeError, ValueError) as exc:
            problem = QCoreApplication.translate("Printing", "Printing failed on {0}: {1}").format(
                printer_name, exc
            )
        else:
            if printer.printerState() in (
                QPrinter.PrinterState.Error,
                QPrinter.PrinterState.Aborted,
            ):
                problem = QCoreApplication.translate("Printing", "Printing failed on {0}").format(
                    printer_name
                )
            else:
                return PrintResult(
                    True,
                    True,
                    printer_name,
                    pages,
                    None,
                    QCoreApplication.translate("Printing", "Sent to {0}").format(printer_name),
                    job_name,
                    kind.value,
                )
    path = save_pdf(pdf, save_dir, job_name)
    return PrintResult(
        True,
        False,
        printer_name,
        0,
        path,
        QCoreApplication.translate("Printing", "{0}; PDF saved to {1}").format(problem, path),
        job_name,
        kind.value,
    )


def send_raw(printer_name: str, data: bytes, job_name: str = "Parcel Station") -> PrintResult:
    """Send raw bytes (ESC/POS) to a CUPS queue with ``lp -o raw``."""
    lp = shutil.which("lp")
    problem = printer_problem(printer_name) or (
        None if lp else QCoreApplication.translate("Printing", "lp (CUPS) is not installed")
    )
    if problem is None and lp:
        with tempfile.NamedTemporaryFile(suffix=".bin") as f:
            f.write(data)
            f.flush()
            run = subprocess.run(
                [lp, "-d", printer_name, "-o", "raw", "-t", job_name, f.name],
                capture_output=True,
                text=True,
                timeout=30,
            )
        if run.returncode == 0:
            return PrintResult(
                True,
                True,
                printer_name,
                1,
                None,
                QCoreApplication.translate("Printing", "Sent to {0}").format(printer_name),
                job_name,
                DocKind.RECEIPT.value,
            )
        problem = run.stderr.strip() or QCoreApplication.translate(
            "Printing", "lp exited with {0}"
        ).format(run.returncode)
    return PrintResult(
        False, False, printer_name, 0, None, str(problem), job_name, DocKind.RECEIPT.value
    )


class _Signals(QObject):
    finished = Signal(object)


class _PrintTask(QRunnable):
    def __init__(self, fn, signals: _Signals) -> None:  # type: ignore[no-untyped-def]
        super().__init__()
        self.fn = fn
        self.signals = signals

    def run(self) -> None:
        try:
            result = self.fn()
        except Exception as exc:  # noqa: BLE001 - a print job must never take the app down
            result = PrintResult(
                False,
                False,
                "",
                0,
                None,
                QCoreApplication.translate("Printing", "Printing error: {0}").format(exc),
                "",
                "",
            )
        self.signals.finished.emit(result)


class PrintService(QObject):
    """Queue print jobs on a one-thread pool (jobs print in order, the GUI never waits)."""

    finished = Signal(object)  # PrintResult, delivered on the thread that owns the service

    def __init__(self, parent: QObject | None = None, settings: QSettings | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self._signals: set[_Signals] = set()

    def printer_for(self, kind: DocKind) -> str:
        return printer_for(kind, self.settings)

    def _start(self, fn) -> None:  # type: ignore[no-untyped-def]
        signals = _Signals()  # lives in this (GUI) thread: queued delivery to our slots
        self._signals.add(signals)

        def done(result: object, signals: _Signals = signals) -> None:
            self._signals.discard(signals)
            self.finished.emit(result)

        signals.finished.connect(done)
        self.pool.start(_PrintTask(fn, signals))

    def submit(
        self,
        pdf: bytes,
        kind: DocKind,
        *,
        job_name: str = "Parcel Station",
        printer_name: str | None = None,
        copies: int = 1,
    ) -> None:
        """Print ``pdf`` on the printer for ``kind`` (or ``printer_name``) in the background."""
        name = self.printer_for(kind) if printer_name is None else printer_name
        save_dir = fallback_dir(self.settings)
        self._start(
            lambda: print_pdf(pdf, kind, name, job_name=job_name, save_dir=save_dir, copies=copies)
        )

    def submit_raw(
        self, data: bytes, *, job_name: str = "Parcel Station", printer_name: str | None = None
    ) -> None:
        name = self.printer_for(DocKind.RECEIPT) if printer_name is None else printer_name
        self._start(lambda: send_raw(name, data, job_name))

    def wait(self, msecs: int = 30000) -> bool:
        return self.pool.waitForDone(msecs)


class PrintPreviewDialog(QDialog):
    """Shows the PDF exactly as it will print; Print submits it to the ``PrintService`` (the
    dialog closes at once, the job runs in the background); Save PDF writes a copy."""

    def __init__(
        self,
        pdf: bytes,
        kind: DocKind,
        service: PrintService,
        *,
        job_name: str = "Parcel Station",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.pdf, self.kind, self.service, self.job_name = pdf, DocKind(kind), service, job_name
        self.setWindowTitle(self.tr("Print preview — {0}").format(job_name))
        self.source = _PdfSource(pdf)
        self.view = QPdfView(self)
        self.view.setDocument(self.source.doc)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(
            QPdfView.ZoomMode.FitInView
            if self.source.doc.pageCount() == 1
            else QPdfView.ZoomMode.FitToWidth
        )
        size = self.source.page_size_pt(0)
        pages = self.source.doc.pageCount()
        self.info = QLabel(
            self.tr("{0} page(s) · {1:.0f}×{2:.0f} mm").format(
                pages, size.width() * 25.4 / 72, size.height() * 25.4 / 72
            ),
            self,
        )
        self.printers = QComboBox(self)
        self.printers.addItems(available_printers())
        current = service.printer_for(self.kind)
        if current and self.printers.findText(current) < 0:
            self.printers.addItem(current)
        if current:
            self.printers.setCurrentText(current)
        self.remember = QCheckBox(self.tr("Use for this document type"), self)
        buttons = QDialogButtonBox(self)
        self.print_button = buttons.addButton(
            self.tr("Print"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.save_button = buttons.addButton(
            self.tr("Save PDF…"), QDialogButtonBox.ButtonRole.ActionRole
        )
        buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.print_button.clicked.connect(self.print_now)
        self.save_button.clicked.connect(self.save_as)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Printer:"), self))
        row.addWidget(self.printers, 1)
        row.addWidget(self.remember)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.info)
        layout.addLayout(row)
        layout.addWidget(buttons)
        self.resize(560, 640)

    def print_now(self) -> None:
        name = self.printers.currentText()
        if self.remember.isChecked() and name:
            set_printer_for(self.kind, name, self.service.settings)
        self.service.submit(self.pdf, self.kind, job_name=self.job_name, printer_name=name)
        self.accept()

    def save_as(self, path: str | None = None) -> Path | None:
        if not path:
            start = str(fallback_dir(self.service.settings) / f"{self.job_name}.pdf")
            path, _ = QFileDialog.getSaveFileName(self, self.tr("Save PDF"), start, "PDF (*.pdf)")
        if not path:
            return None
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(self.pdf)
        return target

    def done(self, result: int) -> None:
        self.view.setDocument(None)  # type: ignore[arg-type]
        self.source.close()
        super().done(result)
