"""Recipient messages (取件通知): queued on intake, reminders and a last notice before return,
sent in the background through pluggable channels (SMS gateway, e-mail, notice slip).

Rules:

* Queue, never send, inside a service call: `enqueue_for_intake` only inserts a row in the
  intake's own transaction, so a slow or broken gateway can never block a scan.
* A message is queued at most once: its `key` is unique ("intake:<parcel>:<received stamp>",
  "reminder:<parcel>:<stamp>:<day>", …), and queuing uses INSERT … ON CONFLICT DO NOTHING.
* A message is sent at most once. `send_due` claims one message at a time (status 'sending',
  a claim token, attempts + 1) and COMMITS the claim before it calls the channel; the outcome
  is written afterwards, guarded by the token. If the program dies in between, the message
  stays 'sending'. After STALE_AFTER it is recovered:

  - channels that are idempotent (the SMS gateway receives an ``Idempotency-Key`` header =
    the station id + the message key and drops repeats; a notice slip is rewritten under the
    same file name) get it again: the repeat cannot reach the recipient twice;
  - any other channel (SMTP) marks it 'failed_unknown' for the owner to review: it may or
    may not have arrived, and only a person can find out. "Never sends twice" beats "always
    sends"; the owner can `retry` (an audited decision) or `dismiss` it.

  Likewise an error after the text was handed over (a lost answer) is 'failed_unknown' on a
  channel that is not idempotent.
* Failures are retried with exponential backoff (1, 2, 4, 8, 16 min), at most MAX_ATTEMPTS
  attempts; then the message is 'failed' and, when slips are on, a notice slip is queued in
  its place. A reminder whose parcel has left the shelf is cancelled instead of sent.
* Delivery bookkeeping (claims, results) is operational state on the message row, not an
  audit event per attempt; owner actions, channel settings, templates and reminder runs are
  audited.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, cast

from peewee import JOIN, fn

from station import clock
from station.audit import SYSTEM, Actor, locked, unit_of_work
from station.db import data_dir, run_sql, sqlite_path, translate_errors
from station.domain.phone import mask_full, parse_phone
from station.errors import Conflict, InvalidInput, NotFound
from station.i18n import N_, tr
from station.messaging import channels as ch
from station.messaging import templates as tpl
from station.migrations.m0002_outbox import STATION_UID_KEY
from station.models import ACTIVE_STATUSES, ON_SHELF, Carrier, Parcel, Setting
from station.models import database_proxy as db_proxy
from station.models_outbox import (
    CANCELLED,
    DUE_STATUSES,
    FAILED,
    FAILED_UNKNOWN,
    KIND_INTAKE,
    KIND_LAST_NOTICE,
    KIND_REMINDER,
    MESSAGE_STATUSES,
    QUEUED,
    RETRYING,
    SENDING,
    SENT,
    MessageTemplate,
    OutboxMessage,
    RecipientContact,
)
from station.services import settings

log = logging.getLogger(__name__)

CONFIG_KEY = "outbox_channels"
MAX_ATTEMPTS = 6
BACKOFF_BASE = timedelta(minutes=1)  # 1, 2, 4, 8, 16 minutes between attempts
# A claim older than this belongs to a sender that died (every channel gives up on a server
# within MAX_TIMEOUT per step, so a live sender is done long before).
STALE_AFTER = timedelta(minutes=15)
CACHE_SECONDS = 5.0
INTERRUPTED = N_(
    "The program stopped while this message was being sent: it may or may not have arrived. "
    "Ask the recipient, then send it again or dismiss it."
)
_MOBILE = re.compile(r"1[3-9][0-9]{9}")
HELD_FLAG = "address_missing"
HELD_MARK = f'"{HELD_FLAG}": true'  # as json.dumps writes it into OutboxMessage.data
_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")

# --------------------------------------------------------------------------------- caching

_cache: dict[str, tuple[float, Any]] = {}
_cache_owner: list[object] = [None]
_cache_lock = threading.Lock()


def _cached(name: str, load: Callable[[], Any]) -> Any:
    """Settings read on every intake, shared by counters: re-read every few seconds."""
    with _cache_lock:
        if _cache_owner[0] is not db_proxy.obj:
            _cache.clear()
            _cache_owner[0] = db_proxy.obj
        hit = _cache.get(name)
        if hit is not None and time.monotonic() - hit[0] < CACHE_SECONDS:
            return hit[1]
    value = load()
    with _cache_lock:
        _cache[name] = (time.monotonic(), value)
    return value


def _forget(name: str) -> None:
    with _cache_lock:
        _cache.pop(name, None)


@contextmanager
def _transaction() -> Iterator[None]:
    """A short transaction of its own (claims and results; no audit event)."""
    db = db_proxy.obj
    with translate_errors(getattr(db, "station_url", "")):
        with db.atomic():
            yield


# ------------------------------------------------------------------------ channel settings


def _load_config() -> dict[str, Any]:
    raw = settings.get(CONFIG_KEY)
    try:
        return ch.validate_config(raw if isinstance(raw, dict) else {})
    except InvalidInput as exc:  # only if someone edited the row by hand
        log.warning("stored message settings are invalid (%s); using the defaults", exc.message)
        return ch.merged(None)


def config() -> dict[str, Any]:
    """The complete channel document (with secrets): for the sender, not for screens."""
    return _cached("config", _load_config)  # type: ignore[no-any-return]


def channel_config(actor: Actor) -> dict[str, Any]:
    """The channel settings as the owner's settings page shows them (secrets masked)."""
    actor.require_owner("see the message settings")
    return ch.masked(config())


