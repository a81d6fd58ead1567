"""The owner's sign-off of a stocktake (盘点签字), e.g. the month-end stocktake.

A reconciled stocktake is the audit event "stocktake.reconcile" (its `after` holds expected,
found, missing, misplaced, unknown, recovered). Signing it off is one more audited unit of
work, "stocktake.signoff", whose entity id is the reconcile event's number; its `after`
records the counts, the owner's note and the SHA-256 of the report PDF written to
documents/stocktakes/. No table of its own: the audit chain is the record, and a stocktake
can be signed off once.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from station import clock
from station.audit import Actor, unit_of_work
from station.domain.text import clean_text
from station.errors import Conflict, NotFound
from station.i18n import N_, tr
from station.models import AuditEvent
from station.services import settings

RECONCILE = "stocktake.reconcile"
SIGNOFF = "stocktake.signoff"
MAX_NOTE = 500


@dataclass(frozen=True)
class StocktakeRecord:
    """A reconciled stocktake and whether (and by whom) it was signed off."""

    seq: int
    at: str | None
    by: str
    counter: str
    shelf: str | None
    expected: int
    found: int
    missing: list[str] = field(default_factory=list)
    misplaced: list[dict[str, Any]] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    recovered: list[str] = field(default_factory=list)
    signoff_seq: int | None = None
    signed_by: str | None = None
    signed_at: str | None = None
    pdf: str | None = None

    @property
    def signed_off(self) -> bool:
        return self.signoff_seq is not None

    @property
    def period(self) -> str:
        return (self.at or "")[:7]

    def to_json(self) -> dict[str, Any]:
        return asdict(self) | {"signed_off": self.signed_off, "period": self.period}


@dataclass(frozen=True)
class SignOffResult:
    seq: int  # the sign-off's audit event
    record: StocktakeRecord
    note: str
    pdf: str
    sha256: str

    def to_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "record": self.record.to_json(),
            "note": self.note,
            "pdf": self.pdf,
            "sha256": self.sha256,
        }


def _after(event: Any) -> dict[str, Any]:
    try:
        data = json.loads(event.after or "null")
    except ValueError:
        data = None
    return data if isinstance(data, dict) else {}


def _signoffs(seqs: list[int]) -> dict[int, Any]:
    if not seqs:
        return {}
    query = AuditEvent.select().where(
        AuditEvent.action == SIGNOFF, AuditEvent.entity_id.in_([str(s) for s in seqs])
    )
    return {int(e.entity_id): e for e in query}


def _record(event: Any, signoff: Any | None) -> StocktakeRecord:
    data = _after(event)
    signed = _after(signoff) if signoff is not None else {}
    return StocktakeRecord(
        seq=int(event.seq),
        at=clock.iso(event.at),
        by=event.actor,
        counter=event.counter,
        shelf=data.get("shelf"),
        expected=int(data.get("expected") or 0),
        found=int(data.get("found") or 0),
        missing=list(data.get("missing") or []),
        misplaced=list(data.get("misplaced") or []),
        unknown=list(data.get("unknown") or []),
        recovered=list(data.get("recovered") or []),
        signoff_seq=int(signoff.seq) if signoff is not None else None,
        signed_by=signoff.actor if signoff is not None else None,
        signed_at=clock.iso(signoff.at) if signoff is not None else None,
        pdf=signed.get("pdf"),
    )


def stocktakes(limit: int = 20) -> list[StocktakeRecord]:
    """The latest reconciled stocktakes, newest first, with their sign-off state."""
    events = list(
        AuditEvent.select()
        .where(AuditEvent.action == RECONCILE)
        .order_by(AuditEvent.seq.desc())
        .limit(max(1, min(limit, 500)))
    )
    signed = _signoffs([int(e.seq) for e in events])
    return [_record(e, signed.get(int(e.seq))) for e in events]


def get_stocktake(seq: int) -> StocktakeRecord:
    event = AuditEvent.get_or_none(AuditEvent.seq == seq, AuditEvent.action == RECONCILE)
    if event is None:
        raise NotFound(tr("There is no stocktake #{seq}.", seq=seq))
    return _record(event, _signoffs([seq]).get(seq))


def latest_unsigned() -> StocktakeRecord | None:
    """The newest reconciled stocktake, if it is not signed off yet."""
    latest = stocktakes(limit=1)
    return latest[0] if latest and not latest[0].signed_off else None


def _report_data(
    record: StocktakeRecord, owner: str, at: datetime, note: str, signature: bytes | None
) -> Any:
    from station.preload import warm_up

    warm_up()  # one thread imports the documents: see station/preload.py
    from station.documents.stocktake_report import MisplacedLine, StocktakeReportData

    reconciled = datetime.fromisoformat(record.at) if record.at else at
    return StocktakeReportData(
        report_no=f"ST-{record.period}-{record.seq:06d}",
        station_name=str(settings.get("station_name")),
        period=record.period,
        scope=record.shelf or "",
        reconciled_at=reconciled,
        reconciled_by=record.by,
        expected=record.expected,
        found=record.found,
        missing=tuple(record.missing),
        misplaced=tuple(
            MisplacedLine(
                str(m.get("tracking", "")),
                str(m.get("expected_slot") or ""),
                str(m.get("found_slot") or ""),
                bool(m.get("moved")),
            )
            for m in record.misplaced
        ),
        unknown=tuple(record.unknown),
        recovered=tuple(record.recovered),
        signed_by=owner,
        signed_at=at,
        note=note,
        signature_png=signature,
    )


def sign_off(
    actor: Actor,
    seq: int | None = None,
    note: str = "",
    signature_png: bytes | None = None,
    out_dir: Path | None = None,
) -> SignOffResult:
    """Owner: sign off the stocktake reconciled as audit event `seq` (default: the newest).
    Writes the report PDF and records the sign-off; a stocktake is signed off only once."""
    from station.preload import warm_up

    warm_up()
    from station.documents.layout import write
    from station.documents.stocktake_report import render_stocktake_report
    from station.services import paperwork

    actor.require_owner(N_("sign off a stocktake"))
    note = clean_text(note, field=N_("Note"), max_len=MAX_NOTE)
    if seq is None:
        latest = stocktakes(limit=1)
        if not latest:
            raise NotFound(tr("There is no stocktake to sign off: reconcile a stocktake first."))
        seq = latest[0].seq
    record = get_stocktake(seq)
    _refuse_signed(record)
    # Render before the transaction: the write lock is held only for the record itself.
    moment = clock.now()
    local = clock.to_local(moment)
    assert local is not None
    pdf = render_stocktake_report(_report_data(record, actor.name, local, note, signature_png))
    digest = hashlib.sha256(pdf).hexdigest()
    folder = out_dir or paperwork.documents_dir("stocktakes")
    path = folder / f"stocktake-{record.period}-{record.seq:06d}.pdf"
    with unit_of_work(actor, SIGNOFF, "stocktake", record.seq) as change:
        _refuse_signed(get_stocktake(record.seq))  # another counter may have just signed it
        write(path, pdf)
        change.after = {
            "period": record.period,
            "shelf": record.shelf,
            "expected": record.expected,
            "found": record.found,
            "missing": len(record.missing),
            "misplaced": len(record.misplaced),
            "unknown": len(record.unknown),
            "recovered": len(record.recovered),
            "note": note,
            "signature": bool(signature_png),
            "pdf": path.name,
            "sha256": digest,
        }
        signoff_seq = change.seq
    return SignOffResult(signoff_seq, get_stocktake(record.seq), note, str(path), digest)


def _refuse_signed(record: StocktakeRecord) -> None:
    if record.signed_off:
        raise Conflict(
            tr(
                "Stocktake #{seq} was already signed off by {owner} on {at}.",
                seq=record.seq,
                owner=record.signed_by or "",
                at=(record.signed_at or "")[:16].replace("T", " "),
            ),
            code="already_signed",
        )
