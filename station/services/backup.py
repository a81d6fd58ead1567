"""Online backup and checked restore.

SQLite: the sqlite3 online-backup API copies pages while the station keeps working; restore
checks the file's integrity and schema before it replaces anything, and keeps the old file.
PostgreSQL stations back up with the server's own tools (pg_dump); we say so instead of
pretending.
"""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from station import clock
from station import db as station_db
from station.audit import Actor, unit_of_work
from station.errors import DatabaseProblem, InvalidInput, NotAllowed
from station.i18n import N_, tr
from station.migrations import LATEST_VERSION
from station.models import Parcel, database_proxy


@dataclass(frozen=True)
class BackupResult:
    path: str
    parcels: int

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _current_sqlite_path() -> Path:
    url = getattr(database_proxy.obj, "station_url", "")
    path = station_db.sqlite_path(url)
    if path is None:
        raise DatabaseProblem(
            tr(
                "This station runs on PostgreSQL: back it up on the server with pg_dump "
                "(and restore with pg_restore)."
            ),
            code="not_sqlite",
        )
    return path


def backup(actor: Actor, out: Path | str) -> BackupResult:
    out = Path(out)
    source_path = _current_sqlite_path()
    if out.resolve() == source_path.resolve():
        raise InvalidInput(tr("The backup file must not be the live database itself."))
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    tmp.unlink(missing_ok=True)
    source = sqlite3.connect(str(source_path), timeout=5)
    try:
        target = sqlite3.connect(str(tmp))
        try:
            # Small steps let the counter keep writing between pages.
            source.backup(target, pages=256)
        finally:
            target.close()
    finally:
        source.close()
    parcels = _check_file(tmp)
    tmp.replace(out)
    with unit_of_work(actor, "station.backup", "backup", out.name) as change:
        change.after = {"path": str(out), "parcels": parcels}
    return BackupResult(str(out), parcels)


def _check_file(path: Path) -> int:
    """Integrity and schema of a backup file; returns its parcel count."""
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            result = con.execute("PRAGMA integrity_check").fetchone()[0]
            if result != "ok":
                raise DatabaseProblem(
                    tr(
                        "The file {path} is damaged ({result}); it was not used.",
                        path=path,
                        result=result,
                    ),
                    code="db_damaged",
                )
            version = con.execute("SELECT value FROM setting WHERE key='schema_version'").fetchone()
            if version is None:
                raise DatabaseProblem(
                    tr(
                        "{path} is not a Parcel Station database.",
                        path=path,
                    ),
                    code="not_station",
                )
            if int(version[0].strip('"')) > LATEST_VERSION:
                raise DatabaseProblem(
                    tr(
                        "{path} comes from a newer Parcel Station; update first.",
                        path=path,
                    ),
                    code="newer_schema",
                )
            return int(con.execute("SELECT count(*) FROM parcel").fetchone()[0])
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise DatabaseProblem(
            tr(
                "{path} is not a usable station backup ({exc}). Nothing was replaced.",
                path=path,
                exc=exc,
            ),
            code="db_damaged",
        ) from exc


def owner_from_backup(source: Path | str, name: str, pin: str) -> Actor:
    """The owner account inside a backup file, proved by its PIN: how a station is restored
    onto a machine that has no station yet. Nothing is written (the file is opened read-only),
    so wrong PINs are not counted here; each guess costs a full scrypt hash all the same."""
    from station.services.staff import check_pin

    source = Path(source)
    if not source.is_file():
        raise InvalidInput(
            tr(
                "No backup file at {source}.",
                source=source,
            )
        )
    _check_file(source)
    con = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        row = con.execute(
            "SELECT id, name, role, pin_hash, active FROM staff WHERE name = ?",
            ((name or "").strip(),),
        ).fetchone()
    finally:
        con.close()
    if row is None or not row[4] or not check_pin(pin or "", row[3]):
        raise NotAllowed(
            tr("Unknown user name or wrong PIN for the station in this backup."),
            code="wrong_pin",
        )
    actor = Actor(int(row[0]), row[1], row[2], "restore")
    actor.require_owner(N_("restore a backup"))
    return actor


def restore(actor: Actor, source: Path | str, url: str | None = None) -> BackupResult:
    """Replace the station database with a checked backup; the old file is kept aside."""
    actor.require_owner(N_("restore a backup"))
    source = Path(source)
    if not source.is_file():
        raise InvalidInput(
            tr(
                "No backup file at {source}.",
                source=source,
            )
        )
    parcels = _check_file(source)
    target = station_db.sqlite_path(url) if url else _current_sqlite_path()
    if target is None:
        raise DatabaseProblem(
            tr("Restore into PostgreSQL is done with pg_restore."), code="not_sqlite"
        )
    station_db.close_database()
    if target.exists():
        stamp = clock.now().strftime("%Y%m%d-%H%M%S")
        shutil.copy2(target, target.with_name(f"{target.name}.before-restore-{stamp}"))
    staged = target.with_name(target.name + ".restoring")
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(str(staged))
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    for suffix in ("-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    staged.replace(target)
    station_db.open_database(str(target))
    with unit_of_work(actor, "station.restore", "backup", source.name) as change:
        change.after = {"from": str(source), "parcels": parcels}
    return BackupResult(str(target), Parcel.select().count())
