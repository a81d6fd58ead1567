"""Parcels screen (F3): lazy model, filters, sorting, detail with history, actions."""

from __future__ import annotations

from PySide6.QtCore import Qt

from station.audit import Actor
from station.services import intake, parcels
from station.services.browse import ParcelFilter
from station.services.intake import IntakeRequest
from tests.ui.conftest import type_text, wait_idle
from ui.models.parcel_table import ParcelTableModel


def _fill(clerk: Actor, n: int, prefix: str = "YT2", size: str = "S") -> list:
    return [intake.intake(clerk, IntakeRequest(tracking=f"{prefix}{i:012d}",
                                               phone=f"139{i:08d}", name=f"客户{i}", size=size,
                                               consent_basis="carrier"))
            for i in range(n)]


def test_model_pages_lazily_and_passes_model_tester(make_window, qtbot, qtmodeltester, clerk,
                                                    big_station) -> None:
    _fill(clerk, 45)
    window = make_window(clerk)
    model = ParcelTableModel(window.session)
    model.page_size = 20
    model.set_query(ParcelFilter())
    wait_idle(qtbot)
    assert model.rowCount() == 20 and model.total == 45
    assert model.canFetchMore()
    model.fetchMore()
    wait_idle(qtbot)
    model.fetchMore()
    wait_idle(qtbot)
    assert model.rowCount() == 45 and not model.canFetchMore()
    received = [v.received_at for v in model.rows]
    assert received == sorted(received, reverse=True)
    qtmodeltester.check(model)


def test_filter_select_and_history(make_window, qtbot, clerk, owner, big_station) -> None:
    views = _fill(clerk, 12)
    window = make_window(clerk)
    screen = window.show_screen("parcels")
    wait_idle(qtbot)
    assert screen.model.rowCount() == 12
    assert "12 parcels" in screen.count.text()
    type_text(qtbot, screen.text, views[3].tracking, enter=True)
    wait_idle(qtbot)
    assert screen.model.rowCount() == 1
    screen.table.selectRow(0)
    wait_idle(qtbot)
    assert screen.detail.title.text() == views[3].tracking
    assert screen.detail.events.rowCount() == 1
    assert screen.detail.events.item(0, 1).text() == "Taken in"
    # move it, then mark it missing and found again: every step is in the database
    type_text(qtbot, screen.detail.slot_field, "C-2", enter=True)
    wait_idle(qtbot)
    assert parcels.show(owner, views[3].tracking)["slot"] == "C-2"
    assert screen.model.rows[0].slot == "C-2"
    qtbot.mouseClick(screen.detail.buttons["missing"], Qt.MouseButton.LeftButton)
    wait_idle(qtbot)
    assert parcels.show(owner, views[3].tracking)["status"] == "MISSING"
    assert screen.detail.buttons["found"].isEnabled()
    qtbot.mouseClick(screen.detail.buttons["found"], Qt.MouseButton.LeftButton)
    wait_idle(qtbot)
    data = parcels.show(owner, views[3].tracking)
    assert data["status"] == "ON_SHELF"
    assert [e["action"] for e in data["events"]] == [
        "parcel.intake", "parcel.move", "parcel.missing", "parcel.found"]
    assert screen.detail.events.rowCount() == 4
    qtbot.mouseClick(screen.detail.buttons["return"], Qt.MouseButton.LeftButton)
    wait_idle(qtbot)
    assert parcels.show(owner, views[3].tracking)["status"] == "RETURN_PENDING"


def test_status_filter_and_sort(make_window, qtbot, clerk, big_station) -> None:
    views = _fill(clerk, 6)
    from station.services import returns

    returns.mark_missing(clerk, views[0].tracking)
    window = make_window(clerk)
    screen = window.show_screen("parcels")
    wait_idle(qtbot)
    screen.status.setCurrentIndex(screen.status.findData("MISSING"))
    wait_idle(qtbot)
    assert [v.tracking for v in screen.model.rows] == [views[0].tracking]
    screen.status.setCurrentIndex(0)
    wait_idle(qtbot)
    screen.table.horizontalHeader().setSortIndicator(1, Qt.SortOrder.AscendingOrder)
    wait_idle(qtbot)
    trackings = [v.tracking for v in screen.model.rows]
    assert trackings == sorted(trackings)
    screen.table.horizontalHeader().setSortIndicator(6, Qt.SortOrder.AscendingOrder)
    wait_idle(qtbot)  # the name column cannot be sorted fast: indicator goes back
    assert screen.table.horizontalHeader().sortIndicatorSection() == 1
    assert screen.banner.isVisibleTo(screen)


