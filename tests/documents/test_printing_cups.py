"""A real print job through CUPS: QtPdf raster → QPrinter → cupsd → cups-pdf → a PDF file.

Needs Debian's cups + printer-driver-cups-pdf and the queue "ParcelStationPDF", which
``.ci/setup-printing.sh`` installs, starts and creates. Skipped, with the reason, otherwise.
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from station.documents import render_receipt, render_sticker
from station.documents.data import ReceiptData, StickerData
from ui import printing
from ui.printing import DocKind, PrintService

from .helpers import HAVE_POPPLER, HAVE_ZBAR, MM, decode_pdf, page_sizes

QUEUE = os.environ.get("PARCEL_STATION_CUPS_QUEUE", "ParcelStationPDF")


def _cups_skip_reason() -> str | None:
    if not HAVE_POPPLER:
        return "poppler-utils not installed"
    if shutil.which("lpstat") is None:
        return "lpstat not found: CUPS is not installed (run .ci/setup-printing.sh)"
    run = subprocess.run(["lpstat", "-r"], capture_output=True, text=True)
    if "is running" not in run.stdout:
        return "the CUPS scheduler is not running (run .ci/setup-printing.sh)"
    run = subprocess.run(["lpstat", "-v", QUEUE], capture_output=True, text=True)
    if run.returncode != 0 or "cups-pdf:" not in run.stdout:
        return f"no cups-pdf queue named {QUEUE} (run .ci/setup-printing.sh)"
    return None


pytestmark = [
    pytest.mark.skipif(_cups_skip_reason() is not None, reason=str(_cups_skip_reason())),
    # One print queue and one output folder: these run one after another on one worker.
    pytest.mark.xdist_group("cups"),
]


def _output_dirs() -> list[Path]:
    """Where cups-pdf writes: its ``Out`` setting for this user, or the anonymous folder."""
    home = pwd.getpwuid(os.getuid()).pw_dir
    user = pwd.getpwuid(os.getuid()).pw_name
    dirs = []
    if os.environ.get("PARCEL_STATION_CUPS_PDF_DIR"):
        dirs.append(Path(os.environ["PARCEL_STATION_CUPS_PDF_DIR"]))
    conf = Path("/etc/cups/cups-pdf.conf")
    out = "${HOME}/PDF"
    if conf.is_file():
        m = re.search(r"^Out\s+(\S+)", conf.read_text(errors="replace"), re.M)
        out = m.group(1) if m else out
    dirs.append(Path(out.replace("${HOME}", home).replace("${USER}", user)))
    dirs.append(Path("/var/spool/cups-pdf/ANONYMOUS"))
    return dirs


def _finished(path: Path) -> bool:
    size = path.stat().st_size
    time.sleep(0.3)
    try:
        data = path.read_bytes()
    except OSError:
        return False
    return len(data) == size and data.rstrip().endswith(b"%%EOF")


def _wait_for_output(job_name: str, timeout: float = 60.0) -> Path:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for d in _output_dirs():
            if d.is_dir():
                hits = [p for p in d.glob(f"{job_name}*.pdf") if p.stat().st_size > 0]
                # cups-pdf writes the file in pieces: under load a fixed pause was not enough
                # (pdfinfo then read half a PDF). Done = it ends with %%EOF and stopped growing.
                if hits and _finished(hits[0]):
                    return hits[0]
        time.sleep(0.2)
    raise AssertionError(
        f"cups-pdf wrote no {job_name}*.pdf in {_output_dirs()} within {timeout:.0f} s"
    )


@pytest.fixture
def job_name() -> str:
    return f"pstest-{uuid.uuid4().hex[:10]}"


@pytest.fixture(autouse=True)
def _qt_sees_the_queue(qapp: object) -> None:
    if QUEUE not in printing.available_printers():
        pytest.skip(f"Qt's CUPS print support does not list {QUEUE}")


def test_sticker_through_cups(sticker: StickerData, job_name: str, tmp_path: Path) -> None:
    result = printing.print_pdf(
        render_sticker(sticker), DocKind.LABEL, QUEUE, job_name=job_name, save_dir=tmp_path
    )
    assert result.printed, result.message
    out = _wait_for_output(job_name)
    [(w, h)] = page_sizes(out, tmp_path)
    assert (w, h) == pytest.approx((60 * MM, 40 * MM), abs=1.0)  # cups-pdf rounds to points
    if HAVE_ZBAR:
        found = decode_pdf(out, tmp_path, 203)
        assert ("CODE-128", sticker.tracking) in found
        assert ("QR-Code", sticker.pickup_code) in found
    out.unlink()


def test_receipt_through_cups_in_the_background(
    qtbot,
    receipt: ReceiptData,  # type: ignore[no-untyped-def]
    job_name: str,
    tmp_path: Path,
) -> None:
    from PySide6.QtCore import QSettings

    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    printing.set_printer_for(DocKind.RECEIPT, QUEUE, settings)
    service = PrintService(settings=settings)
    pdf = render_receipt(receipt)
    [(src_w, src_h)] = page_sizes(pdf, tmp_path)
    with qtbot.waitSignal(service.finished, timeout=60000) as blocker:
        service.submit(pdf, DocKind.RECEIPT, job_name=job_name)
    assert blocker.args[0].printed, blocker.args[0].message
    out = _wait_for_output(job_name)
    [(w, h)] = page_sizes(out, tmp_path)
    assert (w, h) == pytest.approx((src_w, src_h), abs=1.0)
    assert w == pytest.approx(80 * MM, abs=1.0)
    if HAVE_ZBAR:
        assert ("CODE-128", receipt.receipt_no) in decode_pdf(out, tmp_path, 203)
    out.unlink()


def test_stopped_printer_falls_back_to_a_saved_pdf(
    sticker: StickerData, job_name: str, tmp_path: Path
) -> None:
    stopped = f"PSStopped{uuid.uuid4().hex[:6]}"
    ppd = "/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd"
    add = subprocess.run(
        ["lpadmin", "-p", stopped, "-v", "cups-pdf:/", "-P", ppd], capture_output=True, text=True
    )
    if add.returncode != 0:
        pytest.skip(f"cannot add a test queue: {add.stderr.strip()}")
    try:
        subprocess.run(["cupsdisable", stopped], check=True, capture_output=True)
        deadline = time.monotonic() + 10
        while stopped not in printing.available_printers() and time.monotonic() < deadline:
            time.sleep(0.2)
        pdf = render_sticker(sticker)
        result = printing.print_pdf(
            pdf, DocKind.LABEL, stopped, job_name=job_name, save_dir=tmp_path / "saved"
        )
        assert not result.printed and result.saved_to is not None
        assert result.saved_to.read_bytes() == pdf
        assert str(result.saved_to) in result.message
    finally:
        subprocess.run(["lpadmin", "-x", stopped], capture_output=True)
