"""Rate cards from a CSV file (UTF-8 or GBK), all or nothing.

Header (any order; the first six are required):

    carrier,zone,first_weight_g,first_price,additional_per_kg,max_weight_g,
    volumetric_divisor,insurance_rate,insurance_min,max_declared

Prices in yuan (12 or 12.50), weights in grams, `insurance_rate` in percent of the declared
value (0.5 = 0.5 %), `max_declared` in yuan (empty or 0: no limit). One row per carrier and
zone; a (carrier, zone) already on file is replaced. Any bad row refuses the whole file with
its line number, and nothing is written.
"""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from station.audit import Actor, unit_of_work
from station.domain.money import parse_yuan
from station.errors import InvalidInput, StationError
from station.i18n import N_, tr
from station.services.manifests import _decode
from station.services.sends_rates import RateCardInput, check_card, upsert_card

REQUIRED = ("carrier", "zone", "first_weight_g", "first_price", "additional_per_kg", "max_weight_g")
OPTIONAL = ("volumetric_divisor", "insurance_rate", "insurance_min", "max_declared")
MAX_ROWS = 10_000


@dataclass(frozen=True)
class RateImportResult:
    rows: int
    created: int
    updated: int
    file: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _bad(line: int, column: str, message: str) -> InvalidInput:
    return InvalidInput(
        tr(
            "Line {line} of the rate file, column {column}: {message} Fix the file and "
            "import it again; nothing was imported.",
            line=line,
            column=column,
            message=message,
        ),
        code="bad_csv",
        line=line,
        column=column,
    )


def _int(text: str, line: int, column: str) -> int:
    text = text.strip()
    if not text.isdigit():
        raise _bad(line, column, tr("'{text}' is not a whole number.", text=text))
    return int(text)


def _fen(text: str, line: int, column: str) -> int:
    try:
        return parse_yuan(text)
    except StationError as exc:
        raise _bad(line, column, exc.message) from exc


def percent_to_bp(text: str) -> int:
    """ "0.5" (percent) → 50 basis points; InvalidInput for anything else."""
    try:
        value = Decimal(text.strip().removesuffix("%"))
    except InvalidOperation:
        value = Decimal(-1)
    bp = value * 100
    if not value.is_finite() or value < 0 or value > 100 or bp != bp.to_integral_value():
        raise InvalidInput(
            tr("'{text}' should be a percentage such as 0.5 (two decimals at most).", text=text),
            field="insurance_rate",
        )
    return int(bp)


def _basis_points(text: str, line: int) -> int:
    try:
        return percent_to_bp(text)
    except InvalidInput as exc:
        raise _bad(line, "insurance_rate", exc.message) from exc


def parse_row(row: dict[str, str], line: int) -> RateCardInput:
    def cell(name: str) -> str:
        return (row.get(name) or "").strip()

    for name in REQUIRED:
        if not cell(name):
            raise _bad(line, name, tr("the value is missing."))
    values: dict[str, Any] = {
        "carrier": cell("carrier"),
        "zone": cell("zone"),
        "first_weight_g": _int(cell("first_weight_g"), line, "first_weight_g"),
        "first_price_fen": _fen(cell("first_price"), line, "first_price"),
        "additional_per_kg_fen": _fen(cell("additional_per_kg"), line, "additional_per_kg"),
        "max_weight_g": _int(cell("max_weight_g"), line, "max_weight_g"),
    }
    if cell("volumetric_divisor"):
        values["volumetric_divisor"] = _int(cell("volumetric_divisor"), line, "volumetric_divisor")
    if cell("insurance_rate"):
        values["insurance_rate_bp"] = _basis_points(cell("insurance_rate"), line)
    if cell("insurance_min"):
        values["insurance_min_fen"] = _fen(cell("insurance_min"), line, "insurance_min")
    if cell("max_declared"):
        values["max_declared_fen"] = _fen(cell("max_declared"), line, "max_declared")
    try:
        return check_card(RateCardInput(**values))
    except StationError as exc:
        column = str(exc.details.get("field") or "carrier/zone")
        raise _bad(line, column, exc.message) from exc


def read_cards(path: Path) -> list[RateCardInput]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InvalidInput(
            tr(
                "Cannot read the rate file {path}: {reason}.",
                path=path,
                reason=exc.strerror,
            ),
            code="bad_csv",
        ) from exc
    reader = csv.DictReader(io.StringIO(_decode(raw)))
    header = [(h or "").strip().lower() for h in (reader.fieldnames or [])]
    missing = [h for h in REQUIRED if h not in header]
    if missing:
        raise InvalidInput(
            tr(
                "The rate file's first line must name the columns {required} (optional: "
                "{optional}); missing: {missing}.",
                required=",".join(REQUIRED),
                optional=",".join(OPTIONAL),
                missing=", ".join(missing),
            ),
            code="bad_csv",
            line=1,
        )
    reader.fieldnames = header
    cards: list[RateCardInput] = []
    seen: dict[tuple[str, str], int] = {}
    for line, row in enumerate(reader, start=2):
        if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
            continue  # a blank line
        if len(cards) >= MAX_ROWS:
            raise _bad(line, "-", tr("a rate file may have at most {n} rows.", n=MAX_ROWS))
        card = parse_row(row, line)
        key = (card.carrier, card.zone)
        if key in seen:
            raise _bad(
                line,
                "zone",
                tr(
                    "{carrier} zone {zone} is already on line {first}.",
                    carrier=card.carrier,
                    zone=card.zone,
                    first=seen[key],
                ),
            )
        seen[key] = line
        cards.append(card)
    if not cards:
        raise InvalidInput(tr("The rate file has no rows."), code="bad_csv")
    return cards


def import_rate_cards(actor: Actor, path: Path | str) -> RateImportResult:
    actor.require_owner(N_("change rate cards"))
    path = Path(path)
    cards = read_cards(path)
    created = 0
    with unit_of_work(actor, "rate_card.import", "rate_card", path.name) as change:
        for card in cards:
            _, new = upsert_card(actor, card, change)
            created += int(new)
        change.after = {
            "file": path.name,
            "cards": [f"{c.carrier}:{c.zone}" for c in cards],
        }
    return RateImportResult(len(cards), created, len(cards) - created, path.name)
