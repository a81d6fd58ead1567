"""Version 6: row digests for the audit replay (station.audit_rows).

- audit_row: per event, a digest of each protected row it wrote; audit_event.rows_hash covers
  them and the event hash covers rows_hash.
- A station that already has rows gets them all recorded in one "audit.baseline" event: verify
  can only say that a row is as the baseline found it, not what happened to it before (it
  reports "rows covered from event N"). A new, empty database gets no event.
- `upgraded(apply)`: later migrations that rewrite protected rows (a new column with a
  default, an UPDATE) record the rows they changed in one "audit.upgrade" event, so the
  upgrade does not look like tampering. Rows that already differed from the log before the
  upgrade are left as they were: the upgrade must not whitewash them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from peewee import CharField, Database
from playhouse.migrate import SchemaMigrator, migrate

from station import audit_rows as ar
from station.models import AuditRow


def apply(db: Database) -> None:
    columns = {c.name for c in db.get_columns("audit_event")}
    if "rows_hash" not in columns:  # m0001 of a new database already made it from the model
        migrator = SchemaMigrator.from_database(db)
        migrate(
            migrator.add_column("audit_event", "rows_hash", CharField(max_length=64, default=""))
        )
    db.create_tables([AuditRow], safe=True)
    baseline()


def _all_rows() -> Iterator[ar.Entry]:
    for spec in ar.protected().values():
        for key, pairs in ar.scan(spec):
            yield (spec.table, key, *ar.digest_of(pairs))


def baseline(action: str = "audit.baseline", entity_id: str = "") -> int | None:
    """Record every protected row as it is now in one event → its seq (None: no rows)."""
    from station.audit import SYSTEM, unit_of_work

    if not ar.has_rows():
        return None
    with unit_of_work(SYSTEM, action, "audit", entity_id) as change:
        written = ar.write(change.seq, _all_rows())
        change.rows_hash = written.hexdigest()
        change.after = {"rows": written.count}
    return change.seq


def upgraded(apply_migration: Callable[[Database], None]) -> Callable[[Database], None]:
    """Wrap a migration after 6 so the protected rows it changes are recorded again."""

    def run(db: Database) -> None:
        from station import audit_replay

        if not db.table_exists("audit_row"):
            apply_migration(db)
            return
        already = {f.key for f in audit_replay.findings()}
        apply_migration(db)
        changed = [f for f in audit_replay.findings() if f.key not in already]
        if changed:
            _record_upgrade(changed, apply_migration.__module__.rsplit(".", 1)[-1])

    run.__name__ = getattr(apply_migration, "__name__", "apply")
    run.__module__ = apply_migration.__module__
    return run


def _record_upgrade(changed: list, name: str) -> None:
    from station.audit import SYSTEM, unit_of_work

    with unit_of_work(SYSTEM, "audit.upgrade", "schema", name) as change:
        for finding in changed:
            change.track(finding.table, finding.row_id)
        change.after = {"rows": len(changed)}
