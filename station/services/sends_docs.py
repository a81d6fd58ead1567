"""Printed papers of sends: the 76×130 mm waybill (面单), the sender's receipt, and the
courier hand-over manifest when a batch carries sends."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from station import clock
from station.audit import Actor, unit_of_work
from station.domain import prohibited
from station.errors import Conflict, InvalidInput
from station.i18n import tr
from station.models import Carrier, Handover, Staff
from station.models_sends import VOIDED, Send
from station.preload import warm_up
from station.services import settings
from station.services.paperwork import documents_dir
from station.services.sends_lookup import send_row
from station.services.views import ParcelView

_SHORT = {"省", "市", "自治区", "特别行政区", "壮族自治区", "回族自治区", "维吾尔自治区"}


def _carrier_name(code: str) -> str:
    carrier = Carrier.get_or_none(Carrier.code == code)
    return f"{carrier.name_zh} {carrier.name_en}".strip() if carrier else code


def _short_province(name: str) -> str:
    for suffix in sorted(_SHORT, key=len, reverse=True):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def contents_text(row: Send) -> str:
    label = next((c.zh for c in prohibited.categories() if c.key == row.contents_category), "")
    return " ".join(x for x in (label, row.contents_note) if x)


def destination_code(row: Send) -> str:
    """The big sorting line (大头笔): province and city (or district of a municipality)."""
    province = _short_province(row.province)
    place = row.district if row.city == row.province else row.city
    return f"{province} {place}".strip()


def waybill_data(row: Send) -> Any:
    warm_up()  # one thread imports the documents: see station/preload.py
    from station.documents.data import WaybillData

    city = row.city if row.city != row.province else ""
    return WaybillData(
        tracking=row.waybill_no,
        carrier_name=_carrier_name(row.carrier_id),
        sender_name=row.sender_name,
        sender_phone=row.sender_phone,  # the template masks full mobiles (隐私面单)
        sender_address=row.sender_address,
        recipient_name=row.recipient_name,
        recipient_phone=row.recipient_phone,
        recipient_address=f"{row.province}{city}{row.district}{row.detail}",
        weight_g=row.chargeable_weight_g,
        created_at=clock.to_local(row.created_at),
        contents=contents_text(row),
        price_fen=row.total_fen,
        insured_fen=row.declared_value_fen if row.insured else 0,
        destination_code=destination_code(row),
        station_name=str(settings.get("station_name") or ""),
    )


def waybill_pdf(
    actor: Actor, ref: int | str, out: Path | None = None, reprint: bool = False
) -> Path:
    """Write the send's waybill. A reprint is audited (a waybill leads to a parcel)."""
    warm_up()
    from station.documents.waybill import render_waybill

    row = send_row(ref)
    if row.status == VOIDED:
        raise Conflict(
            tr("{waybill} is voided: do not print its waybill.", waybill=row.waybill_no),
            code="already_voided",
        )
    suffix = "-reprint" if reprint else ""
    out = out or documents_dir("waybills") / f"{row.waybill_no}{suffix}.pdf"
    out.parent.mkdir(parents=True, exist_ok=True)
    render_waybill(waybill_data(row), out)
    if reprint:
        with unit_of_work(actor, "send.reprint", "send", row.waybill_no) as change:
            change.after = {"waybill_no": row.waybill_no, "file": out.name}
    return out


def receipt_pdf(actor: Actor, ref: int | str, out: Path | None = None) -> Path:
    warm_up()
    from station.documents.send_receipt import SendReceiptData, render_send_receipt

    row = send_row(ref)
    clerk = Staff.get_or_none(Staff.id == row.created_by_id)
    data = SendReceiptData(
        station_name=str(settings.get("station_name") or ""),
        receipt_no=row.receipt_no,
        waybill_no=row.waybill_no,
        carrier_name=_carrier_name(row.carrier_id),
        clerk=clerk.name if clerk else "",
        at=clock.to_local(row.created_at),
        sender_name=row.sender_name,
        recipient_name=row.recipient_name,
        recipient_phone=row.recipient_phone,
        destination=f"{row.province}{row.city if row.city != row.province else ''}{row.district}",
        contents=contents_text(row),
        weight_g=row.weight_g,
        chargeable_weight_g=row.chargeable_weight_g,
        freight_fen=row.freight_fen,
        insurance_fen=row.insurance_fen,
        total_fen=row.total_fen,
        method=row.method,
        tendered_fen=row.tendered_fen,
        change_fen=row.change_fen,
        declared_value_fen=row.declared_value_fen,
        station_address=str(settings.get("station_address") or ""),
        voided=row.status == VOIDED,
    )
    out = out or documents_dir("receipts") / f"{row.receipt_no}.pdf"
    out.parent.mkdir(parents=True, exist_ok=True)
    render_send_receipt(data, out)
    return out


def handover_pdf(record: Handover, views: list[ParcelView], sends: list[Send]) -> Path:
    """The hand-over manifest of a batch with sends: returns first, then the sends."""
    warm_up()
    from station.documents.data import ManifestData, ManifestParcel
    from station.documents.manifest import render_manifest

    parcels = [
        ManifestParcel(
            tracking=v.tracking,
            slot=v.slot or "",
            reason=f"滞留 overdue {v.days_on_shelf} d",
            weight_g=v.weight_g,
            received_at=datetime.fromisoformat(v.received_at) if v.received_at else None,
        )
        for v in views
    ]
    parcels += [
        ManifestParcel(
            tracking=s.waybill_no,
            slot="",
            reason="寄件 send",
            weight_g=s.chargeable_weight_g,
            received_at=clock.to_local(s.created_at).replace(tzinfo=None),
            note=destination_code(s),
        )
        for s in sends
    ]
    data = ManifestData(
        manifest_no=record.manifest_no,
        carrier=_carrier_name(record.carrier_id),
        courier_name=record.courier_name,
        station_name=str(settings.get("station_name") or ""),
        at=clock.to_local(record.at),
        clerk=record.staff.name,
        parcels=tuple(parcels),
        kind="mixed" if views else "send",
    )
    out = documents_dir("manifests") / f"{record.manifest_no}.pdf"
    render_manifest(data, out)
    return out


def check_printable(number: str) -> None:
    """A waybill number the 76×130 mm label can carry as a scannable barcode."""
    warm_up()
    from station.documents.barcodes import BarcodeError
    from station.documents.layout import Barcode
    from station.documents.waybill import WAYBILL

    try:
        for element in WAYBILL.elements:
            if isinstance(element, Barcode):
                element.module_dots(number)
    except BarcodeError as exc:
        raise InvalidInput(
            tr(
                "Waybill number {waybill} is too long to print as a barcode on the waybill. "
                "Check the number, or leave it out and let the station number the send.",
                waybill=number,
            ),
            code="waybill_too_long",
        ) from exc
