"""Pickup safety at the counter: a hand tick asks why, a wrong scan is recorded, a partial
hand-over asks first, Enter in the cash field completes, Esc asks before dropping ticks, a
refused lookup says what to do. Checked on the screen and in the database."""

from __future__ import annotations

import json
from collections.abc import Callable

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from station.audit import Actor
from station.models import AuditEvent, Pickup
from station.models_pickup import PickupCheck
from station.services import intake, parcels, settings
from station.services.intake import IntakeRequest
from station.services.integrity import verify
from tests.ui.conftest import focused, scan, wait_idle
from ui.screens.pickup_safety import HandTickDialog


def _take_in(clerk: Actor, tracking: str, phone: str, name: str, cod_fen: int = 0):  # noqa: ANN202
    return intake.intake(clerk, IntakeRequest(tracking=tracking, phone=phone, name=name,
                                              size="S", cod_fen=cod_fen, consent_basis="carrier"))


def _screen(make_window, clerk):  # noqa: ANN001, ANN202
    window = make_window(clerk)
    return window, window.show_screen("pickup")


def _when_modal(qtbot, answer: Callable[[QApplication], None], seen: list) -> None:  # noqa: ANN001
    """Answer the next modal dialog (it blocks the call that opens it)."""

    tries = [100]  # 3 s, then give up (a poller must not answer another test's dialog)

    def run() -> None:
        modal = QApplication.activeModalWidget()
        if modal is None:
            tries[0] -= 1
            if tries[0] > 0:
                QTimer.singleShot(30, run)
            return
        seen.append(modal)
        answer(modal)

    QTimer.singleShot(30, run)


def _back(qtbot, window, screen) -> None:  # noqa: ANN001
    """The dialog is gone: the window is active again with the scan field focused."""
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    w = focused()
    assert w is screen.scan_field, (type(w).__name__, getattr(w, "text", lambda: "")())


def _click_tick(qtbot, screen, row: int) -> None:  # noqa: ANN001
    table = screen.table
    rect = table.visualItemRect(table.item(row, 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(rect.left() + 12, rect.center().y()))


def _lookup(qtbot, screen, text: str) -> None:  # noqa: ANN001
    scan(qtbot, screen.scan_field, text)
    wait_idle(qtbot)


def _box_text(box: QMessageBox) -> str:
    return box.text()


def test_click_asks_why_and_records_hand_tick(make_window, qtbot, clerk, owner) -> None:
    a = _take_in(clerk, "YT2000000000001", "13800002001", "王芳")
    b = _take_in(clerk, "YT2000000000002", "13800002001", "王芳")
    window, screen = _screen(make_window, clerk)
    _lookup(qtbot, screen, a.pickup_code)
    row_a = next(r for r, v in enumerate(screen.parcels) if v.id == a.id)
    seen: list = []

    def cancel(dialog) -> None:  # noqa: ANN001
        assert isinstance(dialog, HandTickDialog)
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)

    _when_modal(qtbot, cancel, seen)
    _click_tick(qtbot, screen, row_a)
    qtbot.waitUntil(lambda: bool(seen), timeout=3000)
    assert not screen.ticked  # cancelled: no tick
    assert screen.table.item(row_a, 0).checkState() == Qt.CheckState.Unchecked
    assert "not ticked" in screen.banner.text()
    _back(qtbot, window, screen)

    def give_reason(dialog) -> None:  # noqa: ANN001
        qtbot.keyClick(dialog.preset, Qt.Key.Key_Down)  # "Label unreadable or torn"
        dialog.details.setFocus()
        qtbot.keyClicks(dialog.details, "wet")
        qtbot.keyClick(dialog.details, Qt.Key.Key_Return)

    seen.clear()
    _when_modal(qtbot, give_reason, seen)
    _click_tick(qtbot, screen, row_a)
    qtbot.waitUntil(lambda: screen.ticked == {a.id}, timeout=3000)
    assert screen.banner.kind == "warn" and "ticked by hand" in screen.banner.text()
    assert "Label unreadable or torn: wet" in screen.banner.text()
    _back(qtbot, window, screen)
    scan(qtbot, screen.scan_field, b.tracking.lower())
    assert screen.ticked == {a.id, b.id}
    qtbot.keyClick(screen.scan_field, Qt.Key.Key_F12)
    wait_idle(qtbot)
    assert screen.banner.kind == "ok" and "2 parcel(s)" in screen.banner.text()
    rows = {r.parcel_id: (r.how, r.scanned, r.reason) for r in PickupCheck.select()}
    assert rows == {
        a.id: ("hand", None, "Label unreadable or torn: wet"),
        b.id: ("scan", b.tracking.lower(), None),
    }
    assert verify()["ok"]


