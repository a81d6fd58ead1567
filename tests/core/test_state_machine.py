"""Random sequences of counter work; the station's invariants hold after every step."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from peewee import fn

from station import db as station_db
from station.audit import SYSTEM, Actor, verify_chain
from station.errors import StationError
from station.models import (
    ACTIVE_STATUSES,
    ALL_MODELS,
    PICKED_UP,
    LedgerEntry,
    Parcel,
    Pickup,
    Slot,
    Staff,
    database_proxy,
)
from station.models_pickup import BY_HAND, SCANNED, PickupCheck
from station.services import intake, pickup_lookup, returns, shelves, staff
from station.services.pickup import PickupRequest, pickup
from station.services.pickup_checks import Check
from station.services.station import init_station

from .conftest_pg import fresh_pg_url

SIZES = st.sampled_from(["S", "M", "L", "XL"])
PEOPLE = st.integers(min_value=0, max_value=4)
VALID_ID = "11010519491231002X"
HOW = st.sampled_from(["scan_tracking", "scan_code", "hand"])
REASONS = ("no scanner here", "标签破损看不清", "  label   torn  ")


def _check(parcel: Parcel, how: str, reason: str) -> Check:
    if how == "hand":
        return Check(parcel.tracking, BY_HAND, reason=reason)
    scanned = parcel.tracking if how == "scan_tracking" else parcel.pickup_code
    return Check(parcel.tracking, SCANNED, scanned=scanned)


class StationMachine(RuleBasedStateMachine):
    backend = "sqlite"

    def __init__(self) -> None:
        super().__init__()
        self.counter = 0
        self.collected: set[int] = set()

    @initialize()
    def open_station(self) -> None:
        if self.backend == "postgres":
            url = fresh_pg_url()
            database = station_db.make_database(url)
            database_proxy.initialize(database)
            database.drop_tables(ALL_MODELS, cascade=True, safe=True)
            database.close()
        else:
            url = str(Path(tempfile.mkdtemp()) / "sm.db")
        station_db.close_database()
        station_db.open_database(url)
        init_station()
        staff.add_staff(SYSTEM, "boss", "owner", "4321")
        row = Staff.get(Staff.name == "boss")
        self.actor = Actor(row.id, "boss", "owner", "sm")
        shelves.add_shelf(self.actor, "A", 2, {"S": 3, "M": 2, "L": 1, "XL": 1})
        shelves.add_shelf(self.actor, "B", 1, {"S": 2, "M": 1, "L": 1, "XL": 0})

    def _active(self) -> list[Parcel]:
        return list(Parcel.select().where(Parcel.status.in_(ACTIVE_STATUSES)).order_by(Parcel.id))

    @rule(person=PEOPLE, size=SIZES, cod=st.sampled_from([0, 0, 150, 1999]))
    def take_in(self, person: int, size: str, cod: int) -> None:
        self.counter += 1
        try:
            intake.intake(
                self.actor,
                intake.IntakeRequest(
                    tracking=f"YT{self.counter:013d}",
                    phone=f"1380000{person:04d}",
                    name=f"P{person}",
                    size=size,
                    cod_fen=cod, consent_basis="carrier",
                ),
            )
        except StationError as exc:
            assert exc.code == "shelves_full"

    @rule(data=st.data())
    def duplicate_scan(self, data: st.DataObject) -> None:
        active = self._active()
        if not active:
            return
        parcel = data.draw(st.sampled_from(active))
        before = Parcel.select().count()
        with pytest.raises(StationError):
            intake.intake(
                self.actor, intake.IntakeRequest(tracking=parcel.tracking, phone="13800000000",
                                                 consent_basis="carrier"),
            )
        assert Parcel.select().count() == before

    @rule(data=st.data(), method=st.sampled_from(["cash", "wechat"]))
    def collect(self, data: st.DataObject, method: str) -> None:
        on_shelf = [p for p in self._active() if p.status in ("ON_SHELF", "RETURN_PENDING")]
        if not on_shelf:
            return
        first = data.draw(st.sampled_from(on_shelf))
        mine = [p for p in on_shelf if p.recipient_phone == first.recipient_phone]
        chosen = data.draw(
            st.lists(st.sampled_from(mine), min_size=1, max_size=3, unique_by=lambda p: p.id)
        )
        checks = tuple(
            _check(p, data.draw(HOW), data.draw(st.sampled_from(REASONS))) for p in chosen
        )
        result = pickup(
            self.actor,
            PickupRequest(
                refs=tuple(p.tracking for p in chosen),
                checks=checks,
                id_number=VALID_ID,
                method=method,
                tendered_fen=sum(p.cod_fen for p in chosen) + 500,
            ),
        )
        assert result.change_fen == (500 if method == "cash" and result.due_fen else 0)
        self.collected.update(p.id for p in chosen)

    @rule(data=st.data(), fault=st.sampled_from(["missing", "wrong_scan", "no_reason"]))
    def collect_unconfirmed(self, data: st.DataObject, fault: str) -> None:
        """A hand-over with a parcel not (properly) confirmed changes nothing."""
        on_shelf = [p for p in self._active() if p.status in ("ON_SHELF", "RETURN_PENDING")]
        if not on_shelf:
            return
        parcel = data.draw(st.sampled_from(on_shelf))
        others = [p for p in self._active() if p.id != parcel.id]
        if fault == "missing":
            checks: tuple[Check, ...] = ()
        elif fault == "wrong_scan":
            wrong = data.draw(st.sampled_from(others)).tracking if others else "NOTAPARCEL1"
            checks = (Check(parcel.tracking, SCANNED, scanned=wrong),)
        else:
            checks = (Check(parcel.tracking, BY_HAND, reason=data.draw(st.sampled_from(
                [None, "", " ", "ok"]))),)
        before = (Pickup.select().count(), PickupCheck.select().count())
        with pytest.raises(StationError) as info:
            pickup(
                self.actor,
                PickupRequest(refs=(parcel.tracking,), checks=checks, id_number=VALID_ID,
                              method="cash"),
            )
        assert info.value.code in ("not_confirmed", "wrong_scan", "reason_required")
        assert (Pickup.select().count(), PickupCheck.select().count()) == before
        assert Parcel.get_by_id(parcel.id).status == parcel.status
        if fault == "wrong_scan" and others:
            pickup_lookup.record_wrong_scan(self.actor, checks[0].scanned or "", [parcel.id])

    @rule(data=st.data())
    def collect_again(self, data: st.DataObject) -> None:
        if not self.collected:
            return
        parcel = Parcel.get_by_id(data.draw(st.sampled_from(sorted(self.collected))))
        if parcel.status != PICKED_UP:
            return
        with pytest.raises(StationError):
            pickup(
                self.actor,
                PickupRequest(refs=(parcel.tracking,), id_number=VALID_ID, method="cash"),
            )

    @rule(data=st.data(), label=st.sampled_from(["A-1", "A-2", "B-1"]))
    def move(self, data: st.DataObject, label: str) -> None:
        active = self._active()
        if not active:
            return
        parcel = data.draw(st.sampled_from(active))
        try:
            returns.move(self.actor, parcel.tracking, label)
        except StationError as exc:
            assert exc.code in ("conflict", "invalid")

    @rule(data=st.data())
    def mark_return(self, data: st.DataObject) -> None:
        on_shelf = [p for p in self._active() if p.status == "ON_SHELF"]
        if on_shelf:
            returns.mark_for_return(self.actor, [data.draw(st.sampled_from(on_shelf)).tracking])

    @rule()
    def hand_over(self) -> None:
        pending = Parcel.select().where(Parcel.status == "RETURN_PENDING").first()
        if pending is not None:
            result = returns.handover(self.actor, pending.carrier_id, "courier")
            assert all(p.status == "RETURNED" for p in result.parcels)

    @rule(data=st.data())
    def missing(self, data: st.DataObject) -> None:
        on_shelf = [p for p in self._active() if p.status == "ON_SHELF"]
        if on_shelf:
            returns.mark_missing(self.actor, data.draw(st.sampled_from(on_shelf)).tracking)

    @rule(data=st.data())
    def found(self, data: st.DataObject) -> None:
        lost = [p for p in self._active() if p.status == "MISSING"]
        if lost:
            returns.mark_found(self.actor, data.draw(st.sampled_from(lost)).tracking)

    @invariant()
    def every_active_parcel_has_one_slot_within_capacity(self) -> None:
        if not hasattr(self, "actor"):
            return
        counts: dict[tuple[int, str], int] = {}
        for p in self._active():
            assert p.slot_id is not None
            counts[(p.slot_id, p.size)] = counts.get((p.slot_id, p.size), 0) + 1
        for slot in Slot.select():
            for size in ("S", "M", "L", "XL"):
                used = getattr(slot, f"used_{size.lower()}")
                assert used == counts.get((slot.id, size), 0)
                assert used <= getattr(slot, f"cap_{size.lower()}")

    @invariant()
    def active_codes_and_numbers_are_unique(self) -> None:
        if not hasattr(self, "actor"):
            return
        active = self._active()
        assert len({p.code_seq for p in active}) == len(active)
        assert len({p.tracking for p in active}) == len(active)

    @invariant()
    def collected_parcels_never_active(self) -> None:
        if not hasattr(self, "actor"):
            return
        for pid in self.collected:
            assert Parcel.get_by_id(pid).status not in ACTIVE_STATUSES

    @invariant()
    def ledger_equals_collections(self) -> None:
        if not hasattr(self, "actor"):
            return
        ledger = LedgerEntry.select(fn.SUM(LedgerEntry.amount_fen)).scalar() or 0
        paid = Pickup.select(fn.SUM(Pickup.paid_fen)).scalar() or 0
        cod_out = (
            Parcel.select(fn.SUM(Parcel.cod_fen)).where(Parcel.status == PICKED_UP).scalar() or 0
        )
        assert ledger == paid == cod_out

    @invariant()
    def every_handed_out_parcel_has_one_confirmation(self) -> None:
        if not hasattr(self, "actor"):
            return
        checks = list(PickupCheck.select())
        assert len({(c.pickup_id, c.parcel_id) for c in checks}) == len(checks)
        by_pickup = {(c.pickup_id, c.parcel_id): c for c in checks}
        for p in Parcel.select().where(Parcel.status == PICKED_UP):
            check = by_pickup[(p.pickup_id, p.id)]  # exactly one for the hand-over it left by
            if check.how == BY_HAND:
                assert check.reason and len(check.reason) >= 4 and check.scanned is None
            else:
                assert check.how == SCANNED and check.scanned in (p.tracking, p.pickup_code)
        handed_out = PickupCheck.select().join(Pickup).where(Pickup.undone_at.is_null())
        assert handed_out.count() == Parcel.select().where(Parcel.status == PICKED_UP).count()

    @invariant()
    def audit_chain_verifies(self) -> None:
        if not hasattr(self, "actor"):
            return
        assert verify_chain().ok

    def teardown(self) -> None:
        station_db.close_database()


class PgStationMachine(StationMachine):
    backend = "postgres"


def _settings(examples: int) -> settings:
    return settings(
        max_examples=examples,
        stateful_step_count=30,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )


StationMachine.TestCase.settings = _settings(
    int(os.environ.get("PARCEL_STATION_SM_EXAMPLES", "25"))
)
TestStationMachine = StationMachine.TestCase

PgStationMachine.TestCase.settings = _settings(8)
TestPgStationMachine = pytest.mark.skipif(
    not os.environ.get("PARCEL_STATION_TEST_PG"), reason="PARCEL_STATION_TEST_PG not set"
)(PgStationMachine.TestCase)
