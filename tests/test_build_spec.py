"""The installer's recipe (build.spec) collects what reportlab loads on demand and leaves out
the Qt parts that made the bundle 288 MB. The real build runs in .ci/bundle-smoke.sh; these are
the fast checks that fail the moment someone drops a line the bundle needs.

build.spec is a PyInstaller script (it calls Analysis/EXE/COLLECT), so it is read with ``ast``:
its lists are evaluated as literals and its file filter ``_kept`` is run on real bundle paths."""

from __future__ import annotations

import ast
import importlib
import json
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

from station.preload import lazy_reportlab_modules

ROOT = Path(__file__).resolve().parents[1]
SPEC = (ROOT / "build.spec").read_text(encoding="utf-8")
TREE = ast.parse(SPEC)


def _assigned(name: str) -> ast.expr:
    for node in TREE.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            return node.value
    raise AssertionError(f"build.spec assigns no {name}")


def _literal(name: str) -> list[str]:
    return list(ast.literal_eval(_assigned(name)))


def _hidden_imports() -> set[str]:
    """The names the spec's ``hidden`` expression adds: literal lists, lazy_reportlab_modules()
    and every collect_submodules("PACKAGE") (walked here with pkgutil, as PyInstaller does)."""
    names: set[str] = set()
    for node in ast.walk(_assigned("hidden")):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id == "lazy_reportlab_modules":
                names.update(lazy_reportlab_modules())
            elif node.func.id == "collect_submodules":
                package = ast.literal_eval(node.args[0])
                module = importlib.import_module(package)
                names.add(package)
                names.update(info.name for info in pkgutil.walk_packages(
                    module.__path__, prefix=f"{package}."))
        elif isinstance(node, ast.Name) and node.id == "QT_USED":
            names.update(_literal("QT_USED"))
        elif isinstance(node, ast.List):
            names.update(ast.literal_eval(node))
    return names


def _kept():  # noqa: ANN202 - the spec's own filter, compiled on its own
    source = next(node for node in TREE.body
                  if isinstance(node, ast.FunctionDef) and node.name == "_kept")
    namespace: dict = {"DROPPED": tuple(_literal("DROPPED"))}
    exec(compile(ast.Module([source], []), "build.spec", "exec"), namespace)
    return namespace["_kept"]


def test_every_reportlab_barcode_module_is_collected() -> None:
    import reportlab.graphics.barcode as rl_barcode

    hidden = _hidden_imports()
    barcode_modules = {f"reportlab.graphics.barcode.{info.name}"
                       for info in pkgutil.iter_modules(rl_barcode.__path__)}
    assert {"reportlab.graphics.barcode.code128", "reportlab.graphics.barcode.qr",
            "reportlab.graphics.barcode.widgets"} <= barcode_modules
    assert barcode_modules - hidden == set()
    assert "barcode.codex" in hidden  # python-barcode's Code 128 encoder
    assert {"psycopg2", "serial.tools.list_ports", "phonenumbers", "platformdirs",
            "openpyxl"} <= hidden
    assert any(name.startswith("reportlab.pdfbase._fontdata_widths_") for name in hidden)


@pytest.mark.timeout(120)
def test_what_the_documents_import_at_run_time_is_collected(tmp_path: Path) -> None:
    """Render what `init --demo` (hand-over manifest) and `label` render, with the start-up
    warm-up switched off, and list the reportlab / python-barcode modules that got imported:
    each must be in the spec's hidden imports (PyInstaller cannot see on-demand imports)."""
    child = f"""
import contextlib, io, json, sqlite3, sys
import station.preload
station.preload.warm_up = lambda: None  # only what rendering itself imports
from station.cli import main
db = {str(tmp_path / "s.db")!r}
with contextlib.redirect_stdout(io.StringIO()):
    assert main(["--db", db, "init", "--demo"]) == 0
    tracking = sqlite3.connect(db).execute(
        "SELECT tracking FROM parcel WHERE status = 'ON_SHELF' LIMIT 1").fetchone()[0]
    assert main(["--db", db, "label", tracking, "--out", {str(tmp_path / "l.pdf")!r}]) == 0
print(json.dumps(sorted(m for m in sys.modules if m.startswith(("reportlab.", "barcode.")))))
"""
    env = dict(os.environ, HOME=str(tmp_path), XDG_DATA_HOME=str(tmp_path),
               XDG_CONFIG_HOME=str(tmp_path), QT_QPA_PLATFORM="offscreen",
               PARCEL_STATION_LANG="en")
    env.pop("PARCEL_STATION_DB", None)
    done = subprocess.run([sys.executable, "-c", child], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=110)
    assert done.returncode == 0, done.stderr[-3000:]
    imported = set(json.loads(done.stdout.strip().splitlines()[-1]))
    assert "reportlab.graphics.barcode.qrencoder" in imported
    assert (tmp_path / "l.pdf").stat().st_size > 0
    # Imported by name at run time, not by an import statement PyInstaller reads:
    dynamic = {m for m in imported if m.startswith(("reportlab.graphics.barcode.",
                                                    "reportlab.pdfbase._fontdata"))}
    assert dynamic - _hidden_imports() == set()


