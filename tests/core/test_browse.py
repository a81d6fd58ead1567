"""browse: keyset pages over every parcel, filters, counts."""

from __future__ import annotations

from datetime import timedelta

import pytest

from station import clock
from station.errors import InvalidInput
from station.services import browse, intake, returns
from station.services.browse import ParcelFilter
from station.services.intake import IntakeRequest


@pytest.fixture
def stocked(clerk, owner):  # noqa: ANN001, ANN201
    views = []
    start = clock.now() - timedelta(days=20)
    for i in range(25):
        with clock.frozen_at(start + timedelta(days=i % 20, minutes=i)):
            views.append(intake.intake(clerk, IntakeRequest(
                tracking=f"{'SF' if i % 2 else 'YT'}{1000000000000 + i}", phone=f"1390000{i:04d}",
                name=f"客户{i}", size="S", carrier="SF" if i % 2 else "YTO",
                consent_basis="carrier")))
    return views


def test_pages_walk_every_row_once_in_order(stocked, clerk) -> None:
    seen, cursor = [], None
    while True:
        page = browse.page(clerk, ParcelFilter(), "received_at", True, after=cursor, limit=7)
        seen += page.rows
        cursor = page.next
        if cursor is None:
            break
    assert len(seen) == 25 and len({v.id for v in seen}) == 25
    assert [v.received_at for v in seen] == sorted((v.received_at for v in seen), reverse=True)
    assert all(v.slot for v in seen)


@pytest.mark.parametrize("sort", sorted(browse.SORTS))
def test_every_sort_pages_completely(stocked, clerk, sort: str) -> None:
    for desc in (True, False):
        rows, cursor = [], None
        for _ in range(10):
            page = browse.page(clerk, ParcelFilter(), sort, desc, after=cursor, limit=4)
            rows += page.rows
            cursor = page.next
            if cursor is None:
                break
        assert len({v.id for v in rows}) == 25


def test_filters_and_count(stocked, clerk) -> None:
    assert browse.count(ParcelFilter()) == 25
    assert browse.count(ParcelFilter(carrier="SF")) == 12
    assert browse.count(ParcelFilter(text=stocked[3].tracking)) == 1
    assert browse.count(ParcelFilter(text=stocked[3].pickup_code)) == 1
    assert browse.count(ParcelFilter(text="客户1")) == 11  # 1, 10-19
    assert browse.count(ParcelFilter(text="0007")) == 1  # last 4 digits of the phone
    assert browse.count(ParcelFilter(shelf=stocked[0].slot)) >= 1
    assert browse.count(ParcelFilter(shelf="A")) + browse.count(ParcelFilter(shelf="B")) == 25
    today = clock.local_day()
    assert browse.count(ParcelFilter(received_from=today - timedelta(days=2))) < 25
    overdue = browse.count(ParcelFilter(overdue=True))
    assert overdue == len(returns.overdue(clerk)) and overdue > 0
    returns.mark_missing(clerk, stocked[0].tracking)
    assert browse.count(ParcelFilter(statuses=("MISSING",))) == 1
    assert [v.tracking for v in browse.active_in_slot(clerk, stocked[0].slot)
            if v.tracking == stocked[0].tracking]


def test_bad_filters_are_refused(stocked, clerk) -> None:
    with pytest.raises(InvalidInput):
        browse.page(clerk, ParcelFilter(), "recipient_name")
    with pytest.raises(InvalidInput):
        browse.count(ParcelFilter(shelf="Z-9"))
    with pytest.raises(InvalidInput):
        browse.count(ParcelFilter(statuses=("LOST",)))


def test_clerk_sees_masked_phones(stocked, clerk, owner) -> None:
    mine = browse.page(clerk, ParcelFilter(text=stocked[0].tracking)).rows[0]
    theirs = browse.page(owner, ParcelFilter(text=stocked[0].tracking)).rows[0]
    assert "****" in mine.recipient_phone and "****" not in theirs.recipient_phone
