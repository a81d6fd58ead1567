import sqlite3
from pathlib import Path

import pytest

from station import db as station_db
from station.errors import DatabaseProblem
from station.migrations import LATEST_VERSION
from station.models import Setting
from station.services.station import init_station


def test_open_creates_and_migrates(db_url: str) -> None:
    database = station_db.open_database(db_url)
    assert station_db.schema_version(database) == LATEST_VERSION
    assert init_station()["schema_version"] == LATEST_VERSION
    # Opening again is idempotent.
    station_db.close_database()
    database = station_db.open_database(db_url)
    assert station_db.schema_version(database) == LATEST_VERSION


def test_sqlite_pragmas(sqlite_url: str) -> None:
    database = station_db.open_database(sqlite_url)
    assert database.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert database.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    assert database.execute_sql("PRAGMA busy_timeout").fetchone()[0] == 5000


def test_newer_schema_is_refused(sqlite_url: str) -> None:
    station_db.open_database(sqlite_url)
    Setting.put("schema_version", str(LATEST_VERSION + 1))
    station_db.close_database()
    with pytest.raises(DatabaseProblem) as info:
        station_db.open_database(sqlite_url)
    assert info.value.code == "newer_schema"
    assert "newer Parcel Station" in info.value.message


def test_damaged_file_gives_clear_message(tmp_path: Path) -> None:
    bad = tmp_path / "station.db"
    bad.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(DatabaseProblem) as info:
        station_db.open_database(str(bad))
    assert info.value.code == "db_damaged"
    assert "restore" in info.value.message.lower()
    assert bad.read_bytes().startswith(b"this is not")  # nothing was overwritten


def test_locked_database_gives_clear_message(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from station.audit import SYSTEM
    from station.services import shelves
    from station.services.station import init_station as init

    station_db.open_database(sqlite_url)
    init()
    monkeypatch.setattr(station_db, "BUSY_TIMEOUT_MS", 100)
    station_db.close_database()
    station_db.open_database(sqlite_url)
    station_db.models.database_proxy.obj.execute_sql("PRAGMA busy_timeout = 100")
    blocker = sqlite3.connect(sqlite_url, timeout=0.1)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(DatabaseProblem) as info:
            shelves.add_shelf(SYSTEM, "Z", 1, {"S": 1})
        assert info.value.code == "db_locked"
        assert "try again" in info.value.message
    finally:
        blocker.rollback()
        blocker.close()
    shelves.add_shelf(SYSTEM, "Z", 1, {"S": 1})  # works once the lock is gone


def test_bad_url() -> None:
    with pytest.raises(DatabaseProblem) as info:
        station_db.open_database("mysql://x@y/z")
    assert info.value.code == "bad_url"


def test_sqlite_url_forms(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    assert station_db.sqlite_path(f"sqlite:///{path}") == path
    assert station_db.sqlite_path(str(path)) == path
    assert station_db.sqlite_path("postgresql://u:p@h:5432/n") is None


def test_upgrade_from_version_2_adds_the_courier_signature(sqlite_url: str) -> None:
    """A station created before migration 3 gets the new column on open, data intact."""
    import sqlite3 as raw

    station_db.open_database(sqlite_url)
    init_station()
    station_db.close_database()
    con = raw.connect(sqlite_url)
    con.execute("ALTER TABLE handover DROP COLUMN courier_signature_png")
    con.execute("UPDATE setting SET value = '2' WHERE key = 'schema_version'")
    con.commit()
    con.close()
    database = station_db.open_database(sqlite_url)
    assert station_db.schema_version(database) == LATEST_VERSION
    assert "courier_signature_png" in {c.name for c in database.get_columns("handover")}
