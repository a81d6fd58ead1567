"""Delivery channels for recipient messages: an HTTP SMS gateway, e-mail over SMTP, and a
printable notice slip (the offline fallback).

A channel's `send(message)` returns the provider's id for the message, or raises
`ChannelError`. The error says whether trying again can help (`permanent`) and whether the
message may have gone out anyway (`unknown`: the request was sent but the answer never came).
`idempotent` says that sending the same message again is harmless: the SMS gateway gets an
``Idempotency-Key`` header (the message's key) and drops repeats; a notice slip is a file
written under the message's own name. SMTP has no such thing, so a mail interrupted after its
text was sent is never sent again automatically.

Channel settings are one JSON document (see DEFAULT_CONFIG); `validate_config` checks a whole
document and `build_channels` turns it into channel objects.
"""

from __future__ import annotations

import copy
import hashlib
import http.client
import json
import os
import re
import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import formatdate
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

from station.errors import InvalidInput
from station.i18n import N_, tr
from station.messaging import templates

CHANNEL_NAMES = ("sms", "email", "slip")
SECRET_FIELDS = {("sms", "api_key"), ("email", "password")}
MASK = "********"
MAX_TIMEOUT = 60
BODY_PLACEHOLDERS = ("phone", "text", "subject", "key", "kind", "lang", "id")
USER_AGENT = "ParcelStation/0.1"
BODY_EXAMPLE = '{"phone": "{phone}", "text": "{text}"}'
_REFUSED_MESSAGE = N_("The mail server refused the message ({code} {reply}).")

DEFAULT_CONFIG: dict[str, Any] = {
    # Tried in this order at queue time: the first enabled channel that can reach the
    # recipient (SMS needs a full mobile number, e-mail an address; a slip always works).
    "order": ["sms", "email", "slip"],
    "lang": "zh_CN",  # language of messages unless the recipient chose another
    "sms": {
        "enabled": False,
        "url": "",
        "api_key": "",
        "api_key_header": "Authorization",
        "api_key_prefix": "Bearer ",
        "body_template": '{"phone": "{phone}", "text": "{text}"}',
        "timeout": 10,
        # The gateway honours the Idempotency-Key header, so a repeat is dropped there.
        "idempotency": True,
        "id_field": "id",  # where the gateway's message id is in its JSON answer (a.b.c)
        "ok_field": "",  # optional: a field that must equal ok_value in a 2xx answer
        "ok_value": "",
    },
    "email": {
        "enabled": False,
        "host": "",
        "port": 587,
        "security": "starttls",  # none | starttls | ssl
        "username": "",
        "password": "",
        "sender": "",
        "timeout": 15,
    },
    "slip": {"enabled": True, "folder": ""},  # "" = notice_slips/ in the data folder
}
SECURITY = ("none", "starttls", "ssl")
_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
_HEADER = re.compile(r"^[A-Za-z0-9!#$%&'*+.^_`|~-]+$")


@dataclass(frozen=True)
class OutgoingMessage:
    """What a channel gets: everything needed to deliver, nothing it could change."""

    id: int
    key: str
    idempotency_key: str
    kind: str
    channel: str
    phone: str | None
    email: str | None
    lang: str
    subject: str
    body: str
    data: dict[str, Any] = field(default_factory=dict)