def test_wrong_scan_is_shown_big_and_recorded(make_window, qtbot, clerk, owner) -> None:
    mine = _take_in(clerk, "YT2000000000011", "13800002011", "赵磊")
    other = _take_in(clerk, "YT2000000000012", "13900002012", "李娜")
    window, screen = _screen(make_window, clerk)
    _lookup(qtbot, screen, mine.pickup_code)
    scan(qtbot, screen.scan_field, other.tracking)
    assert screen.banner.kind == "error" and "WRONG PARCEL" in screen.banner.text()
    wait_idle(qtbot)
    assert "WRONG PARCEL" in screen.banner.text() and not screen.ticked
    event = AuditEvent.get(AuditEvent.action == "pickup.wrong_scan")
    assert event.actor == "amy"
    after = json.loads(event.after)
    assert (after["scanned"], after["handover"], after["recipient"]) == (
        other.tracking, [mine.tracking], "赵磊")
    assert parcels.show(owner, other.tracking)["status"] == "ON_SHELF"
    assert verify()["ok"]


def test_partial_hand_over_asks_default_no(make_window, qtbot, clerk, owner) -> None:
    a = _take_in(clerk, "YT2000000000021", "13800002021", "陈静")
    b = _take_in(clerk, "YT2000000000022", "13800002021", "陈静")
    window, screen = _screen(make_window, clerk)
    _lookup(qtbot, screen, a.tracking)
    assert len(screen.parcels) == 2
    scan(qtbot, screen.scan_field, a.tracking)
    seen: list = []
    texts: list[str] = []

    def enter(box) -> None:  # noqa: ANN001
        texts.append(box.text())
        qtbot.keyClick(box, Qt.Key.Key_Return)  # the default: No

    _when_modal(qtbot, enter, seen)
    qtbot.keyClick(screen.scan_field, Qt.Key.Key_F12)
    qtbot.waitUntil(lambda: bool(seen), timeout=3000)
    wait_idle(qtbot)
    assert texts[0] == ("Only 1 of 2 scanned — hand out only that one? The other stays on "
                        "the shelf.")
    assert Pickup.select().count() == 0 and screen.ticked == {a.id}
    assert "Scan the other parcels (1 left)" in screen.banner.text()
    _back(qtbot, window, screen)

    def yes(box) -> None:  # noqa: ANN001
        button = next(b for b in box.buttons() if "Yes" in b.text())
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    seen.clear()
    _when_modal(qtbot, yes, seen)
    qtbot.keyClick(screen.scan_field, Qt.Key.Key_Return)  # empty Enter: complete
    qtbot.waitUntil(lambda: bool(seen), timeout=3000)
    wait_idle(qtbot)
    assert screen.banner.kind == "ok" and "1 not scanned stay on the shelf" in \
        screen.banner.text()
    assert parcels.show(owner, a.tracking)["status"] == "PICKED_UP"
    assert parcels.show(owner, b.tracking)["status"] == "ON_SHELF"
    assert [(r.parcel_id, r.how) for r in PickupCheck.select()] == [(a.id, "scan")]


