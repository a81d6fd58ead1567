"""Carrier pre-advice manifests (CSV): who each incoming parcel is for, before it arrives."""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from station import clock
from station.audit import Actor, unit_of_work
from station.domain.carriers import normalize_tracking
from station.domain.money import parse_yuan
from station.domain.phone import parse_phone
from station.domain.text import clean_text
from station.errors import InvalidInput, StationError
from station.i18n import N_, tr
from station.models import ManifestBatch, ManifestEntry
from station.services import carriers

REQUIRED = ("tracking", "name", "phone")
MAX_ROWS = 100_000
TRUE_WORDS = {"1", "y", "yes", "true", "是", "同意"}


@dataclass(frozen=True)
class ImportResult:
    rows: int
    loaded: int
    rejected: list[dict[str, Any]] = field(default_factory=list)
    batch_id: int | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _decode(raw: bytes) -> str:
    """UTF-8 (with or without BOM) first; carriers' Excel exports are often GBK."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InvalidInput(tr("The manifest is neither UTF-8 nor GBK text. Save it as CSV (UTF-8)."))


def import_manifest(actor: Actor, path: Path | str, carrier_code: str) -> ImportResult:
    path = Path(path)
    carrier = carriers.get(carrier_code)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InvalidInput(
            tr(
                "Cannot read the manifest file {path}: {reason}.",
                path=path,
                reason=exc.strerror,
            )
        ) from exc
    reader = csv.DictReader(io.StringIO(_decode(raw)))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [h for h in REQUIRED if h not in header]
    if missing:
        raise InvalidInput(
            tr(
                "The manifest header must include {required} (optional: cod, consent); "
                "missing: {missing}.",
                required=", ".join(REQUIRED),
                missing=", ".join(missing),
            )
        )
    reader.fieldnames = header
    good: list[dict[str, Any]] = []
    rejected: list[dict[str, Any]] = []
    seen: set[str] = set()
    rows = 0
    for line_no, row in enumerate(reader, start=2):
        rows += 1
        if rows > MAX_ROWS:
            raise InvalidInput(
                tr(
                    "A manifest may have at most {max_rows} rows; split the file.",
                    max_rows=MAX_ROWS,
                )
            )
        try:
            good.append(_entry(row, carrier.code, seen))
        except StationError as exc:
            rejected.append(
                {
                    "line": line_no,
                    "tracking": (row.get("tracking") or "").strip(),
                    "error": exc.code,
                    "message": exc.message,
                }
            )
    with unit_of_work(actor, "manifest.import", "manifest", path.name) as change:
        batch = ManifestBatch.create(
            carrier=carrier.code,
            file_name=path.name[:255],
            rows=rows,
            loaded=len(good),
            imported_at=clock.now(),
            imported_by=actor.staff_id,
        )
        for start in range(0, len(good), 500):
            ManifestEntry.insert_many(
                [entry | {"batch": batch.id} for entry in good[start : start + 500]]
            ).execute()
        for (entry_id,) in ManifestEntry.select(ManifestEntry.id).where(
            ManifestEntry.batch == batch.id
        ).tuples():
            change.track("manifest_entry", entry_id)
        change.entity_id = str(batch.id)
        change.after = {
            "file": path.name,
            "carrier": carrier.code,
            "rows": rows,
            "loaded": len(good),
            "rejected": len(rejected),
        }
    return ImportResult(rows=rows, loaded=len(good), rejected=rejected, batch_id=batch.id)


def _entry(row: dict[str, Any], carrier: str, seen: set[str]) -> dict[str, Any]:
    tracking = normalize_tracking(row.get("tracking") or "")
    if tracking in seen:
        raise InvalidInput(
            tr(
                "{tracking} appears twice in this manifest.",
                tracking=tracking,
            ),
            code="duplicate",
        )
    phone = parse_phone(row.get("phone") or "")
    cod_text = (row.get("cod") or "").strip()
    consent_text = (row.get("consent") or "").strip().lower()
    seen.add(tracking)
    return {
        "carrier": carrier,
        "tracking": tracking,
        "name": clean_text(row.get("name"), field=N_("Name"), max_len=40),
        "phone": phone.full,
        "phone_last4": phone.last4,
        "phone_ext": phone.ext,
        "cod_fen": parse_yuan(cod_text) if cod_text else 0,
        "consent": consent_text in TRUE_WORDS if consent_text else True,
    }
