"""Carrier settlement: parcels received and returns handed back in a period, times the fees."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from station import clock
from station.audit import Actor
from station.errors import InvalidInput, NotAllowed, NotFound
from station.services import carriers, returns
from station.services.settlement import settle, write_statement_xlsx

from .helpers import take_in

# 2024-05-01 00:30 in Shanghai is 2024-04-30 16:30 UTC: the local day decides.
EARLY = datetime(2024, 4, 30, 16, 30)
MAY1, MAY2, MAY3 = date(2024, 5, 1), date(2024, 5, 2), date(2024, 5, 3)


@pytest.fixture(autouse=True)
def _documents(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARCEL_STATION_DOCS", str(tmp_path / "docs"))


@pytest.fixture
def history(owner: Actor, clerk: Actor) -> dict[str, list[str]]:
    """SF: 2 parcels on May 1 (one just after local midnight), 1 on May 2, 1 on April 30
    (local), 1 returned on May 3; ZTO: 1 parcel on May 1."""
    carriers.update_terms(owner, "SF", fee_per_parcel_fen=50, fee_per_return_fen=20)
    made: dict[str, list[str]] = {"SF": [], "ZTO": []}

    def take(at: datetime, carrier: str, **extra: object) -> str:
        with clock.frozen_at(at):
            view = take_in(clerk, carrier=carrier, size="S", **extra)
        made[carrier].append(view.tracking)
        return view.tracking

    take(EARLY - timedelta(hours=1), "SF")  # 23:30 local on April 30
    take(EARLY, "SF")
    back = take(EARLY + timedelta(hours=10), "SF")
    take(EARLY + timedelta(hours=11), "ZTO")
    take(EARLY + timedelta(days=1), "SF")
    with clock.frozen_at(EARLY + timedelta(days=2, hours=2)):
        returns.mark_for_return(clerk, [back])
        returns.handover(clerk, "SF", "顺丰小哥")
    return made


def test_settle_counts_received_and_returned_in_the_period(owner: Actor, history: dict) -> None:
    result = settle(owner, "SF", MAY1, MAY3)
    assert (result.parcels, result.returns) == (3, 1)
    assert result.owed_fen == 3 * 50 + 1 * 20 == result.parcels_fen + result.returns_fen
    data = result.to_json()
    assert data["carrier"] == "SF" and data["from"] == "2024-05-01" and data["to"] == "2024-05-03"
    assert {
        "carrier",
        "parcels",
        "returns",
        "owed_fen",
        "fee_per_parcel_fen",
        "fee_per_return_fen",
    } <= set(data)
    assert [(d.date, d.parcels, d.returns, d.owed_fen) for d in result.days] == [
        ("2024-05-01", 2, 0, 100),
        ("2024-05-02", 1, 0, 50),
        ("2024-05-03", 0, 1, 20),
    ]


def test_period_edges_follow_the_local_day(owner: Actor, history: dict) -> None:
    assert settle(owner, "SF", MAY1, MAY1).parcels == 2
    assert settle(owner, "SF", MAY2, MAY2).parcels == 1
    april = settle(owner, "SF", date(2024, 4, 30), date(2024, 4, 30))
    assert (april.parcels, april.returns, april.owed_fen) == (1, 0, 50)
    zto = settle(owner, "zto", MAY1, MAY3)
    assert (zto.carrier, zto.parcels, zto.returns) == ("ZTO", 1, 0)
    assert zto.owed_fen == zto.fee_per_parcel_fen
    empty = settle(owner, "JD", MAY1, MAY3)
    assert (empty.parcels, empty.returns, empty.owed_fen) == (0, 0, 0)


def test_settlement_is_for_the_owner(clerk: Actor) -> None:
    with pytest.raises(NotAllowed):
        settle(clerk, "SF", MAY1, MAY3)


def test_bad_periods_and_carriers(owner: Actor) -> None:
    with pytest.raises(InvalidInput):
        settle(owner, "SF", MAY3, MAY1)
    with pytest.raises(InvalidInput):
        settle(owner, "SF", date(2020, 1, 1), date(2024, 1, 1))
    with pytest.raises(NotFound):
        settle(owner, "NOPE", MAY1, MAY3)


def test_statement_xlsx(owner: Actor, history: dict, tmp_path: Path) -> None:
    result = settle(owner, "SF", MAY1, MAY3)
    out = write_statement_xlsx(result, tmp_path / "out" / "sf.xlsx")
    wb = load_workbook(out)
    assert wb.sheetnames == ["Summary", "Days"]
    days = wb["Days"]
    assert days.freeze_panes == "A2"
    assert days.column_dimensions["A"].width >= 12
    first = [c.value for c in days[2]]
    assert first[0].date() == MAY1 and first[1:3] == [2, 0]
    assert Decimal(str(first[5])) == Decimal("1.00")
    assert days.cell(row=2, column=1).number_format == "yyyy-mm-dd"
    total = [c.value for c in days[days.max_row]]
    assert total[1:3] == [3, 1] and Decimal(str(total[5])) == Decimal("1.70")
    summary = {row[0].value: row[1].value for row in wb["Summary"].iter_rows(min_row=2)}
    assert summary["快递公司 Carrier"] == "SF"
    assert summary["应付合计(分) Owed (fen)"] == 170
    assert wb["Summary"].freeze_panes == "A2"
