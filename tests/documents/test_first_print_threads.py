"""The first sticker of a session used to fail ("ImportError" / "deadlock detected"): the
sticker lane and the message lane imported reportlab's barcode modules at the same moment.
Each run here is a fresh interpreter (nothing imported yet) where four threads render their
first documents at once, through the same entry points the app's lanes use."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = r'''
import io, sys, threading
from datetime import datetime
errors = []
barrier = threading.Barrier(4)
AT = datetime(2024, 5, 1, 14, 3, 22)

def guard(fn):
    def run():
        barrier.wait()
        try:
            fn()
        except BaseException as exc:
            errors.append(f"{fn.__name__}: {exc!r}")
    return run

def sticker():  # the paper lane: paperwork.sticker_pdf warms up, then renders
    from station.preload import warm_up
    warm_up()
    from station.documents.data import StickerData
    from station.documents.sticker import render_sticker
    pdf = render_sticker(StickerData("SF1234567890123", "SF", "顺丰速运", "A-3-0127", "A-3",
                                     "138****5678", "张三丰", AT))
    assert pdf

def receipt():
    from station.preload import warm_up
    warm_up()
    from station.documents.data import ReceiptData, ReceiptLine
    from station.documents.receipt import render_receipt
    assert render_receipt(ReceiptData(station_name="驿站", receipt_no="R1", clerk="王", at=AT,
                                      lines=(ReceiptLine("SF1", "A-3-0127", "A-3", 0, "顺丰"),)))

def slip():  # the message lane's pickup slip: QR widget drawn through renderPDF
    from station.preload import warm_up
    warm_up()
    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing
    drawing = Drawing(60, 60)
    drawing.add(QrCodeWidget("A-3-0127"))
    assert renderPDF.drawToString(drawing)

def report():
    from station.preload import warm_up
    warm_up()
    from station.documents import fonts
    from reportlab.pdfgen.canvas import Canvas
    fonts.register()
    c = Canvas(io.BytesIO())
    c.setFont("Helvetica-Bold", 10)
    c.drawString(10, 10, "Z")
    c.save()

threads = [threading.Thread(target=guard(f)) for f in (sticker, receipt, slip, report)]
for t in threads: t.start()
for t in threads: t.join()
print("\n".join(errors))
sys.exit(1 if errors else 0)
'''


def test_first_documents_render_on_four_threads_at_once() -> None:
    for attempt in range(6):
        run = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True,
                             text=True, timeout=120)
        assert run.returncode == 0, f"attempt {attempt}: {run.stdout}{run.stderr[-2000:]}"


def test_app_start_up_loads_the_document_modules_before_any_lane_runs() -> None:
    script = (
        "import sys\n"
        "from ui.main_window import _startup\n"
        "try:\n    _startup(sys.argv[1], False, 'c1')\nexcept Exception:\n    pass\n"
        "needed = ['reportlab.graphics.barcode.qr', 'reportlab.graphics.barcode.code128',\n"
        "          'reportlab.pdfbase._fontdata_widths_helvetica', 'station.documents.sticker']\n"
        "missing = [m for m in needed if m not in sys.modules]\n"
        "print(missing)\nsys.exit(1 if missing else 0)\n"
    )
    run = subprocess.run([sys.executable, "-c", script, str(ROOT / "no-such-dir" / "x.db")],
                         cwd=ROOT, capture_output=True, text=True, timeout=120,
                         env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"})
    assert run.returncode == 0, run.stdout + run.stderr[-2000:]
