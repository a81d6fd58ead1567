"""Pickup by the number part of the code ("0201" of A-4-0201), the way customers say it."""

from __future__ import annotations

from station.audit import Actor
from station.domain.codes import parse_pickup_code
from station.models import Parcel
from station.services import parcels

from .helpers import phone, take_in


def _number(code: str) -> str:
    return f"{parse_pickup_code(code)[2]:04d}"  # type: ignore[index]


def test_bare_code_finds_the_one_parcel(clerk: Actor) -> None:
    view = take_in(clerk, person=7, name="李雷")
    take_in(clerk, person=8, name="韩梅梅")
    said = _number(view.pickup_code)
    assert said != phone(7)[-4:]
    groups = parcels.collectable_for(clerk, said)
    assert [[v.tracking for v in g] for g in groups] == [[view.tracking]]
    assert [v.tracking for v in parcels.find(clerk, f" {said} ")] == [view.tracking]


def test_bare_code_also_a_phones_last_4_lists_both_people(clerk: Actor) -> None:
    first = take_in(clerk, person=9999, name="李雷")
    said = _number(first.pickup_code)
    # Someone whose phone ends in the same four digits is a different person: both are
    # offered, the code's parcel first, and the clerk asks for the name.
    other = take_in(clerk, person=int(said), name="韩梅梅")
    assert other.recipient_phone.endswith(said)
    groups = parcels.collectable_for(clerk, said)
    assert [g[0].tracking for g in groups] == [first.tracking, other.tracking]
    assert [g[0].tracking for g in parcels.collectable_for(clerk, said, name="韩梅梅")] == [
        other.tracking
    ]


def test_five_digit_code_and_other_digit_counts(clerk: Actor) -> None:
    view = take_in(clerk, person=4)
    Parcel.update(code_seq=10201).where(Parcel.id == view.id).execute()
    assert [v.tracking for v in parcels.find(clerk, "10201")] == [view.tracking]
    assert all(v.tracking != view.tracking for v in parcels.find(clerk, "010201"))
    assert all(v.tracking != view.tracking for v in parcels.find(clerk, "201"))
