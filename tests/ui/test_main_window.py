"""The shell: F-keys, status bar, scale, language switching at run time, no frozen window,
and no English left on a Chinese screen."""

from __future__ import annotations

import re
import threading
import time

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QTableView,
    QWidget,
)

from station.services import intake, parcels, settings
from station.services.intake import IntakeRequest
from tests.ui.conftest import focused, scan, type_text, wait_idle
from ui import workers


def test_function_keys_switch_screens_and_focus(make_window, qtbot, owner) -> None:
    window = make_window(owner)
    expected = {Qt.Key.Key_F2: "pickup", Qt.Key.Key_F3: "parcels", Qt.Key.Key_F4: "send",
                Qt.Key.Key_F9: "settings", Qt.Key.Key_F1: "intake"}
    for key, name in expected.items():
        qtbot.keyClick(focused() or window, key)
        wait_idle(qtbot)
        assert window.current_screen_name() == name
        assert window.nav_buttons[name].isChecked()
    assert focused() is window.screens["intake"].scan_field
    window.show_screen("pickup")
    assert focused() is window.screens["pickup"].scan_field
    window.show_screen("parcels")
    assert focused() is window.screens["parcels"].text


class FakeScale(QObject):
    reading = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.weight: int | None = None

    def stable_weight_g(self) -> int | None:
        return self.weight

    def stop(self) -> None:
        pass


def test_scale_weight_goes_into_intake_and_status_bar(make_window, qtbot, clerk, owner) -> None:
    from station.devices.scale.base import Reading

    window = make_window(clerk)
    scale = FakeScale()
    window.session.use_scale(scale)
    scale.weight = 1250
    scale.reading.emit(Reading(1250, True, "ok"))
    assert "1250" in window.st_scale.text()
    screen = window.show_screen("intake")
    scan(qtbot, screen.scan_field, "JT5550000000001")
    wait_idle(qtbot)
    assert not screen.form.weight.isVisibleTo(screen)  # the scale weighs, nobody types
    type_text(qtbot, screen.form.phone, "13712345678", enter=True)
    qtbot.keyClick(screen.form.name, Qt.Key.Key_Return)
    screen.form.consent.setCurrentIndex(screen.form.consent.findData("carrier"))  # asked
    qtbot.keyClick(screen.form.size, Qt.Key.Key_Return)  # no weight step with a scale
    wait_idle(qtbot)
    assert parcels.show(owner, "JT5550000000001")["weight_g"] == 1250
    assert focused() is screen.scan_field


def test_status_bar_shows_printer_and_database(make_window, qtbot, clerk) -> None:
    window = make_window(clerk)
    assert "PDF" in window.st_printer.text()
    assert "SQLite" in window.st_db.text() and "amy" in window.st_clerk.text()


def test_language_switch_at_run_time(make_window, qtbot, clerk) -> None:
    window = make_window(clerk)
    intake_screen = window.screens["intake"]
    settings_screen = window.show_screen("settings")
    page = settings_screen.pages[3]
    page.language.setCurrentIndex(page.language.findData("zh_CN"))
    page.language.activated.emit(page.language.currentIndex())
    # Qt delivers LanguageChange to every widget through the event loop
    qtbot.waitUntil(lambda: window.nav_buttons["intake"].text() == "F1  入库")
    assert intake_screen.scan_label.text() == "扫描 (F1)"
    assert window.session.settings.value("language") == "zh_CN"
    assert settings_screen.list.item(0).text() == "驿站"
    window.set_language("en")
    qtbot.waitUntil(lambda: window.nav_buttons["intake"].text() == "F1  Intake")
    assert intake_screen.scan_label.text() == "Scan (F1)"