def set_channel_config(actor: Actor, changes: Mapping[str, Any]) -> dict[str, Any]:
    """Change some channel settings, e.g. ``{"sms": {"enabled": True, "url": "…"}}``.
    A secret given as the mask (as shown) keeps its stored value. Returns the masked document."""
    actor.require_owner("change the message settings")
    if not isinstance(changes, Mapping):
        raise InvalidInput(tr("Message settings must be a set of named values."))
    with unit_of_work(actor, "outbox.settings", "setting", CONFIG_KEY) as change:
        current = _load_config()
        proposed = ch.merged(current)
        for key, value in changes.items():
            if isinstance(proposed.get(key), dict) and isinstance(value, Mapping):
                for name, item in value.items():
                    if (key, name) in ch.SECRET_FIELDS and item == ch.MASK:
                        continue
                    proposed[key][name] = item
            else:
                proposed[key] = value
        if set(changes) - set(ch.DEFAULT_CONFIG):
            unknown = ", ".join(sorted(set(changes) - set(ch.DEFAULT_CONFIG)))
            raise InvalidInput(tr("Unknown message setting(s): {unknown}.", unknown=unknown))
        validated = ch.validate_config(proposed)
        settings.put_raw(CONFIG_KEY, validated)
        change.before = ch.masked(current)
        change.after = ch.masked(validated)
    _forget("config")
    return ch.masked(validated)


def default_slip_folder() -> Path:
    """Next to a SQLite station file, else in the user's data folder."""
    url = getattr(db_proxy.obj, "station_url", "")
    path = sqlite_path(url) if url else None
    base = path.parent if path is not None else data_dir()
    return base / "notice_slips"


def build_channels(conf: Mapping[str, Any] | None = None) -> dict[str, ch.Channel]:
    """Channel objects for the enabled channels of the stored (or given) settings."""
    return ch.build_channels(conf if conf is not None else config(), default_slip_folder())


def station_uid() -> str:
    """This station's id: namespaces the idempotency keys a shared SMS gateway sees."""

    def load() -> str:
        row = Setting.get_or_none(Setting.key == STATION_UID_KEY)
        if row is None:
            Setting.insert(
                key=STATION_UID_KEY, value=json.dumps(secrets.token_hex(8))
            ).on_conflict_ignore().execute()
            row = Setting.get(Setting.key == STATION_UID_KEY)
        return str(json.loads(row.value))

    return _cached("uid", load)  # type: ignore[no-any-return]


def idempotency_key(message_key: str) -> str:
    return f"{station_uid()}:{message_key}"


# ------------------------------------------------------------------------------- templates


@dataclass(frozen=True)
class TemplateView:
    kind: str
    lang: str
    subject: str
    text: str
    custom: bool  # False: the built-in text
    placeholders: tuple[str, ...] = tpl.PLACEHOLDERS

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _custom_templates() -> dict[tuple[str, str], tuple[str, str]]:
    def load() -> dict[tuple[str, str], tuple[str, str]]:
        return {
            (row.kind, row.lang): (row.subject, row.text)
            for row in MessageTemplate.select(
                MessageTemplate.kind,
                MessageTemplate.lang,
                MessageTemplate.subject,
                MessageTemplate.text,
            )
        }

    return _cached("templates", load)  # type: ignore[no-any-return]


def get_template(kind: str, lang: str) -> TemplateView:
    tpl.check_kind_lang(kind, lang)
    custom = _custom_templates().get((kind, lang))
    if custom is None:
        return TemplateView(
            kind, lang, tpl.default_subject(kind, lang), tpl.default_text(kind, lang), False
        )
    subject, text = custom
    return TemplateView(kind, lang, subject or tpl.default_subject(kind, lang), text, True)


def get_templates() -> list[TemplateView]:
    return [get_template(kind, lang) for kind in tpl.KINDS for lang in tpl.LANGS]


def set_template(
    actor: Actor, kind: str, lang: str, text: str, subject: str | None = None
) -> TemplateView:
    """Save the owner's text for one kind and language (checked: known placeholders only,
    {code} present, no stray braces). An empty subject means the built-in subject."""
    actor.require_owner("change message templates")
    tpl.check_kind_lang(kind, lang)
    text = tpl.validate(text)
    subject = tpl.validate_subject(subject)
    with unit_of_work(actor, "outbox.template", "message_template", f"{kind}/{lang}") as change:
        change.before = asdict(get_template(kind, lang))
        MessageTemplate.insert(
            kind=kind,
            lang=lang,
            subject=subject,
            text=text,
            updated_by=actor.staff_id,
            updated_at=clock.now(),
        ).on_conflict(
            conflict_target=[MessageTemplate.kind, MessageTemplate.lang],
            update={
                MessageTemplate.subject: subject,
                MessageTemplate.text: text,
                MessageTemplate.updated_by: actor.staff_id,
                MessageTemplate.updated_at: clock.now(),
            },
        ).execute()
        _track_template(change, kind, lang)
        change.after = {"subject": subject, "text": text}
    _forget("templates")
    return get_template(kind, lang)


