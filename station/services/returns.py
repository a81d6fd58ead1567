"""Overdue parcels, returns to the carrier, moves between slots, missing and found."""

from __future__ import annotations

import base64
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from typing import Any

from peewee import JOIN

from station import clock
from station.audit import Actor, unit_of_work
from station.domain.text import clean_text
from station.errors import Conflict, InvalidInput, NotFound
from station.i18n import N_, tr
from station.models import (
    MISSING,
    ON_SHELF,
    RETURN_PENDING,
    RETURNED,
    Carrier,
    Handover,
    Parcel,
    Slot,
)
from station.services import carriers, shelves
from station.services.parcels import get_by_tracking
from station.services.views import ParcelView, parcel_view, snapshot


def overdue(actor: Actor) -> list[ParcelView]:
    """Parcels on the shelf past their carrier's retention days, oldest first."""
    today = clock.local_day()
    out: list[ParcelView] = []
    for carrier in Carrier.select():
        start, _ = clock.day_bounds(today - timedelta(days=carrier.retention_days - 1))
        query = (
            Parcel.select(Parcel, Slot.label)
            .join(Slot, on=(Parcel.slot == Slot.id), join_type=JOIN.LEFT_OUTER)
            .where(
                Parcel.status == ON_SHELF,
                Parcel.carrier == carrier.code,
                Parcel.received_at < start,
            )
        )
        out.extend(parcel_view(p, actor, getattr(p.slot, "label", None)) for p in query)
    out.sort(key=lambda v: (-v.days_on_shelf, v.tracking))
    return out


def mark_for_return(actor: Actor, trackings: list[str]) -> list[ParcelView]:
    if not trackings:
        raise InvalidInput(tr("Name at least one parcel to return."))
    with unit_of_work(actor, "parcel.mark_return", "parcel") as change:
        parcels = [get_by_tracking(t) for t in trackings]
        now = clock.now()
        for p in parcels:
            if p.status != ON_SHELF:
                raise Conflict(
                    tr(
                        "{tracking} is {status}; only parcels on the shelf can be marked for "
                        "return.",
                        tracking=p.tracking,
                        status=tr(p.status),
                    ),
                    code="not_on_shelf",
                )
            n = (
                Parcel.update(status=RETURN_PENDING, return_marked_at=now)
                .where(Parcel.id == p.id, Parcel.status == ON_SHELF)
                .execute()
            )
            if n != 1:
                raise Conflict(
                    tr(
                        "{tracking} changed at another counter; try again.",
                        tracking=p.tracking,
                    )
                )
            change.touch(p.id, "marked for return")
        change.before = [snapshot(p) for p in parcels]
        change.after = {"status": RETURN_PENDING, "parcels": [p.tracking for p in parcels]}
        ids = [p.id for p in parcels]
    return [parcel_view(p, actor) for p in Parcel.select().where(Parcel.id.in_(ids))]


def unmark_return(actor: Actor, tracking: str) -> ParcelView:
    with unit_of_work(actor, "parcel.unmark_return", "parcel", tracking) as change:
        p = get_by_tracking(tracking)
        if p.status != RETURN_PENDING:
            raise Conflict(
                tr(
                    "{tracking} is not marked for return.",
                    tracking=p.tracking,
                )
            )
        Parcel.update(status=ON_SHELF, return_marked_at=None).where(Parcel.id == p.id).execute()
        change.touch(p.id, "return cancelled")
    return parcel_view(Parcel.get_by_id(p.id), actor)


@dataclass(frozen=True)
class HandoverResult:
    manifest_no: str
    carrier: str
    courier_name: str
    at: str | None
    parcels: list[ParcelView]
    pdf: str
    sends: list[Any] = field(default_factory=list)  # sends_views.SendView

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["parcels"] = [p.to_json() for p in self.parcels]
        data["sends"] = [s.to_json() for s in self.sends]
        return data


def handover(
    actor: Actor,
    carrier_code: str,
    courier_name: str = "",
    trackings: list[str] | None = None,
    courier_signature_png: bytes | None = None,
) -> HandoverResult:
    """Give the carrier's courier every parcel marked for return and every send waiting for
    it (or just the scanned ones; the rest stay)."""
    from station.services import sends_handover

    carrier = carriers.get(carrier_code)
    courier_name = clean_text(courier_name, field=N_("Courier name"), max_len=40)
    with unit_of_work(actor, "parcel.handover", "handover") as change:
        query = Parcel.select().where(
            Parcel.status == RETURN_PENDING, Parcel.carrier == carrier.code
        )
        send_rows, trackings = sends_handover.split_scans(carrier.code, trackings)
        if trackings is not None:
            wanted = {get_by_tracking(t).id for t in trackings}
            query = query.where(Parcel.id.in_(list(wanted) or [0]))
        parcels = list(query.order_by(Parcel.id))
        if not parcels and not send_rows:
            raise NotFound(
                tr(
                    "Nothing to hand over to {code}: no parcels are marked for return and no "
                    "sends are waiting.",
                    code=carrier.code,
                ),
                code="nothing_to_hand_over",
            )
        now = clock.now()
        manifest_no = f"H{clock.local_day(now):%Y%m%d}-{change.seq:06d}"
        record = Handover.create(
            manifest_no=manifest_no,
            carrier=carrier.code,
            courier_name=courier_name,
            at=now,
            staff=actor.staff_id,
            courier_signature_png=(
                base64.b64encode(courier_signature_png).decode() if courier_signature_png else None
            ),
        )
        ids = [p.id for p in parcels]
        n = (
            Parcel.update(status=RETURNED, returned_at=now, left_at=now, handover=record.id)
            .where(Parcel.id.in_(ids), Parcel.status == RETURN_PENDING)
            .execute()
        )
        if n != len(ids):
            raise Conflict(tr("Another counter changed these parcels; start the hand-over again."))
        labels = {
            s.id: s.label
            for s in Slot.select().where(
                Slot.id.in_([p.slot_id for p in parcels if p.slot_id] or [0])
            )
        }
        for p in parcels:
            shelves.release_slot(p.slot_id, p.size)
            shelves.release_code(p.code_seq)
            change.touch(p.id, manifest_no)
        sends_handover.attach(record, send_rows, now, change)
        change.track("handover", record.id)
        change.entity_id = manifest_no
        change.after = {
            "manifest_no": manifest_no,
            "carrier": carrier.code,
            "parcels": [p.tracking for p in parcels],
            "courier": courier_name,
            "sends": [s.waybill_no for s in send_rows],
        }
    views = [
        parcel_view(p, actor, labels.get(p.slot_id) if p.slot_id is not None else None)
        for p in Parcel.select().where(Parcel.id.in_(ids)).order_by(Parcel.id)
    ]
    send_ids = [s.id for s in send_rows]
    pdf = _manifest_pdf(record, views, send_ids)
    sent = sends_handover.views_of(send_ids, actor)
    return HandoverResult(manifest_no, carrier.code, courier_name, clock.iso(now), views, pdf, sent)


