"""UI fixtures: a real MainWindow over a real station (built through the services by the
shared fixtures), logged in, with this PC's settings in a temporary ini file.

Typing speed matters to the app (the ScanRouter tells a scanner burst from a person typing by
the gaps between keys), so the router gets a fake clock: "human" by default, 200 ms a key;
``scanner_speed()`` switches it to 5 ms a key for a test that scans into another widget.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QWidget

from station.audit import Actor
from station.services import manifests, shelves
from ui import workers
from ui.app import Translations, create_app
from ui.main_window import MainWindow
from ui.session import Session

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


class KeyClock:
    """Seconds that advance by ``step`` each time the router looks at the clock."""

    def __init__(self, step: float = 0.2) -> None:
        self.now = 1000.0
        self.step = step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


@pytest.fixture
def db_url(tmp_path: Path) -> Iterator[str]:
    """The screens are tested on the default embedded database; the services under them are
    tested on PostgreSQL too (tests/core). Overrides the backend-parametrised root fixture."""
    from station import db as station_db

    yield str(tmp_path / "station.db")
    station_db.close_database()


@pytest.fixture(scope="session")
def qapp_cls():  # noqa: ANN201 - pytest-qt hook: our app (fonts) instead of a bare one
    return QApplication


@pytest.fixture
def ui_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> QSettings:
    monkeypatch.setenv("PARCEL_STATION_DOCS", str(tmp_path / "docs"))
    settings = QSettings(str(tmp_path / "counter.ini"), QSettings.Format.IniFormat)
    settings.setValue("printing/fallback_dir", str(tmp_path / "unprinted"))
    settings.setValue("idle_lock_minutes", 0)
    settings.setValue("counter", "counter-1")
    settings.setValue("outbox/run", "false")  # tests drive the outbox sender themselves
    return settings


def wait_idle(qtbot, timeout: int = 20_000) -> None:  # noqa: ANN001
    """Until every background call has answered (and been shown)."""
    qtbot.waitUntil(workers.idle, timeout=timeout)


@pytest.fixture
def make_window(qapp, qtbot, station: str, ui_settings: QSettings  # noqa: ANN001
                ) -> Iterator[Callable[..., MainWindow]]:
    create_app()
    made: list[MainWindow] = []

    def make(actor: Actor | None = None, language: str = "en") -> MainWindow:
        i18n = Translations(qapp)
        i18n.switch(language)
        session = Session(station, ui_settings)
        window = MainWindow(session, i18n)
        qtbot.addWidget(window)
        window.resize(1366, 768)
        window.show()
        qtbot.waitExposed(window)
        window.activateWindow()
        if window.scan_router is not None:
            window.scan_router.clock = KeyClock(0.2)
        window.start()
        qtbot.waitUntil(lambda: session.db_ok, timeout=20_000)
        if actor is not None:
            window._logged_in(actor)
        made.append(window)
        return window

    yield make
    for window in made:
        wait_idle(qtbot)
        workers.wait_done()
        wait_idle(qtbot)
        printer = window.session.printer
        if printer is not None:
            printer.wait()
        window.shutdown()
        window.close()
        if window.i18n is not None:
            window.i18n.switch("en")  # take this window's translators out of the app


def scanner_speed(window: MainWindow) -> None:
    if window.scan_router is not None:
        window.scan_router.clock = KeyClock(0.005)


def scan(qtbot, widget: QWidget, text: str) -> None:  # noqa: ANN001
    """What a keyboard-wedge scanner does: the characters, then Enter."""
    qtbot.keyClicks(widget, text)
    qtbot.keyClick(widget, Qt.Key.Key_Return)


def type_text(qtbot, widget: QWidget, text: str, enter: bool = False) -> None:  # noqa: ANN001
    widget.setFocus()
    qtbot.keyClicks(widget, text)
    if enter:
        qtbot.keyClick(widget, Qt.Key.Key_Return)


def ime_commit(widget: QWidget, text: str) -> None:
    """Chinese arrives through the input method as committed text, not as key presses
    (QTest cannot press a key for 王)."""
    from PySide6.QtGui import QInputMethodEvent

    widget.setFocus()
    event = QInputMethodEvent("", [])
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def focused() -> QWidget | None:
    return QApplication.focusWidget()


@pytest.fixture
def big_station(owner: Actor) -> Actor:
    """Room for a few hundred parcels: shelves C–F, 5 layers of 12 medium each."""
    for name in "CDEF":
        shelves.add_shelf(owner, name, 5, {"S": 12, "M": 12, "L": 3, "XL": 1})
    return owner


def load_manifest(owner: Actor, path: Path, rows: list[tuple[str, str, str]],
                  carrier: str = "SF", cod: dict[str, str] | None = None) -> None:
    """rows: (tracking, name, phone)."""
    cod = cod or {}
    lines = ["tracking,name,phone,cod"]
    lines += [f"{t},{n},{p},{cod.get(t, '')}" for t, n, p in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    manifests.import_manifest(owner, path, carrier)


def sf_number(i: int) -> str:
    return f"SF{1400000000000 + i:013d}"