def reset_template(actor: Actor, kind: str, lang: str) -> TemplateView:
    """Back to the built-in text."""
    actor.require_owner("change message templates")
    tpl.check_kind_lang(kind, lang)
    with unit_of_work(actor, "outbox.template_reset", "message_template", f"{kind}/{lang}") as c:
        c.before = asdict(get_template(kind, lang))
        _track_template(c, kind, lang)
        MessageTemplate.delete().where(
            MessageTemplate.kind == kind, MessageTemplate.lang == lang
        ).execute()
    _forget("templates")
    return get_template(kind, lang)


def _track_template(change: Any, kind: str, lang: str) -> None:
    query = MessageTemplate.select(MessageTemplate.id).where(
        MessageTemplate.kind == kind, MessageTemplate.lang == lang
    )
    for (template_id,) in query.tuples():
        change.track("message_template", template_id)


def preview_template(text: str, lang: str = "zh_CN") -> str:
    """The text filled with sample values (validates first, so the owner sees errors early)."""
    if lang not in tpl.LANGS:
        raise InvalidInput(tr("Unknown language '{lang}'.", lang=lang))
    return tpl.render(tpl.validate(text), tpl.sample_values(lang))


# -------------------------------------------------------------------------------- contacts


@dataclass(frozen=True)
class ContactView:
    phone: str
    email: str | None
    lang: str | None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def set_contact(
    actor: Actor, phone: str, *, email: str | None = None, lang: str | None = None
) -> ContactView:
    """Record a recipient's e-mail and/or message language (empty clears it)."""
    number = parse_phone(phone).full
    if not number:
        raise InvalidInput(tr("Give the recipient's full phone number to save a contact."))
    email = (email or "").strip() or None
    if email is not None and (len(email) > 120 or not _EMAIL.match(email)):
        raise InvalidInput(tr("'{email}' is not an e-mail address.", email=email), field="email")
    lang = (lang or "").strip() or None
    if lang is not None and lang not in tpl.LANGS:
        raise InvalidInput(
            tr("Message language must be one of {langs}.", langs=", ".join(tpl.LANGS))
        )
    with unit_of_work(actor, "recipient.contact", "recipient", mask_full(number)) as change:
        old = RecipientContact.get_or_none(RecipientContact.phone == number)
        change.before = {"email": _mask_email(old.email), "lang": old.lang} if old else None
        RecipientContact.insert(
            phone=number, email=email, lang=lang, updated_at=clock.now()
        ).on_conflict(
            conflict_target=[RecipientContact.phone],
            update={
                RecipientContact.email: email,
                RecipientContact.lang: lang,
                RecipientContact.updated_at: clock.now(),
            },
        ).execute()
        change.after = {"email": _mask_email(email), "lang": lang}
        change.track("recipient_contact", number)
    return ContactView(number, email, lang)


def get_contact(phone: str) -> ContactView | None:
    number = parse_phone(phone).full
    row = RecipientContact.get_or_none(RecipientContact.phone == number) if number else None
    return ContactView(row.phone, row.email, row.lang) if row else None


def _mask_email(email: str | None) -> str | None:
    if not email:
        return email
    user, _, domain = email.partition("@")
    return f"{user[:1]}***@{domain}"


# --------------------------------------------------------------------------------- queuing


@dataclass(frozen=True)
class _ParcelInfo:
    id: int
    tracking: str
    status: str
    code: str | None
    slot: str | None
    name: str
    phone: str | None
    last4: str
    ext: str | None
    received_at: datetime
    carrier_zh: str
    carrier_en: str
    retention_days: int
    remind_days: int
    email: str | None  # from the recipient's contact, if recorded
    contact_lang: str | None


# Hand-written like intake's own SQL: this runs inside every intake, where peewee's query
# building would cost more than the statement itself.
_INFO_SQL = (
    "SELECT p.id, p.tracking, p.status, p.pickup_code, s.label, p.recipient_name, "
    "p.recipient_phone, p.phone_last4, p.phone_ext, p.received_at, c.name_zh, c.name_en, "
    "c.retention_days, c.remind_days, rc.email, rc.lang "
    "FROM parcel p JOIN carrier c ON c.code = p.carrier_id "
    "LEFT JOIN slot s ON s.id = p.slot_id "
    "LEFT JOIN recipient_contact rc ON rc.phone = p.recipient_phone "
)
_INSERT_COLUMNS = (
    "key",
    "parcel_id",
    "kind",
    "channel",
    "phone",
    "email",
    "lang",
    "subject",
    "body",
    "data",
    "status",
    "attempts",
    "next_attempt_at",
    "provider_id",
    "last_error",
    "created_at",
)


def _as_datetime(value: Any) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def _parcel_infos(where: str, params: tuple[Any, ...]) -> list[_ParcelInfo]:
    rows = run_sql(_INFO_SQL + where, params).fetchall()
    infos = []
    for row in rows:
        values = list(row)
        values[9] = _as_datetime(values[9])
        infos.append(_ParcelInfo(*values))
    return infos


