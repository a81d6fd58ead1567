"""PostgreSQL helpers for tests that cannot use the per-test fixtures (state machines,
multi-process races)."""

from __future__ import annotations

import os
import uuid
from urllib.parse import urlparse, urlunparse

PG_URL = os.environ.get("PARCEL_STATION_TEST_PG")
_created: list[str] = []


def fresh_pg_url() -> str:
    """A new empty database on the test server; dropped at interpreter exit."""
    import atexit

    import psycopg2

    assert PG_URL, "PARCEL_STATION_TEST_PG is not set"
    name = f"ps_t_{uuid.uuid4().hex[:12]}"
    admin = psycopg2.connect(PG_URL)
    admin.autocommit = True
    admin.cursor().execute(f'CREATE DATABASE "{name}"')
    admin.close()
    if not _created:
        atexit.register(_drop_all)
    _created.append(name)
    return urlunparse(urlparse(PG_URL)._replace(path=f"/{name}"))


def _drop_all() -> None:
    import psycopg2

    from station import db as station_db

    station_db.close_database()
    admin = psycopg2.connect(PG_URL)
    admin.autocommit = True
    with admin.cursor() as cur:
        for name in _created:
            cur.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,)
            )
            cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
    admin.close()
