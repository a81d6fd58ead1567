"""Tables of the recipient-message outbox (schema version 2).

A message is written once (its `key` is unique, so it can never be queued twice) and then
only moves forward through its statuses; see station.services.outbox for the rules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from peewee import (
    AutoField,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from station.models import BaseModel, Parcel, Staff

# Message statuses.
QUEUED = "queued"  # waiting for its first attempt
SENDING = "sending"  # claimed by a sender; the claim is committed before the channel is called
SENT = "sent"
RETRYING = "retrying"  # an attempt failed; the next one is due at next_attempt_at
FAILED = "failed"  # no more automatic attempts (permanent error or too many tries)
FAILED_UNKNOWN = "failed_unknown"  # interrupted mid-send: may or may not have arrived
CANCELLED = "cancelled"
MESSAGE_STATUSES = (QUEUED, SENDING, SENT, RETRYING, FAILED, FAILED_UNKNOWN, CANCELLED)
DUE_STATUSES = (QUEUED, RETRYING)

# What a message is about.
KIND_INTAKE = "intake"
KIND_REMINDER = "reminder"
KIND_LAST_NOTICE = "last_notice"
MESSAGE_KINDS = (KIND_INTAKE, KIND_REMINDER, KIND_LAST_NOTICE)


class OutboxMessage(BaseModel):
    id = AutoField()
    key = CharField(unique=True, max_length=120)  # idempotency key: never queued twice
    parcel = ForeignKeyField(Parcel, null=True, on_delete="SET NULL")
    kind = CharField(max_length=16)
    channel = CharField(max_length=16)  # sms | email | slip
    phone = CharField(max_length=20, null=True)  # full number (needed to send)
    email = CharField(max_length=120, null=True)
    lang = CharField(max_length=8)
    subject = CharField(max_length=200, default="")
    body = TextField()
    data = TextField(default="{}")  # JSON: placeholder values (for the notice slip)
    status = CharField(max_length=16, default=QUEUED)
    attempts = IntegerField(default=0)
    next_attempt_at = DateTimeField()
    claim_token = CharField(max_length=32, null=True)
    claimed_at = DateTimeField(null=True)
    provider_id = CharField(max_length=200, default="")
    last_error = TextField(default="")
    created_at = DateTimeField()
    sent_at = DateTimeField(null=True)
    if TYPE_CHECKING:
        parcel_id: int | None

    class Meta:
        indexes = ((("status", "next_attempt_at"), False),)


class MessageTemplate(BaseModel):
    """An owner's version of a message template; the built-in default applies otherwise."""

    id = AutoField()
    kind = CharField(max_length=16)
    lang = CharField(max_length=8)
    subject = CharField(max_length=200, default="")
    text = TextField()
    updated_by = ForeignKeyField(Staff, null=True, on_delete="SET NULL")
    updated_at = DateTimeField()
    if TYPE_CHECKING:
        updated_by_id: int | None

    class Meta:
        indexes = ((("kind", "lang"), True),)


class RecipientContact(BaseModel):
    """How to reach a recipient beyond the phone on the waybill: e-mail, language."""

    phone = CharField(primary_key=True, max_length=20)
    email = CharField(max_length=120, null=True)
    lang = CharField(max_length=8, null=True)
    updated_at = DateTimeField()


OUTBOX_MODELS: list[type[BaseModel]] = [OutboxMessage, MessageTemplate, RecipientContact]