def test_slow_database_never_freezes_the_window(make_window, qtbot, clerk, monkeypatch) -> None:
    from station.services import browse

    window = make_window(clerk)
    real_page = browse.page
    seen: list[str] = []

    def slow_page(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        seen.append(threading.current_thread().name)
        time.sleep(0.8)
        return real_page(*args, **kwargs)

    monkeypatch.setattr(browse, "page", slow_page)
    ticks: list[float] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start(20)
    started = time.perf_counter()
    window.show_screen("parcels")
    qtbot.waitUntil(lambda: bool(seen) and workers.idle(), timeout=10_000)
    timer.stop()
    assert threading.main_thread().name not in seen
    assert len(ticks) > 10  # the event loop kept turning while the page was loading
    gaps = [b - a for a, b in zip([started, *ticks], ticks, strict=False)]
    assert max(gaps) < 0.5


_ALLOWED = {
    "PIN", "Ctrl", "Alt", "Esc", "PDF", "SQLite", "XL", "USB", "HID", "EMS", "UPS", "DHL", "FEDEX",
    "YUNDA", "DEPPON", "CAINIAO", "ZTO", "YTO", "STO", "OTHER", "Enter", "Mettler", "Toledo",
    "SICS", "CAS", "postgresql", "socket", "FedEx", "Express", "Logistics", "Other", "Post",
    "China", "SF", "JD", "JT", "counter", "amy", "boss", "Shift", "Tab", "Del",
}
_WORD = re.compile(r"[A-Za-z]{3,}")


def _inside(widget: QWidget, class_name: str) -> bool:
    node = widget.parentWidget()
    while node is not None:
        if type(node).__name__ == class_name:
            return True
        node = node.parentWidget()
    return False


def _visible_texts(root: QWidget) -> list[tuple[str, str]]:
    texts: list[tuple[str, str]] = []
    for widget in [root, *root.findChildren(QWidget)]:
        if not widget.isVisibleTo(root):
            continue
        kind = type(widget).__name__
        if isinstance(widget, QLabel) and widget.objectName() != "bigCode":
            texts.append((kind, widget.text()))
        elif isinstance(widget, QAbstractButton):
            texts.append((kind, widget.text()))
        elif isinstance(widget, QGroupBox):
            texts.append((kind, widget.title()))
        elif isinstance(widget, QLineEdit):
            texts.append((kind, widget.placeholderText()))
        elif isinstance(widget, QComboBox) and widget.objectName() != "data":
            if _inside(widget, "ScaleSettingsPage"):
                continue  # ports and the drivers' protocol names are data
            texts += [(kind, widget.itemText(i)) for i in range(widget.count())]
        elif isinstance(widget, QTableView) and widget.model() is not None:
            model = widget.model()
            texts += [(kind, str(model.headerData(c, Qt.Orientation.Horizontal) or ""))
                      for c in range(model.columnCount())]
    return texts


def test_no_english_left_on_chinese_screens(make_window, qtbot, owner, clerk) -> None:
    settings.set_value(owner, "station_name", "幸福里驿站")
    intake.intake(clerk, IntakeRequest(tracking="YT4000000000001", phone="13800003333",
                                       name="张伟", size="S", cod_fen=500, consent_basis="carrier"))
    window = make_window(owner, language="zh_CN")
    problems = []
    for name in ("intake", "pickup", "send", "parcels", "shelves", "settings"):
        screen = window.show_screen(name)
        wait_idle(qtbot)
        if name == "pickup":
            scan(qtbot, screen.scan_field, "YT4000000000001")
            wait_idle(qtbot)
            scan(qtbot, screen.scan_field, "YT4000000000001")
        pages = range(screen.list.count()) if name == "settings" else [0]
        for row in pages:
            if name == "settings":
                screen.list.setCurrentRow(row)
                wait_idle(qtbot)
            for kind, text in _visible_texts(screen):
                words = [w for w in _WORD.findall(text) if w not in _ALLOWED]
                if words:
                    problems.append(f"{name}: {kind} {text!r}")
    status = [window.st_clerk, window.st_counter, window.st_scale, window.st_printer]
    problems += [f"status: {s.text()!r}" for s in status
                 if [w for w in _WORD.findall(s.text()) if w not in _ALLOWED]]
    for name, button in window.nav_buttons.items():
        if [w for w in _WORD.findall(button.text()) if w not in _ALLOWED]:
            problems.append(f"nav {name}: {button.text()!r}")
    assert not problems, "\n".join(problems)


def test_scan_at_the_lock_screen_takes_nothing_in(make_window, qtbot, clerk, owner,
                                                  tmp_path) -> None:
    from tests.ui.conftest import load_manifest, scanner_speed, sf_number

    load_manifest(owner, tmp_path / "m.csv", [(sf_number(9), "王芳", "13812345678")])
    window = make_window(clerk)
    window.lock()
    scanner_speed(window)
    scan(qtbot, window.login.user, sf_number(9))
    wait_idle(qtbot)
    assert window.screens["intake"].taken == []
    from station.services import browse

    assert browse.count(browse.ParcelFilter()) == 0
