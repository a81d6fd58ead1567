"""Turning service results into printed documents (PDF files the UI prints or saves).

Documents land next to the station database (documents/<kind>/), or in PARCEL_STATION_DOCS.
"""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path
from typing import Any

from station import clock
from station import db as station_db
from station.audit import Actor
from station.i18n import tr
from station.models import Carrier, Handover, Parcel, Pickup, database_proxy
from station.preload import warm_up
from station.services import settings
from station.services.parcels import get_by_tracking
from station.services.views import ParcelView, shown_phone


def documents_dir(kind: str) -> Path:
    base = os.environ.get("PARCEL_STATION_DOCS")
    if base:
        root = Path(base)
    else:
        path = station_db.sqlite_path(getattr(database_proxy.obj, "station_url", "") or "x.db")
        root = (
            path.parent if path and path.parent != Path("") else station_db.data_dir()
        ) / "documents"
    folder = root / kind
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _slot_label(parcel: Parcel) -> str:
    slot = parcel.slot if parcel.slot_id else None
    return slot.label if slot is not None else ""


def _carrier_name(code: str) -> str:
    carrier = Carrier.get_or_none(Carrier.code == code)
    return f"{carrier.name_zh} {carrier.name_en}".strip() if carrier else code


def sticker_data(parcel: Parcel, reprint: bool = False) -> Any:
    warm_up()  # one thread imports the documents: see station/preload.py
    from station.documents.data import StickerData

    masked_viewer = Actor(None, "printer", "clerk")  # stickers never carry a full number
    return StickerData(
        tracking=parcel.tracking,
        carrier_code=parcel.carrier_id,
        carrier_name=_carrier_name(parcel.carrier_id),
        pickup_code=parcel.pickup_code or "",
        slot=_slot_label(parcel),
        masked_phone=shown_phone(parcel, masked_viewer),
        recipient_name=parcel.recipient_name,
        received_at=clock.to_local(parcel.received_at),
        cod_fen=parcel.cod_fen,
        id_check=parcel.id_check,
        station_name=settings.get("station_name"),
        reprint=reprint,
    )


def sticker_pdf(
    actor: Actor, tracking: str, out: Path | None = None, size: str = "60x40", reprint: bool = False
) -> Path:
    warm_up()  # one thread imports the documents: see station/preload.py
    from station.documents.sticker import render_sticker

    parcel = get_by_tracking(tracking)
    out = out or documents_dir("stickers") / f"{parcel.tracking}.pdf"
    out.parent.mkdir(parents=True, exist_ok=True)
    render_sticker(sticker_data(parcel, reprint), out, size=size)
    return out


def fmt_when(at: object) -> str:
    return f"{clock.to_local(at):%m-%d %H:%M}"  # type: ignore[arg-type]


def receipt_pdf(receipt_no: str, out: Path | None = None, reprint: bool = False) -> Path:
    warm_up()  # one thread imports the documents: see station/preload.py
    from station.documents.data import PersonDetails, ReceiptData, ReceiptLine
    from station.documents.receipt import render_receipt

    record = Pickup.get(Pickup.receipt_no == receipt_no)
    parcels = list(Parcel.select().where(Parcel.pickup == record.id).order_by(Parcel.id))
    if record.undone_at is not None:
        # An undone hand-over's parcels went back on the shelf; its checks still name them.
        from station.models_pickup import PickupCheck

        ids = PickupCheck.select(PickupCheck.parcel).where(PickupCheck.pickup == record.id)
        parcels = list(Parcel.select().where(Parcel.id.in_(ids)).order_by(Parcel.id))
    proxy = None
    if record.proxy_name:
        proxy = PersonDetails(
            name=record.proxy_name[:1] + "*", masked_phone=record.proxy_phone_masked or ""
        )
    id_check = None
    if record.id_masked:
        id_check = PersonDetails(id_type=record.id_type or "", masked_id=record.id_masked)
    import base64

    data = ReceiptData(
        station_name=settings.get("station_name"),
        receipt_no=record.receipt_no,
        clerk=record.staff.name,
        at=clock.to_local(record.at),
        lines=tuple(
            ReceiptLine(
                p.tracking,
                p.pickup_code or "",
                _slot_label(p),
                p.cod_fen,
                _carrier_name(p.carrier_id),
            )
            for p in parcels
        ),
        due_fen=record.due_fen,
        paid_fen=record.paid_fen,
        tendered_fen=record.tendered_fen,
        change_fen=record.change_fen,
        method=record.method or "",
        proxy=proxy,
        id_check=id_check,
        signature_png=base64.b64decode(record.signature_png) if record.signature_png else None,
        station_address=settings.get("station_address"),
        reprint=reprint,
        undone=(
            f"{fmt_when(record.undone_at)} {record.undo_reason or ''}".strip()
            if record.undone_at is not None
            else ""
        ),
    )
    out = out or documents_dir("receipts") / f"{record.receipt_no}.pdf"
    render_receipt(data, out)
    return out


