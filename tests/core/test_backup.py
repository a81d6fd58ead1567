import threading
from pathlib import Path

import pytest

from station import db as station_db
from station.audit import Actor
from station.errors import DatabaseProblem, NotAllowed
from station.services import backup

from .helpers import take_in


def test_backup_while_the_counter_keeps_working(
    clerk: Actor, owner: Actor, tmp_path: Path
) -> None:
    if not station_db.sqlite_path(getattr(station_db.models.database_proxy.obj, "station_url", "")):
        pytest.skip("SQLite only")
    for _ in range(40):
        take_in(clerk, size="S")
    errors: list[Exception] = []
    done: list[int] = []
    stop = threading.Event()

    def counter() -> None:
        try:
            while not stop.is_set():
                view = take_in(clerk, size="S")
                from station.services.intake import undo_intake

                undo_intake(clerk, view.tracking)
                done.append(1)
        except Exception as exc:  # noqa: BLE001 - the test reports whatever went wrong
            errors.append(exc)

    worker = threading.Thread(target=counter)
    worker.start()
    try:
        results = [backup.backup(owner, tmp_path / f"b{i}.db") for i in range(3)]
    finally:
        stop.set()
        worker.join(timeout=30)
    assert errors == []
    assert done  # the counter really worked during the backups
    assert all(r.parcels >= 40 for r in results)
    assert all(Path(r.path).stat().st_size > 0 for r in results)


def test_restore_refuses_damaged_and_foreign_files(owner: Actor, tmp_path: Path) -> None:
    if not station_db.sqlite_path(getattr(station_db.models.database_proxy.obj, "station_url", "")):
        pytest.skip("SQLite only")
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"\0" * 4096)
    with pytest.raises(DatabaseProblem):
        backup.restore(owner, junk)
    import sqlite3

    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE x (y)").connection.commit()
    with pytest.raises(DatabaseProblem) as info:
        backup.restore(owner, other)
    assert info.value.code in ("not_station", "db_damaged")


def test_clerk_cannot_restore(clerk: Actor, tmp_path: Path) -> None:
    with pytest.raises(NotAllowed):
        backup.restore(clerk, tmp_path / "x.db")


def test_postgres_backup_says_use_pg_dump(owner: Actor, tmp_path: Path) -> None:
    url = getattr(station_db.models.database_proxy.obj, "station_url", "")
    if station_db.sqlite_path(url):
        pytest.skip("PostgreSQL only")
    with pytest.raises(DatabaseProblem) as info:
        backup.backup(owner, tmp_path / "b.db")
    assert "pg_dump" in info.value.message
