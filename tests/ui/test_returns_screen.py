"""Overdue and returns screen: overdue list with reminders, scan/tick and mark for return, the
courier hand-over (wrong parcel refused, only scanned parcels leave, signed manifest)."""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import QPoint, Qt

from station import clock
from station.audit import SYSTEM, Actor
from station.services import intake, outbox, parcels
from station.services.intake import IntakeRequest
from tests.ui.conftest import scan, wait_idle
from ui.screens.returns import ReturnsScreen


def _noon(days_ago: int) -> datetime:
    """Naive UTC of 12:00 in Shanghai `days_ago` days back (inside opening hours)."""
    day = clock.local_day() - timedelta(days=days_ago)
    return clock.day_bounds(day)[0] + timedelta(hours=12)


def _take_in(clerk: Actor, tracking: str, days_ago: int, n: int) -> str:
    with clock.frozen_at(_noon(days_ago)):
        intake.intake(clerk, IntakeRequest(tracking=tracking, phone=f"1380000{n:04d}",
                                           name=f"客户{n}", size="S", consent_basis="carrier"))
    return tracking


def _screen(make_window, qtbot, actor: Actor) -> ReturnsScreen:  # noqa: ANN001
    window = make_window(actor)
    screen = ReturnsScreen(window.session)
    qtbot.addWidget(screen)
    screen.resize(1280, 700)
    screen.show()
    qtbot.waitExposed(screen)
    screen.activate()
    wait_idle(qtbot)
    return screen


def _sign(qtbot, pad) -> None:  # noqa: ANN001
    qtbot.mousePress(pad, Qt.MouseButton.LeftButton, pos=QPoint(30, 40))
    for x in range(40, 200, 20):
        qtbot.mouseMove(pad, QPoint(x, 40 + (x % 60)))
    qtbot.mouseRelease(pad, Qt.MouseButton.LeftButton, pos=QPoint(200, 60))


def _status(owner: Actor, tracking: str) -> str:
    return parcels.show(owner, tracking)["status"]


def test_overdue_list_scan_and_bulk_mark(make_window, qtbot, clerk, owner) -> None:
    old1 = _take_in(clerk, "YT3000000000001", 10, 1)
    old2 = _take_in(clerk, "YT3000000000002", 8, 2)
    fresh = _take_in(clerk, "YT3000000000003", 1, 3)
    with clock.frozen_at(_noon(6)):  # old1 is on its remind day: a reminder goes out
        assert outbox.schedule_reminders(SYSTEM) >= 1
        outbox.send_due(outbox.build_channels())
    screen = _screen(make_window, qtbot, clerk)
    assert screen.table.keys() == [old1, old2]
    days = screen.table.columnCount() - 3  # ... days, reminders, storage fee
    assert screen.table.item(0, days).text() == "10"
    assert screen.table.item(0, days + 1).text().startswith("1")  # one reminder sent
    assert screen.table.item(1, days + 1).text() == "0"
    assert "2 overdue" in screen.summary.text()

    scan(qtbot, screen.scan_field, fresh)
    assert screen.banner.kind == "warn" and "not overdue" in screen.banner.text()
    scan(qtbot, screen.scan_field, old2)
    assert screen.banner.kind == "ok" and screen.table.ticked() == [old2]
    assert screen.mark_button.isEnabled() and "(1)" in screen.mark_button.text()
    qtbot.mouseClick(screen.mark_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot)
    assert screen.banner.kind == "ok", screen.banner.text()
    assert _status(owner, old2) == "RETURN_PENDING"
    assert _status(owner, old1) == "ON_SHELF" and _status(owner, fresh) == "ON_SHELF"
    assert screen.table.keys() == [old1] and len(screen.handover.pending) == 1
    scan(qtbot, screen.scan_field, old2)
    assert "already marked" in screen.banner.text()

    qtbot.mouseClick(screen.all_button, Qt.MouseButton.LeftButton)
    qtbot.keyClick(screen.scan_field, Qt.Key.Key_F12)  # F12 marks the ticked ones
    wait_idle(qtbot)
    assert _status(owner, old1) == "RETURN_PENDING"
    assert screen.table.rowCount() == 0 and len(screen.handover.pending) == 2
    assert "(2)" in screen.tabs.tabText(1)


