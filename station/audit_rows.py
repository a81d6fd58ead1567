"""Row digests: what each audit event left in the rows it wrote, so verify() can replay the
events against the tables.

At the end of every unit of work, each tracked (table, id) of a protected table gets an
AuditRow entry: a sha256 digest of the row's content as committed (or TOMBSTONE when the row
is gone) and a 4-hex fingerprint per column. The event's rows_hash covers these entries and
the event hash covers rows_hash, so an edited digest breaks the chain.

The digest is over the row as the database holds it (every column, sorted by name, NULLs left
out, values normalised through the model's fields), so SQLite and PostgreSQL give the same
digest and a column added later as NULL does not change old digests. A migration that fills
rows (a column with a default, an UPDATE) goes through `upgraded()` in station.migrations:
the rows it changed are recorded again in one "audit.upgrade" event.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any

from peewee import AutoField, BigIntegerField, DateField, DateTimeField, IntegerField, TimeField

TOMBSTONE = "deleted"
PAGE = 500  # rows per IN (...) / keyset page: well under any driver's parameter limit
# An entry is (table, row id, digest, column fingerprints).
Entry = tuple[str, str, str, str]


@dataclass(frozen=True)
class Protected:
    """A table whose rows verify() checks. skip_keys: rows that are internal counters or
    written by migrations; skip_columns: written after the commit on purpose (a PDF path)."""

    model: Any
    skip_keys: frozenset[str] = frozenset()
    skip_columns: frozenset[str] = frozenset()
    temporal: dict[str, Any] = field(default_factory=dict, compare=False)  # date/time columns

    @property
    def table(self) -> str:
        return str(self.model._meta.table_name)

    @property
    def pk(self) -> str:
        return str(self.model._meta.primary_key.column_name)

    @property
    def int_pk(self) -> bool:
        return isinstance(self.model._meta.primary_key, AutoField | IntegerField | BigIntegerField)


@cache
def protected() -> dict[str, Protected]:
    """Every table verify() replays, by name. A new table whose rows are evidence belongs here
    (and its writers must track their rows: Model.create/save/delete_instance do it alone)."""
    from station import models as m
    from station import models_outbox as o
    from station import models_pickup as pk
    from station import models_sends as s

    specs = [
        Protected(
            m.Setting, skip_keys=frozenset({"schema_version", "code_next", "outbox_station_uid"})
        ),
        Protected(m.Staff),
        Protected(m.Carrier),
        Protected(m.Shelf),
        Protected(m.Slot),
        Protected(m.Recipient),
        Protected(m.ManifestBatch),
        Protected(m.ManifestEntry),
        Protected(m.Pickup),
        Protected(pk.PickupCheck),
        Protected(m.Handover, skip_columns=frozenset({"pdf_path"})),
        Protected(m.Parcel),
        Protected(m.LedgerEntry),
        Protected(m.DayClose, skip_columns=frozenset({"pdf_path"})),
        Protected(m.Ticket),
        Protected(o.MessageTemplate),
        Protected(o.RecipientContact),
        Protected(s.Sender),
        Protected(s.SenderAddress),
        Protected(s.RateCard),
        Protected(s.RegionZone),
        Protected(s.Send),
    ]
    out = {}
    for spec in specs:
        spec.temporal.update(
            {
                f.column_name: f
                for f in spec.model._meta.sorted_fields
                if isinstance(f, DateTimeField | DateField | TimeField)
            }
        )
        out[spec.table] = spec
    return out


def run_sql(sql: str, params: Any = ()) -> Any:
    from station import db  # db imports the migrations, which import this module

    return db.run_sql(sql, params)


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# -- the canonical digest ----------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value.normalize())
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    if isinstance(value, int | str):
        return value
    return str(value)


def canonical(spec: Protected, columns: list[str], values: Iterable[Any]) -> list[tuple[str, Any]]:
    """(column, plain value) pairs sorted by column, NULLs and skipped columns left out. Only
    dates and times go through the model field (SQLite keeps them as text, PostgreSQL not);
    booleans become 0/1 as SQLite keeps them."""
    pairs = []
    temporal = spec.temporal
    for name, raw in zip(columns, values, strict=True):
        if raw is None or name in spec.skip_columns:
            continue
        value = raw
        converter = temporal.get(name)
        if converter is not None:
            try:
                value = converter.python_value(raw)
            except (TypeError, ValueError):
                value = raw
        if type(value) is not int and type(value) is not str:
            value = _plain(value)
        pairs.append((name, value))
    pairs.sort()
    return pairs


def _token(name: str, value: Any) -> bytes:
    return f"{name}\x1f{'i' if type(value) is int else 's'}{value}".encode()


def digest_of(pairs: list[tuple[str, Any]]) -> tuple[str, str]:
    """→ (sha256 of the canonical JSON object, a 4-hex fingerprint per column)."""
    cols = "".join(f"{zlib.crc32(_token(n, v)) & 0xFFFF:04x}" for n, v in pairs)
    return content_digest(pairs), cols


def content_digest(pairs: list[tuple[str, Any]]) -> str:
    text = json.dumps(dict(pairs), ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def fingerprints(pairs: list[tuple[str, Any]]) -> dict[str, str]:
    return {n: f"{zlib.crc32(_token(n, v)) & 0xFFFF:04x}" for n, v in pairs}


def _key_param(spec: Protected, row_id: str) -> Any:
    return int(row_id) if spec.int_pk else row_id


def fetch(spec: Protected, row_ids: list[str]) -> dict[str, tuple[list[str], tuple[Any, ...]]]:
    """Current rows by id (as text): {id: (columns, values)}."""
    found: dict[str, tuple[list[str], tuple[Any, ...]]] = {}
    params: list[Any] = []
    for row_id in row_ids:
        try:
            params.append(_key_param(spec, row_id))
        except ValueError:
            continue
    for start in range(0, len(params), PAGE):
        chunk = params[start : start + PAGE]
        marks = ", ".join("?" * len(chunk))
        cursor = run_sql(
            f"SELECT * FROM {quote(spec.table)} WHERE {quote(spec.pk)} IN ({marks})", chunk
        )
        columns = [d[0] for d in cursor.description]
        at = columns.index(spec.pk)
        for values in cursor.fetchall():
            found[_text_key(values[at])] = (columns, values)
    return found


def _text_key(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


# -- recording (inside the unit of work) ----------------------------------------------------------


def entries_for(rows: list[tuple[str, str]]) -> list[Entry]:
    """Digest every tracked row of a protected table, in the order they were tracked."""
    specs = protected()
    by_table: dict[str, list[str]] = {}
    for table, row_id in rows:
        spec = specs.get(table)
        if spec is not None and row_id not in spec.skip_keys:
            by_table.setdefault(table, []).append(row_id)
    current = {table: fetch(specs[table], ids) for table, ids in by_table.items()}
    entries: list[Entry] = []
    for table, row_id in rows:
        if table not in current or row_id in specs[table].skip_keys:
            continue
        row = current[table].get(row_id)
        if row is None:
            entries.append((table, row_id, TOMBSTONE, ""))
        else:
            digest, cols = digest_of(canonical(specs[table], row[0], row[1]))
            entries.append((table, row_id, digest, cols))
    return entries


class RowsHash:
    """sha256 over an event's entries, fed one at a time (a baseline has one per row)."""

    def __init__(self) -> None:
        self._h = hashlib.sha256()
        self.count = 0

    def add(self, entry: Entry) -> None:
        # One line per entry; the row id (the only free text) is length-prefixed, so no id
        # can pass for an entry boundary. Table names come from protected(), the rest is hex.
        table, row_id, digest, cols = entry
        line = f"{table}\x1f{len(row_id)}\x1f{row_id}\x1f{digest}\x1f{cols}\n"
        self._h.update(line.encode("utf-8"))
        self.count += 1

    def hexdigest(self) -> str:
        return self._h.hexdigest() if self.count else ""


