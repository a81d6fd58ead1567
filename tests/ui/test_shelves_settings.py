"""Shelves (Alt+H) and Settings (F9) screens."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from station.services import carriers, intake, settings, shelves
from station.services.intake import IntakeRequest
from tests.ui.conftest import ime_commit, type_text, wait_idle


def test_shelf_map_shows_occupancy_and_slot_parcels(make_window, qtbot, clerk) -> None:
    view = intake.intake(clerk, IntakeRequest(tracking="YT3000000000001", phone="13800002222",
                                              name="王芳", size="S", consent_basis="carrier"))
    window = make_window(clerk)
    screen = window.show_screen("shelves")
    wait_idle(qtbot)
    assert set(screen.tiles) == {"A-1", "A-2", "A-3", "B-1", "B-2", "B-3"}
    tile = screen.tiles[view.slot]
    assert tile.used["S"] == 1 and tile.capacity["S"] == 10
    assert "S 1/" in screen.summary.text()
    assert not screen.add_button.isVisible()  # a clerk has no owner tools
    qtbot.mouseClick(tile, Qt.MouseButton.LeftButton)
    wait_idle(qtbot)
    assert screen.parcel_list.count() == 1
    assert view.tracking in screen.parcel_list.item(0).text()


def test_owner_adds_resizes_renames_and_cannot_remove_a_full_shelf(make_window, qtbot, owner,
                                                                   clerk, monkeypatch) -> None:
    intake.intake(clerk, IntakeRequest(tracking="YT3000000000002", phone="13800002222",
                                       size="M", consent_basis="carrier"))
    window = make_window(owner)
    screen = window.show_screen("shelves")
    wait_idle(qtbot)
    assert screen.add_button.isVisible()

    def fill_add() -> None:
        dialog = QApplication.activeModalWidget()
        qtbot.keyClicks(dialog.name, "e")
        dialog.layers.setValue(2)
        dialog.accept()

    QTimer.singleShot(50, fill_add)
    qtbot.mouseClick(screen.add_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot)
    assert "E-1" in screen.tiles and "E-2" in screen.tiles
    assert [s.name for s in shelves.list_shelves()] == ["A", "B", "E"]
    qtbot.mouseClick(screen.tiles["E-2"], Qt.MouseButton.LeftButton)
    wait_idle(qtbot)
    screen.capacity.boxes["XL"].setValue(5)
    qtbot.mouseClick(screen.resize_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot)
    assert shelves.get_shelf("E").slots[1].capacity["XL"] == 5
    monkeypatch.setattr("ui.screens.shelves.QInputDialog.getText",
                        lambda *a, **k: ("F", True))
    qtbot.mouseClick(screen.rename_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot)
    assert "F-1" in screen.tiles and screen.banner.kind == "ok"
    held = next(s for s in shelves.list_shelves() if any(sl.used["M"] for sl in s.slots))
    monkeypatch.setattr("ui.screens.shelves.QMessageBox.question",
                        lambda *a, **k: QMessageBox.StandardButton.Yes)
    qtbot.mouseClick(screen.tiles[f"{held.name}-1"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(screen.remove_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot)
    assert screen.banner.kind == "error" and "still holds" in screen.banner.text()
    assert held.name in [s.name for s in shelves.list_shelves()]


def test_owner_changes_station_settings_and_retention(make_window, qtbot, owner) -> None:
    window = make_window(owner)
    screen = window.show_screen("settings")
    wait_idle(qtbot)
    page = screen.pages[0]
    assert page.name.text() == "Test Station 测试驿站"
    page.name.clear()
    ime_commit(page.name, "幸福里驿站")
    page.policy.setCurrentIndex(page.policy.findData("always"))
    assert page.hand_ticks.value() == 20 and page.lookup_fails.value() == 5
    page.hand_ticks.setValue(8)
    page.lookup_minutes.setValue(30)
    qtbot.keyClick(page.name, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot)
    assert settings.get("station_name") == "幸福里驿站"
    assert settings.get("id_check_policy") == "always"
    assert settings.get("hand_tick_limit") == 8 and settings.get("lookup_fail_minutes") == 30
    assert screen.banner.kind == "ok"
    screen.list.setCurrentRow(1)
    wait_idle(qtbot)
    table = screen.pages[1].table
    row = next(r for r in range(table.rowCount()) if table.item(r, 0).data(256) == "SF")
    table.cellWidget(row, 1).setValue(9)
    screen.save()
    wait_idle(qtbot)
    assert carriers.get("SF").retention_days == 9


def test_owner_adds_staff_account(make_window, qtbot, owner) -> None:
    from station.services import staff

    window = make_window(owner)
    screen = window.show_screen("settings")
    screen.list.setCurrentRow(2)
    wait_idle(qtbot)
    page = screen.pages[2]
    assert page.table.rowCount() == 2
    type_text(qtbot, page.name, "lily")
    type_text(qtbot, page.pin, "2468")
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot)
    assert page.table.rowCount() == 3
    assert staff.authenticate("lily", "2468", "t").role == "clerk"


def test_clerk_sees_station_settings_read_only(make_window, qtbot, clerk) -> None:
    window = make_window(clerk)
    screen = window.show_screen("settings")
    assert screen.list.currentRow() == 3  # this counter's page
    screen.list.setCurrentRow(0)
    assert not screen.pages[0].isEnabled() and screen.owner_note.isVisibleTo(screen)
    screen.list.setCurrentRow(3)
    assert screen.pages[3].isEnabled()
    assert not screen.pages[3].db.isEnabled()


def test_counter_settings_are_saved_in_qsettings(make_window, qtbot, clerk, ui_settings) -> None:
    window = make_window(clerk)
    screen = window.show_screen("settings")
    page = screen.pages[3]
    page.counter.setText("counter-2")
    page.idle.setValue(7)
    screen.save()
    assert ui_settings.value("counter") == "counter-2"
    assert int(ui_settings.value("idle_lock_minutes")) == 7
    assert "counter-2" in window.st_counter.text()


def test_owner_backs_up_to_the_backup_folder(make_window, qtbot, owner, tmp_path) -> None:
    window = make_window(owner)
    screen = window.show_screen("settings")
    screen.list.setCurrentRow(3)
    page = screen.pages[3]
    page.backup_dir.setText(str(tmp_path / "backups"))
    qtbot.mouseClick(page.backup_now, Qt.MouseButton.LeftButton)
    wait_idle(qtbot)
    assert screen.banner.kind == "ok", screen.banner.text()
    assert list((tmp_path / "backups").glob("station-*.db"))
    screen.save()
    assert window.session.settings.value("backup_dir") == str(tmp_path / "backups")


def test_a_printer_per_document_type(make_window, qtbot, clerk, ui_settings,
                                     monkeypatch) -> None:
    import ui.printing as printing

    monkeypatch.setattr(printing, "available_printers", lambda: ["Zebra-GK420", "Office-A4"])
    window = make_window(clerk)
    screen = window.show_screen("settings")
    page = screen.pages[3]
    page._fill_printers()
    for combo, name in ((page.label_printer, "Zebra-GK420"), (page.receipt_printer, ""),
                        (page.report_printer, "Office-A4")):
        combo.setCurrentIndex(combo.findData(name))
    screen.save()
    assert printing.printer_for(printing.DocKind.LABEL, ui_settings) == "Zebra-GK420"
    assert printing.printer_for(printing.DocKind.RECEIPT, ui_settings) == ""
    assert printing.printer_for(printing.DocKind.REPORT, ui_settings) == "Office-A4"
