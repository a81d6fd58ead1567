"""Opening the station database: SQLite by default, PostgreSQL by URL; migrations on open.

Every failure a clerk could meet here (locked, damaged, newer schema, server down) becomes a
DatabaseProblem with a message that says what to do.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import peewee
from peewee import Database, PostgresqlDatabase, SqliteDatabase
from platformdirs import user_data_dir

from station import models
from station.errors import DatabaseProblem
from station.i18n import tr
from station.migrations import LATEST_VERSION, MIGRATIONS

APP_NAME = "parcel-station"
SCHEMA_KEY = "schema_version"
BUSY_TIMEOUT_MS = 5000


def data_dir() -> Path:
    path = Path(user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_url() -> str:
    return os.environ.get("PARCEL_STATION_DB") or str(data_dir() / "station.db")


def is_postgres(url: str) -> bool:
    return url.startswith(("postgresql://", "postgres://"))


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL or plain path; None for PostgreSQL."""
    if is_postgres(url):
        return None
    if url.startswith("sqlite:///"):
        return Path(url[len("sqlite:///") :])
    if "://" in url:
        raise DatabaseProblem(
            tr(
                "Unknown database address '{url}'. Use a file path, sqlite:///PATH or "
                "postgresql://USER:PASS@HOST:PORT/NAME.",
                url=url,
            ),
            code="bad_url",
        )
    return Path(url)


def make_database(url: str) -> Database:
    path = sqlite_path(url)
    if path is None:
        parts = urlparse(url)
        return PostgresqlDatabase(
            (parts.path or "/").lstrip("/"),
            user=unquote(parts.username or "") or None,
            password=unquote(parts.password or "") or None,
            host=parts.hostname or None,
            port=parts.port or None,
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteDatabase(
        str(path),
        pragmas={
            "journal_mode": "wal",
            "foreign_keys": 1,
            "busy_timeout": BUSY_TIMEOUT_MS,
            # FULL: a collected parcel or a cash entry survives a power cut at the counter.
            "synchronous": "full",
            "cache_size": -32000,
        },
        # Writers take the lock at BEGIN, so two counters never both read "on shelf" and
        # both hand the parcel out.
        lock_type="IMMEDIATE",
        check_same_thread=False,
    )


def describe(url: str) -> str:
    """A short, password-free description for the status bar and messages."""
    if is_postgres(url):
        parts = urlparse(url)
        return f"PostgreSQL {parts.hostname}:{parts.port or 5432}/{parts.path.lstrip('/')}"
    return f"SQLite {sqlite_path(url)}"


@contextmanager
def translate_errors(url: str) -> Iterator[None]:
    """Turn driver errors into messages a clerk can act on."""
    try:
        yield
    except DatabaseProblem:
        raise
    except (peewee.OperationalError, sqlite3.OperationalError) as exc:
        text = str(exc).lower()
        if "locked" in text or "busy" in text:
            raise DatabaseProblem(
                tr(
                    "The station database is busy: another program is holding it. Wait a moment "
                    "and try again; if it persists, close other copies of Parcel Station."
                ),
                code="db_locked",
            ) from exc
        if "unable to open" in text or "readonly" in text or "read-only" in text:
            raise DatabaseProblem(
                tr(
                    "Cannot open the station database ({database}): check that the folder "
                    "exists and is writable.",
                    database=describe(url),
                ),
                code="db_unavailable",
            ) from exc
        if "connection" in text or "could not connect" in text or "server" in text:
            raise DatabaseProblem(
                tr(
                    "Cannot reach the database server ({database}): check the network and "
                    "that the server is running, then try again.",
                    database=describe(url),
                ),
                code="db_unavailable",
            ) from exc
        raise DatabaseProblem(
            tr(
                "The station database reported a problem: {exc}",
                exc=exc,
            ),
            code="db_error",
        ) from exc
    except (peewee.DatabaseError, sqlite3.DatabaseError) as exc:
        text = str(exc).lower()
        if "not a database" in text or "malformed" in text or "corrupt" in text:
            raise DatabaseProblem(
                tr(
                    "The station database ({database}) is damaged. Nothing was changed. "
                    "Restore the latest backup with 'parcel-station restore FILE'.",
                    database=describe(url),
                ),
                code="db_damaged",
            ) from exc
        raise DatabaseProblem(
            tr(
                "The station database reported a problem: {exc}",
                exc=exc,
            ),
            code="db_error",
        ) from exc


def schema_version(db: Database) -> int:
    if not db.table_exists("setting"):
        return 0
    row = models.Setting.get_or_none(models.Setting.key == SCHEMA_KEY)
    return int(row.value) if row else 0


def migrate(db: Database, on_upgrade: Callable[[int, int], None] | None = None) -> int:
    """Apply every missing migration, each in its own transaction. Idempotent.
    ``on_upgrade(version, latest)`` hears of each step of an existing station's upgrade (a big
    station's first open after an update can take minutes: the app says so)."""
    current = schema_version(db)
    if current > LATEST_VERSION:
        raise DatabaseProblem(
            tr(
                "This database was written by a newer Parcel Station (schema {current}; "
                "this program knows up to {latest_version}). Update Parcel Station "
                "before opening it.",
                current=current,
                latest_version=LATEST_VERSION,
            ),
            code="newer_schema",
        )
    for version in range(current + 1, LATEST_VERSION + 1):
        if on_upgrade is not None and current > 0:
            on_upgrade(version, LATEST_VERSION)
        with db.atomic():
            MIGRATIONS[version - 1](db)
            models.Setting.put(SCHEMA_KEY, str(version))
    return LATEST_VERSION


def open_database(
    url: str | None = None,
    *,
    migrate_schema: bool = True,
    on_upgrade: Callable[[int, int], None] | None = None,
) -> Database:
    """Connect, bind the models, bring the schema up to date. Returns the live database."""
    url = url or default_url()
    db = make_database(url)
    with translate_errors(url):
        db.connect(reuse_if_open=True)
        if not is_postgres(url):
            # Reading the header catches "file is not a database" before anything else.
            db.execute_sql("SELECT count(*) FROM sqlite_master").fetchone()
        models.database_proxy.initialize(db)
        if migrate_schema:
            migrate(db, on_upgrade)
        else:
            version = schema_version(db)
            if version > LATEST_VERSION:
                raise DatabaseProblem(
                    tr(
                        "This database was written by a newer Parcel Station (schema {version}).",
                        version=version,
                    ),
                    code="newer_schema",
                )
    db.station_url = url  # type: ignore[attr-defined]
    return db


def close_database() -> None:
    db = models.database_proxy.obj
    if db is not None and not db.is_closed():
        db.close()


_placeholder_cache: dict[tuple[str, str], str] = {}


def run_sql(sql: str, params: tuple | list = ()) -> Any:  # type: ignore[type-arg]
    """Hand-written SQL for the hottest paths (intake, audit append), written with '?'
    placeholders and adapted to the open database. Peewee builds the same statements ~10x
    slower, which matters when a scan must be on the shelf in under 2 ms."""
    database = models.database_proxy.obj
    key = (sql, database.param)
    text = _placeholder_cache.get(key)
    if text is None:
        text = sql if database.param == "?" else sql.replace("?", database.param)
        _placeholder_cache[key] = text
    return database.execute_sql(text, params)