def write(seq: int, entries: Iterable[Entry], start: int = 0) -> RowsHash:
    """Insert the entries as AuditRow rows of event `seq` (positions from `start`)."""
    digest = RowsHash()
    batch: list[Any] = []
    pos = start
    for entry in entries:
        digest.add(entry)
        batch += [seq, pos, *entry]
        pos += 1
        if len(batch) >= 6 * 150:
            _insert(batch)
            batch = []
    if batch:
        _insert(batch)
    return digest


def _insert(params: list[Any]) -> None:
    values = ", ".join(["(?, ?, ?, ?, ?, ?)"] * (len(params) // 6))
    run_sql(f"INSERT INTO audit_row (seq, pos, tbl, row_id, digest, cols) VALUES {values}", params)


def record(seq: int, rows: list[tuple[str, str]]) -> str:
    """At the end of a unit of work: write the entries, return the event's rows_hash."""
    if not rows:
        return ""
    return write(seq, entries_for(rows)).hexdigest()


# -- whole tables (baseline, upgrade, replay) -------------------------------------------------


def scan(spec: Protected) -> Iterator[tuple[str, list[tuple[str, str]]]]:
    """Every row of a protected table as (id, canonical pairs), in pages by primary key."""
    table, pk = quote(spec.table), quote(spec.pk)
    last: Any = None
    while True:
        where = f"WHERE {pk} > ? " if last is not None else ""
        cursor = run_sql(
            f"SELECT * FROM {table} {where}ORDER BY {pk} LIMIT {PAGE}",
            (last,) if last is not None else (),
        )
        columns = [d[0] for d in cursor.description]
        at = columns.index(spec.pk)
        rows = cursor.fetchall()
        for values in rows:
            key = _text_key(values[at])
            if key not in spec.skip_keys:
                yield key, canonical(spec, columns, values)
        if len(rows) < PAGE:
            return
        last = rows[-1][at]


def latest(table: str) -> Iterator[tuple[str, int, str, str]]:
    """The newest entry of every recorded row of a table: (row id, seq, digest, cols)."""
    last = ""  # row ids are never empty, and "" sorts first in every collation
    while True:
        rows = run_sql(
            "SELECT a.row_id, a.seq, a.digest, a.cols FROM audit_row a "
            "WHERE a.tbl = ? AND a.row_id > ? AND a.seq = (SELECT MAX(b.seq) FROM "
            "audit_row b WHERE b.tbl = a.tbl AND b.row_id = a.row_id) "
            f"ORDER BY a.row_id LIMIT {PAGE}",
            (table, last),
        ).fetchall()
        for row_id, seq, digest, cols in rows:
            yield row_id, int(seq), digest, cols
        if len(rows) < PAGE:
            return
        last = rows[-1][0]


def unrecorded(spec: Protected) -> Iterator[str]:
    """Ids of rows no event ever recorded (inserted behind the app's back), in pages."""
    skip = sorted(spec.skip_keys)
    pk = f"t.{quote(spec.pk)}"
    extra = f" AND {pk} NOT IN ({', '.join('?' * len(skip))})" if skip else ""
    sql = (
        f"SELECT {pk} FROM {quote(spec.table)} t WHERE NOT EXISTS (SELECT 1 FROM audit_row a "
        f"WHERE a.tbl = ? AND a.row_id = CAST({pk} AS TEXT)){extra}"
    )
    last: Any = None
    while True:
        after = f" AND {pk} > ?" if last is not None else ""
        params = (spec.table, *skip, *([last] if last is not None else []))
        rows = run_sql(f"{sql}{after} ORDER BY {pk} LIMIT {PAGE}", params).fetchall()
        for (key,) in rows:
            yield _text_key(key)
        if len(rows) < PAGE:
            return
        last = rows[-1][0]


def has_rows() -> bool:
    return any(True for spec in protected().values() for _ in _first(spec))


def _first(spec: Protected) -> Iterator[str]:
    for key, _ in scan(spec):
        yield key
        return
