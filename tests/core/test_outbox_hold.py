"""Customer messages never go out with a blank station address ("地址：，"): they wait, are
written again once the owner sets the address, and then go out once."""

from __future__ import annotations

import json
from typing import Any

from station.audit import Actor
from station.messaging import channels as ch
from station.models_outbox import QUEUED, SENT, OutboxMessage
from station.services import outbox, outbox_hold, settings

from .helpers import take_in


class Recorder:
    """A channel that keeps what it was given (idempotent, never fails)."""

    name = "slip"
    idempotent = True

    def __init__(self) -> None:
        self.sent: list[ch.OutgoingMessage] = []

    def send(self, message: ch.OutgoingMessage) -> str:
        self.sent.append(message)
        return f"rec-{len(self.sent)}"


def _blank_address(owner: Actor) -> None:
    settings.set_value(owner, "station_address", "")


def test_message_waits_for_the_address_then_goes_out_with_it(owner: Actor, clerk: Actor) -> None:
    _blank_address(owner)
    view = take_in(clerk, person=3)
    [msg] = OutboxMessage.select().where(OutboxMessage.parcel == view.id)
    assert json.loads(msg.data)[outbox.HELD_FLAG] is True
    recorder = Recorder()
    registry: dict[str, Any] = {msg.channel: recorder}
    report = outbox.send_due(registry)
    assert report.sent == 0 and report.held == 1 and recorder.sent == []
    assert any("address" in e for e in report.errors)
    assert OutboxMessage.get_by_id(msg.id).status == QUEUED  # nothing lost
    # The owner sets the address: the waiting message is written again and goes out once.
    settings.set_value(owner, "station_address", "幸福里12号")
    fresh = OutboxMessage.get_by_id(msg.id)
    assert "幸福里12号" in fresh.body and outbox.HELD_FLAG not in json.loads(fresh.data)
    report = outbox.send_due(registry)
    assert report.sent == 1 and report.held == 0
    [sent] = recorder.sent
    assert "幸福里12号" in sent.body and "地址：，" not in sent.body
    assert OutboxMessage.get_by_id(msg.id).status == SENT
    assert outbox.send_due(registry).sent == 0


def test_address_set_behind_the_outbox_is_picked_up_by_the_sender(
    owner: Actor, clerk: Actor
) -> None:
    _blank_address(owner)
    take_in(clerk, person=4)
    from station.audit import SYSTEM, unit_of_work

    with unit_of_work(SYSTEM, "test.setting"):
        settings.put_raw("station_address", "二号路2号")  # e.g. first-run setup, another PC
    recorder = Recorder()
    [msg] = OutboxMessage.select()
    report = outbox.send_due({msg.channel: recorder})
    assert report.sent == 1 and "二号路2号" in recorder.sent[0].body


def test_template_without_address_is_not_held(owner: Actor, clerk: Actor) -> None:
    _blank_address(owner)
    outbox.set_template(owner, "intake", "zh_CN", "【{station}】取件码{code}")
    take_in(clerk, person=5)
    [msg] = OutboxMessage.select()
    assert outbox.HELD_FLAG not in json.loads(msg.data)
    assert outbox_hold.held_count() == 0
