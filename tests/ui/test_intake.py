"""Intake screen (F1): scans from a manifest, unknown numbers, repeats, damage, undo."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import Qt

from station.audit import Actor
from station.services import browse, parcels
from station.services.browse import ParcelFilter
from tests.ui.conftest import (
    focused,
    load_manifest,
    scan,
    scanner_speed,
    sf_number,
    type_text,
    wait_idle,
)


def _intake(window):  # noqa: ANN001, ANN202
    return window.show_screen("intake")


def test_opens_with_scan_field_focused(make_window, clerk: Actor) -> None:
    window = make_window(clerk)
    screen = window.screens["intake"]
    assert window.current_screen_name() == "intake"
    assert focused() is screen.scan_field


def test_manifest_scan_takes_parcel_in_at_once(make_window, qtbot, clerk, owner,
                                               tmp_path: Path) -> None:
    load_manifest(owner, tmp_path / "m.csv", [(sf_number(1), "王芳", "13812345678")])
    window = make_window(clerk)
    screen = _intake(window)
    scan(qtbot, screen.scan_field, sf_number(1))
    assert focused() is screen.scan_field  # the next scan can follow right away
    wait_idle(qtbot)
    view = screen.taken[-1]
    assert view.tracking == sf_number(1)
    assert screen.big.code.text() == view.pickup_code
    assert screen.big.slot.text() == view.slot
    assert screen.banner.kind == "ok"
    assert screen.table.rowCount() == 1
    assert screen.table.item(0, 1).text() == sf_number(1)
    stored = parcels.show(owner, sf_number(1))
    assert stored["status"] == "ON_SHELF"
    assert stored["recipient_name"] == "王芳"
    assert stored["pickup_code"] == view.pickup_code
    assert focused() is screen.scan_field
    # the sticker went to the paper lane and, with no printer, ended up as a saved PDF
    qtbot.waitUntil(lambda: bool(window.session.last_print), timeout=20_000)
    assert "PDF" in window.session.last_print


def test_repeat_scan_shows_where_it_is(make_window, qtbot, clerk, owner, tmp_path) -> None:
    load_manifest(owner, tmp_path / "m.csv", [(sf_number(2), "李娜", "13912345678")])
    window = make_window(clerk)
    screen = _intake(window)
    scan(qtbot, screen.scan_field, sf_number(2))
    scan(qtbot, screen.scan_field, sf_number(2))
    wait_idle(qtbot)
    first = screen.taken[0]
    assert len(screen.taken) == 1
    assert screen.banner.kind == "warn"
    assert first.slot in screen.banner.text() and first.pickup_code in screen.banner.text()
    assert screen.big.code.text() == first.pickup_code
    assert browse.count(ParcelFilter(text=sf_number(2))) == 1


def test_unknown_number_walks_phone_name_size_weight(make_window, qtbot, clerk, owner) -> None:
    window = make_window(clerk)
    screen = _intake(window)
    scan(qtbot, screen.scan_field, "JT1234567890123")
    wait_idle(qtbot)
    form = screen.form
    assert form.pending.tracking == "JT1234567890123"
    assert form.carrier.currentData() == "JT"  # the guess, shown and changeable
    assert focused() is form.phone
    qtbot.keyClicks(form.phone, "13612345678")
    qtbot.keyClick(form.phone, Qt.Key.Key_Return)
    assert focused() is form.name
    qtbot.keyClicks(form.name, "Anna")
    qtbot.keyClick(form.name, Qt.Key.Key_Return)
    assert focused() is form.size
    qtbot.keyClick(form.size, Qt.Key.Key_Down)  # M -> L
    qtbot.keyClick(form.size, Qt.Key.Key_Return)
    assert focused() is form.weight  # no scale: the weight is typed
    form.weight.selectAll()
    qtbot.keyClicks(form.weight, "1250")
    qtbot.keyClick(form.weight, Qt.Key.Key_Return)
    wait_idle(qtbot)
    # Nobody has said the recipient agreed: asked, not assumed.
    assert screen.banner.kind == "warn" and "agree" in screen.banner.text()
    assert focused() is form.consent
    qtbot.keyClick(form.consent, Qt.Key.Key_Down)  # phone call: they agreed
    qtbot.keyClick(form.consent, Qt.Key.Key_Return)
    wait_idle(qtbot)
    assert screen.banner.kind == "ok", screen.banner.text()
    assert focused() is screen.scan_field
    stored = parcels.show(owner, "JT1234567890123")
    assert stored["carrier"] == "JT" and stored["size"] == "L"
    assert stored["weight_g"] == 1250 and stored["recipient_name"] == "Anna"
    assert stored["recipient_phone"] == "13612345678"
    assert stored["consent_basis"] == "phone_call"


def test_bad_phone_is_refused_in_place(make_window, qtbot, clerk) -> None:
    window = make_window(clerk)
    screen = _intake(window)
    scan(qtbot, screen.scan_field, "JT1234567890124")
    wait_idle(qtbot)
    type_text(qtbot, screen.form.phone, "12", enter=True)
    qtbot.keyClick(screen.form.name, Qt.Key.Key_Return)
    qtbot.keyClick(screen.form.size, Qt.Key.Key_Return)
    qtbot.keyClick(screen.form.weight, Qt.Key.Key_Return)
    wait_idle(qtbot)
    assert screen.banner.kind == "error"
    assert focused() is screen.form.phone
    assert browse.count(ParcelFilter(text="JT1234567890124")) == 0


def test_scan_into_phone_field_is_the_next_parcel(make_window, qtbot, clerk, owner,
                                                  tmp_path) -> None:
    load_manifest(owner, tmp_path / "m.csv", [(sf_number(3), "张伟", "13712345678")])
    window = make_window(clerk)
    screen = _intake(window)
    scan(qtbot, screen.scan_field, "JT1234567890125")
    wait_idle(qtbot)
    assert focused() is screen.form.phone
    scanner_speed(window)
    scan(qtbot, screen.form.phone, sf_number(3))  # the scanner fires while typing the phone
    wait_idle(qtbot)
    assert screen.taken[-1].tracking == sf_number(3)
    assert screen.form.phone.text() == ""
    assert screen.form.pending.tracking == "JT1234567890125"  # still waiting for its phone


def test_damaged_note_goes_with_the_next_parcel(make_window, qtbot, clerk, owner, tmp_path,
                                                monkeypatch) -> None:
    from ui.screens import intake_form

    load_manifest(owner, tmp_path / "m.csv", [(sf_number(4), "赵磊", "13512345678")])
    window = make_window(clerk)
    screen = _intake(window)
    monkeypatch.setattr(intake_form.DamageDialog, "exec", lambda self: True)
    monkeypatch.setattr(intake_form.DamageDialog, "note", lambda self: "box wet")
    qtbot.keyClick(screen.scan_field, Qt.Key.Key_F6)
    assert screen.damage_chip.isVisibleTo(screen)
    scan(qtbot, screen.scan_field, sf_number(4))
    wait_idle(qtbot)
    assert screen.taken[-1].damaged and screen.taken[-1].damage_note == "box wet"
    assert not screen.damage_chip.isVisibleTo(screen)


def test_undo_last_intake(make_window, qtbot, clerk, owner, tmp_path) -> None:
    load_manifest(owner, tmp_path / "m.csv", [(sf_number(5), "黄敏", "13312345678")])
    window = make_window(clerk)
    screen = _intake(window)
    scan(qtbot, screen.scan_field, sf_number(5))
    wait_idle(qtbot)
    assert browse.count(ParcelFilter(text=sf_number(5))) == 1
    qtbot.keyClick(screen.scan_field, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot)
    assert screen.table.rowCount() == 0 and not screen.taken
    assert browse.count(ParcelFilter(text=sf_number(5))) == 0
    assert "undone" in screen.banner.text()
    assert focused() is screen.scan_field


def test_two_hundred_scans_none_lost_focus_never_stolen(make_window, qtbot, clerk, big_station,
                                                        tmp_path) -> None:
    rows = [(sf_number(100 + i), f"客户{i}", f"139{i:08d}") for i in range(200)]
    load_manifest(big_station, tmp_path / "m.csv", rows)
    window = make_window(clerk)
    screen = _intake(window)
    started = time.perf_counter()
    for tracking, _, _ in rows:
        scan(qtbot, screen.scan_field, tracking)
        assert focused() is screen.scan_field
    wait_idle(qtbot, timeout=120_000)
    elapsed = time.perf_counter() - started
    assert focused() is screen.scan_field
    assert [v.tracking for v in screen.taken] == [r[0] for r in rows]  # in scan order
    assert screen.table.rowCount() == 200
    assert browse.count(ParcelFilter(statuses=("ON_SHELF",))) == 200
    codes = {v.pickup_code for v in screen.taken}
    assert len(codes) == 200
    print(f"200 scans taken in {elapsed:.1f} s")


def test_carrier_guess_can_be_changed(make_window, qtbot, clerk, owner) -> None:
    window = make_window(clerk)
    screen = _intake(window)
    scan(qtbot, screen.scan_field, "JT1234567890126")
    wait_idle(qtbot)
    assert screen.form.carrier.currentData() == "JT"
    screen.form.carrier.setFocus()
    screen.form.carrier.setCurrentIndex(screen.form.carrier.findData("YTO"))
    type_text(qtbot, screen.form.phone, "13612345679", enter=True)
    qtbot.keyClick(screen.form.name, Qt.Key.Key_Return)
    qtbot.keyClick(screen.form.size, Qt.Key.Key_Return)
    screen.form.consent.setCurrentIndex(screen.form.consent.findData("carrier"))
    qtbot.keyClick(screen.form.weight, Qt.Key.Key_Return)
    wait_idle(qtbot)
    assert parcels.show(owner, "JT1234567890126")["carrier"] == "YTO"
    assert "YTO" in screen.table.item(0, 2).text()
