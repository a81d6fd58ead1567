"""Undo a pickup from the parcel detail (issue 12 item 2): the owner, on the day, gives a reason
and is told where to put the parcel back; clerks and later days see why they cannot."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt

from station import clock
from station.models import LedgerEntry, Parcel, Pickup
from station.services import parcels
from station.services.intake import IntakeRequest, intake
from station.services.pickup import PickupRequest, pickup
from tests.ui.conftest import type_text, wait_idle
from ui.screens.common import status_text

VALID_ID = "11010519491231002X"


def _collected(clerk, cod_fen: int = 0, tracking: str = "SF1600000000001"):  # noqa: ANN001, ANN202
    view = intake(clerk, IntakeRequest(tracking=tracking, phone="13900000001", name="张三",
                                       size="M", cod_fen=cod_fen, consent_basis="carrier"))
    request = PickupRequest(refs=(view.pickup_code,), id_type="resident_id",
                            id_number=VALID_ID, id_name="张三", method="cash",
                            tendered_fen=cod_fen)
    return view, pickup(clerk, request)


def _detail(make_window, qtbot, actor, tracking: str):  # noqa: ANN001, ANN202
    window = make_window(actor)
    screen = window.show_screen("parcels")
    wait_idle(qtbot)
    screen.status.setCurrentIndex(screen.status.findData("PICKED_UP"))
    wait_idle(qtbot)
    assert [v.tracking for v in screen.model.rows] == [tracking]
    screen.table.selectRow(0)
    wait_idle(qtbot)
    assert screen.detail.title.text() == tracking
    return screen.detail


def test_owner_undoes_a_pickup_from_the_parcel_detail(make_window, qtbot, clerk, owner) -> None:
    view, done = _collected(clerk, cod_fen=1250)
    detail = _detail(make_window, qtbot, owner, view.tracking)
    panel = detail.undo
    assert panel.isVisibleTo(detail) and panel.button.isEnabled()
    assert not panel.hint.isVisibleTo(detail)
    qtbot.mouseClick(panel.button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot)
    dialog = panel.dialog
    assert dialog is not None and dialog.isVisible()
    assert done.receipt_no in dialog.intro.text() and view.tracking in dialog.intro.text()
    assert "12.50" in dialog.intro.text()
    assert not dialog.undo_button.isEnabled()  # no reason yet
    type_text(qtbot, dialog.reason, "handed to the wrong person")
    assert dialog.undo_button.isEnabled()
    qtbot.mouseClick(dialog.undo_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot)
    text = dialog.outcome.text()
    assert f"Put {view.tracking} back on {view.slot}, pickup code {view.pickup_code}." in text
    assert "Give ¥12.50 back to the customer (Cash)." in text
    assert not dialog.undo_button.isEnabled() and dialog.close_button.text() == "Close"
    # what the database holds
    row = Parcel.get_by_id(view.id)
    assert row.status == "ON_SHELF" and row.pickup_code == view.pickup_code
    assert row.pickup_id is None and row.picked_up_at is None
    record = Pickup.get(Pickup.receipt_no == done.receipt_no)
    assert record.undo_reason == "handed to the wrong person"
    assert record.undone_by == owner.staff_id
    assert [e.amount_fen for e in LedgerEntry.select().order_by(LedgerEntry.id)] == [1250, -1250]
    # the detail refreshed: on the shelf again, the undo in its history, no undo button
    qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot)
    assert not dialog.isVisible()
    assert detail.values["status"].text() == status_text("ON_SHELF")
    assert not panel.isVisibleTo(detail)
    assert detail.values["pickup_code"].text() == view.pickup_code
    assert detail.events.item(0, 1).text() == "Pickup undone"
    assert "undone" in detail.banner.text() and view.pickup_code in detail.banner.text()
    assert parcels.show(owner, view.tracking)["events"][-1]["action"] == "pickup.undo"


def test_a_reason_that_says_nothing_is_refused_in_the_dialog(make_window, qtbot, clerk,
                                                             owner) -> None:
    view, done = _collected(clerk)
    detail = _detail(make_window, qtbot, owner, view.tracking)
    qtbot.mouseClick(detail.undo.button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot)
    dialog = detail.undo.dialog
    type_text(qtbot, dialog.reason, "   ")
    assert not dialog.undo_button.isEnabled()
    type_text(qtbot, dialog.reason, "..", enter=True)
    wait_idle(qtbot)
    assert "few words" in dialog.outcome.text()
    assert dialog.reason.isEnabled() and dialog.result is None
    assert Parcel.get_by_id(view.id).status == "PICKED_UP"
    assert Pickup.get(Pickup.receipt_no == done.receipt_no).undone_at is None
    qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)


def test_clerk_sees_why_not(make_window, qtbot, clerk) -> None:
    view, _ = _collected(clerk)
    detail = _detail(make_window, qtbot, clerk, view.tracking)
    panel = detail.undo
    assert panel.isVisibleTo(detail) and not panel.button.isEnabled()
    assert panel.hint.isVisibleTo(detail) and "Only the owner" in panel.hint.text()


def test_owner_cannot_undo_yesterdays_pickup(make_window, qtbot, clerk, owner) -> None:
    with clock.frozen_at(clock.now() - timedelta(days=1)):
        view, _ = _collected(clerk)
    detail = _detail(make_window, qtbot, owner, view.tracking)
    panel = detail.undo
    assert not panel.button.isEnabled()
    assert "only a pickup of today" in panel.hint.text()
    yesterday = (clock.local_day() - timedelta(days=1)).isoformat()
    assert yesterday in panel.hint.text()
