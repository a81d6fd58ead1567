"""Day close (F10): count the drawer, type the other methods, close, Z-report; reversal of a
ledger entry by the owner; clerks are turned away."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from station import clock
from station.audit import Actor
from station.models import LedgerEntry
from station.services import day_close, ledger
from station.services import settings as station_settings
from station.services.pickup import PickupRequest, pickup
from tests.core.helpers import take_in
from tests.ui.conftest import wait_idle
from ui.screens.day_close import DayCloseScreen

_people = iter(range(1, 10_000))


def sell(owner: Actor, clerk: Actor, cod_fen: int, method: str) -> None:
    """A COD parcel taken in and handed out now: one ledger entry on today's open day."""
    station_settings.set_value(owner, "id_check_policy", "flagged")
    view = take_in(clerk, person=next(_people), cod_fen=cod_fen, size="S")
    pickup(clerk, PickupRequest(refs=(view.pickup_code,), method=method,
                                tendered_fen=cod_fen if method == "cash" else None))


@pytest.fixture
def open_screen(make_window, qtbot):  # noqa: ANN001, ANN201
    def make(actor: Actor, language: str = "en") -> DayCloseScreen:
        window = make_window(actor, language)
        screen = DayCloseScreen(window.session)
        qtbot.addWidget(screen)
        screen.resize(1216, 700)
        screen.show()
        screen.activate()
        wait_idle(qtbot)
        return screen

    return make


def type_pieces(qtbot, screen: DayCloseScreen, pieces: dict[str, int]) -> None:  # noqa: ANN001
    for key, n in pieces.items():
        box = screen.counter.boxes[key]
        box.setFocus()
        box.selectAll()
        qtbot.keyClicks(box, str(n))


def answer_yes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("ui.screens.day_close.QMessageBox.question",
                        lambda *a, **k: QMessageBox.StandardButton.Yes)


def test_count_the_drawer_close_the_day_and_get_the_z_report(open_screen, qtbot, owner, clerk,
                                                             monkeypatch) -> None:
    sell(owner, clerk, 12500, "cash")
    sell(owner, clerk, 800, "wechat")
    screen = open_screen(owner)
    counts = screen.counts
    assert counts.expected["cash"].text() == "¥125.00"
    assert counts.expected["wechat"].text() == "¥8.00"
    assert not screen.close_button.isEnabled()  # nothing counted yet: ¥125 short
    type_pieces(qtbot, screen, {"100": 1, "20": 1, "5": 1})
    assert screen.counter.total_fen() == 12500
    assert counts.counted["cash"].fen() == 12500
    assert counts.variance["cash"].text() == "¥0.00"
    qtbot.mouseClick(counts.copy_buttons["wechat"], Qt.MouseButton.LeftButton)
    assert counts.counted["wechat"].fen() == 800
    assert counts.totals[3].text() == "¥0.00"
    assert screen.close_button.isEnabled()
    answer_yes(monkeypatch)
    qtbot.mouseClick(screen.close_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot)
    today = clock.local_day()
    assert day_close.is_closed(today)
    closed = day_close.get_close(today)
    assert closed.counted_fen == {"cash": 12500, "wechat": 800, "alipay": 0, "card": 0}
    assert closed.total_variance_fen == 0
    assert Path(closed.pdf).is_file() and Path(closed.pdf).read_bytes().startswith(b"%PDF")
    assert screen.banner.kind == "ok" and closed.z_no in screen.banner.text()
    qtbot.waitUntil(lambda: screen.preview is not None and screen.preview.isVisible())
    assert screen.preview.kind.value == "report"
    screen.preview.reject()
    assert "Closed" in screen.state.text()
    assert not screen.close_button.isEnabled() and not screen.drawer_box.isEnabled()
    assert screen.closes.rowCount() == 1 and screen.closes.item(0, 0).text() == today.isoformat()
    # The 80 mm copy from the list of closed days.
    screen.closes.selectRow(0)
    qtbot.mouseClick(screen.list_roll, Qt.MouseButton.LeftButton)
    wait_idle(qtbot)
    qtbot.waitUntil(lambda: screen.preview.kind.value == "receipt")
    assert "80×" in screen.preview.info.text()
    screen.preview.reject()


def test_a_variance_above_the_threshold_needs_a_reason(open_screen, qtbot, owner, clerk,
                                                       monkeypatch) -> None:
    sell(owner, clerk, 5000, "cash")
    screen = open_screen(owner)
    type_pieces(qtbot, screen, {"20": 1})  # ¥20 in the drawer, ¥50 expected: ¥30 short
    assert screen.counts.variance["cash"].text() == "-¥30.00"
    assert screen.counts.reason_required()
    assert "required" in screen.reason_label.text()
    assert not screen.close_button.isEnabled()
    # The core refuses too, whatever the screen lets through.
    answer_yes(monkeypatch)
    screen.close_day()
    wait_idle(qtbot)
    assert screen.banner.kind == "error"
    assert not day_close.is_closed(clock.local_day())
    screen.reason.setFocus()
    qtbot.keyClicks(screen.reason, "change given twice")
    assert screen.close_button.isEnabled()
    qtbot.mouseClick(screen.close_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot)
    closed = day_close.get_close(clock.local_day())
    assert closed.variance_fen["cash"] == -3000 and closed.reason == "change given twice"
    screen.preview.reject()


def test_owner_reverses_an_entry_with_a_reason(open_screen, qtbot, owner, clerk,
                                               monkeypatch) -> None:
    sell(owner, clerk, 1500, "cash")
    sell(owner, clerk, 700, "alipay")
    screen = open_screen(owner)
    assert screen.entries.rowCount() == 2
    assert not screen.reverse_button.isEnabled()
    screen.entries.selectRow(1)
    assert screen.reverse_button.isEnabled()
    monkeypatch.setattr("ui.screens.day_close.QInputDialog.getText",
                        lambda *a, **k: ("wrong amount", True))
    qtbot.mouseClick(screen.reverse_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot)
    reversal = LedgerEntry.get(LedgerEntry.kind == "reversal")
    assert reversal.amount_fen == -700 and reversal.reason == "wrong amount"
    assert screen.banner.kind == "ok"
    assert screen.entries.rowCount() == 3
    assert screen.counts.expected["alipay"].text() == "¥0.00"
    screen.entries.selectRow(2)  # a reversal cannot be reversed
    assert not screen.reverse_button.isEnabled()
    assert ledger.totals_by_method(clock.local_day())["alipay"] == 0


@pytest.mark.parametrize("language, words", [("en", "owner only"), ("zh_CN", "站长")])
def test_clerks_see_an_owner_only_note(open_screen, clerk, language, words) -> None:
    screen = open_screen(clerk, language)
    assert screen.pages.currentWidget() is screen.owner_only
    assert words in screen.owner_only.text()
    assert screen.entries.rowCount() == 0
