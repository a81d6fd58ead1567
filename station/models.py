"""The station's schema: one place for every table. Models stay thin; rules live in services.

Times are naive UTC datetimes (the station's zone is applied only when shown); money is
integer fen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from peewee import (
    SQL,
    AutoField,
    BigIntegerField,
    BooleanField,
    CharField,
    CompositeKey,
    DatabaseProxy,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

database_proxy = DatabaseProxy()

# Statuses a parcel can be in; ACTIVE ones have not left the station.
ON_SHELF = "ON_SHELF"
PICKED_UP = "PICKED_UP"
RETURN_PENDING = "RETURN_PENDING"
RETURNED = "RETURNED"
MISSING = "MISSING"
STATUSES = (ON_SHELF, PICKED_UP, RETURN_PENDING, RETURNED, MISSING)
ACTIVE_STATUSES = (ON_SHELF, RETURN_PENDING, MISSING)
ACTIVE_SQL = "status IN ('ON_SHELF', 'RETURN_PENDING', 'MISSING')"


def active_clause() -> SQL:
    """ "Still at the station" as literal SQL, the very text of the partial indexes' WHERE:
    SQLite can use a partial index only when it can prove the query implies it, which it
    cannot for bound parameters (with 1M finished parcels that is 0.1 ms against 100 ms)."""
    return SQL(ACTIVE_SQL)


class BaseModel(Model):
    class Meta:
        database = database_proxy
        legacy_table_names = False

    # create/save/delete_instance in a unit of work track the row for the audit replay;
    # after bulk update()/insert()/raw SQL, call audit.track(table, id).
    def save(self, force_insert: bool = False, only: Any = None) -> Any:
        result = super().save(force_insert=force_insert, only=only)
        _track(self)
        return result

    def delete_instance(self, recursive: bool = False, delete_nullable: bool = False) -> Any:
        _track(self)
        return super().delete_instance(recursive=recursive, delete_nullable=delete_nullable)


def _track(row: Model) -> None:
    from station.audit import track

    key = row._pk
    if key is not None:
        track(row._meta.table_name, key)


class Setting(BaseModel):
    """Station-wide settings (retention, policies, secrets) and the schema version."""

    key = CharField(primary_key=True, max_length=64)
    value = TextField()

    @classmethod
    def put(cls, key: str, value: str) -> None:
        """Insert or overwrite; portable across SQLite and PostgreSQL."""
        cls.insert(key=key, value=value).on_conflict(
            conflict_target=[cls.key], update={cls.value: value}
        ).execute()


class Staff(BaseModel):
    id = AutoField()
    name = CharField(unique=True, max_length=40)
    role = CharField(max_length=10)  # clerk | owner
    pin_hash = CharField(max_length=255)
    failed_attempts = IntegerField(default=0)
    locked_until = DateTimeField(null=True)
    active = BooleanField(default=True)
    created_at = DateTimeField()


class Carrier(BaseModel):
    code = CharField(primary_key=True, max_length=16)
    name_en = CharField(max_length=60)
    name_zh = CharField(max_length=60)
    patterns = TextField(default="[]")  # JSON list of regexes
    retention_days = IntegerField(default=7)
    remind_days = IntegerField(default=3)
    fee_per_parcel_fen = IntegerField(default=30)
    fee_per_return_fen = IntegerField(default=10)
    active = BooleanField(default=True)


class Shelf(BaseModel):
    id = AutoField()
    name = CharField(unique=True, max_length=3)
    position = IntegerField(default=0)


class Slot(BaseModel):
    """One layer of a shelf. Capacity and occupancy are per size class; the used_* counters
    are kept in the same transaction as every parcel move so allocation needs no scan."""

    id = AutoField()
    shelf = ForeignKeyField(Shelf, backref="slots", on_delete="RESTRICT")
    layer = IntegerField()
    label = CharField(unique=True, max_length=12)  # "A-3"
    cap_s = IntegerField(default=0)
    cap_m = IntegerField(default=0)
    cap_l = IntegerField(default=0)
    cap_xl = IntegerField(default=0)
    used_s = IntegerField(default=0)
    used_m = IntegerField(default=0)
    used_l = IntegerField(default=0)
    used_xl = IntegerField(default=0)

    class Meta:
        indexes = ((("shelf", "layer"), True),)


class Recipient(BaseModel):
    """What the station knows of a person beyond one parcel: door-delivery wish, consent."""

    id = AutoField()
    phone = CharField(unique=True, max_length=20)
    name = CharField(max_length=40, default="")
    door_delivery = BooleanField(default=False)
    standing_consent = BooleanField(default=False)
    note = CharField(max_length=200, default="")
    # Migration 7: how the standing consent was given (signed_form, phone_call, app,
    # in_person), by which clerk and when; who put the resident on the door list and when.
    # NULL until first set, so adding them changes no existing row (audit row digests).
    consent_basis = CharField(max_length=20, null=True)
    consent_by = CharField(max_length=40, null=True)
    consent_at = DateTimeField(null=True)
    door_by = CharField(max_length=40, null=True)
    door_at = DateTimeField(null=True)


class ManifestBatch(BaseModel):
    id = AutoField()
    carrier = ForeignKeyField(Carrier, on_delete="RESTRICT")
    file_name = CharField(max_length=255)
    rows = IntegerField()
    loaded = IntegerField()
    imported_at = DateTimeField()
    imported_by = ForeignKeyField(Staff, null=True, on_delete="SET NULL")


class ManifestEntry(BaseModel):
    id = AutoField()
    batch = ForeignKeyField(ManifestBatch, backref="entries", on_delete="CASCADE")
    carrier = ForeignKeyField(Carrier, on_delete="RESTRICT")
    tracking = CharField(max_length=40, index=True)
    name = CharField(max_length=40, default="")
    phone = CharField(max_length=20, null=True)
    phone_last4 = CharField(max_length=4, default="")
    phone_ext = CharField(max_length=8, null=True)
    cod_fen = IntegerField(default=0)
    consent = BooleanField(default=True)


class Pickup(BaseModel):
    """One hand-over to one person (one or many parcels)."""

    id = AutoField()
    receipt_no = CharField(unique=True, max_length=24)
    at = DateTimeField()
    staff = ForeignKeyField(Staff, on_delete="RESTRICT")
    counter = CharField(max_length=40, default="")
    id_type = CharField(max_length=20, null=True)
    id_masked = CharField(max_length=40, null=True)
    id_hash = CharField(max_length=64, null=True)
    id_name = CharField(max_length=40, null=True)
    proxy_name = CharField(max_length=40, null=True)
    proxy_phone_masked = CharField(max_length=24, null=True)
    due_fen = IntegerField(default=0)
    paid_fen = IntegerField(default=0)
    tendered_fen = IntegerField(default=0)
    change_fen = IntegerField(default=0)
    method = CharField(max_length=10, null=True)
    signature_png = TextField(null=True)  # base64
    # An owner's undo of the hand-over the same day (schema 5): the parcels went back.
    undone_at = DateTimeField(null=True)
    undone_by = IntegerField(null=True)  # staff id
    undo_reason = CharField(max_length=200, null=True)


class Handover(BaseModel):
    """A courier taking parcels back (returns) for a carrier, with a signed manifest."""

    id = AutoField()
    manifest_no = CharField(unique=True, max_length=24)
    carrier = ForeignKeyField(Carrier, on_delete="RESTRICT")
    courier_name = CharField(max_length=40, default="")
    at = DateTimeField()
    staff = ForeignKeyField(Staff, on_delete="RESTRICT")
    pdf_path = CharField(max_length=500, default="")
    courier_signature_png = TextField(null=True)  # base64 PNG (migration 3)
    if TYPE_CHECKING:
        carrier_id: str
        staff_id: int


class Parcel(BaseModel):
    id = AutoField()
    tracking = CharField(max_length=40, index=True)
    carrier = ForeignKeyField(Carrier, on_delete="RESTRICT")
    status = CharField(max_length=16)
    slot = ForeignKeyField(Slot, null=True, backref="parcels", on_delete="RESTRICT")
    size = CharField(max_length=2, default="M")
    code_seq = IntegerField(null=True)
    pickup_code = CharField(max_length=16, null=True)
    recipient_name = CharField(max_length=40, default="")
    recipient_phone = CharField(max_length=20, null=True)  # full number when known
    phone_last4 = CharField(max_length=4, default="")
    phone_ext = CharField(max_length=8, null=True)
    # Migration 7, privacy waybills: the virtual number when the label shows it in full, and
    # the number as the label shows it (masked) when it is not the recipient's own.
    phone_virtual = CharField(max_length=20, null=True)
    phone_label = CharField(max_length=24, null=True)
    weight_g = IntegerField(null=True)
    cod_fen = IntegerField(default=0)
    id_check = BooleanField(default=False)
    damaged = BooleanField(default=False)
    damage_note = CharField(max_length=200, default="")
    consent_basis = CharField(max_length=20, default="manifest")
    id_failures = IntegerField(default=0)
    received_at = DateTimeField()
    received_by = ForeignKeyField(Staff, null=True, on_delete="SET NULL", backref="intakes")
    picked_up_at = DateTimeField(null=True)
    pickup = ForeignKeyField(Pickup, null=True, backref="parcels", on_delete="RESTRICT")
    return_marked_at = DateTimeField(null=True)
    returned_at = DateTimeField(null=True)
    handover = ForeignKeyField(Handover, null=True, backref="parcels", on_delete="RESTRICT")
    if TYPE_CHECKING:  # peewee's generated foreign-key id attributes
        slot_id: int | None
        carrier_id: str
        received_by_id: int | None
        pickup_id: int | None
        handover_id: int | None
    missing_at = DateTimeField(null=True)
    # When the parcel left the station for good (collected or handed back): the one column
    # reports need to tell what was on the shelf at any moment without scanning history.
    left_at = DateTimeField(null=True, index=True)

    class Meta:
        indexes = (
            (("received_at",), False),
            (("phone_last4", "status"), False),
            (("pickup_code", "status"), False),
            (("code_seq", "status"), False),
            (("left_at", "received_at"), False),
            (("status", "received_at"), False),
        )


class CodeReservation(BaseModel):
    """Pickup-code sequence numbers in use or cooling down. The primary key makes two
    counters unable to hand out one number, whichever database is behind."""

    seq = IntegerField(primary_key=True)
    parcel = ForeignKeyField(Parcel, null=True, on_delete="SET NULL")
    released_at = DateTimeField(null=True)


class LedgerEntry(BaseModel):
    """Immutable money movements. Corrections are reversal entries, never edits."""

    id = AutoField()
    at = DateTimeField()
    day = DateField(index=True)  # the station's local business day it counts on
    kind = CharField(max_length=16)  # cod | freight | storage | send | refund | reversal
    method = CharField(max_length=10)  # cash | wechat | alipay | card
    amount_fen = BigIntegerField()
    pickup = ForeignKeyField(Pickup, null=True, on_delete="RESTRICT")
    parcel = ForeignKeyField(Parcel, null=True, on_delete="RESTRICT")
    reverses = ForeignKeyField("self", null=True, on_delete="RESTRICT", unique=True)
    reason = CharField(max_length=200, default="")
    staff = ForeignKeyField(Staff, on_delete="RESTRICT")
    if TYPE_CHECKING:
        pickup_id: int | None
        parcel_id: int | None
        reverses_id: int | None
        staff_id: int


class DayClose(BaseModel):
    day = DateField(primary_key=True)
    at = DateTimeField()
    staff = ForeignKeyField(Staff, on_delete="RESTRICT")
    expected = TextField()  # JSON {method: fen}
    counted = TextField()
    variance = TextField()
    reason = CharField(max_length=200, default="")
    pdf_path = CharField(max_length=500, default="")
    if TYPE_CHECKING:
        staff_id: int


class Ticket(BaseModel):
    id = AutoField()
    parcel = ForeignKeyField(Parcel, null=True, on_delete="RESTRICT")
    kind = CharField(max_length=20)
    status = CharField(max_length=20, default="open")
    note = TextField(default="")
    contact = CharField(max_length=60, default="")
    claim_fen = IntegerField(default=0)
    opened_at = DateTimeField()
    opened_by = ForeignKeyField(Staff, on_delete="RESTRICT")
    ack_due = DateTimeField()
    answer_due = DateTimeField()
    resolved_at = DateTimeField(null=True)
    resolution = TextField(default="")
    if TYPE_CHECKING:
        parcel_id: int | None
        opened_by_id: int


class AuditEvent(BaseModel):
    """Hash-chained record of every change: seq is gapless, hash covers prev_hash."""

    seq = BigIntegerField(primary_key=True)
    at = DateTimeField()
    actor = CharField(max_length=40)
    counter = CharField(max_length=40, default="")
    action = CharField(max_length=40)
    entity = CharField(max_length=20, default="")
    entity_id = CharField(max_length=64, default="")
    before = TextField(default="null")
    after = TextField(default="null")
    prev_hash = CharField(max_length=64)
    hash = CharField(max_length=64)
    # Migration 6: sha256 of the event's AuditRow entries ("" if none), covered by `hash`.
    rows_hash = CharField(max_length=64, default="")


class ChainHead(BaseModel):
    """The newest audit event. Every write locks this row first, which serialises writers on
    PostgreSQL just as BEGIN IMMEDIATE does on SQLite, and lets verify() notice a truncated
    tail."""

    id = IntegerField(primary_key=True)
    seq = BigIntegerField(default=0)
    hash = CharField(max_length=64)


class AuditRow(BaseModel):
    """A digest of one row as an event left it (or "deleted"), fingerprints per column
    (station.audit_rows); verify() compares the newest one of every row with the row now."""

    seq = BigIntegerField()
    pos = IntegerField()
    tbl = CharField(max_length=32)
    row_id = CharField(max_length=64)
    digest = CharField(max_length=64)
    cols = TextField(default="")

    class Meta:
        primary_key = CompositeKey("seq", "pos")
        indexes = ((("tbl", "row_id", "seq"), False),)


class ParcelEvent(BaseModel):
    """Index from a parcel to the audit events that touched it (its history)."""

    id = AutoField()
    parcel = ForeignKeyField(Parcel, backref="events", on_delete="CASCADE")
    audit_seq = BigIntegerField()
    at = DateTimeField()
    action = CharField(max_length=40)
    actor = CharField(max_length=40)
    detail = CharField(max_length=200, default="")


ALL_MODELS: list[type[BaseModel]] = [
    Setting,
    Staff,
    Carrier,
    Shelf,
    Slot,
    Recipient,
    ManifestBatch,
    ManifestEntry,
    Pickup,
    Handover,
    Parcel,
    CodeReservation,
    LedgerEntry,
    DayClose,
    Ticket,
    AuditEvent,
    ChainHead,
    AuditRow,
    ParcelEvent,
]