def test_enter_in_cash_field_completes(make_window, qtbot, clerk, owner) -> None:
    settings.set_value(owner, "id_check_policy", "flagged")
    view = _take_in(clerk, "YT2000000000031", "13800002031", "孙强", cod_fen=1250)
    window, screen = _screen(make_window, clerk)
    _lookup(qtbot, screen, view.pickup_code)
    scan(qtbot, screen.scan_field, view.tracking)
    qtbot.keyClick(screen.scan_field, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert focused() is screen.payment.tendered
    qtbot.keyClicks(screen.payment.tendered, "20")
    qtbot.keyClick(screen.payment.tendered, Qt.Key.Key_Return)
    wait_idle(qtbot)
    assert screen.banner.kind == "ok" and "¥7.50" in screen.banner.text()
    record = Pickup.get()
    assert (record.method, record.tendered_fen, record.change_fen) == ("cash", 2000, 750)


def test_esc_with_ticks_asks_before_dropping(make_window, qtbot, clerk, owner) -> None:
    a = _take_in(clerk, "YT2000000000041", "13800002041", "杨帆")
    window, screen = _screen(make_window, clerk)
    _lookup(qtbot, screen, a.pickup_code)
    scan(qtbot, screen.scan_field, a.tracking)
    seen: list = []
    _when_modal(qtbot, lambda box: qtbot.keyClick(box, Qt.Key.Key_Return), seen)  # No
    qtbot.keyClick(screen.scan_field, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: bool(seen), timeout=3000)
    assert isinstance(seen[0], QMessageBox) and "Drop the ticks" in seen[0].text()
    assert screen.ticked == {a.id} and screen.table.rowCount() == 1
    _back(qtbot, window, screen)

    def yes(box) -> None:  # noqa: ANN001
        button = next(b for b in box.buttons() if "Yes" in b.text())
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    seen.clear()
    _when_modal(qtbot, yes, seen)
    qtbot.keyClick(screen.scan_field, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: screen.table.rowCount() == 0, timeout=3000)
    assert not screen.ticked and screen.banner.kind == "idle"
    _back(qtbot, window, screen)
    # nothing ticked: Esc starts over without asking
    _lookup(qtbot, screen, a.pickup_code)
    qtbot.keyClick(screen.scan_field, Qt.Key.Key_Escape)
    assert screen.table.rowCount() == 0 and QApplication.activeModalWidget() is None
    assert parcels.show(owner, a.tracking)["status"] == "ON_SHELF"


def test_failed_lookups_are_limited_with_a_message(make_window, qtbot, clerk, owner) -> None:
    settings.set_value(owner, "lookup_fail_limit", 2)
    view = _take_in(clerk, "YT2000000000051", "13800002051", "韩梅梅")
    window, screen = _screen(make_window, clerk)
    for digits in ("9998", "9997"):
        _lookup(qtbot, screen, digits)
        assert screen.banner.kind == "warn" and "Nothing on the shelf" in screen.banner.text()
    _lookup(qtbot, screen, "2051")  # the right last 4 digits, but refused now
    assert screen.banner.kind == "error"
    assert "Ask for the pickup code or the full phone number" in screen.banner.text()
    assert not screen.parcels and focused() is screen.scan_field
    _lookup(qtbot, screen, view.pickup_code)  # the pickup code still works
    assert [v.id for v in screen.parcels] == [view.id]
    failed = AuditEvent.select().where(AuditEvent.action == "pickup.lookup_failed").count()
    assert failed == 2


def test_hand_tick_limit_is_shown(make_window, qtbot, clerk, owner) -> None:
    settings.set_value(owner, "hand_tick_limit", 1)
    a = _take_in(clerk, "YT2000000000061", "13800002061", "周杰")
    b = _take_in(clerk, "YT2000000000062", "13800002062", "刘洋")
    window, screen = _screen(make_window, clerk)

    def give_reason(dialog) -> None:  # noqa: ANN001
        qtbot.keyClick(dialog.preset, Qt.Key.Key_Return)  # "No scanner at this counter"

    for view, ok in ((a, True), (b, False)):
        _lookup(qtbot, screen, view.pickup_code)
        seen: list = []
        _when_modal(qtbot, give_reason, seen)
        _click_tick(qtbot, screen, 0)
        qtbot.waitUntil(lambda v=view: screen.ticked == {v.id}, timeout=3000)
        _back(qtbot, window, screen)
        qtbot.keyClick(screen.scan_field, Qt.Key.Key_F12)
        wait_idle(qtbot)
        if ok:
            assert screen.banner.kind == "ok", screen.banner.text()
    assert screen.banner.kind == "error" and "limit is 1" in screen.banner.text()
    assert screen.ticked == {b.id}  # still ticked: the clerk can scan instead
    assert parcels.show(owner, b.tracking)["status"] == "ON_SHELF"
    assert [r.reason for r in PickupCheck.select()] == ["No scanner at this counter"]


def test_id_dialog_closed_on_a_mismatch_is_a_failed_id_check(make_window, qtbot, clerk, owner
                                                             ) -> None:
    from station.models import Parcel
    from station.services import reports
    from tests.ui.conftest import ime_commit
    from ui.screens.pickup_dialogs import IdCheckDialog

    view = _take_in(clerk, "YT2000000000071", "13800002071", "杨帆")
    window, screen = _screen(make_window, clerk)
    _lookup(qtbot, screen, view.pickup_code)
    scan(qtbot, screen.scan_field, view.tracking)
    seen: list = []
    _when_modal(qtbot, lambda dialog: dialog.reject(), seen)  # nothing typed: not a failure
    qtbot.keyClick(screen.scan_field, Qt.Key.Key_F7)
    qtbot.waitUntil(lambda: bool(seen), timeout=3000)
    wait_idle(qtbot)
    assert AuditEvent.select().where(AuditEvent.action == "pickup.id_failed").count() == 0
    _back(qtbot, window, screen)

    def wrong_person(dialog) -> None:  # noqa: ANN001
        assert isinstance(dialog, IdCheckDialog)
        qtbot.keyClicks(dialog.number, "11010519491231002X")
        ime_commit(dialog.name, "别人")
        assert "Does not match" in dialog.name_state.text()
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)

    seen.clear()
    _when_modal(qtbot, wrong_person, seen)
    qtbot.keyClick(screen.scan_field, Qt.Key.Key_F7)
    qtbot.waitUntil(lambda: bool(seen), timeout=3000)
    wait_idle(qtbot)
    events = list(AuditEvent.select().where(AuditEvent.action == "pickup.id_failed"))
    assert len(events) == 1 and events[0].actor == "amy"
    assert json.loads(events[0].after) == {"reason": "name on ID does not match"}
    assert Parcel.get_by_id(view.id).id_failures == 1
    assert reports.daily(owner).safety["amy"]["id_failures"] == 1
    assert screen.id_info is None and parcels.show(owner, view.tracking)["status"] == "ON_SHELF"
    assert verify()["ok"]
