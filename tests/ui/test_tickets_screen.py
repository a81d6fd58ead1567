"""Tickets screen: overdue tickets in red, a ticket on a scanned parcel with a photo, follow-up
call, status change, resolve; a phone complaint without a parcel; the claim is the owner's."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage

from station import clock
from station.audit import Actor
from station.services import intake, tickets
from station.services.intake import IntakeRequest
from tests.ui.conftest import ime_commit, scan, wait_idle
from ui.screens.tickets import OVERDUE_BG, TicketsScreen
from ui.screens.tickets_parts import photos_of


def _screen(make_window, qtbot, actor: Actor) -> TicketsScreen:  # noqa: ANN001
    window = make_window(actor)
    screen = TicketsScreen(window.session)
    qtbot.addWidget(screen)
    screen.resize(1280, 720)
    screen.show()
    qtbot.waitExposed(screen)
    screen.activate()
    wait_idle(qtbot)
    return screen


def _photo(tmp_path: Path) -> str:
    image = QImage(40, 30, QImage.Format.Format_RGB32)
    image.fill(QColor("#c0392b"))
    path = tmp_path / "box.png"
    image.save(str(path))
    return str(path)


def test_overdue_highlight_parcel_ticket_followup_resolve(make_window, qtbot, clerk, owner,
                                                          tmp_path) -> None:
    parcel = intake.intake(clerk, IntakeRequest(tracking="YT5000000000001", phone="13800001234",
                                                name="王芳", size="S", consent_basis="carrier"))
    with clock.frozen_at(clock.now() - timedelta(minutes=10)):
        late = tickets.open_ticket(clerk, "delay", "courier late", contact="13911112222")
    screen = _screen(make_window, qtbot, clerk)
    assert screen.table.keys() == [late.id]
    assert screen.table.item(0, 0).background().color().name() == OVERDUE_BG
    assert screen.table.item(0, 0).font().bold()
    assert "1 overdue" in screen.count.text()
    assert screen.table.item(0, 4).text() == "139****2222"  # a clerk sees masked numbers

    scan(qtbot, screen.scan_field, parcel.tracking)  # no ticket yet: the form opens
    form = screen.form
    assert form.isVisible() and form.tracking.text() == parcel.tracking
    form.kind.setCurrentIndex(form.kind.findData("damaged"))
    ime_commit(form.note, "箱子压坏")
    qtbot.keyClicks(form.contact, "13800001234")
    form.add_photos([_photo(tmp_path)])
    qtbot.mouseClick(form.open_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot)
    assert screen.banner.kind == "ok", screen.banner.text()
    new = tickets.get_ticket(owner, max(screen.table.keys()))
    assert new.tracking == parcel.tracking
    assert (new.kind, new.note, new.status) == ("damaged", "箱子压坏", "open")
    assert [p.name for p in photos_of(new.id)] == ["photo-01.png"]
    assert "photo-01.png" in new.log[0]["text"]
    detail = screen.detail
    assert screen.side.currentWidget() is detail and detail.view.id == new.id
    assert "Photos: photo-01.png" in detail.facts.text()
    assert screen.table.current_key() == new.id

    scan(qtbot, screen.scan_field, parcel.tracking)  # now it finds the ticket
    assert "is open" in screen.banner.text() and detail.view.id == new.id
    detail.outcome.setCurrentIndex(detail.outcome.findData("reached"))
    qtbot.keyClicks(detail.note, "called back, will check")
    qtbot.mouseClick(detail.call_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot)
    view = tickets.get_ticket(owner, new.id)
    assert view.acknowledged and view.log[-1]["event"] == "followup"
    assert view.log[-1]["outcome"] == "reached" and detail.note.text() == ""
    assert "Call: Reached" in detail.log.item(detail.log.count() - 1).text()

    detail.status.setCurrentIndex(detail.status.findData("in_progress"))
    qtbot.mouseClick(detail.status_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot)
    assert tickets.get_ticket(owner, new.id).status == "in_progress"

    assert not detail.claim_button.isEnabled()  # the claim is the owner's
    qtbot.mouseClick(detail.resolve_button, Qt.MouseButton.LeftButton)
    assert screen.banner.kind == "error"  # a resolution needs its note
    qtbot.keyClicks(detail.note, "carrier compensates")
    qtbot.mouseClick(detail.resolve_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot)
    resolved = tickets.get_ticket(owner, new.id)
    assert resolved.status == "resolved" and resolved.resolution == "carrier compensates"
    assert screen.table.keys() == [late.id]  # resolved tickets are hidden by default
    screen.resolved_box.setChecked(True)
    wait_idle(qtbot)
    assert set(screen.table.keys()) == {late.id, new.id}


def test_phone_complaint_and_owner_claim(make_window, qtbot, clerk, owner) -> None:
    screen = _screen(make_window, qtbot, owner)
    qtbot.keyClick(screen.scan_field, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    form = screen.form
    assert form.isVisible() and form.tracking.text() == ""
    form.kind.setCurrentIndex(form.kind.findData("complaint"))
    qtbot.mouseClick(form.open_button, Qt.MouseButton.LeftButton)
    assert screen.banner.kind == "error"  # nothing written yet
    ime_commit(form.note, "电话投诉：态度不好")
    qtbot.keyClicks(form.claim, "20")
    qtbot.mouseClick(form.open_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot)
    view = tickets.get_ticket(owner, screen.tickets[0].id)
    assert (view.kind, view.tracking, view.claim_fen) == ("complaint", None, 2000)
    due, opened = datetime.fromisoformat(view.answer_due), datetime.fromisoformat(view.opened_at)
    assert due - opened <= timedelta(days=1) and due.hour == 0  # answered the same day
    assert screen.table.item(0, 6).text() == f"{opened:%m-%d} 24:00"
    detail = screen.detail
    assert "none (phone complaint)" in detail.facts.text()
    assert detail.claim_button.isEnabled()
    detail.claim.clear()
    qtbot.keyClicks(detail.claim, "35.50")
    qtbot.mouseClick(detail.claim_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot)
    assert tickets.get_ticket(owner, view.id).claim_fen == 3550
    assert "¥35.50" in detail.facts.text()
    qtbot.keyClicks(detail.note, "apologised, paid")
    qtbot.mouseClick(detail.resolve_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot)
    assert tickets.get_ticket(owner, view.id).status == "resolved"
    # a clerk may not resolve a ticket that carries a claim
    other = tickets.open_ticket(owner, "lost", "lost in transit", claim_fen=1000)
    screen.session.set_actor(clerk)
    screen.refresh()
    wait_idle(qtbot)
    screen.table.select_key(other.id)
    assert screen.detail.view.id == other.id
    assert not screen.detail.resolve_button.isEnabled()
