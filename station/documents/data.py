"""What each printed document needs: plain frozen dataclasses, filled by the services.

The renderers know nothing of the database. Money is integer fen; times are aware
``datetime`` values already in the station's time zone (or naive local times); phone numbers
and ID numbers arrive masked (the renderers mask a full mainland mobile number defensively).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True)
class StickerData:
    """The shelf sticker stuck on an inbound parcel at intake."""

    tracking: str
    carrier_code: str
    carrier_name: str
    pickup_code: str
    slot: str
    masked_phone: str
    recipient_name: str
    received_at: datetime
    cod_fen: int = 0
    id_check: bool = False
    station_name: str = ""
    reprint: bool = False


@dataclass(frozen=True)
class ReceiptLine:
    tracking: str
    pickup_code: str
    slot: str
    cod_fen: int = 0
    carrier_name: str = ""


@dataclass(frozen=True)
class PersonDetails:
    """A masked identity shown on a receipt: who collected (proxy) or whose ID was checked."""

    name: str = ""  # already masked or a surname form, e.g. "李*"
    masked_phone: str = ""
    id_type: str = ""  # e.g. "居民身份证 ID card"
    masked_id: str = ""  # e.g. "110***********123X"
    relation: str = ""  # for a proxy: "家人 family", "同事 colleague", …


@dataclass(frozen=True)
class ReceiptData:
    """The pickup receipt (取件凭证) printed on the 80 mm roll."""

    station_name: str
    receipt_no: str
    clerk: str
    at: datetime
    lines: tuple[ReceiptLine, ...]
    due_fen: int = 0
    paid_fen: int = 0
    tendered_fen: int = 0
    change_fen: int = 0
    method: str = ""  # cash | wechat | alipay | card | "" (nothing due)
    proxy: PersonDetails | None = None
    id_check: PersonDetails | None = None
    signature_png: bytes | None = None
    station_address: str = ""
    station_phone: str = ""
    reprint: bool = False
    footer: str = ""
    undone: str = ""  # when and why the owner undid this hand-over; "" while it stands


@dataclass(frozen=True)
class ManifestParcel:
    tracking: str
    slot: str = ""
    reason: str = ""  # "overdue 滞留", "refused 拒收", …
    received_at: datetime | None = None
    weight_g: int | None = None
    note: str = ""


@dataclass(frozen=True)
class ManifestData:
    """A courier hand-over manifest: returns to the carrier, or outgoing sends."""

    manifest_no: str
    carrier: str
    courier_name: str
    station_name: str
    at: datetime
    clerk: str
    parcels: tuple[ManifestParcel, ...]
    kind: str = "return"  # return | send
    courier_phone: str = ""
    notes: str = ""


@dataclass(frozen=True)
class ZReportData:
    """The day-close Z-report: expected vs counted money by payment method."""

    date: date
    station_name: str
    clerk: str
    at: datetime
    expected_fen: Mapping[str, int]
    counted_fen: Mapping[str, int]
    variance_fen: int
    counts: Mapping[str, int] = field(default_factory=dict)
    variance_reason: str = ""
    z_no: str = ""
    reprint: bool = False


@dataclass(frozen=True)
class WaybillData:
    """An outgoing waybill (面单); its layout is a template (``waybill.py``)."""

    tracking: str
    carrier_name: str
    sender_name: str
    sender_phone: str
    sender_address: str
    recipient_name: str
    recipient_phone: str
    recipient_address: str
    weight_g: int
    created_at: datetime
    contents: str = ""
    price_fen: int = 0
    insured_fen: int = 0
    cod_fen: int = 0
    destination_code: str = ""  # sorting code (大头笔), printed large
    station_name: str = ""
    pieces: int = 1
