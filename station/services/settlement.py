"""Carrier settlement (结算): what a carrier owes the station for the parcels it handled.

A parcel counts once when it is received (intake) in the period, at the carrier's fee per
parcel; a return counts when it is handed back to the carrier's courier in the period, at the
fee per return. Periods are whole local days, both ends included.

Outgoing sends count when they are handed to the carrier's courier: `sends_fen` is what the
station took from senders for the carrier, and `net_fen = owed_fen − sends_fen` what is left
to settle (negative: the station pays the carrier).
"""

from __future__ import annotations

import io
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from peewee import Expression

from station import clock
from station.audit import Actor
from station.domain.cells import neutralise_workbook
from station.errors import InvalidInput
from station.i18n import N_, tr
from station.models import Parcel
from station.services import carriers

MAX_DAYS = 731


def _rows(query: Any) -> Iterator[tuple[Any, ...]]:
    """A query's rows as plain tuples (no model instances: cheaper, and typed)."""
    return iter(query.tuples())


@dataclass(frozen=True)
class SettlementDay:
    date: str
    parcels: int
    returns: int
    owed_fen: int
    sends: int = 0
    sends_fen: int = 0

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class SettlementResult:
    carrier: str
    carrier_name: str
    date_from: str
    date_to: str
    parcels: int
    returns: int
    fee_per_parcel_fen: int
    fee_per_return_fen: int
    parcels_fen: int
    returns_fen: int
    owed_fen: int
    days: list[SettlementDay] = field(default_factory=list)
    generated_at: str | None = None
    sends: int = 0  # outgoing sends handed to the carrier's courier in the period
    sends_fen: int = 0  # what the station took for them from the senders

    @property
    def net_fen(self) -> int:
        return self.owed_fen - self.sends_fen

    def to_json(self) -> dict[str, Any]:
        return {
            "carrier": self.carrier,
            "carrier_name": self.carrier_name,
            "from": self.date_from,
            "to": self.date_to,
            "parcels": self.parcels,
            "returns": self.returns,
            "fee_per_parcel_fen": self.fee_per_parcel_fen,
            "fee_per_return_fen": self.fee_per_return_fen,
            "parcels_fen": self.parcels_fen,
            "returns_fen": self.returns_fen,
            "owed_fen": self.owed_fen,
            "days": [d.to_json() for d in self.days],
            "generated_at": self.generated_at,
            "sends": self.sends,
            "sends_fen": self.sends_fen,
            "net_fen": self.net_fen,
        }


def _carrier_is(code: str) -> Expression:
    # `carrier_id || ''` keeps SQLite from walking the carrier index (every parcel the carrier
    # ever brought) instead of the narrow time range; PostgreSQL reads it the same way.
    return Parcel.carrier.concat("") == code


def settle(actor: Actor, carrier_code: str, date_from: date, date_to: date) -> SettlementResult:
    """What `carrier_code` owes for the local days `date_from`..`date_to` (inclusive)."""
    actor.require_owner(N_("see carrier settlements"))
    carrier = carriers.get(carrier_code)
    if not isinstance(date_from, date) or not isinstance(date_to, date):
        raise InvalidInput(tr("Give the period as two dates (YYYY-MM-DD)."))
    if date_from > date_to:
        raise InvalidInput(
            tr(
                "The period starts ({date_from}) after it ends ({date_to}): swap the dates.",
                date_from=date_from.isoformat(),
                date_to=date_to.isoformat(),
            )
        )
    n_days = (date_to - date_from).days + 1
    if n_days > MAX_DAYS:
        raise InvalidInput(
            tr(
                "A settlement covers at most {max_days} days; split the period.",
                max_days=MAX_DAYS,
            )
        )
    dates = [date_from + timedelta(days=i) for i in range(n_days)]
    bounds = [clock.day_bounds(d)[0] for d in dates] + [clock.day_bounds(date_to)[1]]
    start, end = bounds[0], bounds[-1]

    def bucket(moment: datetime) -> int:
        return bisect_right(bounds, moment) - 1

    parcels = [0] * n_days
    for (received_at,) in _rows(
        Parcel.select(Parcel.received_at).where(
            Parcel.received_at >= start, Parcel.received_at < end, _carrier_is(carrier.code)
        )
    ):
        parcels[bucket(received_at)] += 1
    returns = [0] * n_days
    # A return leaves the station when it is handed back: left_at == returned_at (indexed).
    for (returned_at,) in _rows(
        Parcel.select(Parcel.returned_at).where(
            Parcel.left_at >= start,
            Parcel.left_at < end,
            Parcel.returned_at.is_null(False),
            _carrier_is(carrier.code),
        )
    ):
        returns[bucket(returned_at)] += 1

    from station.services import sends_handover

    sends, sends_fen = [0] * n_days, [0] * n_days
    for handed_at, total in sends_handover.handed_over(carrier.code, start, end):
        sends[bucket(handed_at)] += 1
        sends_fen[bucket(handed_at)] += total

    fee_p, fee_r = carrier.fee_per_parcel_fen, carrier.fee_per_return_fen
    days = [
        SettlementDay(d.isoformat(), n, r, n * fee_p + r * fee_r, k, f)
        for d, n, r, k, f in zip(dates, parcels, returns, sends, sends_fen, strict=True)
    ]
    return result_for(
        carrier, date_from, date_to, sum(parcels), sum(returns), days, sum(sends), sum(sends_fen)
    )


