"""Outbox screen: messages by status, the owner's retry and dismiss, the template editor with
its live preview, the channel settings; and the background sender started for a session."""

from __future__ import annotations

from PySide6.QtCore import Qt

from station.audit import Actor
from station.messaging import channels as ch
from station.models_outbox import OutboxMessage
from station.services import intake, outbox
from station.services.intake import IntakeRequest
from tests.ui.conftest import scan, wait_idle  # noqa: F401 - shared helpers
from ui.outbox_runner import start_outbox_worker
from ui.screens.outbox import OutboxScreen


class Broken:
    idempotent = True

    def send(self, message: object) -> str:
        raise ch.ChannelError("gateway says no", permanent=True)


def _failed_sms(owner: Actor, clerk: Actor) -> tuple[int, int]:
    """An SMS that failed for good, and the notice slip queued in its place."""
    outbox.set_channel_config(owner, {"sms": {"enabled": True,
                                              "url": "https://sms.example.com/send"}})
    intake.intake(clerk, IntakeRequest(tracking="YT6000000000001", phone="13800005678",
                                       name="赵敏", size="S", consent_basis="carrier"))
    report = outbox.send_due({"sms": Broken()}, limit=1)
    assert report.failed == 1
    sms = OutboxMessage.get(OutboxMessage.channel == "sms")
    slip = OutboxMessage.get(OutboxMessage.channel == "slip")
    return sms.id, slip.id


def _screen(make_window, qtbot, actor: Actor) -> OutboxScreen:  # noqa: ANN001
    window = make_window(actor)
    screen = OutboxScreen(window.session)
    qtbot.addWidget(screen)
    screen.resize(1280, 720)
    screen.show()
    qtbot.waitExposed(screen)
    screen.activate()
    wait_idle(qtbot)
    return screen


def test_messages_retry_and_dismiss_by_the_owner(make_window, qtbot, clerk, owner) -> None:
    sms_id, slip_id = _failed_sms(owner, clerk)
    screen = _screen(make_window, qtbot, owner)
    assert set(screen.table.keys()) == {sms_id, slip_id}
    assert "1 message(s) need the owner" in screen.attention.text()
    row = screen.table.row_of(sms_id)
    assert screen.table.item(row, 0).background().color().name() == "#fee2e2"
    assert screen.table.item(row, 4).text() == "13800005678"  # the owner sees the number
    screen.status.setCurrentIndex(screen.status.findData("failed"))
    wait_idle(qtbot)
    assert screen.table.keys() == [sms_id] and "Failed (1)" in screen.status.currentText()
    screen.table.select_key(sms_id)
    assert "gateway says no" in screen.detail.text() and "A-" in screen.body.toPlainText()
    assert screen.retry_button.isEnabled()
    screen.channel.setCurrentIndex(screen.channel.findData("slip"))
    qtbot.mouseClick(screen.retry_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot)
    again = OutboxMessage.get_by_id(sms_id)
    assert (again.status, again.channel) == ("retrying", "slip")
    assert "sent again" in screen.banner.text()

    screen.status.setCurrentIndex(0)
    wait_idle(qtbot)
    screen.table.select_key(slip_id)
    qtbot.mouseClick(screen.dismiss_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot)
    assert OutboxMessage.get_by_id(slip_id).status == "cancelled"


def test_clerk_sees_masked_messages_only(make_window, qtbot, clerk, owner) -> None:
    sms_id, _ = _failed_sms(owner, clerk)
    screen = _screen(make_window, qtbot, clerk)
    assert not screen.tabs.isTabEnabled(1) and not screen.tabs.isTabEnabled(2)
    screen.table.select_key(sms_id)
    assert screen.table.item(screen.table.row_of(sms_id), 4).text() == "138****5678"
    assert not screen.retry_button.isEnabled() and not screen.dismiss_button.isEnabled()


def test_template_editor_and_channel_settings(make_window, qtbot, clerk, owner) -> None:
    screen = _screen(make_window, qtbot, owner)
    screen.tabs.setCurrentIndex(1)
    wait_idle(qtbot)
    page = screen.templates
    page.kind.setCurrentIndex(page.kind.findData("reminder"))
    page.lang.setCurrentIndex(page.lang.findData("en"))
    assert "Built-in" in page.state.text() and "{code}" in page.text.toPlainText()
    page.text.clear()
    qtbot.keyClicks(page.text, "Hi {nope}")
    qtbot.waitUntil(lambda: "nope" in page.preview.text())
    assert not page.save_button.isEnabled()  # an unknown placeholder: said live, not saved
    page.text.clear()
    qtbot.keyClicks(page.text, "Hi {name}, your code is ")
    page.insert.activated.emit(page.insert.findData("code"))  # "Insert a placeholder…"
    qtbot.waitUntil(lambda: "Hi Zhang San, your code is A-3-0127" in page.preview.text())
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot)
    saved = outbox.get_template("reminder", "en")
    assert saved.custom and saved.text == "Hi {name}, your code is {code}"
    assert "Your own" in page.state.text()
    qtbot.mouseClick(page.reset_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot)
    assert not outbox.get_template("reminder", "en").custom

    outbox.set_channel_config(owner, {"sms": {"api_key": "s3cret"}})
    screen.tabs.setCurrentIndex(2)
    wait_idle(qtbot)
    chan = screen.channels
    assert chan.order.text() == "sms, email, slip"
    assert chan.fields[("sms", "api_key")].text() == ch.MASK  # never shown
    chan.fields[("email", "enabled")].setChecked(True)  # no server named: refused
    qtbot.mouseClick(chan.save_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot)
    assert screen.banner.kind == "error"
    chan.fields[("email", "enabled")].setChecked(False)
    chan.fields[("sms", "timeout")].setValue(20)
    chan.order.setText("slip, sms")
    qtbot.mouseClick(chan.save_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot)
    assert screen.banner.kind == "ok", screen.banner.text()
    stored = outbox.config()
    assert stored["sms"]["timeout"] == 20 and stored["order"] == ["slip", "sms"]
    assert stored["sms"]["api_key"] == "s3cret"  # the mask kept the secret


def test_background_sender_starts_wakes_and_stops(make_window, qtbot, clerk) -> None:
    window = make_window(clerk)
    stop = start_outbox_worker(window.session, interval=30.0, reminders_every=None)
    try:
        assert start_outbox_worker(window.session) is not None  # a second start: same worker
        worker = window.session.outbox_worker
        assert worker.is_alive()
        intake.intake(clerk, IntakeRequest(tracking="YT6000000000002", phone="13800001111",
                                           name="钱多", size="S", consent_basis="carrier"))
        window.session.parcels_changed.emit()  # what the intake screen says: wakes it
        qtbot.waitUntil(lambda: OutboxMessage.get().status == "sent", timeout=10_000)
    finally:
        stop()
    assert not worker.is_alive() and window.session.outbox_worker is None