def test_refused_action_shows_message_in_place(make_window, qtbot, clerk, big_station) -> None:
    views = _fill(clerk, 1)
    window = make_window(clerk)
    screen = window.show_screen("parcels")
    wait_idle(qtbot)
    screen.table.selectRow(0)
    wait_idle(qtbot)
    type_text(qtbot, screen.detail.slot_field, "Z-9", enter=True)
    wait_idle(qtbot)
    assert screen.detail.banner.kind == "error"
    assert "Z-9" in screen.detail.banner.text()
    assert parcels.show(clerk, views[0].tracking)["slot"] != "Z-9"


def test_carrier_date_overdue_and_shelf_filters(make_window, qtbot, clerk, big_station) -> None:
    from datetime import timedelta

    from station import clock

    with clock.frozen_at(clock.now() - timedelta(days=20)):
        old = intake.intake(clerk, IntakeRequest(tracking="SF1500000000001", phone="13900000001",
                                                 size="S", consent_basis="carrier"))
    new = _fill(clerk, 3)
    window = make_window(clerk)
    screen = window.show_screen("parcels")
    wait_idle(qtbot)
    assert screen.model.rowCount() == 4
    screen.carrier.setCurrentIndex(screen.carrier.findData("SF"))
    wait_idle(qtbot)
    assert [v.tracking for v in screen.model.rows] == [old.tracking]
    screen.carrier.setCurrentIndex(0)
    screen.period.setCurrentIndex(screen.period.findData("7"))
    wait_idle(qtbot)
    assert {v.tracking for v in screen.model.rows} == {v.tracking for v in new}
    screen.period.setCurrentIndex(0)
    screen.overdue.setChecked(True)
    wait_idle(qtbot)
    assert [v.tracking for v in screen.model.rows] == [old.tracking]
    screen.overdue.setChecked(False)
    wait_idle(qtbot)
    screen.shelf.setCurrentText(new[0].slot)
    screen.apply_filters()
    wait_idle(qtbot)
    assert screen.model.rows and all(v.slot == new[0].slot for v in screen.model.rows)
    qtbot.mouseClick(screen.reset_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot)
    assert screen.model.rowCount() == 4


def test_reprint_sticker_and_receipt_from_history(make_window, qtbot, clerk, owner,
                                                  big_station) -> None:
    import subprocess
    import tempfile
    from pathlib import Path

    from station.services.pickup import PickupRequest, pickup

    views = _fill(clerk, 2)
    result = pickup(clerk, PickupRequest(refs=(views[1].pickup_code,)))
    window = make_window(clerk)
    screen = window.show_screen("parcels")
    wait_idle(qtbot)
    detail = screen.detail
    detail.load(views[0].tracking)
    wait_idle(qtbot)
    assert detail.buttons["sticker"].isEnabled() and not detail.buttons["receipt"].isEnabled()
    qtbot.mouseClick(detail.buttons["sticker"], Qt.MouseButton.LeftButton)
    wait_idle(qtbot)
    qtbot.waitUntil(lambda: getattr(detail, "preview", None) is not None, timeout=10_000)
    pdf = detail.preview.pdf
    folder = Path(tempfile.mkdtemp())
    (folder / "s.pdf").write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(folder / "s.pdf"), "-"], capture_output=True,
                          text=True).stdout
    assert views[0].pickup_code in text and "REPRINT" in text
    detail.preview.reject()
    actions = [e["action"] for e in parcels.show(owner, views[0].tracking)["events"]]
    assert actions == ["parcel.intake", "parcel.reprint_sticker"]

    detail.load(views[1].tracking)
    wait_idle(qtbot)
    assert detail.buttons["receipt"].isEnabled()
    detail.preview = None
    qtbot.mouseClick(detail.buttons["receipt"], Qt.MouseButton.LeftButton)
    wait_idle(qtbot)
    qtbot.waitUntil(lambda: detail.preview is not None, timeout=10_000)
    (folder / "r.pdf").write_bytes(detail.preview.pdf)
    text = subprocess.run(["pdftotext", str(folder / "r.pdf"), "-"], capture_output=True,
                          text=True).stdout
    assert result.receipt_no in text
    detail.preview.reject()
    assert "pickup.reprint_receipt" in [
        e["action"] for e in parcels.show(owner, views[1].tracking)["events"]]
