"""The installer's recipe (build.spec) collects what reportlab loads on demand and leaves out
the Qt parts that made the bundle 288 MB. The real build runs in .ci/bundle-smoke.sh; this is
the fast check that fails the moment someone drops a line the bundle needs."""

from __future__ import annotations

from pathlib import Path

from station.preload import lazy_reportlab_modules

SPEC = (Path(__file__).resolve().parents[1] / "build.spec").read_text(encoding="utf-8")


def test_reportlab_modules_loaded_on_demand_are_collected() -> None:
    lazy = lazy_reportlab_modules()
    for needed in ("reportlab.graphics.barcode.code128", "reportlab.graphics.barcode.qr",
                   "reportlab.graphics.barcode.qrencoder", "reportlab.pdfbase._fontdata"):
        assert needed in lazy
    assert any(name.startswith("reportlab.pdfbase._fontdata_widths_") for name in lazy)
    assert "lazy_reportlab_modules()" in SPEC
    assert 'collect_submodules("reportlab.graphics.barcode")' in SPEC
    assert 'collect_submodules("barcode")' in SPEC  # python-barcode's Code 128
    assert '(str(ROOT / "resources"), "resources")' in SPEC  # fonts, carriers, translations


def test_unused_qt_is_left_out_and_used_qt_kept() -> None:
    for dropped in ("PySide6.QtQuick", "PySide6.QtQml", "PySide6.QtMultimedia",
                    "PySide6.QtWebEngineCore"):
        assert f'"{dropped}"' in SPEC.split("QT_EXCLUDED")[1].split("]")[0]
    for library in ("Qt6Quick", "Qt6Qml", "Qt6Multimedia", "libavcodec", "/qml/"):
        assert f'"{library}"' in SPEC
    used = SPEC.split("QT_USED = [")[1].split("]")[0]
    for module in ("QtWidgets", "QtPrintSupport", "QtPdf", "QtCharts"):
        assert f"PySide6.{module}" in used


def test_both_programs_are_built_into_one_folder() -> None:
    assert 'name="parcel-station", console=False' in SPEC.replace("\n    ", " ")
    assert 'name="parcel-station-cli", console=True' in SPEC.replace("\n    ", " ")
    assert "COLLECT(app_exe, cli_exe" in SPEC
