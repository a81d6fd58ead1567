"""Recipient messages: queuing on intake, reminders, templates, channels against real local
servers (HTTP gateway, SMTP), notice slips, and "never sends twice" across a killed sender."""

from __future__ import annotations

import base64
import email
import email.policy
import json
import os
import signal
import socketserver
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from station import clock
from station.audit import Actor, unit_of_work
from station.errors import Conflict, InvalidInput, NotAllowed
from station.messaging import channels as ch
from station.messaging import templates as tpl
from station.models import AuditEvent, Parcel
from station.models_outbox import (
    CANCELLED,
    FAILED,
    FAILED_UNKNOWN,
    QUEUED,
    RETRYING,
    SENDING,
    SENT,
    MessageTemplate,
    OutboxMessage,
)
from station.services import intake, outbox, returns, settings
from station.services.integrity import verify
from station.services.views import ParcelView

from .helpers import phone, take_in, tracking

REPO = Path(__file__).resolve().parents[2]
T0 = datetime(2024, 5, 1, 2, 0)  # 10:00 in Shanghai


# ---------------------------------------------------------------------------------- helpers


def enqueue(actor: Actor, view: ParcelView) -> None:
    """What intake does once it calls the outbox: queue inside an open unit of work."""
    with unit_of_work(actor, "test.enqueue", "parcel", view.id):
        outbox.enqueue_for_intake(view.id)


def messages(**where: Any) -> list[OutboxMessage]:
    query = OutboxMessage.select().order_by(OutboxMessage.id)
    for name, value in where.items():
        query = query.where(getattr(OutboxMessage, name) == value)
    return list(query)


