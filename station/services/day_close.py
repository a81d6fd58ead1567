"""Day close (日结): the ledger's expected takings per payment method against the counted
drawer, the variance with a reason, a Z-report; a closed day never changes again.

Once a day is closed, `ledger.open_day()` books every new entry on the next day, so the
figures of a closed day stay exactly what the owner signed.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from peewee import fn

from station import clock
from station.audit import Actor, unit_of_work
from station.domain.text import clean_text
from station.errors import Duplicate, InvalidInput, NotAllowed, NotFound
from station.i18n import N_, tr
from station.models import DayClose, LedgerEntry, Staff
from station.services import ledger, reports, settings

log = logging.getLogger(__name__)

# Notes and coins in a Chinese cash drawer, in yuan → fen.
DENOMINATIONS: dict[str, int] = {
    "100": 10000,
    "50": 5000,
    "20": 2000,
    "10": 1000,
    "5": 500,
    "1": 100,
    "0.5": 50,
    "0.1": 10,
}
MAX_COUNTED_FEN = 100_000_000  # one million yuan: more is a typo
MAX_PIECES = 100_000


@dataclass(frozen=True)
class DayCloseResult:
    date: str
    expected_fen: dict[str, int]
    counted_fen: dict[str, int]
    variance_fen: dict[str, int]
    reason: str
    pdf: str
    closed_by: str = ""
    at: str | None = None
    z_no: str = ""
    entries: int = 0
    total_variance_fen: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def denominations_to_fen(counts: dict[str, int]) -> int:
    """The drawer count by denomination ({"100": 3, "0.5": 2}) as fen (30100).

    Keys are yuan values as text ("100", "0.5", "0.10", "5元" is not accepted); counts are
    whole numbers of pieces, 0 or more."""
    total = 0
    for key, pieces in counts.items():
        fen = _denomination_fen(key)
        if isinstance(pieces, bool) or not isinstance(pieces, int) or not 0 <= pieces <= MAX_PIECES:
            raise InvalidInput(
                tr(
                    "The count for ¥{key} must be a whole number of pieces from 0 to {max_pieces}.",
                    key=key,
                    max_pieces=MAX_PIECES,
                ),
                denomination=str(key),
            )
        total += fen * pieces
    return total


def _denomination_fen(key: str | int | float) -> int:
    try:
        value = Decimal(str(key).strip().removeprefix("¥"))
    except InvalidOperation:
        value = Decimal(-1)
    if value.is_finite() and value > 0:
        fen = value * 100
        if fen == fen.to_integral_value() and int(fen) in DENOMINATIONS.values():
            return int(fen)
    raise InvalidInput(
        tr(
            "'{key}' is not a denomination in the drawer. Use one of: {denominations} (yuan).",
            key=key,
            denominations=", ".join(DENOMINATIONS),
        ),
        denomination=str(key),
    )


def expected(day: date) -> dict[str, int]:
    """What the ledger says the station took on `day`, per method (every method present)."""
    return ledger.totals_by_method(day)


def _clean_counted(counted_fen: dict[str, int]) -> dict[str, int]:
    unknown = [m for m in counted_fen if m not in ledger.METHODS]
    if unknown:
        raise InvalidInput(
            tr(
                "Unknown payment method '{method}'. Count one of: {methods}.",
                method=unknown[0],
                methods=", ".join(ledger.METHODS),
            ),
            method=unknown[0],
        )
    clean: dict[str, int] = {}
    for method in ledger.METHODS:
        value = counted_fen.get(method, 0)
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidInput(
                tr(
                    "The counted {method} amount must be whole fen.",
                    method=method,
                ),
                method=method,
            )
        # Negative when refunds paid out that day exceed what came in.
        if not -MAX_COUNTED_FEN <= value <= MAX_COUNTED_FEN:
            raise InvalidInput(
                tr(
                    "The counted {method} amount must be within ±1,000,000 yuan.",
                    method=method,
                ),
                method=method,
            )
        clean[method] = value
    return clean


def _as_date(value: Any) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


def close_day(
    actor: Actor, day: date, counted_fen: dict[str, int], reason: str = ""
) -> DayCloseResult:
    """Close `day` against the counted amounts. Methods not counted count as 0.

    Owner only; a day is closed once; today or earlier only. A reason is required when any
    method is off by more than the `variance_reason_fen` setting."""
    actor.require_owner(N_("close a day"))
    if not isinstance(day, date):
        raise InvalidInput(tr("Give the day to close as a date (YYYY-MM-DD)."))
    counted = _clean_counted(counted_fen)
    reason = clean_text(reason, field=N_("Reason"), max_len=200)
    today = clock.local_day()
    if day > today:
        raise NotAllowed(
            tr(
                "{day} has not ended yet: a day can be closed on that day or later.",
                day=day.isoformat(),
            ),
            code="future_day",
        )
    with unit_of_work(actor, "day.close", "day", day.isoformat()) as change:
        if DayClose.get_or_none(DayClose.day == day) is not None:
            raise Duplicate(
                tr(
                    "{day} is already closed. A closed day cannot be counted again; book a "
                    "correction on the current day instead.",
                    day=day.isoformat(),
                ),
                code="already_closed",
            )
        # Read inside the transaction: no entry can land on this day while it is being closed.
        expected_fen = expected(day)
        variance = {m: counted[m] - expected_fen[m] for m in ledger.METHODS}
        limit = int(settings.get("variance_reason_fen"))
        off = [m for m in ledger.METHODS if abs(variance[m]) > limit]
        if off and not reason:
            raise InvalidInput(
                tr(
                    "The count differs from the ledger by more than {limit} ({off}): count "
                    "again, or give a reason for the difference.",
                    limit=ledger.format_due(limit),
                    off=", ".join(off),
                ),
                code="reason_required",
                variance_fen=variance,
            )
        now = clock.now()
        DayClose.create(
            day=day,
            at=now,
            staff=actor.staff_id,
            expected=json.dumps(expected_fen),
            counted=json.dumps(counted),
            variance=json.dumps(variance),
            reason=reason,
        )
        entries = LedgerEntry.select().where(LedgerEntry.day == day).count()
        change.after = {
            "day": day.isoformat(),
            "expected_fen": expected_fen,
            "counted_fen": counted,
            "variance_fen": variance,
            "reason": reason,
            "entries": entries,
        }
    result = _result(DayClose.get(DayClose.day == day), actor.name, entries)
    pdf = _z_report(result)
    if pdf:
        DayClose.update(pdf_path=pdf).where(DayClose.day == day).execute()
        result = replace(result, pdf=pdf)
    return result


def _counts(day: date) -> dict[str, int]:
    try:
        figures = reports.figures(day)
    except Exception:  # pragma: no cover - the day is closed: counts are only decoration
        log.exception("parcel counts for the Z-report of %s", day)
        return {}
    return {
        "in": figures["received"],
        "picked_up": figures["collected"],
        "returned": figures["returned"],
        "on_shelf": figures["on_shelf"],
        "overdue": figures["overdue"],
        "sends": figures.get("sends", 0),
    }


def _result(
    row: DayClose,
    staff_name: str | None = None,
    entries: int | None = None,
    with_counts: bool = True,
) -> DayCloseResult:
    day = _as_date(row.day)
    variance = json.loads(row.variance)
    if staff_name is None:
        staff_row = Staff.get_or_none(Staff.id == row.staff_id)
        staff_name = staff_row.name if staff_row else ""
    if entries is None:
        entries = LedgerEntry.select().where(LedgerEntry.day == day).count()
    return DayCloseResult(
        date=day.isoformat(),
        expected_fen=json.loads(row.expected),
        counted_fen=json.loads(row.counted),
        variance_fen=variance,
        reason=row.reason,
        pdf=row.pdf_path or "",
        closed_by=staff_name,
        at=clock.iso(row.at),
        z_no=f"Z{day:%Y%m%d}",
        entries=entries,
        total_variance_fen=sum(variance.values()),
        counts=_counts(day) if with_counts else {},
    )


def _z_report(result: DayCloseResult) -> str:
    """The Z-report PDF path, or "" when paperwork cannot make one (the close still stands)."""
    try:
        from station.services import paperwork
    except ImportError:
        return ""
    try:
        return str(paperwork.z_report_pdf(result))  # type: ignore[attr-defined]
    except Exception:
        log.exception("Z-report for %s could not be written", result.date)
        return ""


def get_close(day: date) -> DayCloseResult:
    row = DayClose.get_or_none(DayClose.day == day)
    if row is None:
        raise NotFound(
            tr(
                "{day} has not been closed.",
                day=day.isoformat(),
            )
        )
    return _result(row)


def is_closed(day: date) -> bool:
    return DayClose.select().where(DayClose.day == day).exists()


def last_closed() -> date | None:
    value = DayClose.select(fn.MAX(DayClose.day)).scalar()
    return _as_date(value) if value is not None else None


def list_closes(actor: Actor, limit: int = 60) -> list[DayCloseResult]:
    """The latest closed days, newest first."""
    actor.require_owner(N_("see day closes"))
    rows = DayClose.select().order_by(DayClose.day.desc()).limit(limit)
    return [_result(row, with_counts=False) for row in rows]