def _insert_messages(rows: list[dict[str, Any]]) -> None:
    """INSERT … ON CONFLICT (key) DO NOTHING: a key already queued is left as it is."""
    columns = ", ".join(_INSERT_COLUMNS)
    marks = "(" + ", ".join("?" * len(_INSERT_COLUMNS)) + ")"
    for i in range(0, len(rows), 50):
        chunk = rows[i : i + 50]
        params = [row[c] for row in chunk for c in _INSERT_COLUMNS]
        run_sql(
            f"INSERT INTO outbox_message ({columns}) VALUES "
            + ", ".join([marks] * len(chunk))
            + " ON CONFLICT (key) DO NOTHING",
            params,
        )


def _deadline(received_at: datetime, retention_days: int) -> date:
    """The last day the parcel can be collected before it counts as overdue."""
    return clock.local_day(received_at) + timedelta(days=max(1, retention_days) - 1)


def _stamp(received_at: datetime) -> str:
    # Part of every key: an undone intake's id may be reused by the next parcel.
    return received_at.strftime("%Y%m%d%H%M%S%f")


def _values(info: _ParcelInfo, lang: str, today: date) -> dict[str, str]:
    received = clock.local_day(info.received_at)
    return {
        "name": info.name,
        "code": info.code or "",
        "slot": info.slot or "",
        "station": str(settings.get("station_name") or ""),
        "address": str(settings.get("station_address") or ""),
        "hours": str(settings.get("station_hours") or ""),
        "carrier": info.carrier_zh if lang == "zh_CN" else info.carrier_en,
        "days": str(max(0, (today - received).days)),
        "deadline": tpl.format_deadline(_deadline(info.received_at, info.retention_days), lang),
    }


def _sms_number(info: _ParcelInfo) -> str | None:
    """A number an SMS can reach: a full mobile, not a virtual number with an extension."""
    if info.phone and not info.ext and _MOBILE.fullmatch(info.phone):
        return info.phone
    return None


def _choose_channel(conf: Mapping[str, Any], sms: str | None, email: str | None) -> str | None:
    for name in conf["order"]:
        if not conf[name]["enabled"]:
            continue
        if name == "sms" and sms:
            return name
        if name == "email" and email:
            return name
        if name == "slip":
            return name
    return None


def _message_row(
    info: _ParcelInfo,
    kind: str,
    day: date | None,
    conf: Mapping[str, Any],
    now: datetime,
    not_before: datetime | None = None,
    today: date | None = None,
) -> dict[str, Any] | None:
    sms = _sms_number(info)
    channel = _choose_channel(conf, sms, info.email)
    if channel is None:
        return None
    lang = info.contact_lang or conf["lang"]
    template = get_template(kind, lang)
    values = _values(info, lang, today or clock.local_day(now))
    key = f"{kind}:{info.id}:{_stamp(info.received_at)}" + (f":{day.isoformat()}" if day else "")
    phone_masked = (
        mask_full(info.phone) if info.phone else ("****" + info.last4 if info.last4 else "")
    )
    data: dict[str, Any] = {
        k: values[k] for k in ("code", "slot", "name", "carrier", "deadline", "station")
    }
    data["phone_masked"] = phone_masked + (f"-{info.ext}" if info.ext else "")
    if not values["address"].strip() and "address" in tpl.placeholders_in(
        template.text + template.subject
    ):
        # Never "地址：，": held until the owner sets the station's address (outbox_hold).
        data[HELD_FLAG] = True
    return dict(
        key=key,
        parcel_id=info.id,
        kind=kind,
        channel=channel,
        phone=info.phone,
        email=info.email,
        lang=lang,
        subject=tpl.render(template.subject, values)[:200],
        body=tpl.render(template.text, values),
        data=json.dumps(data, ensure_ascii=False),
        status=QUEUED,
        attempts=0,
        next_attempt_at=max(now, not_before) if not_before else now,
        provider_id="",
        last_error="",
        created_at=now,
    )


def enqueue_for_intake(parcel_id: int) -> None:
    """Queue the arrival message for a parcel just taken in.

    Call it INSIDE the intake's open unit_of_work, after the parcel row is written: the
    message commits (or rolls back) with the intake. It never raises: a problem here is
    logged and rolled back to a savepoint, and the intake goes on (the owner sees no message
    in the outbox for that parcel and can check the settings)."""
    db = db_proxy.obj
    try:
        with db.atomic():  # a savepoint inside the intake's transaction
            infos = _parcel_infos("WHERE p.id = ?", (parcel_id,))
            if not infos:
                return
            row = _message_row(infos[0], KIND_INTAKE, None, config(), clock.now())
            if row is not None:
                _insert_messages([row])
    except Exception as exc:  # noqa: BLE001 - the scan must go on; the log says why
        log.exception("could not queue the arrival message for parcel %s: %s", parcel_id, exc)


def cancel_for_parcel(parcel_id: int, reason: str = "") -> int:
    """Cancel the parcel's messages not yet sent (inside the caller's unit_of_work, e.g. when
    an intake is undone). Returns how many."""
    return (
        OutboxMessage.update(status=CANCELLED, last_error=reason[:500], claim_token=None)
        .where(OutboxMessage.parcel == parcel_id, OutboxMessage.status.in_(DUE_STATUSES))
        .execute()
    )


