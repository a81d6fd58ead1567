"""The path that crashed the window (libshiboken6 segfault, 2 runs in 4): the owner unlocks a
clerk's counter, switches the language in Settings (F9), goes to Intake (F1), scans an unknown
number, presses Esc and scans a manifest parcel. Driven many rounds with real key presses; a
crash kills the test process, so pytest reports it instead of passing."""

from __future__ import annotations

import gc
from pathlib import Path

from PySide6.QtCore import Qt

from tests.conftest import CLERK_PIN, OWNER_PIN
from tests.ui.conftest import load_manifest, scan, sf_number, wait_idle

ROUNDS = 12


def _unlock_as(window, qtbot, name: str, pin: str) -> None:  # noqa: ANN001
    window.lock()
    window.login.user.setText(name)
    window.login.pin.clear()
    qtbot.keyClicks(window.login.pin, pin)
    qtbot.keyClick(window.login.pin, Qt.Key.Key_Return)
    wait_idle(qtbot)
    qtbot.waitUntil(lambda: window.session.actor is not None
                    and window.session.actor.name == name, timeout=20_000)


def test_owner_unlock_language_intake_unknown_escape_manifest_many_rounds(
        make_window, qtbot, clerk, owner, big_station, tmp_path: Path) -> None:  # noqa: ANN001
    rows = [(sf_number(900 + i), f"王{i}", f"138{i:08d}") for i in range(ROUNDS)]
    load_manifest(owner, tmp_path / "m.csv", rows)
    window = make_window(clerk)
    languages = ("zh_CN", "en")
    for round_no in range(ROUNDS):
        who, pin = (("boss", OWNER_PIN) if round_no % 2 == 0 else ("amy", CLERK_PIN))
        _unlock_as(window, qtbot, who, pin)
        qtbot.keyClick(window.focusWidget() or window, Qt.Key.Key_F9)
        settings = window.screens["settings"]
        page = settings.counter_page
        index = page.language.findData(languages[round_no % 2])
        page.language.setCurrentIndex(index)
        page.language_chosen.emit(languages[round_no % 2])
        qtbot.wait(10)
        gc.collect()
        qtbot.keyClick(window.focusWidget() or window, Qt.Key.Key_F1)
        intake = window.screens["intake"]
        assert window.current_screen_name() == "intake"
        scan(qtbot, intake.scan_field, f"YT{7700000000000 + round_no:013d}")
        wait_idle(qtbot)
        qtbot.keyClick(window.focusWidget() or intake.scan_field, Qt.Key.Key_Escape)
        wait_idle(qtbot)
        scan(qtbot, intake.scan_field, rows[round_no][0])
        wait_idle(qtbot)
        wanted = rows[round_no][0]
        qtbot.waitUntil(lambda w=wanted, s=intake: any(v.tracking == w for v in s.taken),
                        timeout=20_000)
        gc.collect()
    assert window.session.actor is not None