def handover_pdf(record: Handover, views: list[ParcelView]) -> Path:
    warm_up()  # one thread imports the documents: see station/preload.py
    from station.documents.data import ManifestData, ManifestParcel
    from station.documents.manifest import render_manifest

    parcels = tuple(
        ManifestParcel(
            tracking=v.tracking,
            slot=v.slot or "",
            reason=f"滞留 overdue {v.days_on_shelf} d",
            weight_g=v.weight_g,
            received_at=datetime.fromisoformat(v.received_at) if v.received_at else None,
        )
        for v in views
    )
    data = ManifestData(
        manifest_no=record.manifest_no,
        carrier=_carrier_name(record.carrier_id),
        courier_name=record.courier_name,
        station_name=settings.get("station_name"),
        at=clock.to_local(record.at),
        clerk=record.staff.name,
        parcels=parcels,
    )
    out = documents_dir("manifests") / f"{record.manifest_no}.pdf"
    render_manifest(data, out)
    return out


def z_report_pdf(result: Any, paper: str = "A4") -> Path:
    """`result` is a day_close.DayCloseResult (date, expected_fen, counted_fen, variance_fen …)."""
    warm_up()  # one thread imports the documents: see station/preload.py
    from station.documents.data import ZReportData
    from station.documents.z_report import render_z_report

    variance = result.variance_fen
    total_variance = sum(variance.values()) if isinstance(variance, dict) else int(variance)
    data = ZReportData(
        date=result.date if isinstance(result.date, date) else date.fromisoformat(result.date),
        station_name=settings.get("station_name"),
        clerk=getattr(result, "closed_by", ""),
        at=clock.to_local(clock.now()),
        expected_fen=dict(result.expected_fen),
        counted_fen=dict(result.counted_fen),
        variance_fen=total_variance,
        counts=dict(getattr(result, "counts", {}) or {}),
        variance_reason=getattr(result, "reason", ""),
    )
    suffix = "" if paper == "A4" else "-80mm"
    out = documents_dir("z-reports") / f"Z-{data.date}{suffix}.pdf"
    render_z_report(data, out, paper=paper)
    return out


def reprint_sticker(actor: Actor, tracking: str) -> Path:
    """A new copy of a parcel's sticker, marked REPRINT; audited, since a sticker leads to a
    parcel."""
    from station.audit import unit_of_work

    parcel = get_by_tracking(tracking)
    out = documents_dir("stickers") / f"{parcel.tracking}-reprint.pdf"
    path = sticker_pdf(actor, parcel.tracking, out, reprint=True)
    with unit_of_work(actor, "parcel.reprint_sticker", "parcel", parcel.id) as change:
        change.touch(parcel.id, "sticker reprinted")
    return path


def reprint_receipt(actor: Actor, receipt_no: str) -> Path:
    from station.audit import unit_of_work
    from station.errors import NotFound

    record = Pickup.get_or_none(Pickup.receipt_no == receipt_no)
    if record is None:
        raise NotFound(tr("No receipt {receipt_no}.", receipt_no=receipt_no))
    path = receipt_pdf(
        receipt_no, documents_dir("receipts") / f"{receipt_no}-reprint.pdf", reprint=True
    )
    with unit_of_work(actor, "pickup.reprint_receipt", "pickup", receipt_no) as change:
        for parcel in Parcel.select(Parcel.id).where(Parcel.pickup == record.id):
            change.touch(parcel.id, f"receipt {receipt_no} reprinted")
    return path
