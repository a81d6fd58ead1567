"""Shared fixtures: a fresh station per test, built through the services.

Set PARCEL_STATION_TEST_PG to a PostgreSQL URL to run the same core tests against PostgreSQL
(each test gets its own freshly created database).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from station import db as station_db
from station.audit import SYSTEM, Actor
from station.services import shelves, staff
from station.services.station import init_station

PG_URL = os.environ.get("PARCEL_STATION_TEST_PG")
OWNER_PIN = "4321"
CLERK_PIN = "1234"


def _pg_fresh(base_url: str) -> tuple[str, callable]:
    from urllib.parse import urlparse, urlunparse

    import psycopg2

    name = f"ps_test_{uuid.uuid4().hex[:12]}"
    parts = urlparse(base_url)
    admin = psycopg2.connect(base_url)
    admin.autocommit = True
    admin.cursor().execute(f'CREATE DATABASE "{name}"')
    url = urlunparse(parts._replace(path=f"/{name}"))

    def drop() -> None:
        station_db.close_database()
        with admin.cursor() as cur:
            cur.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                (name,),
            )
            cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.close()

    return url, drop


def backends() -> list[str]:
    return ["sqlite", "postgres"] if PG_URL else ["sqlite"]


@pytest.fixture(params=backends())
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL for an empty database on each configured backend."""
    if request.param == "sqlite":
        yield str(tmp_path / "station.db")
        station_db.close_database()
    else:
        url, drop = _pg_fresh(PG_URL)  # type: ignore[arg-type]
        yield url
        drop()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> Iterator[str]:
    yield str(tmp_path / "station.db")
    station_db.close_database()


@pytest.fixture
def station(db_url: str) -> str:
    """A migrated station with carriers, an owner 'boss' and a clerk 'amy', shelves A and B
    (3 layers each: S 10, M 6, L 2, XL 1)."""
    station_db.open_database(db_url)
    init_station(
        owner="boss", pin=OWNER_PIN, station_name="Test Station 测试驿站", address="测试路1号"
    )
    boss = staff.authenticate("boss", OWNER_PIN, counter="test")
    staff.add_staff(boss, "amy", "clerk", CLERK_PIN)
    for name in ("A", "B"):
        shelves.add_shelf(boss, name, 3, {"S": 10, "M": 6, "L": 2, "XL": 1})
    return db_url


@pytest.fixture
def owner(station: str) -> Actor:
    return staff.authenticate("boss", OWNER_PIN, counter="test")


@pytest.fixture
def clerk(station: str) -> Actor:
    return staff.authenticate("amy", CLERK_PIN, counter="test")


@pytest.fixture
def system() -> Actor:
    return SYSTEM