def _reminder_offsets(retention_days: int, remind_days: int) -> tuple[int | None, int | None]:
    """Days after the intake day for (reminder, last notice). The last notice goes out the
    day before the last day of collection; a reminder on or after it is left out."""
    last = retention_days - 2 if retention_days >= 3 else None
    remind = remind_days if remind_days > 0 else None
    if remind is not None and last is not None and remind >= last:
        remind = None
    if remind is not None and remind > retention_days - 1:
        remind = None
    return remind, last


def _opening(today: date, now: datetime) -> datetime | None:
    """Today's opening time (UTC) from station_hours "HH:MM-HH:MM", when still ahead."""
    match = re.match(r"^\s*(\d{1,2}):(\d{2})", str(settings.get("station_hours") or ""))
    if not match:
        return None
    start, _ = clock.day_bounds(today)
    opening = start + timedelta(hours=int(match.group(1)), minutes=int(match.group(2)))
    return opening if opening > now else None


def schedule_reminders(actor: Actor, today: date | None = None) -> int:
    """Queue a reminder on each carrier's remind day and a last notice the day before the
    last day of collection, for parcels still on the shelf. A missed day is caught up (at
    most the latest notice due); keys make every run idempotent. Reminders wait for the
    station's opening time. Returns how many messages were queued (0: no audit event)."""
    today = today or clock.local_day()
    now = clock.now()
    conf = config()
    not_before = _opening(today, now)
    wanted: list[tuple[_ParcelInfo, str, date]] = []
    for carrier in Carrier.select():
        remind, last = _reminder_offsets(carrier.retention_days, carrier.remind_days)
        offsets = [o for o in (remind, last) if o is not None]
        if not offsets:
            continue
        earliest_day = today - timedelta(days=max(1, carrier.retention_days) - 1)
        latest_day = today - timedelta(days=min(offsets))
        start, _ = clock.day_bounds(earliest_day)
        _, end = clock.day_bounds(latest_day)
        infos = _parcel_infos(
            "WHERE p.status = ? AND p.carrier_id = ? AND p.received_at >= ? "
            "AND p.received_at < ? ORDER BY p.id",
            (ON_SHELF, carrier.code, start, end),
        )
        for info in infos:
            received = clock.local_day(info.received_at)
            if last is not None and today >= received + timedelta(days=last):
                wanted.append((info, KIND_LAST_NOTICE, received + timedelta(days=last)))
            elif remind is not None and today >= received + timedelta(days=remind):
                wanted.append((info, KIND_REMINDER, received + timedelta(days=remind)))
    if not wanted:
        return 0
    keys = {
        f"{kind}:{info.id}:{_stamp(info.received_at)}:{day.isoformat()}"
        for info, kind, day in wanted
    }
    if not keys - _existing_keys(keys):
        return 0
    with unit_of_work(actor, "outbox.schedule", "outbox", today.isoformat()) as change:
        existing = _existing_keys(keys)  # again, under the write lock
        rows = []
        for info, kind, day in wanted:
            row = _message_row(info, kind, day, conf, now, not_before, today)
            if row is not None and row["key"] not in existing:
                rows.append(row)
                change.touch(info.id, f"{kind.replace('_', ' ')} queued ({row['channel']})")
        _insert_messages(rows)
        by_kind: dict[str, int] = {}
        for row in rows:
            by_kind[row["kind"]] = by_kind.get(row["kind"], 0) + 1
        change.after = {"day": today.isoformat(), "queued": len(rows), "by_kind": by_kind}
    return len(rows)


def _existing_keys(keys: set[str]) -> set[str]:
    found: set[str] = set()
    ordered = sorted(keys)
    for i in range(0, len(ordered), 500):
        chunk = ordered[i : i + 500]
        query = OutboxMessage.select(OutboxMessage.key).where(OutboxMessage.key.in_(chunk))
        found.update(str(k) for (k,) in cast(Iterable[tuple[str]], query.tuples()))
    return found


# --------------------------------------------------------------------------------- sending


@dataclass
class SendReport:
    claimed: int = 0
    sent: int = 0
    retrying: int = 0  # failed this time, another attempt is scheduled
    failed: int = 0  # gave up (permanent error or too many attempts)
    unknown: int = 0  # interrupted sends marked failed_unknown
    requeued: int = 0  # interrupted sends on an idempotent channel, queued again
    cancelled: int = 0  # reminders whose parcel already left, …
    held: int = 0  # waiting for the station's address (never sent with a blank one)
    errors: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _outgoing(row: OutboxMessage) -> ch.OutgoingMessage:
    try:
        data = json.loads(row.data or "{}")
    except ValueError:
        data = {}
    return ch.OutgoingMessage(
        id=row.id,
        key=row.key,
        idempotency_key=idempotency_key(row.key),
        kind=row.kind,
        channel=row.channel,
        phone=row.phone,
        email=row.email,
        lang=row.lang,
        subject=row.subject,
        body=row.body,
        data=data if isinstance(data, dict) else {},
    )