class ChannelError(Exception):
    """A delivery attempt that did not succeed.

    permanent: trying again will not help (bad number, refused key); an owner must act.
    unknown:   the message may have gone out (the answer was lost).
    """

    def __init__(self, message: str, *, permanent: bool = False, unknown: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent
        self.unknown = unknown


class Channel(Protocol):
    name: str
    idempotent: bool

    def send(self, message: OutgoingMessage) -> str: ...


# --------------------------------------------------------------------------- HTTP SMS gateway


def _walk(value: Any, fn: Any) -> Any:
    if isinstance(value, str):
        return fn(value)
    if isinstance(value, list):
        return [_walk(v, fn) for v in value]
    if isinstance(value, dict):
        return {k: _walk(v, fn) for k, v in value.items()}
    return value


def _dig(data: Any, path: str) -> Any:
    for part in path.split("."):
        if not isinstance(data, dict) or part not in data:
            return None
        data = data[part]
    return data


def _server_message(raw: bytes) -> str:
    text = raw.decode("utf-8", "replace").strip()
    try:
        data = json.loads(text)
    except ValueError:
        return text[:300]
    if isinstance(data, dict):
        for name in ("message", "error", "msg", "Message", "errmsg", "detail", "description"):
            value = data.get(name)
            if isinstance(value, dict):
                value = value.get("message") or json.dumps(value, ensure_ascii=False)
            if value:
                return str(value)[:300]
    return text[:300]


class HttpSmsChannel:
    """POST a JSON body (from the configured template) to the gateway's URL."""

    name = "sms"

    def __init__(self, config: Mapping[str, Any]) -> None:
        self.url = str(config["url"])
        self.api_key = str(config.get("api_key") or "")
        self.api_key_header = str(config.get("api_key_header") or "")
        self.api_key_prefix = str(config.get("api_key_prefix") or "")
        self.body_template = json.loads(str(config["body_template"]))
        self.timeout = float(config.get("timeout") or 10)
        self.idempotent = bool(config.get("idempotency", True))
        self.id_field = str(config.get("id_field") or "")
        self.ok_field = str(config.get("ok_field") or "")
        self.ok_value = str(config.get("ok_value") or "")

    def body(self, message: OutgoingMessage) -> bytes:
        values = {
            "phone": message.phone or "",
            "text": message.body,
            "subject": message.subject,
            "key": message.idempotency_key,
            "kind": message.kind,
            "lang": message.lang,
            "id": str(message.id),
        }
        filled = _walk(self.body_template, lambda s: templates.render(s, values))
        return json.dumps(filled, ensure_ascii=False).encode("utf-8")

    def send(self, message: OutgoingMessage) -> str:
        if not message.phone:
            raise ChannelError(tr("No full mobile number to send an SMS to."), permanent=True)
        parts = urlsplit(self.url)
        host = parts.hostname or ""
        conn_cls = (
            http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        )
        conn = conn_cls(host, parts.port, timeout=self.timeout)
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Accept": "application/json",
            "User-Agent": USER_AGENT,
            "Idempotency-Key": message.idempotency_key,
        }
        if self.api_key and self.api_key_header:
            headers[self.api_key_header] = self.api_key_prefix + self.api_key
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        try:
            try:
                conn.connect()
            except OSError as exc:
                # Nothing was sent: safe to try again later.
                raise ChannelError(
                    tr("Cannot reach the SMS gateway at {host}: {exc}.", host=host, exc=exc)
                ) from exc
            try:
                conn.request("POST", path, body=self.body(message), headers=headers)
                response = conn.getresponse()
                raw = response.read(65536)
            except (OSError, http.client.HTTPException) as exc:
                raise ChannelError(
                    tr(
                        "The SMS gateway did not answer ({error}).",
                        error=exc or type(exc).__name__,
                    ),
                    unknown=True,
                ) from exc
        finally:
            conn.close()
        status = response.status
        if not 200 <= status < 300:
            transient = status >= 500 or status in (408, 409, 425, 429)
            raise ChannelError(
                tr(
                    "The SMS gateway refused the message (HTTP {status}): {reply}",
                    status=status,
                    reply=_server_message(raw),
                ),
                permanent=not transient,
            )
        try:
            data = json.loads(raw.decode("utf-8")) if raw.strip() else {}
        except ValueError:
            data = {}
        if self.ok_field and str(_dig(data, self.ok_field)) != self.ok_value:
            raise ChannelError(
                tr(
                    "The SMS gateway did not accept the message: {reply}",
                    reply=_server_message(raw),
                )
            )
        provider = _dig(data, self.id_field) if self.id_field else None
        return str(provider) if provider not in (None, "") else f"http-{status}"


# --------------------------------------------------------------------------------- SMTP mail


