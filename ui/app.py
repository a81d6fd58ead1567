"""The desktop app: QApplication, fonts, translations (switchable at run time), run_app().

``parcel-station`` with no command ends up in :func:`run_app`. The window is shown before
the database is opened (that happens on the worker thread), so the counter PC shows the login
screen at once even when the database is on a slow disk or a server.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QSettings, QTranslator
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

RESOURCES = Path(__file__).resolve().parents[1] / "resources"
TRANSLATIONS = RESOURCES / "translations"
FONT_FILE = RESOURCES / "fonts" / "wqy-microhei.ttc"
LANGUAGES = ("zh_CN", "en")
ORG, APP = "ParcelStation", "Parcel Station"


def create_app(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance()
    if app is None:
        QCoreApplication.setOrganizationName(ORG)
        QCoreApplication.setApplicationName(APP)
        app = QApplication(argv if argv is not None else sys.argv[:1])
    assert isinstance(app, QApplication)
    load_fonts(app)
    return app


_fonts_loaded = False


def load_fonts(app: QApplication) -> None:
    """The bundled Micro Hei goes behind the system font as a fallback: Chinese then renders
    on a counter PC with no Chinese fonts installed, and Latin keeps the system's look."""
    global _fonts_loaded
    if _fonts_loaded:
        return
    _fonts_loaded = True
    font_id = QFontDatabase.addApplicationFont(str(FONT_FILE)) if FONT_FILE.exists() else -1
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    font = QFont(app.font())
    base = font.family()
    font.setFamilies([base, *families[:1]])
    # 10.5 pt reads well at a counter an arm's length away; Chinese needs a size above 9 pt.
    font.setPointSizeF(max(font.pointSizeF(), 10.5))
    app.setFont(font)


def choose_language(requested: str | None, settings: QSettings) -> str:
    """--lang, then PARCEL_STATION_LANG, then this PC's setting, then the system locale."""
    for candidate in (requested, os.environ.get("PARCEL_STATION_LANG"),
                      settings.value("language", None)):
        if candidate in LANGUAGES:
            return str(candidate)
    return "zh_CN" if QLocale.system().name().startswith("zh") else "en"


class Translations:
    """Our messages plus Qt's own (standard buttons, context menus). English is the source
    language, so "en" just removes the translators. Installing or removing a translator makes
    Qt send every widget a LanguageChange event; each screen retranslates itself on it."""

    def __init__(self, app: QCoreApplication) -> None:
        self.app = app
        self.language = "en"
        self._installed: list[QTranslator] = []

    def switch(self, language: str) -> bool:
        """True when the translation was found (English always is)."""
        for translator in self._installed:
            self.app.removeTranslator(translator)
        self._installed.clear()
        self.language = language if language in LANGUAGES else "en"
        if self.language == "en":
            return True
        ours = QTranslator(self.app)
        found = ours.load(f"parcel_station_{self.language}", str(TRANSLATIONS))
        qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        qtbase = QTranslator(self.app)
        if qtbase.load(f"qtbase_{self.language}", qt_dir):
            self.app.installTranslator(qtbase)
            self._installed.append(qtbase)
        if found:
            self.app.installTranslator(ours)
            self._installed.append(ours)
        return found


def build_window(args: argparse.Namespace, app: QApplication | None = None,
                 settings: QSettings | None = None):  # noqa: ANN201 - avoids importing at top
    """The main window for ``args`` (db, user, lang, demo), shown, with its start-up work
    (open the database, demo, auto-login) already queued on the worker thread."""
    app = app or create_app()
    settings = settings or QSettings()
    i18n = Translations(app)
    i18n.switch(choose_language(getattr(args, "lang", None), settings))

    from station import db as station_db
    from ui.main_window import MainWindow
    from ui.session import Session

    url = getattr(args, "db", None) or str(settings.value("db_url", "") or "") or \
        station_db.default_url()
    session = Session(url, settings)
    window = MainWindow(session, i18n)
    window.show()
    window.start(demo=bool(getattr(args, "demo", False)), user=getattr(args, "user", None))
    return window


SMOKE_ENV = "PARCEL_STATION_SMOKE_SECONDS"


def _smoke_check(app: QApplication, window, seconds: float, demo: bool) -> None:  # noqa: ANN001
    """For the installer's smoke test: quit with 0 once the window is up on an open database
    (and, for --demo, logged in), or with 3 if that has not happened within ``seconds``."""
    from PySide6.QtCore import QElapsedTimer, QTimer

    clock = QElapsedTimer()
    clock.start()
    timer = QTimer(window)

    def check() -> None:
        session = window.session
        ready = window.isVisible() and session.db_ok and (session.actor is not None or not demo)
        if ready:
            print(f"smoke: ready in {clock.elapsed()} ms on {session.db_text}", flush=True)
            app.exit(0)
        elif clock.elapsed() > seconds * 1000:
            print("smoke: the window did not get ready in time", flush=True)
            app.exit(3)

    timer.timeout.connect(check)
    timer.start(100)


def run_app(args: argparse.Namespace) -> int:
    app = create_app()
    window = build_window(args, app)
    smoke = os.environ.get(SMOKE_ENV, "")
    if smoke:
        _smoke_check(app, window, float(smoke), bool(getattr(args, "demo", False)))
    code = app.exec()
    window.shutdown()
    return int(code)


def main() -> int:
    """Entry point of the frozen build: the same command line as ``parcel-station``."""
    from station.cli import main as cli_main

    return cli_main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