def _why_not_send(kind: str, parcel_id: int | None, parcel_status: str | None) -> str | None:
    if parcel_id is None:
        return tr("The parcel's intake was undone.")
    if kind == KIND_INTAKE and parcel_status not in ACTIVE_STATUSES:
        return tr(
            "The parcel is already {status}; no arrival message needed.",
            status=tr(str(parcel_status)),
        )
    if kind in (KIND_REMINDER, KIND_LAST_NOTICE) and parcel_status != ON_SHELF:
        return tr(
            "The parcel is {status}, no longer waiting on the shelf.",
            status=tr(str(parcel_status)),
        )
    return None


def _claim_next(moment: datetime, token: str, report: SendReport) -> OutboxMessage | None:
    """Take the next due message for this sender, committed before anything is sent."""
    while True:
        with _transaction():
            candidates = list(
                OutboxMessage.select(OutboxMessage, Parcel.status.alias("parcel_status"))
                .join(Parcel, JOIN.LEFT_OUTER, on=(OutboxMessage.parcel == Parcel.id))
                .where(
                    OutboxMessage.status.in_(DUE_STATUSES),
                    OutboxMessage.next_attempt_at <= moment,
                    ~OutboxMessage.data.contains(HELD_MARK),
                )
                .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
                .limit(10)
                .objects()
            )
            if not candidates:
                return None
            for row in candidates:
                due = (
                    (OutboxMessage.id == row.id)
                    & OutboxMessage.status.in_(DUE_STATUSES)
                    & (OutboxMessage.next_attempt_at <= moment)
                )
                reason = _why_not_send(row.kind, row.parcel_id, row.parcel_status)  # type: ignore[attr-defined]
                if reason is not None:
                    n = (
                        OutboxMessage.update(status=CANCELLED, last_error=reason)
                        .where(due)
                        .execute()
                    )
                    report.cancelled += n
                    continue
                n = (
                    OutboxMessage.update(
                        status=SENDING,
                        claim_token=token,
                        claimed_at=moment,
                        attempts=OutboxMessage.attempts + 1,
                    )
                    .where(due)
                    .execute()
                )
                if n == 1:
                    report.claimed += 1
                    return OutboxMessage.get_by_id(row.id)
        # every candidate was cancelled or taken by another sender: look again


def _finish(row: OutboxMessage, token: str, **values: Any) -> bool:
    with _transaction():
        n = (
            OutboxMessage.update(claim_token=None, **values)
            .where(
                OutboxMessage.id == row.id,
                OutboxMessage.status == SENDING,
                OutboxMessage.claim_token == token,
            )
            .execute()
        )
    if n != 1:
        log.warning("outbox message %s changed while it was being sent", row.id)
    return n == 1


def _fallback_slip(row: OutboxMessage, moment: datetime) -> None:
    """A message that could not go out electronically becomes a notice slip to print."""
    if row.channel == "slip" or not config()["slip"]["enabled"]:
        return
    with _transaction():
        OutboxMessage.insert(
            key=f"{row.key}:slip"[:120],
            parcel=row.parcel_id,
            kind=row.kind,
            channel="slip",
            phone=row.phone,
            email=row.email,
            lang=row.lang,
            subject=row.subject,
            body=row.body,
            data=row.data,
            status=QUEUED,
            attempts=0,
            next_attempt_at=moment,
            created_at=moment,
        ).on_conflict_ignore().execute()


def _record_failure(
    row: OutboxMessage,
    channel: ch.Channel | None,
    exc: ch.ChannelError,
    moment: datetime,
    token: str,
    report: SendReport,
) -> None:
    report.errors.append(f"#{row.id} {row.channel}: {exc.message}")
    error = exc.message[:1000]
    if exc.unknown and not (channel is not None and channel.idempotent):
        if _finish(row, token, status=FAILED_UNKNOWN, last_error=f"{error} {tr(INTERRUPTED)}"):
            report.unknown += 1
        return
    if exc.permanent or row.attempts >= MAX_ATTEMPTS:
        if _finish(row, token, status=FAILED, last_error=error):
            report.failed += 1
            _fallback_slip(row, moment)
        return
    delay = BACKOFF_BASE * (2 ** max(0, row.attempts - 1))
    if _finish(row, token, status=RETRYING, last_error=error, next_attempt_at=moment + delay):
        report.retrying += 1


def recover_interrupted(
    channel_registry: Mapping[str, ch.Channel], now: datetime | None = None
) -> tuple[int, int]:
    """Messages left 'sending' by a sender that died: sent again where the channel drops
    repeats, else 'failed_unknown' for the owner. Returns (requeued, unknown)."""
    moment = now or clock.now()
    stale = list(
        OutboxMessage.select(
            OutboxMessage.id, OutboxMessage.channel, OutboxMessage.claim_token, OutboxMessage.parcel
        ).where(OutboxMessage.status == SENDING, OutboxMessage.claimed_at < moment - STALE_AFTER)
    )
    if not stale:
        return 0, 0
    requeued: list[int] = []
    unknown: list[int] = []
    with unit_of_work(SYSTEM, "outbox.interrupted", "outbox") as change:
        for row in stale:
            channel = channel_registry.get(row.channel)
            where = (
                (OutboxMessage.id == row.id)
                & (OutboxMessage.status == SENDING)
                & (OutboxMessage.claim_token == row.claim_token)
            )
            if channel is not None and channel.idempotent:
                n = (
                    OutboxMessage.update(
                        status=RETRYING,
                        claim_token=None,
                        next_attempt_at=moment,
                        last_error=tr(
                            "Interrupted while sending; sent again (repeats are dropped)."
                        ),
                    )
                    .where(where)
                    .execute()
                )
                if n:
                    requeued.append(row.id)
            else:
                n = (
                    OutboxMessage.update(
                        status=FAILED_UNKNOWN, claim_token=None, last_error=tr(INTERRUPTED)
                    )
                    .where(where)
                    .execute()
                )
                if n:
                    unknown.append(row.id)
                    if row.parcel_id:
                        change.touch(row.parcel_id, "message interrupted: check it")
        change.after = {"requeued": requeued, "failed_unknown": unknown}
    return len(requeued), len(unknown)


