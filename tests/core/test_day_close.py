"""Day close (日结) and the ledger invariants it relies on."""

from __future__ import annotations

import itertools
import json
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from station import clock
from station.audit import Actor
from station.errors import Duplicate, InvalidInput, NotAllowed
from station.models import AuditEvent, DayClose, LedgerEntry
from station.services import day_close, ledger, reports
from station.services import settings as station_settings
from station.services.pickup import PickupRequest, pickup

from .helpers import take_in

# 12:00 in Shanghai on 2024-05-01.
NOON = datetime(2024, 5, 1, 4, 0)
DAY = date(2024, 5, 1)


@pytest.fixture(autouse=True)
def _documents(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARCEL_STATION_DOCS", str(tmp_path / "docs"))


def _no_id_checks(owner: Actor) -> None:
    station_settings.set_value(owner, "id_check_policy", "flagged")


def sell(clerk: Actor, cod_fen: int, method: str, person: int = 1) -> int:
    """A COD parcel taken in and collected: one ledger entry. → the entry id."""
    view = take_in(clerk, cod_fen=cod_fen, person=person, size="S")
    pickup(clerk, PickupRequest(refs=(view.pickup_code,), method=method))
    return LedgerEntry.select().order_by(LedgerEntry.id.desc()).first().id


def test_denominations_to_fen() -> None:
    counts = {"100": 3, "50": 1, "20": 2, "10": 0, "5": 1, "1": 4, "0.5": 3, "0.1": 7}
    assert day_close.denominations_to_fen(counts) == 30000 + 5000 + 4000 + 500 + 400 + 150 + 70
    assert day_close.denominations_to_fen({}) == 0
    assert day_close.denominations_to_fen({"0.50": 1, "¥100": 1, " 1 ": 2}) == 10250
    for bad in ({"2": 1}, {"0.05": 1}, {"abc": 1}, {"100": -1}, {"100": 1.5}, {"100": True}):
        with pytest.raises(InvalidInput):
            day_close.denominations_to_fen(bad)  # type: ignore[arg-type]


def test_expected_comes_from_the_ledger(owner: Actor, clerk: Actor) -> None:
    _no_id_checks(owner)
    with clock.frozen_at(NOON):
        sell(clerk, 1250, "cash", 1)
        sell(clerk, 800, "wechat", 2)
        entry = sell(clerk, 300, "cash", 3)
        ledger.reverse(owner, entry, "wrong amount")
        assert day_close.expected(DAY) == {"cash": 1250, "wechat": 800, "alipay": 0, "card": 0}
    assert day_close.expected(DAY + timedelta(days=1)) == dict.fromkeys(ledger.METHODS, 0)


def test_close_day_records_variance_and_z_report(owner: Actor, clerk: Actor) -> None:
    _no_id_checks(owner)
    with clock.frozen_at(NOON):
        sell(clerk, 1250, "cash", 1)
        sell(clerk, 800, "alipay", 2)
    events = AuditEvent.select().count()
    with clock.frozen_at(NOON + timedelta(hours=9)):  # 21:00 local
        result = day_close.close_day(owner, DAY, {"cash": 1200, "alipay": 800})
    assert result.date == "2024-05-01"
    assert result.expected_fen == {"cash": 1250, "wechat": 0, "alipay": 800, "card": 0}
    assert result.counted_fen == {"cash": 1200, "wechat": 0, "alipay": 800, "card": 0}
    assert result.variance_fen == {"cash": -50, "wechat": 0, "alipay": 0, "card": 0}
    assert result.total_variance_fen == -50
    assert result.closed_by == "boss" and result.entries == 2 and result.z_no == "Z20240501"
    assert result.counts["picked_up"] == 2
    data = result.to_json()
    assert {"date", "expected_fen", "counted_fen", "variance_fen", "pdf", "reason"} <= set(data)
    assert result.pdf.endswith(".pdf") and Path(result.pdf).is_file()
    row = DayClose.get(DayClose.day == DAY)
    assert json.loads(row.variance)["cash"] == -50 and row.pdf_path == result.pdf
    assert AuditEvent.select().count() == events + 1
    event = AuditEvent.select().order_by(AuditEvent.seq.desc()).first()
    assert event.action == "day.close" and event.actor == "boss"
    assert day_close.get_close(DAY).variance_fen == result.variance_fen
    assert day_close.is_closed(DAY) and day_close.last_closed() == DAY


def test_large_variance_needs_a_reason(owner: Actor, clerk: Actor) -> None:
    _no_id_checks(owner)
    with clock.frozen_at(NOON):
        sell(clerk, 5000, "cash")
        limit = station_settings.get("variance_reason_fen")
        with pytest.raises(InvalidInput) as info:
            day_close.close_day(owner, DAY, {"cash": 5000 - limit - 1})
        assert info.value.code == "reason_required"
        assert not day_close.is_closed(DAY)
        with pytest.raises(InvalidInput):  # a non-cash method off by more also needs one
            day_close.close_day(owner, DAY, {"cash": 5000, "card": limit + 1})
        result = day_close.close_day(owner, DAY, {"cash": 5000 - limit - 1}, "  coin  dropped ")
    assert result.reason == "coin dropped"
    assert result.variance_fen["cash"] == -limit - 1


def test_variance_at_the_limit_needs_no_reason(owner: Actor, clerk: Actor) -> None:
    _no_id_checks(owner)
    with clock.frozen_at(NOON):
        sell(clerk, 5000, "cash")
        limit = station_settings.get("variance_reason_fen")
        result = day_close.close_day(owner, DAY, {"cash": 5000 + limit})
    assert result.variance_fen["cash"] == limit and result.reason == ""


def test_a_day_is_closed_once_and_never_in_the_future(owner: Actor) -> None:
    with clock.frozen_at(NOON):
        with pytest.raises(NotAllowed) as info:
            day_close.close_day(owner, DAY + timedelta(days=1), {"cash": 0})
        assert info.value.code == "future_day"
        day_close.close_day(owner, DAY, {"cash": 0})
        with pytest.raises(Duplicate) as dup:
            day_close.close_day(owner, DAY, {"cash": 0})
        assert dup.value.code == "already_closed"
    assert DayClose.select().count() == 1


def test_bad_counts_are_refused(owner: Actor) -> None:
    with clock.frozen_at(NOON):
        for counted in ({"bitcoin": 1}, {"cash": 10**9}, {"cash": 12.5}, {"cash": "100"}):
            with pytest.raises(InvalidInput):
                day_close.close_day(owner, DAY, counted)  # type: ignore[arg-type]
    assert DayClose.select().count() == 0


def test_clerk_cannot_close_a_day(clerk: Actor) -> None:
    with clock.frozen_at(NOON), pytest.raises(NotAllowed):
        day_close.close_day(clerk, DAY, {"cash": 0})
    with pytest.raises(NotAllowed):
        day_close.list_closes(clerk)
    assert DayClose.select().count() == 0


def test_closed_day_never_changes(owner: Actor, clerk: Actor) -> None:
    _no_id_checks(owner)
    with clock.frozen_at(NOON):
        first = sell(clerk, 1000, "cash", 1)
        day_close.close_day(owner, DAY, {"cash": 1000})
        # Later the same evening: the money counts on the next day.
        sell(clerk, 700, "cash", 2)
        reversal = ledger.reverse(owner, first, "customer refused")
    assert reversal.day == "2024-05-02" and reversal.amount_fen == -1000
    assert day_close.expected(DAY)["cash"] == 1000
    assert day_close.expected(DAY + timedelta(days=1))["cash"] == 700 - 1000
    assert [c.date for c in day_close.list_closes(owner)] == ["2024-05-01"]


# -- ledger invariants under random activity ---------------------------------------------------

_example = itertools.count()

operations = st.lists(
    st.one_of(
        st.tuples(st.just("sale"), st.sampled_from(ledger.METHODS), st.integers(1, 50_000)),
        st.tuples(st.just("reverse"), st.integers(0, 1000), st.just(0)),
        st.tuples(st.just("close"), st.sampled_from(ledger.METHODS), st.integers(-3000, 3000)),
        st.tuples(st.just("advance"), st.just(""), st.integers(1, 30)),
    ),
    min_size=1,
    max_size=12,
)


def _check_invariants(snapshots: dict[date, dict[str, int]]) -> None:
    entries = list(LedgerEntry.select())
    by_id = {e.id: e for e in entries}
    days = {e.day if isinstance(e.day, date) else date.fromisoformat(e.day) for e in entries}
    for day in days:
        raw = dict.fromkeys(ledger.METHODS, 0)
        for e in entries:
            if str(e.day) == day.isoformat():
                raw[e.method] += e.amount_fen
        assert day_close.expected(day) == raw
        figures = reports.figures(day)
        assert figures["collected_fen"] == raw
        assert figures["collected_total_fen"] == sum(raw.values())
    reversed_ids = [e.reverses_id for e in entries if e.reverses_id is not None]
    assert len(reversed_ids) == len(set(reversed_ids))  # never reversed twice
    for e in entries:
        if e.kind == "reversal":
            original = by_id[e.reverses_id]
            assert original.kind != "reversal"
            assert (e.method, e.amount_fen + original.amount_fen) == (original.method, 0)
            assert str(e.day) >= str(original.day)
        else:
            assert e.amount_fen > 0
    for close in DayClose.select():
        day = close.day if isinstance(close.day, date) else date.fromisoformat(close.day)
        assert json.loads(close.expected) == day_close.expected(day) == snapshots[day]
        later = [e for e in entries if e.at > close.at]
        assert all(str(e.day) > day.isoformat() for e in later)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=operations)