class Gateway:
    """A local HTTP SMS gateway that honours Idempotency-Key (a repeat is answered with the
    first result and not delivered again). `script` holds error statuses to answer first;
    `hang` makes the next new request block until `release` is set."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.delivered: dict[str, str] = {}  # idempotency key -> provider id
        self.deliveries: list[str] = []  # keys in delivery order
        self.script: list[int] = []
        self.hang = False
        self.got_request = threading.Event()
        self.release = threading.Event()
        self.lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                raw = self.rfile.read(int(self.headers["Content-Length"]))
                key = self.headers.get("Idempotency-Key", "")
                hang = False
                with outer.lock:
                    outer.requests.append(
                        {"path": self.path, "headers": dict(self.headers), "body": json.loads(raw)}
                    )
                    if key in outer.delivered:
                        status, payload = 200, {"id": outer.delivered[key], "replayed": True}
                    elif outer.script:
                        status = outer.script.pop(0)
                        payload = {"message": f"gateway says no ({status})"}
                    else:
                        outer.delivered[key] = f"sms-{len(outer.delivered) + 1}"
                        outer.deliveries.append(key)
                        status, payload = 200, {"id": outer.delivered[key]}
                        hang, outer.hang = outer.hang, False
                if hang:
                    outer.got_request.set()
                    outer.release.wait(20)
                body = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass  # the sender was killed

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1/sms?x=1"
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


class MailServer:
    """Just enough SMTP: EHLO/HELO, AUTH PLAIN, MAIL, RCPT, DATA, RSET, NOOP, QUIT."""

    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []
        self.logins: list[tuple[str, str]] = []
        self.reject_rcpt = False
        self.hang_after_data = False
        self.got_data = threading.Event()
        self.release = threading.Event()
        outer = self

        class Handler(socketserver.StreamRequestHandler):
            def reply(self, text: str) -> None:
                self.wfile.write(text.encode() + b"\r\n")

            def handle(self) -> None:
                self.reply("220 mail.test ESMTP")
                sender, rcpts = "", []
                while True:
                    line = self.rfile.readline()
                    if not line:
                        return
                    cmd = line.decode().strip()
                    upper = cmd.upper()
                    if upper.startswith(("EHLO", "HELO")):
                        self.reply("250-mail.test\r\n250-AUTH PLAIN\r\n250 8BITMIME")
                    elif upper.startswith("AUTH PLAIN"):
                        _, user, password = base64.b64decode(cmd.split()[2]).split(b"\0")
                        outer.logins.append((user.decode(), password.decode()))
                        self.reply("235 2.7.0 Authentication successful")
                    elif upper.startswith("MAIL FROM:"):
                        sender, rcpts = cmd[10:].strip(" <>"), []
                        self.reply("250 OK")
                    elif upper.startswith("RCPT TO:"):
                        if outer.reject_rcpt:
                            self.reply("550 5.1.1 No such user here")
                        else:
                            rcpts.append(cmd[8:].strip(" <>"))
                            self.reply("250 OK")
                    elif upper == "DATA":
                        self.reply("354 End data with <CR><LF>.<CR><LF>")
                        lines = []
                        while True:
                            data = self.rfile.readline()
                            if data in (b".\r\n", b""):
                                break
                            lines.append(data[1:] if data.startswith(b"..") else data)
                        outer.messages.append(
                            {"from": sender, "to": rcpts, "data": b"".join(lines)}
                        )
                        if outer.hang_after_data:
                            outer.got_data.set()
                            outer.release.wait(20)
                            return
                        self.reply(f"250 OK queued as {len(outer.messages)}")
                    elif upper in ("RSET", "NOOP"):
                        self.reply("250 OK")
                    elif upper == "QUIT":
                        self.reply("221 Bye")
                        return
                    else:
                        self.reply("502 Command not implemented")

        socketserver.ThreadingTCPServer.allow_reuse_address = True
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def parsed(self, i: int) -> email.message.EmailMessage:
        return email.message_from_bytes(  # type: ignore[return-value]
            self.messages[i]["data"], policy=email.policy.default
        )

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway() -> Iterator[Gateway]:
    server = Gateway()
    yield server
    server.close()


@pytest.fixture
def mail_server() -> Iterator[MailServer]:
    server = MailServer()
    yield server
    server.close()


def use_sms(owner: Actor, gateway: Gateway, **extra: Any) -> None:
    outbox.set_channel_config(
        owner,
        {
            "sms": {
                "enabled": True,
                "url": gateway.url,
                "api_key": "sekret",
                "body_template": '{"to": "{phone}", "content": "{text}", "ref": "{key}"}',
                "timeout": 5,
                **extra,
            }
        },
    )


def use_email(owner: Actor, server: MailServer, **extra: Any) -> None:
    outbox.set_channel_config(
        owner,
        {
            "order": ["email", "sms", "slip"],
            "email": {
                "enabled": True,
                "host": "127.0.0.1",
                "port": server.port,
                "security": "none",
                "username": "station",
                "password": "pw123",
                "sender": "station@example.com",
                "timeout": 5,
                **extra,
            },
        },
    )


def use_slips(owner: Actor, folder: Path) -> None:
    outbox.set_channel_config(owner, {"slip": {"enabled": True, "folder": str(folder)}})


# ------------------------------------------------------------------------------- queuing


def test_intake_queues_one_message_with_code_address_and_hours(
    owner: Actor, clerk: Actor, gateway: Gateway
) -> None:
    settings.set_value(owner, "station_address", "幸福里12号")
    settings.set_value(owner, "station_hours", "08:30-20:00")
    use_sms(owner, gateway)
    with clock.frozen_at(T0):
        view = take_in(clerk, person=7)
        enqueue(clerk, view)
        enqueue(clerk, view)  # a second call (or intake calling it too) queues nothing
    [msg] = messages(parcel=view.id)
    assert msg.kind == "intake" and msg.channel == "sms" and msg.status == QUEUED
    assert msg.phone == phone(7) and msg.lang == "zh_CN"
    assert msg.key.startswith(f"intake:{view.id}:")
    assert view.pickup_code and view.pickup_code in msg.body
    assert "幸福里12号" in msg.body and "08:30-20:00" in msg.body
    assert "Test Station 测试驿站" in msg.body and "5月7日" in msg.body  # 7 days incl. today
    assert json.loads(msg.data)["phone_masked"] == "138****0007"
    assert msg.next_attempt_at == T0
    # clerks see masked numbers; the owner sees the full one
    [seen] = outbox.list_messages(clerk)
    assert seen.to == "138****0007" and seen.status == QUEUED
    assert outbox.list_messages(owner)[0].to == phone(7)
    assert outbox.counts()[QUEUED] == 1


def test_privacy_label_without_full_number_gets_a_slip(owner: Actor, clerk: Actor) -> None:
    number = tracking()
    view = intake.intake(clerk, intake.IntakeRequest(tracking=number, phone="138****5678",
                                                     consent_basis="carrier"))
    enqueue(clerk, view)
    [msg] = messages(parcel=view.id)
    assert msg.channel == "slip" and msg.phone is None
    assert json.loads(msg.data)["phone_masked"] == "****5678"


def test_no_channel_no_message(owner: Actor, clerk: Actor) -> None:
    outbox.set_channel_config(owner, {"slip": {"enabled": False}})
    enqueue(clerk, take_in(clerk))
    assert messages() == []


def test_queue_failure_never_breaks_the_intake(
    owner: Actor, clerk: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_row = outbox._message_row

    def broken_row(*args: Any, **kwargs: Any) -> dict[str, Any] | None:
        row = real_row(*args, **kwargs)
        assert row is not None
        row["key"] = None  # violates NOT NULL: the database refuses the insert
        return row

    monkeypatch.setattr(outbox, "_message_row", broken_row)
    view = take_in(clerk)
    with unit_of_work(clerk, "test.enqueue", "parcel", view.id):
        outbox.enqueue_for_intake(view.id)
        Parcel.update(weight_g=1234).where(Parcel.id == view.id).execute()  # still usable
    assert Parcel.get_by_id(view.id).weight_g == 1234
    assert messages() == []


def test_undone_intake_cancels_and_a_new_intake_gets_its_own_message(
    owner: Actor, clerk: Actor, tmp_path: Path
) -> None:
    use_slips(owner, tmp_path)
    first = take_in(clerk, "YT9000000000001")
    enqueue(clerk, first)
    intake.undo_intake(clerk, "YT9000000000001")  # the parcel row goes; the message stays
    [orphan] = messages()
    assert orphan.parcel_id is None
    again = take_in(clerk, "YT9000000000001")  # may get the same id back on SQLite
    enqueue(clerk, again)
    assert len(messages()) == 2
    # undo_intake cancelled the first message at once; only the new one goes out.
    assert OutboxMessage.get_by_id(orphan.id).status == CANCELLED
    assert "undone" in OutboxMessage.get_by_id(orphan.id).last_error
    report = outbox.send_due(outbox.build_channels())
    assert report.sent == 1 and report.cancelled == 0


# ----------------------------------------------------------------------------- templates


def test_template_validation_and_safe_rendering(owner: Actor, clerk: Actor) -> None:
    with pytest.raises(NotAllowed):
        outbox.set_template(clerk, "intake", "zh_CN", "取件码{code}")
    for bad, what in [
        ("取件码{code}，{phone}", "placeholder"),
        ("请来取件", "{code}"),
        ("取件码{code} {", "brace"),
        ("取件码{code.upper}", "placeholder"),
        ("取件码{code!r}", "placeholder"),
        ("", "empty"),
        ("{code}" + "很" * 600, "too long"),
    ]:
        with pytest.raises(InvalidInput) as info:
            outbox.set_template(owner, "intake", "zh_CN", bad)
        assert what in info.value.message, bad
    saved = outbox.set_template(
        owner, "intake", "zh_CN", "{station}：{name}您好，取件码{code}（货架{slot}）{{勿回复}}"
    )
    assert saved.custom
    assert outbox.preview_template(saved.text, "zh_CN") == (
        "幸福里驿站：张三您好，取件码A-3-0127（货架A-3）{勿回复}"
    )
    view = take_in(clerk, name="李四")
    enqueue(clerk, view)
    [msg] = messages()
    assert (
        msg.body
        == f"Test Station 测试驿站：李四您好，取件码{view.pickup_code}（货架{view.slot}）{{勿回复}}"
    )
    # a broken template that reached the table some other way still renders, never crashes
    assert tpl.render("{code} {nope} {{x}} {", {"code": "A-1"}) == "A-1 {nope} {x} {"
    MessageTemplate.update(text="码{code} {bad").execute()
    outbox._forget("templates")
    enqueue(clerk, other := take_in(clerk))
    assert messages(parcel=other.id)[0].body == f"码{other.pickup_code} {{bad"
    assert outbox.reset_template(owner, "intake", "zh_CN").custom is False
    assert {(t.kind, t.lang) for t in outbox.get_templates()} == {
        (k, lang) for k in tpl.KINDS for lang in tpl.LANGS
    }


def test_recipient_language_and_english_template(owner: Actor, clerk: Actor) -> None:
    outbox.set_contact(clerk, phone(3), lang="en")
    view = take_in(clerk, person=3)
    enqueue(clerk, view)
    [msg] = messages()
    assert msg.lang == "en" and msg.body.startswith("Test Station 测试驿站: your YTO Express")
    assert f"Pickup code {view.pickup_code}" in msg.body
    with pytest.raises(InvalidInput):
        outbox.set_contact(clerk, phone(3), email="not-an-address")


# ----------------------------------------------------------------------------- reminders


def test_reminders_and_last_notice_are_idempotent(owner: Actor, clerk: Actor) -> None:
    # YTO: retention 7 days, remind on day 3. Taken in on 1 May (day 0): reminder on 4 May,
    # last notice on 6 May (last day of collection 7 May), overdue from 8 May.
    with clock.frozen_at(T0):
        a = take_in(clerk)
        b = take_in(clerk)
        gone = take_in(clerk)
    returns.mark_for_return(owner, [gone.tracking])

    def run(day: int, hour: int = 10) -> int:
        with clock.frozen_at(T0 + timedelta(days=day, hours=hour - 10)):
            return outbox.schedule_reminders(owner)

    events = AuditEvent.select().count()
    assert run(2) == 0
    assert AuditEvent.select().count() == events  # nothing queued, nothing recorded
    assert run(3, hour=7) == 2  # before opening (09:00): queued for opening time
    reminder = messages(parcel=a.id, kind="reminder")[0]
    assert reminder.next_attempt_at == T0 + timedelta(days=3, hours=-1)  # 09:00 local
    assert "存放3天" in reminder.body and "5月7日" in reminder.body
    assert run(3) == 0 and run(4) == 0  # the reminder of day 3 is not queued again
    returns.mark_for_return(owner, [b.tracking])
    assert run(5) == 1  # last notice for a only
    [last] = messages(parcel=a.id, kind="last_notice")
    assert last.key.endswith(":2024-05-06")
    assert run(5) == 0 and run(6) == 0 and run(7) == 0 and run(9) == 0
    assert [m.kind for m in messages(parcel=gone.id) if m.kind != "intake"] == []
    # b left the shelf after its reminder was queued: the reminder is cancelled, not sent
    with clock.frozen_at(T0 + timedelta(days=5)):
        report = outbox.send_due({})
    assert OutboxMessage.get(parcel=b.id, kind="reminder").status == CANCELLED
    assert report.cancelled == 1
    assert verify()["ok"]


def test_missed_days_catch_up_with_only_the_latest_notice(owner: Actor, clerk: Actor) -> None:
    with clock.frozen_at(T0):
        view = take_in(clerk)
    with clock.frozen_at(T0 + timedelta(days=5)):
        assert outbox.schedule_reminders(owner) == 1
    assert [m.kind for m in messages(parcel=view.id) if m.kind != "intake"] == ["last_notice"]


# ------------------------------------------------------------------------------ channels


def test_http_gateway_body_headers_retries_and_backoff(
    owner: Actor, clerk: Actor, gateway: Gateway
) -> None:
    use_sms(owner, gateway)
    gateway.script = [500, 503]
    with clock.frozen_at(T0):
        view = take_in(clerk, person=5)
        enqueue(clerk, view)
    [msg] = messages()
    registry = outbox.build_channels()

    def send_at(minutes: float) -> outbox.SendReport:
        with clock.frozen_at(T0 + timedelta(minutes=minutes)):
            return outbox.send_due(registry)

    assert send_at(0).retrying == 1
    msg = OutboxMessage.get_by_id(msg.id)
    assert msg.status == RETRYING and msg.attempts == 1
    assert msg.next_attempt_at == T0 + timedelta(minutes=1)
    assert "HTTP 500" in msg.last_error and "gateway says no (500)" in msg.last_error
    assert send_at(0.9).claimed == 0 and len(gateway.requests) == 1  # not due yet
    assert send_at(1).retrying == 1
    assert OutboxMessage.get_by_id(msg.id).next_attempt_at == T0 + timedelta(minutes=3)
    assert send_at(2.9).claimed == 0
    assert send_at(3).sent == 1
    msg = OutboxMessage.get_by_id(msg.id)
    assert msg.status == SENT and msg.attempts == 3 and msg.provider_id == "sms-1"
    assert msg.sent_at == T0 + timedelta(minutes=3)
    assert send_at(60).claimed == 0 and len(gateway.requests) == 3
    key = outbox.idempotency_key(msg.key)
    for request in gateway.requests:
        headers = request["headers"]
        assert request["path"] == "/v1/sms?x=1"
        assert headers["Idempotency-Key"] == key
        assert headers["Authorization"] == "Bearer sekret"
        assert headers["Content-Type"].startswith("application/json")
        assert request["body"]["to"] == phone(5)
        assert request["body"]["ref"] == key
        assert view.pickup_code in request["body"]["content"]
    assert gateway.deliveries == [key]


def test_gateway_errors_give_up_and_fall_back_to_a_slip(
    owner: Actor, clerk: Actor, gateway: Gateway, tmp_path: Path
) -> None:
    use_sms(owner, gateway)
    use_slips(owner, tmp_path)
    gateway.script = [503] * 6
    with clock.frozen_at(T0):
        enqueue(clerk, take_in(clerk))
    registry = outbox.build_channels()
    at = 0
    delays = []
    for _ in range(outbox.MAX_ATTEMPTS):
        with clock.frozen_at(T0 + timedelta(minutes=at)):
            outbox.send_due(registry)
        msg = messages(channel="sms")[0]
        if msg.status == RETRYING:
            delay = int((msg.next_attempt_at - T0).total_seconds() // 60) - at
            delays.append(delay)
            at += delay
    assert delays == [1, 2, 4, 8, 16]
    assert msg.status == FAILED and msg.attempts == 6 and len(gateway.requests) == 6
    [slip] = messages(channel="slip")
    assert slip.key == msg.key + ":slip" and slip.status == SENT  # sent in the same round
    assert Path(slip.provider_id).is_file()
    # a refusal (4xx) is permanent: no retries
    gateway.script = [401]
    with clock.frozen_at(T0 + timedelta(hours=2)):
        view = take_in(clerk)
        enqueue(clerk, view)
        report = outbox.send_due(registry)
    assert report.failed == 1 and report.retrying == 0
    refused = messages(parcel=view.id, channel="sms")[0]
    assert refused.status == FAILED and refused.attempts == 1 and "HTTP 401" in refused.last_error


def test_smtp_mail_to_a_real_local_server(
    owner: Actor, clerk: Actor, mail_server: MailServer
) -> None:
    use_email(owner, mail_server)
    outbox.set_contact(clerk, phone(4), email="li.si@example.org")
    view = take_in(clerk, person=4)
    enqueue(clerk, view)
    [msg] = messages()
    assert msg.channel == "email" and msg.email == "li.si@example.org"
    assert outbox.list_messages(clerk)[0].to == "l***@example.org"
    report = outbox.send_due(outbox.build_channels())
    assert report.sent == 1, report.errors
    assert mail_server.logins == [("station", "pw123")]
    assert mail_server.messages[0]["from"] == "station@example.com"
    assert mail_server.messages[0]["to"] == ["li.si@example.org"]
    mail = mail_server.parsed(0)
    assert view.pickup_code in str(mail["Subject"]) and "取件通知" in str(mail["Subject"])
    assert view.pickup_code in mail.get_content() and "测试驿站" in mail.get_content()
    assert OutboxMessage.get_by_id(msg.id).provider_id == mail["Message-ID"]
    # the server refuses the recipient: permanent, no retry
    mail_server.reject_rcpt = True
    enqueue(clerk, other := take_in(clerk, person=4))
    report = outbox.send_due(outbox.build_channels())
    bad = messages(parcel=other.id, channel="email")[0]
    assert bad.status == FAILED and "550" in bad.last_error
    assert len(mail_server.messages) == 1


def test_smtp_server_down_is_retried(owner: Actor, clerk: Actor, mail_server: MailServer) -> None:
    use_email(owner, mail_server)
    outbox.set_contact(clerk, phone(4), email="li.si@example.org")
    mail_server.close()
    enqueue(clerk, take_in(clerk, person=4))
    report = outbox.send_due(outbox.build_channels())
    assert report.retrying == 1
    assert "Cannot reach the mail server" in messages()[0].last_error


def test_notice_slip_pdf_has_the_code(owner: Actor, clerk: Actor, tmp_path: Path) -> None:
    use_slips(owner, tmp_path / "slips")
    view = take_in(clerk, name="王五")
    enqueue(clerk, view)
    report = outbox.send_due(outbox.build_channels())
    assert report.sent == 1
    [msg] = messages()
    pdf = Path(msg.provider_id)
    assert pdf.parent == tmp_path / "slips" and pdf.is_file()
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert view.pickup_code and view.pickup_code in text
    assert "取件通知" in text and "138****0001" in text


# ------------------------------------------------------------------------ settings, owner


def test_channel_settings_are_checked_masked_and_audited(owner: Actor, clerk: Actor) -> None:
    with pytest.raises(NotAllowed):
        outbox.set_channel_config(clerk, {"slip": {"enabled": False}})
    for bad in [
        {"sms": {"enabled": True, "url": "ftp://x"}},
        {"sms": {"body_template": "{not json"}},
        {"sms": {"body_template": '{"text": "{text}"}'}},  # no {phone}
        {"sms": {"body_template": '{"to": "{phone}", "t": "{text}", "x": "{oops}"}'}},
        {"sms": {"timeout": 600}},
        {"email": {"enabled": True, "host": "mail", "sender": "nobody"}},
        {"email": {"security": "tls-ish"}},
        {"order": ["sms", "fax"]},
        {"colour": "red"},
    ]:
        with pytest.raises(InvalidInput):
            outbox.set_channel_config(owner, bad)
    shown = outbox.set_channel_config(
        owner, {"sms": {"url": "https://sms.example.com/send", "api_key": "topsecret"}}
    )
    assert shown["sms"]["api_key"] == ch.MASK
    # saving the page again with the mask keeps the secret
    outbox.set_channel_config(owner, {"sms": {"api_key": ch.MASK, "enabled": True}})
    assert outbox.config()["sms"]["api_key"] == "topsecret"
    events = list(AuditEvent.select().where(AuditEvent.action == "outbox.settings"))
    assert events and all("topsecret" not in e.before + e.after for e in events)
    with pytest.raises(NotAllowed):
        outbox.channel_config(clerk)


def test_owner_retry_and_dismiss(owner: Actor, clerk: Actor, gateway: Gateway) -> None:
    use_sms(owner, gateway)
    outbox.set_channel_config(owner, {"slip": {"enabled": False}})  # no fallback slip here
    gateway.script = [400]
    enqueue(clerk, take_in(clerk))
    outbox.send_due(outbox.build_channels())
    [msg] = messages()
    assert msg.status == FAILED
    with pytest.raises(NotAllowed):
        outbox.retry(clerk, msg.id)
    view = outbox.retry(owner, msg.id)
    assert view.status == RETRYING and view.attempts == 0
    assert outbox.send_due(outbox.build_channels()).sent == 1
    with pytest.raises(Conflict):
        outbox.retry(owner, msg.id)  # sent: never again through retry
    with pytest.raises(Conflict):
        outbox.dismiss(owner, msg.id)
    enqueue(clerk, other := take_in(clerk))
    queued = messages(parcel=other.id)[0]
    assert outbox.dismiss(owner, queued.id, "recipient came by").status == CANCELLED
    assert outbox.send_due(outbox.build_channels()).claimed == 0
    assert verify()["ok"]


def test_worker_thread_sends_in_the_background(owner: Actor, clerk: Actor, tmp_path: Path) -> None:
    use_slips(owner, tmp_path)
    worker = outbox.OutboxWorker(interval=30, reminders_every=None)
    worker.start()
    try:
        enqueue(clerk, take_in(clerk))
        worker.wake()
        deadline = time.monotonic() + 10
        while messages()[0].status != SENT and time.monotonic() < deadline:
            time.sleep(0.05)
        assert messages()[0].status == SENT
    finally:
        worker.stop()
    assert not worker.is_alive() and worker.last_error == ""


# ---------------------------------------------------------------- killed in the middle


KILLED_SENDER = """
import sys
from station import db
from station.services import outbox
db.open_database(sys.argv[1])
outbox.send_due(outbox.build_channels(), limit=10)
"""


def run_and_kill(db_url: str, started: threading.Event) -> None:
    """A second program sends; it is SIGKILLed while its first message is in flight."""
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLED_SENDER, db_url],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while not started.wait(0.05):
            if proc.poll() is not None or time.monotonic() > deadline:
                _, err = proc.communicate(timeout=5)
                pytest.fail(f"the sender did not get to send: {err.decode()[-2000:]}")
        os.kill(proc.pid, signal.SIGKILL)
        assert proc.wait(timeout=10) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()


def test_killed_mid_send_http_is_resent_once_with_the_same_idempotency_key(
    station: str, owner: Actor, clerk: Actor, gateway: Gateway
) -> None:
    use_sms(owner, gateway)
    first, second = take_in(clerk), take_in(clerk)
    enqueue(clerk, first)
    enqueue(clerk, second)
    gateway.hang = True
    run_and_kill(station, gateway.got_request)
    gateway.release.set()
    msg = messages(parcel=first.id)[0]
    assert msg.status == SENDING and msg.attempts == 1  # the claim was committed
    assert messages(parcel=second.id)[0].status == QUEUED  # never claimed
    registry = outbox.build_channels()
    report = outbox.send_due(registry)  # a recent claim may be a live sender: left alone
    assert report.sent == 1 and report.requeued == 0
    assert messages(parcel=first.id)[0].status == SENDING
    report = outbox.send_due(registry, now=clock.now() + outbox.STALE_AFTER + timedelta(seconds=1))
    assert report.requeued == 1 and report.sent == 1
    assert [m.status for m in messages()] == [SENT, SENT]
    assert messages(parcel=first.id)[0].attempts == 2
    key = outbox.idempotency_key(msg.key)
    # the gateway saw the interrupted message twice, under one key, and delivered it once
    assert [r["headers"]["Idempotency-Key"] for r in gateway.requests].count(key) == 2
    assert sorted(gateway.deliveries) == sorted(outbox.idempotency_key(m.key) for m in messages())
    assert len(gateway.deliveries) == len(set(gateway.deliveries)) == 2
    later = outbox.send_due(registry, now=clock.now() + timedelta(days=1))
    assert later.claimed == 0 and len(gateway.requests) == 3
    assert verify()["ok"]


def test_killed_mid_send_smtp_is_never_sent_again_automatically(
    station: str, owner: Actor, clerk: Actor, mail_server: MailServer
) -> None:
    use_email(owner, mail_server)
    outbox.set_contact(clerk, phone(1), email="zhang@example.org")
    view = take_in(clerk)
    enqueue(clerk, view)
    mail_server.hang_after_data = True
    run_and_kill(station, mail_server.got_data)
    mail_server.release.set()
    mail_server.hang_after_data = False
    assert len(mail_server.messages) == 1  # it did arrive, but the sender never knew
    registry = outbox.build_channels()
    report = outbox.send_due(registry, now=clock.now() + outbox.STALE_AFTER + timedelta(seconds=1))
    assert report.unknown == 1 and report.sent == 0
    [msg] = messages()
    assert msg.status == FAILED_UNKNOWN and "may or may not have arrived" in msg.last_error
    for days in (1, 2):
        outbox.send_due(registry, now=clock.now() + timedelta(days=days))
    assert len(mail_server.messages) == 1 and messages()[0].status == FAILED_UNKNOWN
    assert AuditEvent.select().where(AuditEvent.action == "outbox.interrupted").count() == 1
    assert outbox.counts()[FAILED_UNKNOWN] == 1
    # only the owner's explicit decision sends it again
    outbox.retry(owner, msg.id)
    assert outbox.send_due(registry).sent == 1 and len(mail_server.messages) == 2
    assert verify()["ok"]