def _dot_stuff(data: bytes) -> bytes:
    data = re.sub(rb"(?:\r\n|\n|\r(?!\n))", b"\r\n", data)
    data = re.sub(rb"(?m)^\.", b"..", data)
    if not data.endswith(b"\r\n"):
        data += b"\r\n"
    return data + b".\r\n"


class SmtpChannel:
    """E-mail through the station's mail server (plain, STARTTLS or SSL; optional login)."""

    name = "email"
    idempotent = False  # SMTP cannot tell a repeat from a new mail

    def __init__(self, config: Mapping[str, Any]) -> None:
        self.host = str(config["host"])
        self.port = int(config.get("port") or 25)
        self.security = str(config.get("security") or "none")
        self.username = str(config.get("username") or "")
        self.password = str(config.get("password") or "")
        self.sender = str(config["sender"])
        self.timeout = float(config.get("timeout") or 15)

    def build(self, message: OutgoingMessage) -> EmailMessage:
        mail = EmailMessage()
        mail["From"] = self.sender
        mail["To"] = message.email or ""
        mail["Subject"] = message.subject or message.body.splitlines()[0][:80]
        mail["Date"] = formatdate(localtime=True)
        digest = hashlib.sha256(message.idempotency_key.encode()).hexdigest()[:32]
        domain = self.sender.rpartition("@")[2] or "parcel-station.local"
        mail["Message-ID"] = f"<{digest}@{domain}>"
        mail.set_content(message.body, charset="utf-8", cte="base64")
        return mail

    def _connect(self) -> smtplib.SMTP:
        if self.security == "ssl":
            return smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout, context=ssl.create_default_context()
            )
        return smtplib.SMTP(self.host, self.port, timeout=self.timeout)

    def send(self, message: OutgoingMessage) -> str:
        if not message.email:
            raise ChannelError(tr("No e-mail address for this recipient."), permanent=True)
        mail = self.build(message)
        payload = _dot_stuff(mail.as_bytes(policy=SMTP_POLICY))
        try:
            conn = self._connect()
        except (OSError, smtplib.SMTPException) as exc:
            raise ChannelError(
                tr(
                    "Cannot reach the mail server {host}:{port}: {exc}.",
                    host=self.host,
                    port=self.port,
                    exc=exc,
                )
            ) from exc
        try:
            try:
                conn.ehlo()
                if self.security == "starttls":
                    conn.starttls(context=ssl.create_default_context())
                    conn.ehlo()
                if self.username:
                    conn.login(self.username, self.password)
                code, reply = conn.mail(self.sender)
                self._check(
                    code, reply, (250,), N_("The mail server refused the sender ({code} {reply}).")
                )
                code, reply = conn.rcpt(message.email)
                self._check(
                    code,
                    reply,
                    (250, 251),
                    N_("The mail server refused the recipient ({code} {reply})."),
                )
                code, reply = conn.docmd("DATA")
                self._check(code, reply, (354,), _REFUSED_MESSAGE)
            except smtplib.SMTPAuthenticationError as exc:
                raise ChannelError(
                    tr(
                        "The mail server refused the login: {error}. "
                        "Check the user name and password in the e-mail settings.",
                        error=repr(exc.smtp_error),
                    ),
                    permanent=True,
                ) from exc
            except (OSError, smtplib.SMTPException) as exc:
                raise ChannelError(tr("The mail server failed: {exc}.", exc=exc)) from exc
            try:
                # From here on the server may have the mail even if we never hear back.
                conn.send(payload)
                code, reply = conn.getreply()
            except (OSError, smtplib.SMTPException) as exc:
                raise ChannelError(
                    tr("The mail server did not confirm the message ({exc}).", exc=exc),
                    unknown=True,
                ) from exc
            self._check(code, reply, (250,), _REFUSED_MESSAGE)
        finally:
            try:
                conn.quit()
            except (OSError, smtplib.SMTPException):
                conn.close()
        return str(mail["Message-ID"])

    @staticmethod
    def _check(code: int, reply: bytes, ok: tuple[int, ...], refusal: str) -> None:
        """`refusal` is an N_ template with {code} and {reply}."""
        if code not in ok:
            text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
            raise ChannelError(tr(refusal, code=code, reply=text), permanent=code >= 500)


