"""Stocktake screen: slot markers and the slot picker, live counters, resume after a restart,
preview then apply (missing, misplaced, unknown offered for intake), the owner's sign-off."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import QApplication

from station.audit import Actor
from station.models import AuditEvent, Parcel, Slot
from station.services import intake, parcels, stocktake_signoff
from station.services.intake import IntakeRequest
from tests.ui.conftest import scan, wait_idle
from ui.screens.stocktake import STATE_KEY, StocktakeScreen


def _take_in(clerk: Actor, tracking: str, slot: str, n: int) -> str:
    intake.intake(clerk, IntakeRequest(tracking=tracking, phone=f"1390000{n:04d}",
                                       name=f"客户{n}", size="S", slot=slot,
                                       consent_basis="carrier"))
    return tracking


def _slot(tracking: str) -> str:
    return Slot.get_by_id(Parcel.get(Parcel.tracking == tracking).slot_id).label


def _screen(session, qtbot) -> StocktakeScreen:  # noqa: ANN001
    screen = StocktakeScreen(session)
    qtbot.addWidget(screen)
    screen.resize(1280, 720)
    screen.show()
    qtbot.waitExposed(screen)
    screen.activate()
    wait_idle(qtbot)
    return screen


def _counters(screen: StocktakeScreen) -> tuple[str, ...]:
    return tuple(screen.counter_labels[k].text()
                 for k in ("expected", "found", "left", "strangers"))


def test_scan_resume_preview_apply_and_take_in(make_window, qtbot, clerk, owner) -> None:
    p1 = _take_in(clerk, "YT4000000000001", "A-1", 1)
    p2 = _take_in(clerk, "YT4000000000002", "A-2", 2)
    p3 = _take_in(clerk, "YT4000000000003", "A-3", 3)
    p4 = _take_in(clerk, "YT4000000000004", "B-1", 4)
    window = make_window(clerk)
    screen = _screen(window.session, qtbot)
    screen.scope_box.setCurrentIndex(screen.scope_box.findData("A"))
    qtbot.mouseClick(screen.start_button, Qt.MouseButton.LeftButton)
    assert screen.started and not screen.scope_box.isEnabled()
    assert _counters(screen) == ("Expected 3", "Found 0", "Not found yet 3", "Not expected 0")

    scan(qtbot, screen.scan_field, "@A-1")
    assert "A-1" in screen.counter_labels["slot"].text()
    scan(qtbot, screen.scan_field, p1)
    assert screen.banner.kind == "ok"
    screen.slot_box.setCurrentIndex(screen.slot_box.findData("A-3"))
    screen.slot_box.activated.emit(screen.slot_box.currentIndex())  # picked from the list
    scan(qtbot, screen.scan_field, p2)
    assert screen.banner.kind == "warn" and "MISPLACED" in screen.banner.text()
    scan(qtbot, screen.scan_field, p4)
    assert "not on this shelf" in screen.banner.text()
    scan(qtbot, screen.scan_field, "YT0000000000999")
    assert screen.banner.kind == "error" and "UNKNOWN" in screen.banner.text()
    scan(qtbot, screen.scan_field, "@Z-9")
    assert screen.banner.kind == "error" and "no slot Z-9" in screen.banner.text()
    assert _counters(screen) == ("Expected 3", "Found 2", "Not found yet 1", "Not expected 2")
    row = screen.table.row_of(p2)
    assert screen.table.item(row, 5).text() == "→ A-3"

    # the PC restarts: a new screen picks the stocktake up where it was
    lines, counters = list(screen.lines), _counters(screen)
    screen.close()
    resumed = _screen(window.session, qtbot)
    assert resumed.started and resumed.scope == "A" and resumed.lines == lines
    assert "Resumed" in resumed.banner.text()
    assert _counters(resumed) == counters

    qtbot.keyClick(resumed.scan_field, Qt.Key.Key_F12)  # preview: nothing changes
    wait_idle(qtbot)
    panel = resumed.result_panel
    assert panel.result is not None and not panel.result.applied
    assert panel.lists["missing"].count() == 1 and "would be" in panel.headline.text()
    assert parcels.show(owner, p3)["status"] == "ON_SHELF" and _slot(p2) == "A-2"
    assert "Apply" in resumed.finish_button.text()

    qtbot.keyClick(resumed.scan_field, Qt.Key.Key_F12)  # apply
    wait_idle(qtbot)
    assert resumed.banner.kind == "ok", resumed.banner.text()
    assert parcels.show(owner, p3)["status"] == "MISSING"
    assert _slot(p2) == "A-3" and _slot(p4) == "A-3"
    assert not resumed.started and window.session.settings.value(STATE_KEY, "") in ("", None)
    assert [panel.lists["unknown"].item(i).text()
            for i in range(panel.lists["unknown"].count())] == ["YT0000000000999"]
    assert panel.take_in_button.isEnabled()
    with qtbot.waitSignal(resumed.intake_requested) as asked:
        qtbot.mouseClick(panel.take_in_button, Qt.MouseButton.LeftButton)
    assert asked.args == ["YT0000000000999"]
    # a clerk cannot sign it off; the button says so
    assert resumed.signoff.record is not None and not resumed.signoff.button.isEnabled()


def test_owner_signs_off_with_signature(make_window, qtbot, clerk, owner, tmp_path) -> None:
    p1 = _take_in(clerk, "YT4000000000011", "B-2", 1)
    window = make_window(owner)
    screen = _screen(window.session, qtbot)
    scan(qtbot, screen.scan_field, p1)  # scanning starts a whole-station stocktake
    assert screen.started and screen.scope is None
    qtbot.keyClick(screen.scan_field, Qt.Key.Key_F12)
    wait_idle(qtbot)
    qtbot.keyClick(screen.scan_field, Qt.Key.Key_F12)
    wait_idle(qtbot)
    assert screen.signoff.record is not None and screen.signoff.button.isEnabled()
    assert "waits for the owner" in screen.signoff.label.text()

    def fill() -> None:
        dialog = QApplication.activeModalWidget()
        qtbot.keyClicks(dialog.note, "month end")
        pad = dialog.signature
        qtbot.mousePress(pad, Qt.MouseButton.LeftButton, pos=QPoint(20, 30))
        qtbot.mouseMove(pad, QPoint(120, 60))
        qtbot.mouseRelease(pad, Qt.MouseButton.LeftButton, pos=QPoint(160, 40))
        dialog.accept()

    QTimer.singleShot(50, fill)
    qtbot.mouseClick(screen.signoff.button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot)
    assert screen.banner.kind == "ok", screen.banner.text()
    assert screen.signoff.button.isHidden()
    assert stocktake_signoff.latest_unsigned() is None
    event = AuditEvent.select().where(AuditEvent.action == "stocktake.signoff").get()
    assert '"note":"month end"' in event.after and '"signature":true' in event.after
    qtbot.waitUntil(lambda: any((tmp_path / "unprinted").glob("stocktake-*.pdf")),
                    timeout=20_000)
    assert any((tmp_path / "docs" / "stocktakes").glob("stocktake-*.pdf"))
