"""Pickup screen (F2): lookup, per-parcel scan, wrong parcel, ID check, proxy, COD, signature."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import QApplication

from station.audit import Actor
from station.models import Pickup
from station.services import intake, parcels, settings
from station.services.intake import IntakeRequest
from tests.ui.conftest import focused, ime_commit, scan, wait_idle

RESIDENT_ID = "11010519491231002X"  # a valid checksum


def _take_in(clerk: Actor, tracking: str, phone: str, name: str, cod_fen: int = 0):  # noqa: ANN202
    return intake.intake(clerk, IntakeRequest(tracking=tracking, phone=phone, name=name,
                                              size="S", cod_fen=cod_fen, consent_basis="carrier"))


def _pickup(window):  # noqa: ANN001, ANN202
    return window.show_screen("pickup")


def test_code_lookup_scan_each_and_complete(make_window, qtbot, clerk, owner, tmp_path) -> None:
    a = _take_in(clerk, "YT1000000000001", "13800001111", "王芳")
    b = _take_in(clerk, "YT1000000000002", "13800001111", "王芳")
    _take_in(clerk, "YT1000000000003", "13900002222", "李娜")
    window = make_window(clerk)
    screen = _pickup(window)
    assert focused() is screen.scan_field
    scan(qtbot, screen.scan_field, a.pickup_code)
    wait_idle(qtbot)
    assert [v.tracking for v in screen.parcels] == sorted([a.tracking, b.tracking], reverse=True) \
        or {v.tracking for v in screen.parcels} == {a.tracking, b.tracking}
    assert screen.table.rowCount() == 2
    assert a.slot in [screen.table.item(r, 2).text() for r in range(2)]
    scan(qtbot, screen.scan_field, "YT1000000000003")  # somebody else's parcel
    assert screen.banner.kind == "error" and "WRONG PARCEL" in screen.banner.text()
    assert not screen.ticked
    scan(qtbot, screen.scan_field, a.tracking)
    assert screen.banner.kind == "ok" and len(screen.ticked) == 1
    scan(qtbot, screen.scan_field, b.tracking)
    assert len(screen.ticked) == 2 and "All checked (2)" in screen.banner.text()
    qtbot.keyClick(screen.scan_field, Qt.Key.Key_Return)  # empty Enter completes
    wait_idle(qtbot)
    assert screen.banner.kind == "ok" and "2 parcel(s)" in screen.banner.text()
    assert screen.table.rowCount() == 0 and focused() is screen.scan_field
    assert parcels.show(owner, a.tracking)["status"] == "PICKED_UP"
    assert parcels.show(owner, b.tracking)["status"] == "PICKED_UP"
    assert parcels.show(owner, "YT1000000000003")["status"] == "ON_SHELF"
    # the receipt went to the receipt printer; with none set up it is saved as a PDF
    qtbot.waitUntil(lambda: any((tmp_path / "unprinted").glob("receipt-*.pdf")), timeout=20_000)


def test_last4_then_name_picks_between_people(make_window, qtbot, clerk, owner) -> None:
    _take_in(clerk, "YT1000000000011", "13811115678", "张伟")
    mine = _take_in(clerk, "YT1000000000012", "13922225678", "刘洋")
    window = make_window(clerk)
    screen = _pickup(window)
    scan(qtbot, screen.scan_field, "5678")
    wait_idle(qtbot)
    assert screen.people.isVisible() and screen.people_list.count() == 2
    assert focused() is screen.name_field
    ime_commit(screen.name_field, "刘洋")
    qtbot.keyClick(screen.name_field, Qt.Key.Key_Return)
    assert [v.tracking for v in screen.parcels] == [mine.tracking]
    assert "138****5678" not in screen.who.text()  # a clerk sees masked phones only
    assert "139****5678" in screen.who.text()
    scan(qtbot, screen.scan_field, mine.tracking)
    qtbot.keyClick(screen.scan_field, Qt.Key.Key_F12)
    wait_idle(qtbot)
    assert parcels.show(owner, mine.tracking)["status"] == "PICKED_UP"


def _fill_id_dialog(qtbot, name: str, number: str = RESIDENT_ID, proxy: str = "",  # noqa: ANN001
                    expect_ok: bool = True, seen: list | None = None) -> None:
    from ui.screens.pickup_dialogs import IdCheckDialog

    def fill() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, IdCheckDialog)
        if proxy:
            dialog.proxy.setChecked(True)
            ime_commit(dialog.proxy_name, proxy)
            qtbot.keyClicks(dialog.proxy_phone, "13600003333")
        qtbot.keyClicks(dialog.number, number)
        ime_commit(dialog.name, name)
        if seen is not None:
            seen.append((dialog.number_state.text(), dialog.name_state.text(), dialog.check()))
        if expect_ok:
            qtbot.keyClick(dialog.name, Qt.Key.Key_Return)
        else:
            dialog.reject()

    QTimer.singleShot(50, fill)


def test_cod_needs_id_and_cash_gives_change(make_window, qtbot, clerk, owner) -> None:
    view = _take_in(clerk, "YT1000000000021", "13700001111", "陈静", cod_fen=1250)
    window = make_window(clerk)
    screen = _pickup(window)
    scan(qtbot, screen.scan_field, "13700001111")
    wait_idle(qtbot)
    scan(qtbot, screen.scan_field, view.tracking)
    assert screen.payment.isVisible() and screen.payment.due.text() == "¥12.50"
    assert "ID check needed" in screen.id_state.text()
    qtbot.keyClick(screen.scan_field, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert screen.payment.method() == "cash" and focused() is screen.payment.tendered
    qtbot.keyClicks(screen.payment.tendered, "20")
    assert screen.payment.change.text() == "¥7.50"
    seen: list = []
    _fill_id_dialog(qtbot, "陈静", seen=seen)
    qtbot.keyClick(screen.payment.tendered, Qt.Key.Key_F12)
    wait_idle(qtbot)
    assert seen and seen[0][0].startswith("✓") and seen[0][1].startswith("✓")
    assert screen.banner.kind == "ok", screen.banner.text()
    assert "¥7.50" in screen.banner.text()
    record = Pickup.get()
    assert (record.due_fen, record.paid_fen, record.tendered_fen, record.change_fen) == \
        (1250, 1250, 2000, 750)
    assert record.method == "cash" and record.id_masked and record.id_masked.endswith("002X")
    assert parcels.show(owner, view.tracking)["status"] == "PICKED_UP"


def test_id_name_mismatch_is_shown_and_nothing_handed_over(make_window, qtbot, clerk, owner
                                                           ) -> None:
    settings.set_value(owner, "id_check_policy", "always")
    view = _take_in(clerk, "YT1000000000031", "13700002222", "杨帆")
    window = make_window(clerk)
    screen = _pickup(window)
    scan(qtbot, screen.scan_field, view.tracking)  # looked up by its tracking number
    wait_idle(qtbot)
    assert [v.tracking for v in screen.parcels] == [view.tracking]
    scan(qtbot, screen.scan_field, view.tracking)
    seen: list = []
    _fill_id_dialog(qtbot, "别人", expect_ok=False, seen=seen)
    qtbot.keyClick(screen.scan_field, Qt.Key.Key_F12)
    wait_idle(qtbot)
    assert "Does not match" in seen[0][1] and seen[0][2] is False
    assert screen.banner.kind == "warn"
    assert parcels.show(owner, view.tracking)["status"] == "ON_SHELF"


def test_proxy_pickup_records_proxy_and_signature(make_window, qtbot, clerk, owner) -> None:
    view = _take_in(clerk, "YT1000000000041", "13700003333", "赵磊")
    window = make_window(clerk)
    screen = _pickup(window)
    scan(qtbot, screen.scan_field, view.pickup_code)
    wait_idle(qtbot)
    scan(qtbot, screen.scan_field, view.tracking)
    _fill_id_dialog(qtbot, "周杰", proxy="周杰")
    qtbot.keyClick(screen.scan_field, Qt.Key.Key_F8)
    assert screen.id_info is not None and screen.id_info.proxy_name == "周杰"
    pad = screen.signature
    qtbot.mousePress(pad, Qt.MouseButton.LeftButton, pos=QPoint(20, 20))
    for x in range(20, 200, 20):
        qtbot.mouseMove(pad, QPoint(x, 20 + x // 4))
    qtbot.mouseRelease(pad, Qt.MouseButton.LeftButton, pos=QPoint(200, 70))
    assert not pad.is_empty()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)
    qtbot.keyClick(screen.scan_field, Qt.Key.Key_F12)
    wait_idle(qtbot)
    assert "1 parcel(s)" in screen.banner.text(), screen.banner.text()
    record = Pickup.get()
    assert record.proxy_name == "周杰" and record.proxy_phone_masked == "136****3333"
    assert record.signature_png  # base64 PNG
    events = parcels.show(owner, view.tracking)["events"]
    assert any("proxy" in e["detail"] for e in events)


def test_nothing_found_says_so(make_window, qtbot, clerk) -> None:
    window = make_window(clerk)
    screen = _pickup(window)
    scan(qtbot, screen.scan_field, "A-1-9999")
    wait_idle(qtbot)
    assert screen.banner.kind in ("warn", "error")
    assert focused() is screen.scan_field


def test_storage_fee_is_shown_and_collected(make_window, qtbot, clerk, owner) -> None:
    from datetime import timedelta

    from station import clock
    from station.models import LedgerEntry

    settings.set_value(owner, "storage_fee_per_day_fen", 50)
    settings.set_value(owner, "storage_free_days", 3)
    with clock.frozen_at(clock.now() - timedelta(days=7)):
        view = _take_in(clerk, "YT1000000000051", "13700005555", "孙强")
    window = make_window(clerk)
    screen = _pickup(window)
    scan(qtbot, screen.scan_field, view.pickup_code)
    wait_idle(qtbot)
    scan(qtbot, screen.scan_field, view.tracking)
    assert screen.payment.due.text() == "¥2.00"  # 7 days, 3 free, ¥0.50 a day
    notes = [screen.table.item(0, c).text() for c in range(screen.table.columnCount())]
    assert any("storage fee ¥2.00" in text for text in notes), notes
    qtbot.keyClick(screen.scan_field, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(screen.payment.tendered, "5")
    qtbot.keyClick(screen.payment.tendered, Qt.Key.Key_F12)
    wait_idle(qtbot)
    assert screen.banner.kind == "ok", screen.banner.text()
    record = Pickup.get()
    assert (record.due_fen, record.change_fen) == (200, 300)
    assert [(e.kind, e.amount_fen) for e in LedgerEntry.select()] == [("storage", 200)]
