"""Replay the audit events against the tables: every protected row must be what the newest
event that wrote it recorded (station.audit_rows), and every row must have been recorded.

Streaming: one page of rows and their newest entries at a time, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

from station import audit_rows as ar
from station.clock import iso
from station.i18n import tr
from station.models import AuditEvent

ALTERED, DELETED, REAPPEARED, UNRECORDED = "altered", "deleted", "reappeared", "unrecorded"


@dataclass(frozen=True)
class Finding:
    kind: str  # altered | deleted | reappeared | unrecorded
    table: str
    row_id: str
    seq: int | None = None  # the newest event that recorded the row
    columns: tuple[str, ...] = ()  # columns whose value is not the recorded one
    emptied: int = 0  # recorded values that are now empty (NULL), not named

    @property
    def key(self) -> tuple[str, str]:
        return (self.table, self.row_id)


def _changed(pairs: list[tuple[str, Any]], cols: str) -> tuple[tuple[str, ...], int]:
    recorded = {cols[i : i + 4] for i in range(0, len(cols), 4)}
    now = ar.fingerprints(pairs)
    changed = tuple(sorted(name for name, fp in now.items() if fp not in recorded))
    unmatched = len(recorded - set(now.values()))
    return changed, max(0, unmatched - len(changed))


def _page(spec: ar.Protected, batch: list[tuple[str, int, str, str]]) -> Iterator[Finding]:
    current = ar.fetch(spec, [row_id for row_id, *_ in batch])
    for row_id, seq, digest, cols in batch:
        row = current.get(row_id)
        if row is None:
            if digest != ar.TOMBSTONE:
                yield Finding(DELETED, spec.table, row_id, seq)
            continue
        if digest == ar.TOMBSTONE:
            yield Finding(REAPPEARED, spec.table, row_id, seq)
            continue
        pairs = ar.canonical(spec, row[0], row[1])
        if ar.content_digest(pairs) != digest:
            columns, emptied = _changed(pairs, cols)
            yield Finding(ALTERED, spec.table, row_id, seq, columns, emptied)


def compare(spec: ar.Protected, stats: dict[str, int] | None = None) -> Iterator[Finding]:
    """Rows that differ from, or went missing since, what their newest event recorded."""
    batch: list[tuple[str, int, str, str]] = []
    for item in ar.latest(spec.table):
        if item[0] in spec.skip_keys:
            continue
        if stats is not None:
            stats["rows"] = stats.get("rows", 0) + 1
        batch.append(item)
        if len(batch) >= ar.PAGE:
            yield from _page(spec, batch)
            batch = []
    if batch:
        yield from _page(spec, batch)


def findings(stats: dict[str, int] | None = None) -> Iterator[Finding]:
    for name, spec in ar.protected().items():
        yield from compare(spec, stats)
        for row_id in ar.unrecorded(spec):
            yield Finding(UNRECORDED, name, row_id)


@dataclass
class RowsReport:
    ok: bool = True
    tables: int = 0
    rows_checked: int = 0
    found: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    shown: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def replay(limit: int = 20) -> RowsReport:
    report = RowsReport(tables=len(ar.protected()))
    stats: dict[str, int] = {}
    for finding in findings(stats):
        report.found += 1
        report.by_kind[finding.kind] = report.by_kind.get(finding.kind, 0) + 1
        if len(report.shown) < limit:
            item = describe(finding)
            report.shown.append(item)
            report.problems.append(item["message"])
    report.ok = report.found == 0
    report.rows_checked = stats.get("rows", 0)
    if report.found > len(report.shown):
        report.problems.append(
            tr(
                "… and {more} more rows that differ from the audit log",
                more=report.found - len(report.shown),
            )
        )
    return report


def describe(finding: Finding) -> dict[str, Any]:
    event = AuditEvent.get_or_none(AuditEvent.seq == finding.seq) if finding.seq else None
    item: dict[str, Any] = asdict(finding) | {
        "columns": list(finding.columns),
        "action": event.action if event else None,
        "actor": event.actor if event else None,
        "at": iso(event.at) if event else None,
    }
    where = f"{finding.table} {finding.row_id}"
    if finding.kind == ALTERED:
        what = ", ".join(finding.columns) or tr("a value was emptied")
        item["message"] = tr(
            "{where} was changed outside the app after event {seq} ({action}): {what}",
            where=where,
            seq=finding.seq,
            action=item["action"],
            what=what,
        )
    elif finding.kind == DELETED:
        item["message"] = tr(
            "{where} was deleted outside the app after event {seq} ({action})",
            where=where,
            seq=finding.seq,
            action=item["action"],
        )
    elif finding.kind == REAPPEARED:
        item["message"] = tr(
            "{where} was deleted by event {seq} and is back, written outside the app",
            where=where,
            seq=finding.seq,
        )
    else:
        item["message"] = tr(
            "{where} was written outside the app: no event recorded it", where=where
        )
    return item
