"""Two counters (two processes) try to hand out the same parcel, 500 times: exactly one wins
each time, the other gets a clean refusal, and the books stay straight."""

from __future__ import annotations

import multiprocessing as mp

import pytest

from station import db as station_db
from station.audit import Actor
from station.models import PICKED_UP, Parcel, ParcelEvent, Pickup
from station.services.integrity import verify

from .helpers import take_in

ROUNDS = 500  # the full size everywhere: it takes seconds, and it is the promise


@pytest.mark.slow
def test_two_counters_never_hand_out_one_parcel_twice(db_url: str, owner: Actor) -> None:
    from station.services import shelves

    shelves.add_shelf(owner, "R", 10, {"S": 60})
    codes = [take_in(owner, person=i % 50, size="S").pickup_code for i in range(ROUNDS)]
    station_db.close_database()
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(2)
    results = ctx.Queue()
    from . import race_worker

    procs = [
        ctx.Process(target=race_worker.run, args=(db_url, codes, barrier, results, f"c{i}"))
        for i in range(2)
    ]
    for p in procs:
        p.start()
    outcomes = [results.get(timeout=300) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    wins = [code for _, won, _ in outcomes for code in won]
    assert sorted(wins) == sorted(codes)  # every parcel handed out exactly once
    refused = sum(sum(r.values()) for _, _, r in outcomes)
    assert refused == ROUNDS
    assert set().union(*(r.keys() for _, _, r in outcomes)) <= {
        "not_found",
        "already_collected",
        "not_collectable",
    }
    station_db.open_database(db_url)
    assert Parcel.select().where(Parcel.status == PICKED_UP).count() == ROUNDS
    assert Pickup.select().count() == ROUNDS
    assert ParcelEvent.select().where(ParcelEvent.action == "parcel.pickup").count() == ROUNDS
    assert verify()["ok"]