def test_unused_qt_is_left_out_and_used_qt_kept() -> None:
    excluded = _literal("QT_EXCLUDED")
    for module in ("PySide6.QtQuick", "PySide6.QtQml", "PySide6.QtMultimedia",
                   "PySide6.QtWebEngineCore", "PySide6.Qt3DCore", "PySide6.QtDesigner"):
        assert module in excluded
    used = _literal("QT_USED")
    for module in ("QtWidgets", "QtPrintSupport", "QtPdf", "QtPdfWidgets", "QtCharts"):
        assert f"PySide6.{module}" in used
        assert f"PySide6.{module}" not in excluded
    # every PySide6 module the app imports is kept
    imported = set()
    for path in list((ROOT / "ui").rglob("*.py")) + list((ROOT / "station").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("PySide6."):
                imported.add(node.module)
    optional = {"PySide6.QtMultimedia"}  # the damage-photo camera: falls back without it
    assert imported - optional <= set(used)
    assert "phonenumbers.geodata" in _literal("OTHER_EXCLUDED")


@pytest.mark.parametrize("path, kept", [
    ("PySide6/Qt/lib/libQt6Quick.so.6", False),
    ("PySide6/Qt/lib/libQt6Qml.so.6", False),
    ("PySide6/Qt/lib/libQt6QmlModels.so.6", False),
    ("PySide6/Qt/lib/libQt6Multimedia.so.6", False),
    ("PySide6/Qt/lib/libavcodec.so.61", False),
    ("PySide6/Qt/lib/libQt6WaylandClient.so.6", False),
    ("PySide6/Qt/lib/libQt6VirtualKeyboard.so.6", False),
    ("PySide6/Qt/lib/libQt6FFmpegStub-va.so.2", False),
    ("PySide6/Qt/plugins/multimedia/libffmpegmediaplugin.so", False),
    ("PySide6/Qt/plugins/platforms/libqwayland.so", False),
    ("PySide6/Qt/plugins/platforms/libqeglfs.so", False),
    ("PySide6/Qt/plugins/platforminputcontexts/libqtvirtualkeyboardplugin.so", False),
    ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", False),
    ("PySide6/Qt/plugins/wayland-shell-integration/libxdg-shell.so", False),
    ("PySide6/Qt/qml/QtQuick/Controls/qmldir", False),
    ("PySide6/Qt/translations/qtbase_de.qm", False),
    ("PySide6/Qt6WebEngineCore.dll", False),
    ("stdnum/oui.dat", False),
    ("resources/translations/parcel_station_zh_CN.ts", False),
    # what the app needs
    ("PySide6/Qt/lib/libQt6Core.so.6", True),
    ("PySide6/Qt/lib/libQt6Widgets.so.6", True),
    ("PySide6/Qt/lib/libQt6PrintSupport.so.6", True),
    ("PySide6/Qt/lib/libQt6Pdf.so.6", True),
    ("PySide6/Qt/lib/libQt6Charts.so.6", True),
    ("PySide6/Qt/lib/libicudata.so.73", True),
    ("PySide6/Qt/plugins/platforms/libqxcb.so", True),
    ("PySide6/Qt/plugins/platforms/libqoffscreen.so", True),
    ("PySide6/Qt/plugins/platforms/qwindows.dll", True),
    ("PySide6/Qt/plugins/imageformats/libqjpeg.so", True),
    ("PySide6/Qt/plugins/printsupport/libcupsprintersupport.so", True),
    ("PySide6/Qt/plugins/platforminputcontexts/libibusplatforminputcontextplugin.so", True),
    ("PySide6/Qt/plugins/styles/qmodernwindowsstyle.dll", True),
    ("PySide6/Qt/translations/qtbase_zh_CN.qm", True),
    ("stdnum/cn/loc.dat", True),
    ("resources/fonts/wqy-microhei.ttc", True),
    ("resources/translations/parcel_station_zh_CN.qm", True),
    ("reportlab/fonts/Vera.ttf", True),
])
def test_the_file_filter(path: str, kept: bool) -> None:
    assert _kept()((path, f"/site-packages/{path}", "BINARY")) is kept


def test_app_and_command_line_programs() -> None:
    flat = " ".join(SPEC.split())
    assert 'name="parcel-station", console=False' in flat
    assert 'name="parcel-station-cli", console=True' in flat  # Windows: a console program
    assert "COLLECT(*programs" in flat
    assert 'link.symlink_to("parcel-station")' in flat  # elsewhere: the same program
    # the bundle starts where `parcel-station` starts: station.cli.main
    main = (ROOT / "ui" / "__main__.py").read_text(encoding="utf-8")
    assert "from station.cli import main" in main
    assert '[str(ROOT / "ui" / "__main__.py")]' in SPEC
    assert '(str(ROOT / "resources"), "resources")' in SPEC  # fonts, carriers, translations
