"""Intake screen, issue 12: a sound per outcome, every queued unknown parcel's code shown
big, the size not sticking, the consent asked (never assumed), a collected parcel scanned
again, and privacy labels typed in the form."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from station.audit import Actor
from station.models import Parcel
from station.services import parcels
from station.services.pickup import PickupRequest, pickup
from tests.ui.conftest import (
    focused,
    ime_commit,
    load_manifest,
    scan,
    sf_number,
    type_text,
    wait_idle,
)


def _intake(window):  # noqa: ANN001, ANN202
    return window.show_screen("intake")


def _fill(qtbot, screen, phone: str, name: str = "", consent: str | None = "carrier") -> None:  # noqa: ANN001
    """The recipient form from the keyboard: phone, name, size, weight, (consent), Enter."""
    form = screen.form
    if "*" in phone:  # QTest has no key for '*': the text as pasted from a label
        form.phone.setFocus()
        form.phone.setText(phone)
        qtbot.keyClick(form.phone, Qt.Key.Key_Return)
    else:
        type_text(qtbot, form.phone, phone, enter=True)
    if name:
        ime_commit(form.name, name)  # Chinese arrives through the input method
    qtbot.keyClick(form.name, Qt.Key.Key_Return)
    qtbot.keyClick(form.size, Qt.Key.Key_Return)
    if consent:
        form.consent.setCurrentIndex(form.consent.findData(consent))
    qtbot.keyClick(form.weight, Qt.Key.Key_Return)
    wait_idle(qtbot)


def test_a_sound_per_outcome(make_window, qtbot, clerk, owner, tmp_path: Path) -> None:
    load_manifest(owner, tmp_path / "m.csv", [(sf_number(1), "王芳", "13812345678"),
                                              (sf_number(2), "李娜", "13912345678")],
                  cod={sf_number(2): "12.50"})
    window = make_window(clerk)
    screen = _intake(window)
    sounds = screen.feedback.sounds
    for number in (sf_number(1), sf_number(2), sf_number(1), "12"):
        scan(qtbot, screen.scan_field, number)
        wait_idle(qtbot)
    assert sounds.requested == ["ok", "cod", "duplicate", "error"]
    assert "cash on delivery" in screen.banner.text() or screen.banner.kind == "error"


def test_sounds_can_be_turned_off(make_window, qtbot, clerk, owner, tmp_path, ui_settings) -> None:
    load_manifest(owner, tmp_path / "m.csv", [(sf_number(3), "王芳", "13812345678")])
    ui_settings.setValue("sounds/enabled", "false")
    window = make_window(clerk)
    screen = _intake(window)
    scan(qtbot, screen.scan_field, sf_number(3))
    wait_idle(qtbot)
    assert screen.taken and screen.feedback.sounds.requested == []


def test_generated_tones_are_wav_files() -> None:
    from ui.sounds import KINDS, wav_bytes

    for kind in KINDS:
        data = wav_bytes(kind)
        assert data[:4] == b"RIFF" and data[8:12] == b"WAVE" and len(data) > 2000


def test_every_queued_unknown_parcel_code_is_shown_big(make_window, qtbot, clerk) -> None:
    window = make_window(clerk)
    screen = _intake(window)
    scan(qtbot, screen.scan_field, "JT1234567890201")
    scan(qtbot, screen.scan_field, "JT1234567890202")
    wait_idle(qtbot)
    assert screen.form.pending.tracking == "JT1234567890201" and len(screen.waiting) == 1
    _fill(qtbot, screen, "13612345601")
    first = screen.taken[-1]
    # The next form is open, and the first parcel's code is still the big one.
    assert screen.form.pending.tracking == "JT1234567890202"
    assert screen.big.code.text() == first.pickup_code and screen.big.state == "ok"
    _fill(qtbot, screen, "13612345602")
    second = screen.taken[-1]
    assert screen.big.code.text() == second.pickup_code
    assert first.pickup_code in screen.feedback.recent.text()  # and the one before, under it
    assert screen.feedback.recent.isVisibleTo(screen)


def test_size_choice_is_for_one_scan_only(make_window, qtbot, clerk, owner, tmp_path) -> None:
    load_manifest(owner, tmp_path / "m.csv", [(sf_number(i), "王芳", "13812345678")
                                              for i in (5, 6)])
    window = make_window(clerk)
    screen = _intake(window)
    qtbot.keyClick(screen.scan_field, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert screen.current_size() == "L"
    scan(qtbot, screen.scan_field, sf_number(5))
    assert screen.current_size() == "M"  # back to the default at once
    scan(qtbot, screen.scan_field, sf_number(6))
    wait_idle(qtbot)
    assert [v.size for v in screen.taken] == ["L", "M"]


def test_size_chosen_before_an_unknown_scan_goes_into_its_form(make_window, qtbot, clerk) -> None:
    window = make_window(clerk)
    screen = _intake(window)
    screen.set_size("XL")
    scan(qtbot, screen.scan_field, "JT1234567890211")
    wait_idle(qtbot)
    assert screen.form.size.currentData() == "XL" and screen.current_size() == "M"


def test_consent_is_asked_for_a_manifest_without_it(make_window, qtbot, clerk, owner,
                                                     tmp_path) -> None:
    path = tmp_path / "m.csv"
    path.write_text(f"tracking,name,phone,consent\n{sf_number(7)},王芳,13812345678,no\n",
                    encoding="utf-8")
    from station.services import manifests

    manifests.import_manifest(owner, path, "SF")
    window = make_window(clerk)
    screen = _intake(window)
    scan(qtbot, screen.scan_field, sf_number(7))
    wait_idle(qtbot)
    assert screen.taken == []  # not taken in on the spot: nobody said they agreed
    assert screen.banner.kind == "warn" and focused() is screen.form.consent
    qtbot.keyClick(screen.form.consent, Qt.Key.Key_Down)
    qtbot.keyClick(screen.form.consent, Qt.Key.Key_Return)
    wait_idle(qtbot)
    assert screen.taken[-1].consent_basis == "phone_call"
    assert screen.taken[-1].recipient_name == "王芳"


def test_a_collected_parcel_scanned_again_is_not_taken_in(make_window, qtbot, clerk, owner,
                                                           tmp_path) -> None:
    load_manifest(owner, tmp_path / "m.csv", [(sf_number(8), "王芳", "13812345678")])
    window = make_window(clerk)
    screen = _intake(window)
    scan(qtbot, screen.scan_field, sf_number(8))
    wait_idle(qtbot)
    pickup(clerk, PickupRequest(refs=(screen.taken[-1].pickup_code,)))
    scan(qtbot, screen.scan_field, sf_number(8))
    wait_idle(qtbot)
    assert screen.banner.kind == "warn"
    text = screen.banner.text()
    assert "collected by 王芳" in text and "clerk amy" in text and "not taken in" in text
    assert screen.big.caption.text() == "ALREADY COLLECTED"
    assert screen.feedback.sounds.requested[-1] == "error"
    assert len(screen.taken) == 1 and screen.form.pending is None
    assert Parcel.select().where(Parcel.tracking == sf_number(8)).count() == 1


def test_privacy_label_typed_in_the_form(make_window, qtbot, clerk, owner) -> None:
    window = make_window(clerk)
    screen = _intake(window)
    scan(qtbot, screen.scan_field, "JT1234567890221")
    wait_idle(qtbot)
    _fill(qtbot, screen, "170****5678-8462", "王芳")
    assert screen.banner.kind == "ok", screen.banner.text()
    view = screen.taken[-1]
    assert view.recipient_phone == "170****5678-8462" and not view.phone_known
    assert [v.id for v in parcels.find(clerk, "8462")] == [view.id]


def test_correct_phone_from_the_parcel_detail(make_window, qtbot, clerk, owner) -> None:
    from station.services import intake

    view = intake.intake(clerk, intake.IntakeRequest(
        tracking="JT1234567890231", phone="17012345678,8462", name="王芳",
        consent_basis="carrier"))
    window = make_window(clerk)
    screen = window.show_screen("parcels")
    detail = screen.detail
    detail.load(view.tracking)
    wait_idle(qtbot)
    assert "not known" in detail.values["recipient"].text()
    type_text(qtbot, detail.phone_field, "13912345678")
    type_text(qtbot, detail.phone_reason, "recipient gave it", enter=True)
    wait_idle(qtbot)
    assert detail.banner.kind == "ok", detail.banner.text()
    assert Parcel.get_by_id(view.id).recipient_phone == "13912345678"
    actions = [detail.events.item(r, 1).text() for r in range(detail.events.rowCount())]
    assert "Phone recorded or corrected" in actions


def test_door_delivery_and_consent_page(make_window, qtbot, clerk: Actor) -> None:
    from station.services import residents
    from ui.screens.settings_residents import ResidentsPage

    window = make_window(clerk)
    screen = window.show_screen("settings")
    page = next(p for p in screen.pages if isinstance(p, ResidentsPage))
    screen.list.setCurrentRow(screen.pages.index(page))
    wait_idle(qtbot)
    assert page.isEnabled()  # clerks keep the list too
    type_text(qtbot, page.phone, "13800138000")
    ime_commit(page.name, "王芳")
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot)
    assert page.table.rowCount() == 1 and page.table.item(0, 0).text() == "138****8000"
    assert screen.banner.kind == "ok"
    page.basis.setCurrentIndex(page.basis.findData("signed_form"))
    qtbot.mouseClick(page.consent_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot)
    record = residents.get(clerk, "13800138000")
    assert record.door_delivery and record.standing_consent
    assert record.consent_basis == "signed_form" and record.consent_by == "amy"
    assert "signed form" in page.record.text()
    qtbot.mouseClick(page.remove_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot)
    assert page.table.rowCount() == 0