def test_ledger_invariants(owner: Actor, clerk: Actor, ops: list[tuple[str, str, int]]) -> None:
    """Whatever happens, every day's total is the sum of its entries (and what the report and
    the day close see), reversals cancel their entry exactly, and closed days stay closed."""
    if station_settings.get("id_check_policy") != "flagged":
        _no_id_checks(owner)
    # Each example lives in its own month, later than the ones before.
    now = datetime(2024, 1, 1, 2, 0) + timedelta(days=40 * next(_example))
    snapshots = {
        (r.day if isinstance(r.day, date) else date.fromisoformat(r.day)): json.loads(r.expected)
        for r in DayClose.select()
    }
    for op, arg, n in ops:
        with clock.frozen_at(now):
            if op == "sale":
                sell(clerk, n, arg, person=n % 50)
            elif op == "reverse":
                candidates = [
                    e.id
                    for e in LedgerEntry.select().where(LedgerEntry.kind != "reversal")
                    if LedgerEntry.get_or_none(LedgerEntry.reverses == e.id) is None
                ]
                if candidates:
                    ledger.reverse(owner, candidates[n % len(candidates)], "test reversal")
            elif op == "close":
                day = ledger.open_day()
                if day <= clock.local_day():
                    counted = day_close.expected(day)
                    counted[arg] += n
                    result = day_close.close_day(owner, day, counted, "counted twice")
                    snapshots[day] = result.expected_fen
            else:
                now += timedelta(hours=n)
    _check_invariants(snapshots)
