"""The station's clock: UTC for storage, the station's zone for "the day". Replaceable so
tests and the demo builder can live at any moment."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from typing import overload
from zoneinfo import ZoneInfo

DEFAULT_ZONE = "Asia/Shanghai"

_now: Callable[[], datetime] = lambda: datetime.now(UTC).replace(tzinfo=None)  # noqa: E731
_zone = ZoneInfo(DEFAULT_ZONE)


def now() -> datetime:
    """Naive UTC now (what is stored)."""
    return _now()


@contextmanager
def frozen_at(moment: datetime) -> Iterator[None]:
    """Run with the clock fixed at `moment` (naive UTC, or aware and converted)."""
    global _now
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    saved = _now
    _now = lambda: moment  # noqa: E731
    try:
        yield
    finally:
        _now = saved


def set_zone(name: str) -> None:
    global _zone
    _zone = ZoneInfo(name)


def zone() -> ZoneInfo:
    return _zone


@overload
def to_local(moment: datetime) -> datetime: ...
@overload
def to_local(moment: None) -> None: ...
def to_local(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC).astimezone(_zone)


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 in the station's zone, with its offset."""
    local = to_local(moment)
    return local.isoformat(timespec="seconds") if local else None


def local_day(moment: datetime | None = None) -> date:
    local = to_local(moment or now())
    assert local is not None
    return local.date()


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The station-local day as a half-open naive-UTC interval [start, end)."""
    start = datetime.combine(day, time(0), tzinfo=_zone).astimezone(UTC).replace(tzinfo=None)
    end_local = datetime.combine(day + timedelta(days=1), time(0), tzinfo=_zone)
    return start, end_local.astimezone(UTC).replace(tzinfo=None)
