"""Frozen views of sends for the UI and CLI (phones masked unless the viewer is the owner)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from station import clock
from station.audit import Actor
from station.models import Handover, Staff
from station.models_sends import Send, Sender
from station.services.senders import shown
from station.services.sends_handover import rows as rows_of


@dataclass(frozen=True)
class SendView:
    id: int
    waybill_no: str
    carrier: str
    status: str
    sender_id: int
    sender_name: str
    sender_phone: str
    sender_id_type: str
    sender_id_masked: str
    sender_address: str
    recipient_name: str
    recipient_phone: str
    province: str
    city: str
    district: str
    detail: str
    contents_category: str
    contents_note: str
    declared_value_fen: int
    insured: bool
    weight_g: int
    length_cm: int
    width_cm: int
    height_cm: int
    volumetric_weight_g: int
    chargeable_weight_g: int
    zone: str
    freight_fen: int
    insurance_fen: int
    total_fen: int
    method: str
    receipt_no: str
    created_by: str
    created_at: str | None
    voided_by: str | None
    voided_at: str | None
    void_reason: str
    manifest_no: str | None
    handed_over_at: str | None

    @property
    def address(self) -> str:
        city = self.city if self.city != self.province else ""
        return f"{self.province}{city}{self.district}{self.detail}"

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def send_views(rows: list[Send], actor: Actor | None) -> list[SendView]:
    """Views of many sends with one query per related table."""
    if not rows:
        return []
    sender_ids = list({r.sender_id for r in rows})
    id_info = {
        s.id: (s.id_type, s.id_masked)
        for s in Sender.select(Sender.id, Sender.id_type, Sender.id_masked).where(
            Sender.id.in_(sender_ids)
        )
    }
    staff_ids = {r.created_by_id for r in rows} | {r.voided_by_id for r in rows if r.voided_by_id}
    names: dict[int, str] = dict(
        rows_of(Staff.select(Staff.id, Staff.name).where(Staff.id.in_(list(staff_ids))))
    )
    handover_ids = [r.handover_id for r in rows if r.handover_id]
    manifests: dict[int, str] = (
        dict(
            rows_of(
                Handover.select(Handover.id, Handover.manifest_no).where(
                    Handover.id.in_(handover_ids)
                )
            )
        )
        if handover_ids
        else {}
    )
    views = []
    for r in rows:
        id_type, id_masked = id_info.get(r.sender_id, ("", ""))
        views.append(
            SendView(
                id=r.id,
                waybill_no=r.waybill_no,
                carrier=r.carrier_id,
                status=r.status,
                sender_id=r.sender_id,
                sender_name=r.sender_name,
                sender_phone=shown(r.sender_phone, actor),
                sender_id_type=id_type,
                sender_id_masked=id_masked,
                sender_address=r.sender_address,
                recipient_name=r.recipient_name,
                recipient_phone=shown(r.recipient_phone, actor),
                province=r.province,
                city=r.city,
                district=r.district,
                detail=r.detail,
                contents_category=r.contents_category,
                contents_note=r.contents_note,
                declared_value_fen=r.declared_value_fen,
                insured=r.insured,
                weight_g=r.weight_g,
                length_cm=r.length_cm,
                width_cm=r.width_cm,
                height_cm=r.height_cm,
                volumetric_weight_g=r.volumetric_weight_g,
                chargeable_weight_g=r.chargeable_weight_g,
                zone=r.zone,
                freight_fen=r.freight_fen,
                insurance_fen=r.insurance_fen,
                total_fen=r.total_fen,
                method=r.method,
                receipt_no=r.receipt_no,
                created_by=names.get(r.created_by_id, ""),
                created_at=clock.iso(r.created_at),
                voided_by=names.get(r.voided_by_id) if r.voided_by_id else None,
                voided_at=clock.iso(r.voided_at),
                void_reason=r.void_reason,
                manifest_no=manifests.get(r.handover_id) if r.handover_id else None,
                handed_over_at=clock.iso(r.handed_over_at),
            )
        )
    return views


def send_view(row: Send, actor: Actor | None) -> SendView:
    return send_views([row], actor)[0]
