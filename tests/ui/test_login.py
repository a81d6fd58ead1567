"""Login and lock: focus, Tab, Enter, wrong PIN, lockout, lock shortcut, idle lock, demo."""

from __future__ import annotations

from PySide6.QtCore import Qt

from station.services import staff
from tests.conftest import CLERK_PIN, OWNER_PIN
from tests.ui.conftest import focused, wait_idle


def test_user_focused_tab_to_pin_enter_logs_in(make_window, qtbot, clerk) -> None:
    window = make_window()
    login = window.login
    qtbot.waitUntil(lambda: focused() is login.user)
    qtbot.keyClicks(login.user, "amy")
    qtbot.keyClick(login.user, Qt.Key.Key_Tab)
    assert focused() is login.pin
    assert login.pin.echoMode() == login.pin.EchoMode.Password
    qtbot.keyClicks(login.pin, CLERK_PIN)
    qtbot.keyClick(login.pin, Qt.Key.Key_Return)
    wait_idle(qtbot)
    assert window.session.actor is not None and window.session.actor.name == "amy"
    assert window.current_screen_name() == "intake"
    assert focused() is window.screens["intake"].scan_field
    assert "amy" in window.st_clerk.text() and "counter-1" in window.st_counter.text()
    assert "SQLite" in window.st_db.text()


def test_enter_in_user_field_moves_to_pin(make_window, qtbot, clerk) -> None:
    window = make_window()
    qtbot.keyClicks(window.login.user, "amy")
    qtbot.keyClick(window.login.user, Qt.Key.Key_Return)
    assert focused() is window.login.pin
    assert window.session.actor is None


def test_wrong_pin_says_so_and_lockout_shows_time_left(make_window, qtbot, clerk) -> None:
    window = make_window()
    login = window.login
    login.user.setText("amy")
    for attempt in range(5):
        qtbot.keyClicks(login.pin, "0000")
        qtbot.keyClick(login.pin, Qt.Key.Key_Return)
        wait_idle(qtbot)
        assert login.banner.kind == "error"
        if attempt == 0:
            assert "Wrong PIN" in login.banner.text() and "4 tries left" in login.banner.text()
    assert "locked" in login.banner.text() and "15 min" in login.banner.text()
    qtbot.keyClicks(login.pin, CLERK_PIN)  # even the right PIN waits for the lock to pass
    qtbot.keyClick(login.pin, Qt.Key.Key_Return)
    wait_idle(qtbot)
    assert window.session.actor is None
    assert "Try again in" in login.banner.text()
    accounts = staff.list_staff(staff.authenticate("boss", OWNER_PIN, "t"))
    assert next(a for a in accounts if a.name == "amy").locked_until is not None


def test_lock_shortcut_and_unlock_returns_to_screen(make_window, qtbot, clerk) -> None:
    window = make_window(clerk)
    window.show_screen("pickup")
    qtbot.keyClick(window.screens["pickup"].scan_field, Qt.Key.Key_L,
                   Qt.KeyboardModifier.ControlModifier)
    assert window.pages.currentWidget() is window.login
    assert window.login.user.text() == "amy" and focused() is window.login.pin
    qtbot.keyClick(window.login.pin, Qt.Key.Key_F1)  # no screen behind a lock
    assert window.pages.currentWidget() is window.login
    qtbot.keyClicks(window.login.pin, CLERK_PIN)
    qtbot.keyClick(window.login.pin, Qt.Key.Key_Return)
    wait_idle(qtbot)
    assert window.current_screen_name() == "pickup"


def test_other_user_unlocking_gets_fresh_screens(make_window, qtbot, clerk, owner) -> None:
    window = make_window(clerk)
    intake = window.screens["intake"]
    window.lock()
    window.login.user.setText("boss")
    qtbot.keyClicks(window.login.pin, OWNER_PIN)
    qtbot.keyClick(window.login.pin, Qt.Key.Key_Return)
    wait_idle(qtbot)
    assert window.session.actor.name == "boss"
    assert window.screens["intake"] is not intake


def test_idle_lock(make_window, qtbot, clerk, ui_settings) -> None:
    ui_settings.setValue("idle_lock_minutes", 3)
    window = make_window(clerk)
    assert window.idle_timer.isActive() and window.idle_timer.interval() == 180_000
    window.idle_timer.timeout.emit()
    assert window.pages.currentWidget() is window.login


def test_demo_logs_in_as_demo_clerk(qapp, qtbot, tmp_path, monkeypatch, ui_settings) -> None:
    from station import demo
    from ui.app import Translations
    from ui.main_window import MainWindow
    from ui.session import Session

    monkeypatch.setattr(demo, "demo_db_path", lambda: tmp_path / "demo.db")
    window = MainWindow(Session(str(tmp_path / "unused.db"), ui_settings), Translations(qapp))
    qtbot.addWidget(window)
    window.show()
    window.start(demo=True)
    qtbot.waitUntil(lambda: window.session.actor is not None, timeout=60_000)
    assert window.session.actor.name == "clerk"
    assert window.session.url == str(tmp_path / "demo.db")
    assert window.current_screen_name() == "intake"
    wait_idle(qtbot)
    window.shutdown()


def test_an_upgrade_on_open_tells_the_owner_to_wait(make_window, qtbot, station,
                                                    monkeypatch) -> None:
    """A big station's first open after an update runs the schema upgrade in the start-up
    worker; the login says what is happening instead of a bare 'opening'."""
    from station import db as station_db
    from station.migrations import LATEST_VERSION
    from station.models import Setting
    from ui.screens.login import LoginScreen

    station_db.open_database(station)
    Setting.put(station_db.SCHEMA_KEY, str(LATEST_VERSION - 1))  # one step behind
    station_db.close_database()
    shown: list[str] = []
    original = LoginScreen.set_busy
    monkeypatch.setattr(LoginScreen, "set_busy",
                        lambda self, text: (shown.append(text), original(self, text))[1])
    window = make_window()
    assert any(f"step {LATEST_VERSION} of {LATEST_VERSION}" in t and "few minutes" in t
               for t in shown), shown
    assert window.session.db_ok
    assert int(Setting.get(Setting.key == station_db.SCHEMA_KEY).value) == LATEST_VERSION