# ------------------------------------------------------------------------------ notice slip

SLIP_TITLES = {
    ("intake", "zh_CN"): "取件通知",
    ("intake", "en"): "Parcel arrived",
    ("reminder", "zh_CN"): "取件提醒",
    ("reminder", "en"): "Pickup reminder",
    ("last_notice", "zh_CN"): "最后取件通知",
    ("last_notice", "en"): "Last notice before return",
}
SLIP_LABELS = {
    "zh_CN": {"code": "取件码", "to": "收件人", "carrier": "快递", "deadline": "取件截止"},
    "en": {"code": "Pickup code", "to": "For", "carrier": "Carrier", "deadline": "Collect by"},
}


class NoticeSlipChannel:
    """Writes a printable A6 notice slip (PDF) into a folder: the clerk prints it and puts it
    in the recipient's letterbox or hands it over. Rewriting the same message writes the same
    file, so a repeat never produces a second slip."""

    name = "slip"
    idempotent = True

    def __init__(self, folder: Path | str) -> None:
        self.folder = Path(folder)

    def path_for(self, message: OutgoingMessage) -> Path:
        return self.folder / f"notice-{message.id:06d}-{message.kind}.pdf"

    def send(self, message: OutgoingMessage) -> str:
        path = self.path_for(message)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(path.name + ".part")
            render_slip(message, tmp)
            os.replace(tmp, path)
        except OSError as exc:
            raise ChannelError(
                tr(
                    "Cannot write the notice slip to {folder}: {exc}.",
                    folder=self.folder,
                    exc=exc,
                )
            ) from exc
        return str(path)


def render_slip(message: OutgoingMessage, out: Path) -> None:
    """A6 portrait: station, title, the pickup code large (and as QR), who, until when, text."""
    from station.preload import warm_up

    warm_up()  # reportlab is imported by one thread only: see station/preload.py
    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib.pagesizes import A6
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    from station.documents import fonts

    width, height = A6
    margin = 8 * mm
    inner = width - 2 * margin
    data = message.data
    lang = message.lang if message.lang in SLIP_LABELS else "zh_CN"
    labels = SLIP_LABELS[lang]
    code = str(data.get("code") or "")
    c = Canvas(str(out), pagesize=A6, pageCompression=1)
    c.setTitle(f"{SLIP_TITLES.get((message.kind, lang), message.kind)} {code}")
    y = height - margin - 10
    fonts.draw(c, margin, y, str(data.get("station") or ""), 10, bold=True)
    y -= 16
    fonts.draw(c, margin, y, SLIP_TITLES.get((message.kind, lang), message.kind), 13, bold=True)
    y -= 8
    c.setLineWidth(0.8)
    c.line(margin, y, width - margin, y)
    y -= 12
    fonts.draw(c, margin, y, labels["code"], 8)
    qr_size = 26 * mm
    size, lines = fonts.fit(code, inner - qr_size - 4, 30, 30, min_size=14, bold=True)
    y_code = y - size * fonts.ASCENT - 4
    for line in lines:
        fonts.draw(c, margin, y_code, line, size, bold=True)
    if code:
        widget = QrCodeWidget(code)
        x0, y0, x1, y1 = widget.getBounds()
        drawing = Drawing(
            qr_size, qr_size, transform=[qr_size / (x1 - x0), 0, 0, qr_size / (y1 - y0), 0, 0]
        )
        drawing.add(widget)
        renderPDF.draw(drawing, c, width - margin - qr_size, y - qr_size + 4)
    y = min(y_code - 12, y - qr_size - 4)
    rows = [
        (labels["to"], " ".join(p for p in (data.get("name"), data.get("phone_masked")) if p)),
        (labels["carrier"], str(data.get("carrier") or "")),
        (labels["deadline"], str(data.get("deadline") or "")),
    ]
    for label, value in rows:
        if not value:
            continue
        fonts.draw(c, margin, y, label, 8)
        fonts.draw(c, margin + 22 * mm, y, value, 9)
        y -= 13
    y -= 4
    c.setLineWidth(0.4)
    c.line(margin, y + 8, width - margin, y + 8)
    for paragraph in message.body.splitlines():
        for line in fonts.wrap(paragraph, inner, 8.5):
            if y < margin:
                break
            fonts.draw(c, margin, y, line, 8.5)
            y -= 11.5
    c.showPage()
    c.save()