def test_handover_scans_each_parcel_refuses_wrong_ones_and_prints(
        make_window, qtbot, clerk, owner, tmp_path) -> None:
    from station.services import returns

    a = _take_in(clerk, "YT3000000000011", 9, 1)
    b = _take_in(clerk, "YT3000000000012", 9, 2)
    sf = _take_in(clerk, "SF1400000000013", 9, 3)
    shelf = _take_in(clerk, "YT3000000000014", 9, 4)
    returns.mark_for_return(clerk, [a, b, sf])
    screen = _screen(make_window, qtbot, clerk)
    screen.show_handover()
    panel = screen.handover
    assert panel.carrier.count() == 2
    panel.carrier.setCurrentIndex(panel.carrier.findData("YTO"))
    assert panel.table.keys() == [a, b]

    scan(qtbot, screen.scan_field, shelf)  # on the shelf, not marked: refused loudly
    assert screen.banner.kind == "error" and "NOT FOR RETURN" in screen.banner.text()
    scan(qtbot, screen.scan_field, a)
    assert screen.banner.kind == "ok" and panel.scanned_here() == [a]
    scan(qtbot, screen.scan_field, sf)  # another carrier's return
    assert screen.banner.kind == "error" and "WRONG COURIER" in screen.banner.text()
    assert "Scanned 1 of 2" in panel.count.text()

    qtbot.mouseClick(panel.complete_button, Qt.MouseButton.LeftButton)
    assert screen.banner.kind == "error" and "courier's name" in screen.banner.text()
    qtbot.keyClicks(panel.courier, "Li Wei")
    qtbot.keyClick(screen.scan_field, Qt.Key.Key_F12)
    assert screen.banner.kind == "error" and "signs" in screen.banner.text()
    _sign(qtbot, panel.signature)
    qtbot.keyClick(screen.scan_field, Qt.Key.Key_F12)
    wait_idle(qtbot)
    assert screen.banner.kind == "ok", screen.banner.text()
    assert "1 parcel(s)" in screen.banner.text() and "1 not scanned" in screen.banner.text()
    assert _status(owner, a) == "RETURNED"
    assert _status(owner, b) == "RETURN_PENDING"  # not scanned: stays for the next courier
    assert _status(owner, sf) == "RETURN_PENDING" and _status(owner, shelf) == "ON_SHELF"
    wait_idle(qtbot)
    docs = tmp_path / "docs" / "manifests"
    assert any(docs.glob("H*-courier.png"))
    import base64

    from station.models import Handover

    stored = Handover.get().courier_signature_png  # kept with the hand-over itself
    assert stored and base64.b64decode(stored).startswith(b"\x89PNG")
    qtbot.waitUntil(lambda: any((tmp_path / "unprinted").glob("manifest-*.pdf")),
                    timeout=20_000)
    pdf = next((tmp_path / "unprinted").glob("manifest-*.pdf")).read_bytes()
    assert pdf.startswith(b"%PDF") and b"/Image" in pdf  # the signature is on it
    assert panel.table.keys() == [b] and panel.signature.is_empty()

    # the other carrier: scanning its parcel with nothing scanned switches the carrier
    scan(qtbot, screen.scan_field, sf)
    assert panel.carrier_code() == "SF" and panel.scanned_here() == [sf]
    # a parcel can be put back on the shelf instead
    panel.carrier.setCurrentIndex(panel.carrier.findData("YTO"))
    panel.table.select_key(b)
    qtbot.mouseClick(panel.unmark_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot)
    assert _status(owner, b) == "ON_SHELF"