def _yuan(fen: int) -> Decimal:
    return Decimal(fen) / 100


def write_statement_xlsx(result: SettlementResult, path: Path | str) -> Path:
    """The statement for the carrier: a Summary sheet and a Days sheet (one row a day and a
    total). Dates are dates, counts integers, money yuan numbers with two decimals."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    money, day_fmt = "#,##0.00", "yyyy-mm-dd"
    bold = Font(bold=True)
    wb = Workbook()

    ws = wb.active
    assert ws is not None
    ws.title = "Days"
    header = [
        "日期 Date",
        "入库件数 Parcels",
        "退回件数 Returns",
        "入库费 Parcel fees (¥)",
        "退回费 Return fees (¥)",
        "应付 Owed (¥)",
    ]
    ws.append(header)
    for d in result.days:
        ws.append(
            [
                date.fromisoformat(d.date),
                d.parcels,
                d.returns,
                _yuan(d.parcels * result.fee_per_parcel_fen),
                _yuan(d.returns * result.fee_per_return_fen),
                _yuan(d.owed_fen),
            ]
        )
    ws.append(
        [
            "合计 Total",
            result.parcels,
            result.returns,
            _yuan(result.parcels_fen),
            _yuan(result.returns_fen),
            _yuan(result.owed_fen),
        ]
    )
    for cell in ws[1] + ws[ws.max_row]:
        cell.font = bold
    for row in ws.iter_rows(min_row=2):
        row[0].number_format = day_fmt
        for cell in row[3:]:
            cell.number_format = money
    for i, w in enumerate([14, 16, 16, 22, 22, 16], start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "A2"

    summary = wb.create_sheet("Summary", 0)
    summary.append(["项目 Item", "数值 Value"])
    rows: list[tuple[str, Any, str | None]] = [
        ("快递公司 Carrier", result.carrier, None),
        ("名称 Name", result.carrier_name, None),
        ("起始 From", date.fromisoformat(result.date_from), day_fmt),
        ("截止 To", date.fromisoformat(result.date_to), day_fmt),
        ("每件费用 Fee per parcel (¥)", _yuan(result.fee_per_parcel_fen), money),
        ("每件退回费 Fee per return (¥)", _yuan(result.fee_per_return_fen), money),
        ("入库件数 Parcels", result.parcels, None),
        ("退回件数 Returns", result.returns, None),
        ("入库费 Parcel fees (¥)", _yuan(result.parcels_fen), money),
        ("退回费 Return fees (¥)", _yuan(result.returns_fen), money),
        ("应付合计 Owed (¥)", _yuan(result.owed_fen), money),
        ("应付合计(分) Owed (fen)", result.owed_fen, "0"),
        ("寄件交接件数 Sends handed over", result.sends, None),
        ("代收寄件运费 Send charges collected (¥)", _yuan(result.sends_fen), money),
        ("轧差 Net after sends (¥)", _yuan(result.net_fen), money),
    ]
    for label, value, fmt in rows:
        summary.append([label, value])
        if fmt:
            summary.cell(row=summary.max_row, column=2).number_format = fmt
    for cell in summary[1]:
        cell.font = bold
    summary.column_dimensions["A"].width = 30
    summary.column_dimensions["B"].width = 18
    summary.freeze_panes = "A2"
    wb.active = 0
    wb.properties.title = f"Settlement {result.carrier} {result.date_from}..{result.date_to}"

    buf = io.BytesIO()
    neutralise_workbook(wb)  # a name like =HYPERLINK(…) stays text
    wb.save(buf)
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_bytes(buf.getvalue())
    tmp.replace(out)
    return out


def result_for(
    carrier: Any,
    date_from: date,
    date_to: date,
    parcels: int,
    returns: int,
    days: list[SettlementDay] | None = None,
    sends: int = 0,
    sends_fen: int = 0,
) -> SettlementResult:
    """What a carrier owes for `parcels` handled and `returns` handed back, at its fees."""
    fee_p, fee_r = carrier.fee_per_parcel_fen, carrier.fee_per_return_fen
    return SettlementResult(
        carrier=carrier.code,
        carrier_name=carrier.name_zh or carrier.name_en,
        date_from=date_from.isoformat(),
        date_to=date_to.isoformat(),
        parcels=parcels,
        returns=returns,
        fee_per_parcel_fen=fee_p,
        fee_per_return_fen=fee_r,
        parcels_fen=parcels * fee_p,
        returns_fen=returns * fee_r,
        owed_fen=parcels * fee_p + returns * fee_r,
        days=days or [],
        generated_at=clock.iso(clock.now()),
        sends=sends,
        sends_fen=sends_fen,
    )