# ----------------------------------------------------------------------------- configuration


def merged(stored: Mapping[str, Any] | None) -> dict[str, Any]:
    """The stored document over the defaults (new fields get their default)."""
    config = copy.deepcopy(DEFAULT_CONFIG)
    for key, value in (stored or {}).items():
        if isinstance(config.get(key), dict) and isinstance(value, Mapping):
            config[key].update(value)
        else:
            config[key] = value
    return config


def masked(config: Mapping[str, Any]) -> dict[str, Any]:
    """For display and the audit log: secrets replaced by MASK (empty stays empty)."""
    out = copy.deepcopy(dict(config))
    for section, name in SECRET_FIELDS:
        if isinstance(out.get(section), dict) and out[section].get(name):
            out[section][name] = MASK
    return out


def _bool(section: str, name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise InvalidInput(
            tr("{setting} must be true or false.", setting=f"{section}.{name}"),
            field=f"{section}.{name}",
        )
    return value


def _text(section: str, name: str, value: Any, max_len: int = 200) -> str:
    if not isinstance(value, str):
        raise InvalidInput(
            tr("{setting} must be text.", setting=f"{section}.{name}"), field=f"{section}.{name}"
        )
    value = value.strip() if name not in ("api_key_prefix",) else value
    if len(value) > max_len or any(ch in value for ch in "\r\n\x00"):
        raise InvalidInput(
            tr(
                "{setting} must be one line of at most {max_len} characters.",
                setting=f"{section}.{name}",
                max_len=max_len,
            ),
            field=f"{section}.{name}",
        )
    return value


def _int(section: str, name: str, value: Any, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidInput(
            tr(
                "{setting} must be a whole number from {low} to {high}.",
                setting=f"{section}.{name}",
                low=low,
                high=high,
            ),
            field=f"{section}.{name}",
        )
    return value


def validate_body_template(text: str) -> str:
    try:
        parsed = json.loads(text)
    except ValueError as exc:
        raise InvalidInput(
            tr(
                "The SMS body template is not valid JSON ({error}). Example: {example}",
                error=exc,
                example=BODY_EXAMPLE,
            ),
            field="sms.body_template",
        ) from exc
    if not isinstance(parsed, dict):
        raise InvalidInput(
            tr("The SMS body template must be a JSON object, e.g. {example}", example=BODY_EXAMPLE),
            field="sms.body_template",
        )
    used: set[str] = set()

    def check(s: str) -> str:
        if s:
            templates.validate(
                s,
                field=N_("SMS body template"),
                allowed=BODY_PLACEHOLDERS,
                required=(),
                max_len=2000,
            )
            used.update(templates.placeholders_in(s))
        return s

    _walk(parsed, check)
    for need in ("phone", "text"):
        if need not in used:
            raise InvalidInput(
                tr(
                    "The SMS body template must contain {{{placeholder}}} in one of its values.",
                    placeholder=need,
                ),
                field="sms.body_template",
            )
    return json.dumps(parsed, ensure_ascii=False)


def validate_config(config: Mapping[str, Any]) -> dict[str, Any]:
    """A complete, checked channel document (raises InvalidInput with what to fix)."""
    allowed_top = set(DEFAULT_CONFIG)
    unknown = set(config) - allowed_top
    if unknown:
        raise InvalidInput(
            tr("Unknown message setting(s): {unknown}.", unknown=", ".join(sorted(unknown)))
        )
    out = merged(config)
    for section in CHANNEL_NAMES:
        extra = set(out[section]) - set(DEFAULT_CONFIG[section])
        if extra:
            raise InvalidInput(
                tr(
                    "Unknown {section} setting(s): {unknown}.",
                    section=section,
                    unknown=", ".join(sorted(extra)),
                ),
                field=section,
            )
    order = out["order"]
    if (
        not isinstance(order, list)
        or len(set(order)) != len(order)
        or any(name not in CHANNEL_NAMES for name in order)
    ):
        raise InvalidInput(
            tr(
                "The channel order must list some of {channels}, each once.",
                channels=", ".join(CHANNEL_NAMES),
            ),
            field="order",
        )
    if out["lang"] not in templates.LANGS:
        raise InvalidInput(
            tr("Message language must be one of {langs}.", langs=", ".join(templates.LANGS)),
            field="lang",
        )

    sms = out["sms"]
    sms["enabled"] = _bool("sms", "enabled", sms["enabled"])
    sms["url"] = _text("sms", "url", sms["url"], 500)
    sms["api_key"] = _text("sms", "api_key", sms["api_key"], 500)
    sms["api_key_header"] = _text("sms", "api_key_header", sms["api_key_header"], 60)
    sms["api_key_prefix"] = _text("sms", "api_key_prefix", sms["api_key_prefix"], 40)
    sms["timeout"] = _int("sms", "timeout", sms["timeout"], 1, MAX_TIMEOUT)
    sms["idempotency"] = _bool("sms", "idempotency", sms["idempotency"])
    for name in ("id_field", "ok_field", "ok_value"):
        sms[name] = _text("sms", name, sms[name], 100)
    if not isinstance(sms["body_template"], str):
        raise InvalidInput(tr("sms.body_template must be JSON text."), field="sms.body_template")
    sms["body_template"] = validate_body_template(sms["body_template"])
    if sms["api_key_header"] and not _HEADER.match(sms["api_key_header"]):
        raise InvalidInput(
            tr("The API key header name may hold only letters, digits and '-'."),
            field="sms.api_key_header",
        )
    if sms["url"] or sms["enabled"]:
        parts = urlsplit(sms["url"])
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise InvalidInput(
                tr(
                    "The SMS gateway address must start with https:// (or http://) and name a "
                    "server, e.g. https://sms.example.com/send."
                ),
                field="sms.url",
            )
        try:
            parts.port  # noqa: B018 - raises on a bad port
        except ValueError as exc:
            raise InvalidInput(
                tr("The SMS gateway address has a bad port."), field="sms.url"
            ) from exc

    mail = out["email"]
    mail["enabled"] = _bool("email", "enabled", mail["enabled"])
    mail["host"] = _text("email", "host", mail["host"], 200)
    mail["port"] = _int("email", "port", mail["port"], 1, 65535)
    if mail["security"] not in SECURITY:
        raise InvalidInput(
            tr("E-mail security must be one of {options}.", options=", ".join(SECURITY)),
            field="email.security",
        )
    mail["username"] = _text("email", "username", mail["username"], 200)
    mail["password"] = _text("email", "password", mail["password"], 200)
    mail["sender"] = _text("email", "sender", mail["sender"], 120)
    mail["timeout"] = _int("email", "timeout", mail["timeout"], 1, MAX_TIMEOUT)
    if mail["enabled"] and not mail["host"]:
        raise InvalidInput(tr("Name the mail server (host) to send e-mail."), field="email.host")
    if (mail["enabled"] or mail["sender"]) and not _EMAIL.match(mail["sender"]):
        raise InvalidInput(
            tr("The sender must be an e-mail address such as station@example.com."),
            field="email.sender",
        )

    slip = out["slip"]
    slip["enabled"] = _bool("slip", "enabled", slip["enabled"])
    slip["folder"] = _text("slip", "folder", slip["folder"], 500)
    return out


def build_channels(config: Mapping[str, Any], default_slip_folder: Path) -> dict[str, Channel]:
    """Channel objects for the enabled channels of a validated document."""
    channels: dict[str, Channel] = {}
    if config["sms"]["enabled"]:
        channels["sms"] = HttpSmsChannel(config["sms"])
    if config["email"]["enabled"]:
        channels["email"] = SmtpChannel(config["email"])
    if config["slip"]["enabled"]:
        folder = config["slip"]["folder"] or default_slip_folder
        channels["slip"] = NoticeSlipChannel(folder)
    return channels