def send_due(
    channel_registry: Mapping[str, ch.Channel], limit: int = 50, now: datetime | None = None
) -> SendReport:
    """Send up to `limit` due messages, one claim at a time. Must run outside a transaction
    (the claim has to be committed before the channel is called)."""
    db = db_proxy.obj
    if db.in_transaction():
        raise RuntimeError("send_due must not run inside a transaction")
    report = SendReport()

    def moment() -> datetime:
        return now if now is not None else clock.now()

    report.requeued, report.unknown = recover_interrupted(channel_registry, moment())
    from station.services import outbox_hold

    outbox_hold.release_held()
    report.held = outbox_hold.held_count()
    if report.held:
        report.errors.append(outbox_hold.held_reason(report.held))
    token = secrets.token_hex(8)
    for _ in range(limit):
        row = _claim_next(moment(), token, report)
        if row is None:
            break
        channel = channel_registry.get(row.channel)
        try:
            if channel is None:
                raise ch.ChannelError(
                    tr(
                        "The {channel} channel is switched off or not set up "
                        "(Settings → Messages).",
                        channel=row.channel,
                    )
                )
            provider_id = channel.send(_outgoing(row))
        except ch.ChannelError as exc:
            _record_failure(row, channel, exc, moment(), token, report)
        except Exception as exc:  # noqa: BLE001 - a channel bug must not lose the message
            log.exception("channel %s failed on message %s", row.channel, row.id)
            error = ch.ChannelError(tr("Unexpected error: {error}", error=repr(exc)), unknown=True)
            _record_failure(row, channel, error, moment(), token, report)
        else:
            if _finish(
                row,
                token,
                status=SENT,
                sent_at=moment(),
                provider_id=str(provider_id)[:200],
                last_error="",
            ):
                report.sent += 1
    return report


# ---------------------------------------------------------------------- the owner's outbox


@dataclass(frozen=True)
class MessageView:
    id: int
    key: str
    parcel_id: int | None
    kind: str
    channel: str
    to: str
    lang: str
    subject: str
    body: str
    status: str
    attempts: int
    next_attempt_at: str | None
    last_error: str
    provider_id: str
    created_at: str | None
    sent_at: str | None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _view(row: OutboxMessage, actor: Actor | None) -> MessageView:
    owner = actor is not None and actor.is_owner
    if row.channel == "email":
        to = (row.email if owner else _mask_email(row.email)) or ""
    elif row.channel == "sms":
        to = (row.phone if owner else mask_full(row.phone)) if row.phone else ""
    else:
        to = tr("notice slip")
    return MessageView(
        id=row.id,
        key=row.key,
        parcel_id=row.parcel_id,
        kind=row.kind,
        channel=row.channel,
        to=to,
        lang=row.lang,
        subject=row.subject,
        body=row.body,
        status=row.status,
        attempts=row.attempts,
        next_attempt_at=clock.iso(row.next_attempt_at) if row.status in DUE_STATUSES else None,
        last_error=row.last_error,
        provider_id=row.provider_id if owner else "",
        created_at=clock.iso(row.created_at),
        sent_at=clock.iso(row.sent_at),
    )


def list_messages(
    actor: Actor, status: str | None = None, limit: int = 200, parcel_id: int | None = None
) -> list[MessageView]:
    """Newest first. Clerks see masked numbers and addresses."""
    if status is not None and status not in MESSAGE_STATUSES:
        raise InvalidInput(tr("Unknown message status '{status}'.", status=status))
    query = OutboxMessage.select()
    if status is not None:
        query = query.where(OutboxMessage.status == status)
    if parcel_id is not None:
        query = query.where(OutboxMessage.parcel == parcel_id)
    rows = query.order_by(OutboxMessage.id.desc()).limit(max(1, min(limit, 1000)))
    return [_view(row, actor) for row in rows]


def get_message(actor: Actor, message_id: int) -> MessageView:
    row = OutboxMessage.get_or_none(OutboxMessage.id == message_id)
    if row is None:
        raise NotFound(tr("There is no message #{message_id}.", message_id=message_id))
    return _view(row, actor)


def counts() -> dict[str, int]:
    """Messages per status (for a badge: failed + failed_unknown need the owner)."""
    out = {status: 0 for status in MESSAGE_STATUSES}
    query = OutboxMessage.select(OutboxMessage.status, fn.COUNT(OutboxMessage.id)).group_by(
        OutboxMessage.status
    )
    for status, n in cast(Iterable[tuple[str, int]], query.tuples()):
        out[status] = int(n)
    return out


