"""Tables of outgoing sends (寄件, schema version 4).

A sender is recorded once under real name (实名寄递): ID type, masked number and a keyed hash,
never the number itself. A send is written once at the counter with its price parts and
payment, and then only moves forward: created → handed_over (to the courier, in a hand-over
batch) or created → voided (with a reason and a ledger reversal).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from peewee import (
    AutoField,
    BooleanField,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
)

from station.models import BaseModel, Carrier, Handover, LedgerEntry, Staff

# Send statuses.
CREATED = "created"
HANDED_OVER = "handed_over"
VOIDED = "voided"
SEND_STATUSES = (CREATED, HANDED_OVER, VOIDED)

# Address-book entry kinds.
KIND_RECIPIENT = "recipient"
KIND_SENDER = "sender"
ADDRESS_KINDS = (KIND_RECIPIENT, KIND_SENDER)


class Sender(BaseModel):
    """A real-name sender, checked once. The ID is kept as type + masked form + keyed hash."""

    id = AutoField()
    name = CharField(max_length=40)
    phone = CharField(max_length=20)  # full mainland number: the carrier needs it
    phone_last4 = CharField(max_length=4, index=True)
    id_type = CharField(max_length=20)
    id_masked = CharField(max_length=40)
    id_hash = CharField(max_length=64, unique=True)
    verified_at = DateTimeField()
    verified_by = ForeignKeyField(Staff, on_delete="RESTRICT", backref="+")
    if TYPE_CHECKING:
        verified_by_id: int

    class Meta:
        indexes = ((("phone",), False),)


class SenderAddress(BaseModel):
    """The address book of a repeat sender: their own addresses and the people they send to."""

    id = AutoField()
    sender = ForeignKeyField(Sender, backref="addresses", on_delete="CASCADE")
    kind = CharField(max_length=10)  # recipient | sender
    label = CharField(max_length=40, default="")
    name = CharField(max_length=40)
    phone = CharField(max_length=20)
    province = CharField(max_length=20)
    city = CharField(max_length=30)
    district = CharField(max_length=30, default="")
    detail = CharField(max_length=200)
    uses = IntegerField(default=1)
    last_used_at = DateTimeField()
    if TYPE_CHECKING:
        sender_id: int

    class Meta:
        # A business sender's book can hold thousands of recipients: found by phone.
        indexes = ((("sender", "kind", "phone"), False),)


class RateCard(BaseModel):
    """A carrier's price for one destination zone: first weight, then each additional kg."""

    id = AutoField()
    carrier = ForeignKeyField(Carrier, on_delete="RESTRICT", backref="+")
    zone = CharField(max_length=16)
    first_weight_g = IntegerField()
    first_price_fen = IntegerField()
    additional_per_kg_fen = IntegerField()
    max_weight_g = IntegerField()
    volumetric_divisor = IntegerField(default=6000)
    insurance_rate_bp = IntegerField(default=50)  # basis points of the declared value
    insurance_min_fen = IntegerField(default=100)
    max_declared_fen = IntegerField(default=0)  # 0 = no limit
    updated_at = DateTimeField()
    updated_by = ForeignKeyField(Staff, null=True, on_delete="SET NULL", backref="+")
    if TYPE_CHECKING:
        carrier_id: str
        updated_by_id: int | None

    class Meta:
        indexes = ((("carrier", "zone"), True),)


class RegionZone(BaseModel):
    """An owner's override of the zone a destination province falls in, for one carrier."""

    id = AutoField()
    carrier = ForeignKeyField(Carrier, on_delete="RESTRICT", backref="+")
    province = CharField(max_length=20)
    zone = CharField(max_length=16)
    if TYPE_CHECKING:
        carrier_id: str

    class Meta:
        indexes = ((("carrier", "province"), True),)


class Send(BaseModel):
    """One outgoing parcel taken at the counter."""

    id = AutoField()
    waybill_no = CharField(max_length=40, unique=True)
    carrier = ForeignKeyField(Carrier, on_delete="RESTRICT", backref="+")
    status = CharField(max_length=12, default=CREATED)
    sender = ForeignKeyField(Sender, on_delete="RESTRICT", backref="sends")
    sender_name = CharField(max_length=40)  # as printed on the waybill
    sender_phone = CharField(max_length=20)
    sender_address = CharField(max_length=300, default="")
    recipient_name = CharField(max_length=40)
    recipient_phone = CharField(max_length=20)
    recipient_last4 = CharField(max_length=4, default="")
    province = CharField(max_length=20)
    city = CharField(max_length=30)
    district = CharField(max_length=30, default="")
    detail = CharField(max_length=200)
    contents_category = CharField(max_length=24)
    contents_note = CharField(max_length=100, default="")
    declared_value_fen = IntegerField(default=0)
    insured = BooleanField(default=False)
    weight_g = IntegerField()
    length_cm = IntegerField(default=0)
    width_cm = IntegerField(default=0)
    height_cm = IntegerField(default=0)
    volumetric_weight_g = IntegerField(default=0)
    chargeable_weight_g = IntegerField()
    zone = CharField(max_length=16)
    freight_fen = IntegerField()
    insurance_fen = IntegerField(default=0)
    total_fen = IntegerField()
    method = CharField(max_length=10)
    tendered_fen = IntegerField(default=0)
    change_fen = IntegerField(default=0)
    receipt_no = CharField(max_length=24, unique=True)
    payment = ForeignKeyField(LedgerEntry, null=True, on_delete="RESTRICT", backref="+")
    reversal = ForeignKeyField(LedgerEntry, null=True, on_delete="RESTRICT", backref="+")
    counter = CharField(max_length=40, default="")
    created_at = DateTimeField(index=True)
    created_by = ForeignKeyField(Staff, on_delete="RESTRICT", backref="+")
    voided_at = DateTimeField(null=True)
    voided_by = ForeignKeyField(Staff, null=True, on_delete="RESTRICT", backref="+")
    void_reason = CharField(max_length=200, default="")
    handover = ForeignKeyField(Handover, null=True, on_delete="RESTRICT", backref="sends")
    handed_over_at = DateTimeField(null=True, index=True)
    if TYPE_CHECKING:
        carrier_id: str
        sender_id: int
        payment_id: int | None
        reversal_id: int | None
        created_by_id: int
        voided_by_id: int | None
        handover_id: int | None

    class Meta:
        indexes = (
            (("status", "carrier"), False),
            (("recipient_last4",), False),
        )


SEND_MODELS: list[type[BaseModel]] = [Sender, SenderAddress, RateCard, RegionZone, Send]