def _manifest_pdf(record: Handover, views: list[ParcelView], send_ids: list[int]) -> str:
    """The hand-over is done once committed; a PDF problem must not undo it. Say so instead."""
    import sys

    from station.services import paperwork

    try:
        if send_ids:
            from station.services import sends_docs, sends_handover

            rows = sends_handover.rows_of(send_ids)
            pdf = str(sends_docs.handover_pdf(record, views, rows))
        else:
            pdf = str(paperwork.handover_pdf(record, views))
    except Exception as exc:  # noqa: BLE001 - any rendering/disk failure is reported, not fatal
        print(
            tr(
                "The hand-over {manifest_no} is recorded, but its manifest PDF could not "
                "be written ({exc}). Reprint it from the hand-over list.",
                manifest_no=record.manifest_no,
                exc=exc,
            ),
            file=sys.stderr,
        )
        return ""
    Handover.update(pdf_path=pdf).where(Handover.id == record.id).execute()
    return pdf


def move(actor: Actor, tracking: str, slot_label: str) -> ParcelView:
    with unit_of_work(actor, "parcel.move", "parcel", tracking) as change:
        p = get_by_tracking(tracking)
        if p.status not in (ON_SHELF, RETURN_PENDING, MISSING):
            raise Conflict(
                tr(
                    "{tracking} is {status}: it is no longer on a shelf.",
                    tracking=p.tracking,
                    status=tr(p.status),
                )
            )
        target = shelves.slot_by_label(slot_label)
        if target.id == p.slot_id:
            raise InvalidInput(
                tr(
                    "{tracking} is already in {label}.",
                    tracking=p.tracking,
                    label=target.label,
                )
            )
        change.before = snapshot(p)
        shelves.take_slot(p.size, target)
        shelves.release_slot(p.slot_id, p.size)
        Parcel.update(slot=target.id).where(Parcel.id == p.id).execute()
        change.after = {"slot": target.label}
        change.touch(p.id, f"moved to {target.label}")
    return parcel_view(Parcel.get_by_id(p.id), actor)


def mark_missing(actor: Actor, tracking: str, note: str = "") -> ParcelView:
    """Not found where it should be. It keeps its slot and code so that finding it is one scan."""
    note = clean_text(note, field=N_("Note"), max_len=200)
    with unit_of_work(actor, "parcel.missing", "parcel", tracking) as change:
        p = get_by_tracking(tracking)
        if p.status not in (ON_SHELF, RETURN_PENDING):
            raise Conflict(
                tr(
                    "{tracking} is {status}; only a parcel on the shelf can go missing.",
                    tracking=p.tracking,
                    status=tr(p.status),
                )
            )
        Parcel.update(status=MISSING, missing_at=clock.now()).where(Parcel.id == p.id).execute()
        change.before, change.after = snapshot(p), {"status": MISSING, "note": note}
        change.touch(p.id, note or "missing")
    return parcel_view(Parcel.get_by_id(p.id), actor)


def mark_found(actor: Actor, tracking: str, slot_label: str | None = None) -> ParcelView:
    with unit_of_work(actor, "parcel.found", "parcel", tracking) as change:
        p = get_by_tracking(tracking)
        if p.status != MISSING:
            raise Conflict(
                tr(
                    "{tracking} is {status}, not missing.",
                    tracking=p.tracking,
                    status=tr(p.status),
                )
            )
        updates: dict[str, Any] = {"status": ON_SHELF, "missing_at": None}
        if slot_label and shelves.slot_by_label(slot_label).id != p.slot_id:
            target = shelves.take_slot(p.size, shelves.slot_by_label(slot_label))
            shelves.release_slot(p.slot_id, p.size)
            updates["slot"] = target.id
        Parcel.update(**updates).where(Parcel.id == p.id, Parcel.status == MISSING).execute()
        change.before, change.after = snapshot(p), {"status": ON_SHELF, "slot": slot_label}
        change.touch(p.id, "found" + (f" in {slot_label}" if slot_label else ""))
    return parcel_view(Parcel.get_by_id(p.id), actor)