def _locked_message(message_id: int) -> OutboxMessage:
    row = locked(OutboxMessage.select().where(OutboxMessage.id == message_id)).first()
    if row is None:
        raise NotFound(tr("There is no message #{message_id}.", message_id=message_id))
    return row  # type: ignore[no-any-return]


def retry(actor: Actor, message_id: int, channel: str | None = None) -> MessageView:
    """Owner: send a failed, interrupted (failed_unknown) or cancelled message again, now,
    optionally through another channel. For 'failed_unknown' this is the owner's decision
    that a possible second copy is acceptable; it is audited."""
    actor.require_owner("send a message again")
    if channel is not None and channel not in ch.CHANNEL_NAMES:
        raise InvalidInput(
            tr("Channel must be one of {channels}.", channels=", ".join(ch.CHANNEL_NAMES))
        )
    with unit_of_work(actor, "outbox.retry", "outbox_message", message_id) as change:
        row = _locked_message(message_id)
        if row.status not in (FAILED, FAILED_UNKNOWN, CANCELLED):
            raise Conflict(
                tr(
                    "Message #{message_id} is {status}: only a failed, interrupted or "
                    "cancelled message can be sent again.",
                    message_id=message_id,
                    status=row.status,
                ),
                code="not_retryable",
            )
        target = channel or row.channel
        if target == "sms" and not (row.phone and _MOBILE.fullmatch(row.phone)):
            raise InvalidInput(tr("This recipient has no mobile number to send an SMS to."))
        if target == "email" and not row.email:
            raise InvalidInput(tr("This recipient has no e-mail address; add it first."))
        change.before = {
            "status": row.status,
            "channel": row.channel,
            "attempts": row.attempts,
            "last_error": row.last_error,
        }
        OutboxMessage.update(
            status=RETRYING,
            channel=target,
            attempts=0,
            next_attempt_at=clock.now(),
            claim_token=None,
            last_error="",
        ).where(OutboxMessage.id == row.id).execute()
        change.after = {"status": RETRYING, "channel": target}
        if row.parcel_id:
            change.touch(row.parcel_id, f"{row.kind.replace('_', ' ')} message sent again")
    return get_message(actor, message_id)


def dismiss(actor: Actor, message_id: int, note: str = "") -> MessageView:
    """Owner: stop a message that is not sent (e.g. a failed_unknown one that did arrive)."""
    actor.require_owner("dismiss a message")
    with unit_of_work(actor, "outbox.dismiss", "outbox_message", message_id) as change:
        row = _locked_message(message_id)
        if row.status in (SENT, SENDING, CANCELLED):
            raise Conflict(
                tr(
                    "Message #{message_id} is {status}; nothing to dismiss.",
                    message_id=message_id,
                    status=row.status,
                )
            )
        change.before = {"status": row.status}
        text = " ".join(str(note).split())[:200]
        OutboxMessage.update(
            status=CANCELLED,
            last_error=(
                tr("Dismissed by {name}: {note}", name=actor.name, note=text)
                if text
                else tr("Dismissed by {name}", name=actor.name)
            ),
        ).where(OutboxMessage.id == row.id).execute()
        change.after = {"status": CANCELLED, "note": text}
    return get_message(actor, message_id)


# ---------------------------------------------------------------------------- the worker


class OutboxWorker(threading.Thread):
    """Sends due messages every `interval` seconds (and queues reminders every
    `reminders_every` seconds) in a plain daemon thread. `wake()` sends now (e.g. right after
    an intake); `stop()` ends it after the current message. The channels are rebuilt from the
    stored settings each round unless a fixed registry (or a factory) is given."""

    def __init__(
        self,
        channels: Mapping[str, ch.Channel] | Callable[[], Mapping[str, ch.Channel]] | None = None,
        *,
        interval: float = 30.0,
        reminders_every: float | None = 900.0,
        limit: int = 50,
    ) -> None:
        super().__init__(name="outbox-worker", daemon=True)
        self._channels = channels
        self.interval = interval
        self.reminders_every = reminders_every
        self.limit = limit
        self._halt = threading.Event()
        self._wake = threading.Event()
        self._next_reminders = 0.0
        self.rounds = 0
        self.last_report: SendReport | None = None
        self.last_error = ""

    def _registry(self) -> Mapping[str, ch.Channel]:
        if self._channels is None:
            return build_channels()
        if callable(self._channels):
            return self._channels()
        return self._channels

    def run_once(self) -> SendReport | None:
        try:
            if self.reminders_every is not None and time.monotonic() >= self._next_reminders:
                schedule_reminders(SYSTEM)
                self._next_reminders = time.monotonic() + self.reminders_every
            report = send_due(self._registry(), limit=self.limit)
            self.last_report, self.last_error = report, ""
            return report
        except Exception as exc:  # noqa: BLE001 - keep the thread alive; try next round
            log.exception("outbox round failed")
            self.last_error = str(exc)
            return None
        finally:
            self.rounds += 1

    def run(self) -> None:
        try:
            while not self._halt.is_set():
                self.run_once()
                self._wake.wait(self.interval)
                self._wake.clear()
        finally:
            db = db_proxy.obj
            if db is not None and not db.is_closed():
                db.close()  # this thread's connection only

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 30.0) -> None:
        self._halt.set()
        self._wake.set()
        if self.is_alive():
            self.join(timeout)
