"""A brand-new station in the GUI: the first start shows the set-up (not a login no account
could pass), creates the owner, the station's details and its shelves in one go, logs the
owner in and takes the first parcel; a backup can be restored from the backup's own owner.
Then the owner can switch staff and carriers off in Settings."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication

from station import db as station_db
from station.services import backup, carriers, parcels, settings, shelves, staff
from tests.conftest import CLERK_PIN, OWNER_PIN
from tests.ui.conftest import KeyClock, focused, ime_commit, scan, type_text, wait_idle
from ui import workers
from ui.app import Translations, create_app
from ui.main_window import MainWindow
from ui.session import Session


@pytest.fixture
def fresh_window(qapp, qtbot, tmp_path: Path, ui_settings: QSettings  # noqa: ANN001
                 ) -> Iterator[Callable[[str], MainWindow]]:
    """A window over a database file that does not exist yet (a new machine)."""
    create_app()
    made: list[MainWindow] = []

    def make(language: str = "en") -> MainWindow:
        i18n = Translations(qapp)
        i18n.switch(language)
        session = Session(str(tmp_path / "new-station.db"), ui_settings)
        window = MainWindow(session, i18n)
        qtbot.addWidget(window)
        window.resize(1366, 768)
        window.show()
        qtbot.waitExposed(window)
        if window.scan_router is not None:
            window.scan_router.clock = KeyClock(0.2)
        window.start()
        qtbot.waitUntil(lambda: session.db_ok, timeout=20_000)
        made.append(window)
        return window

    yield make
    for window in made:
        wait_idle(qtbot)
        workers.wait_done()
        if window.session.printer is not None:
            window.session.printer.wait()
        window.shutdown()
        window.close()
        if window.i18n is not None:
            window.i18n.switch("en")
    station_db.close_database()


def _fill(qtbot, screen, **values: str) -> None:  # noqa: ANN001
    for name, text in values.items():
        field = getattr(screen, name)
        field.clear()
        if text.isascii():
            type_text(qtbot, field, text)
        else:
            ime_commit(field, text)


def test_new_station_sets_up_logs_in_and_takes_the_first_parcel(fresh_window, qtbot) -> None:
    window = fresh_window()
    qtbot.waitUntil(lambda: window.setup is not None
                    and window.pages.currentWidget() is window.setup, timeout=20_000)
    setup = window.setup
    assert focused() is setup.name  # the clerk types at once
    # Enter walks the form: name → address → phone → hours → owner → PIN → PIN again.
    ime_commit(setup.name, "幸福里驿站")
    qtbot.keyClick(setup.name, Qt.Key.Key_Return)
    assert focused() is setup.address
    ime_commit(setup.address, "幸福里小区12号楼")
    qtbot.keyClick(setup.address, Qt.Key.Key_Return)
    type_text(qtbot, setup.phone, "010-62345678", enter=True)
    assert focused() is setup.hours
    qtbot.keyClick(setup.hours, Qt.Key.Key_Return)
    type_text(qtbot, setup.owner, "wang", enter=True)
    type_text(qtbot, setup.pin, "8642", enter=True)
    # The owner trims the default layout to two shelves before creating.
    editor = setup.layout_editor
    assert editor.table.rowCount() == 3
    editor.table.setCurrentCell(2, 0)
    editor.remove_shelf()
    assert [s.name for s in editor.shelves()] == ["A", "B"]
    assert "2 shelves" in editor.total.text()
    type_text(qtbot, setup.pin_again, "8642", enter=True)
    wait_idle(qtbot)
    qtbot.waitUntil(lambda: window.session.actor is not None, timeout=20_000)
    assert window.session.actor.name == "wang" and window.session.actor.is_owner
    assert window.current_screen_name() == "intake"
    intake = window.screens["intake"]
    assert "The station is ready" in intake.banner.text()
    assert "幸福里驿站" in window.windowTitle()
    assert settings.get("station_address") == "幸福里小区12号楼"
    assert settings.get("station_phone") == "01062345678"  # digits: what a phone dials
    assert [s.name for s in shelves.list_shelves()] == ["A", "B"]
    # The first parcel goes onto a shelf (no "no room", no unknown carrier).
    scan(qtbot, intake.scan_field, "SF1400000000777")
    wait_idle(qtbot)
    form = intake.form
    assert form.isEnabled()
    type_text(qtbot, form.phone, "13812345678")
    ime_commit(form.name, "王芳")
    qtbot.keyClick(form.name, Qt.Key.Key_Return)
    qtbot.keyClick(form.size, Qt.Key.Key_Return)
    form.consent.setCurrentIndex(form.consent.findData("carrier"))  # asked, never assumed
    form.weight.selectAll()
    qtbot.keyClicks(form.weight, "800")
    qtbot.keyClick(form.weight, Qt.Key.Key_Return)
    wait_idle(qtbot)
    assert intake.banner.kind == "ok", intake.banner.text()
    qtbot.waitUntil(lambda: bool(intake.taken), timeout=20_000)
    stored = parcels.show(window.session.actor, "SF1400000000777")
    assert stored["status"] == "ON_SHELF" and stored["carrier"] == "SF"


def test_setup_refuses_bad_input_in_place_and_keeps_what_was_typed(fresh_window, qtbot) -> None:
    window = fresh_window()
    qtbot.waitUntil(lambda: window.setup is not None, timeout=20_000)
    setup = window.setup
    _fill(qtbot, setup, name="幸福里驿站", address="幸福里小区12号楼", phone="12345",
          owner="wang", pin="8642", pin_again="8642")
    qtbot.mouseClick(setup.create_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot)
    assert setup.banner.kind == "error" and "phone" in setup.banner.text().lower()
    assert focused() is setup.phone
    assert setup.name.text() == "幸福里驿站"  # nothing the owner typed is lost
    _fill(qtbot, setup, phone="010-62345678", pin_again="9999")
    qtbot.mouseClick(setup.create_button, Qt.MouseButton.LeftButton)
    assert "PINs differ" in setup.banner.text() and focused() is setup.pin_again
    from station.services.station import needs_setup

    assert needs_setup()  # nothing was written by the refused attempts


def test_restore_onto_a_new_machine_with_the_backups_owner(fresh_window, qtbot, owner,
                                                          tmp_path: Path) -> None:
    """`owner` built a station in tmp_path/station.db; its backup goes to a new machine."""
    shelves.add_shelf(owner, "C", 2, {"S": 5, "M": 2, "L": 1, "XL": 0})
    saved = backup.backup(owner, tmp_path / "station-backup.db")
    station_db.close_database()
    window = fresh_window()
    qtbot.waitUntil(lambda: window.setup is not None, timeout=20_000)

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        dialog.file.setText(str(saved.path))
        type_text(qtbot, dialog.user, "boss", enter=True)
        type_text(qtbot, dialog.pin, "0000", enter=True)  # wrong PIN first
        qtbot.waitUntil(lambda: dialog.banner.kind == "error", timeout=20_000)
        assert "wrong PIN" in dialog.banner.text() and dialog.pin.text() == ""
        type_text(qtbot, dialog.pin, OWNER_PIN, enter=True)

    QTimer.singleShot(0, answer)
    qtbot.mouseClick(window.setup.restore_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot)
    qtbot.waitUntil(lambda: window.session.actor is not None, timeout=20_000)
    assert window.session.actor.name == "boss"
    assert window.current_screen_name() == "intake"
    assert "C" in [s.name for s in shelves.list_shelves()]


def test_owner_deactivates_a_clerk_and_a_carrier_in_settings(make_window, qtbot, owner,
                                                            clerk) -> None:
    from station.errors import StationError
    from ui.screens.settings_pages import CarriersPage, StaffPage

    window = make_window(owner)
    screen = window.show_screen("settings")
    staff_page = next(p for p in screen.pages if isinstance(p, StaffPage))
    carriers_page = next(p for p in screen.pages if isinstance(p, CarriersPage))
    screen.list.setCurrentRow(screen.pages.index(staff_page))
    wait_idle(qtbot)
    row = next(r for r in range(staff_page.table.rowCount())
               if staff_page.table.item(r, 0).text() == "amy")
    staff_page.table.setCurrentCell(row, 0)
    assert staff_page.active_button.text() == "Deactivate selected"
    qtbot.mouseClick(staff_page.active_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot)
    assert "amy can no longer log in" in screen.banner.text()
    assert staff_page.table.item(row, 2).text() == "inactive"
    with pytest.raises(StationError):
        staff.authenticate("amy", CLERK_PIN, "c")

    screen.list.setCurrentRow(screen.pages.index(carriers_page))
    wait_idle(qtbot)
    sf_row = next(r for r in range(carriers_page.table.rowCount())
                  if carriers_page.table.item(r, 0).data(256) == "SF")
    works = carriers_page.table.cellWidget(sf_row, 3)
    assert works.isChecked()
    works.setChecked(False)
    qtbot.keyClick(screen, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot)
    qtbot.waitUntil(lambda: "SF" not in window.session.carriers, timeout=20_000)
    assert not next(c for c in carriers.list_carriers(include_inactive=True)
                    if c.code == "SF").active
