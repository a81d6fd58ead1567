"""Hash-chained audit events and the unit of work that writes them.

One service call = one `unit_of_work` = one transaction = one audit event. The event's hash
covers its content, the previous hash and the digests of the rows it wrote (station.audit_rows),
so an edited, deleted or reordered event or an edited row digest breaks the chain, and ChainHead
notices a cut-off tail unless it was cut back too (an exported head, kept elsewhere, does).
The hash is plain SHA-256, not keyed: whoever can write the database can recompute it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, NamedTuple

from station import audit_rows, clock
from station.db import run_sql, translate_errors
from station.errors import NotAllowed
from station.i18n import tr
from station.models import AuditEvent, ChainHead, database_proxy

GENESIS = "0" * 64
_current: ContextVar[Change | None] = ContextVar("current_change", default=None)


@dataclass(frozen=True)
class Actor:
    """Who is acting, at which counter. Built by staff.authenticate (or SYSTEM)."""

    staff_id: int | None
    name: str
    role: str  # clerk | owner | system
    counter: str = ""

    @property
    def is_owner(self) -> bool:
        return self.role in ("owner", "system")

    def require_owner(self, what: str) -> None:
        if not self.is_owner:
            raise NotAllowed(
                tr(
                    "Only the station owner can {what}. Ask the owner to log in.",
                    what=tr(what),
                )
            )


SYSTEM = Actor(None, "system", "system", "")


@dataclass
class Change:
    """What a unit of work records; filled in by the service as it goes."""

    action: str
    entity: str = ""
    entity_id: str = ""
    before: Any = None
    after: Any = None
    parcels: list[tuple[int, str]] = field(default_factory=list)
    seq: int = 0  # the number this event will get: unique, usable for receipt numbers
    # Rows of protected tables this unit of work inserted, changed or deleted: (table, id).
    # verify() compares each row with what the newest event that tracked it recorded.
    rows: list[tuple[str, str]] = field(default_factory=list)
    # sha256 of the AuditRow entries, set at commit (or by a baseline writing its own entries).
    rows_hash: str = ""
    _seen: set[tuple[str, str]] = field(default_factory=set, repr=False)

    def touch(self, parcel_id: int, detail: str = "") -> None:
        self.parcels.append((parcel_id, detail[:200]))
        self.track("parcel", parcel_id)

    def track(self, table: str, row_id: object) -> None:
        """Register a row of a protected table written in this unit of work."""
        key = (table, row_id.isoformat() if isinstance(row_id, date) else str(row_id))
        if key not in self._seen:
            self._seen.add(key)
            self.rows.append(key)


def _canonical(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def event_hash(
    seq: int,
    at: datetime,
    actor: str,
    counter: str,
    action: str,
    entity: str,
    entity_id: str,
    before: str,
    after: str,
    prev_hash: str,
    rows_hash: str = "",
) -> str:
    fields = [seq, at.isoformat(), actor, counter, action, entity, entity_id, before, after]
    # Events that wrote no protected row (and every event before schema 6) hash as they did.
    payload = _canonical([*fields, prev_hash, *([rows_hash] if rows_hash else [])])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def locked(query: Any) -> Any:
    """SELECT … FOR UPDATE where the database has it; SQLite's BEGIN IMMEDIATE already holds
    the write lock for the whole transaction."""
    return query.for_update() if database_proxy.obj.for_update else query


def _lock_head() -> tuple[int, str]:
    suffix = " FOR UPDATE" if database_proxy.obj.for_update else ""
    row = run_sql("SELECT seq, hash FROM chain_head WHERE id = 1" + suffix).fetchone()
    if row is None:
        ChainHead.insert(id=1, seq=0, hash=GENESIS).on_conflict_ignore().execute()
        row = run_sql("SELECT seq, hash FROM chain_head WHERE id = 1" + suffix).fetchone()
    return int(row[0]), row[1]


def _append(actor: Actor, change: Change, head: tuple[int, str]) -> int:
    head_seq, head_hash = head
    seq = head_seq + 1
    at = clock.now()
    before, after = _canonical(change.before), _canonical(change.after)
    entity_id = str(change.entity_id)
    fields = (
        seq,
        at,
        actor.name,
        actor.counter,
        change.action,
        change.entity,
        entity_id,
        before,
        after,
        head_hash,
    )
    if change.rows:
        change.rows_hash = audit_rows.record(seq, change.rows)
    digest = event_hash(*fields, change.rows_hash)
    run_sql(
        "INSERT INTO audit_event (seq, at, actor, counter, action, entity, entity_id, before,"
        " after, prev_hash, hash, rows_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (*fields, digest, change.rows_hash),
    )
    run_sql("UPDATE chain_head SET seq = ?, hash = ? WHERE id = 1", (seq, digest))
    if change.parcels:
        values = ", ".join(["(?, ?, ?, ?, ?, ?)"] * len(change.parcels))
        params: list[Any] = []
        for pid, detail in change.parcels:
            params += [pid, seq, at, change.action, actor.name, detail]
        run_sql(
            "INSERT INTO parcel_event (parcel_id, audit_seq, at, action, actor, detail) "
            f"VALUES {values}",
            params,
        )
    return seq


@contextmanager
def unit_of_work(
    actor: Actor, action: str, entity: str = "", entity_id: Any = ""
) -> Iterator[Change]:
    """One transaction and one audit event. Raise inside to roll everything back."""
    db = database_proxy.obj
    change = Change(action=action, entity=entity, entity_id=str(entity_id))
    with translate_errors(getattr(db, "station_url", "")):
        with db.atomic():
            head = _lock_head()
            _check_still_active(actor)
            change.seq = head[0] + 1
            token = _current.set(change)
            try:
                yield change
            finally:
                _current.reset(token)
            _append(actor, change, head)


def _check_still_active(actor: Actor) -> None:
    """An account the owner switched off stops acting at once, even on a counter where it is
    still logged in (read under the write lock, so it cannot slip between check and write)."""
    if actor.staff_id is None:
        return
    row = run_sql("SELECT active FROM staff WHERE id = ?", (actor.staff_id,)).fetchone()
    if row is None or not row[0]:
        raise NotAllowed(
            tr(
                "The account {name} has been deactivated by the owner. Log in as another user.",
                name=actor.name,
            ),
            code="account_inactive",
        )


def current_change() -> Change | None:
    """The unit of work open on this thread, for helpers (ledger.book …) that write rows
    on behalf of the service that called them."""
    return _current.get()


def track(table: str, row_id: object) -> None:
    """Register a written row with the open unit of work (no-op outside one)."""
    change = _current.get()
    if change is not None:
        change.track(table, row_id)


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    events: int
    problems: list[str]
    head_seq: int = 0
    head_hash: str = GENESIS
    head_at: datetime | None = None
    first_with_rows: int | None = None  # the first event that recorded row digests


EVENT_PAGE = 1000


class _Event(NamedTuple):
    seq: int
    at: datetime
    actor: str
    counter: str
    action: str
    entity: str
    entity_id: str
    before: str
    after: str
    prev_hash: str
    hash: str
    rows_hash: str | None


def _events() -> Iterator[Any]:
    """Every event in seq order, a page at a time (bounded memory on either database)."""
    last = 0
    to_time = AuditEvent.at.python_value  # SQLite keeps the time as text
    while True:
        page = run_sql(
            "SELECT seq, at, actor, counter, action, entity, entity_id, before, after, "
            f"prev_hash, hash, rows_hash FROM audit_event WHERE seq > ? ORDER BY seq "
            f"LIMIT {EVENT_PAGE}",
            (last,),
        ).fetchall()
        for row in page:
            yield _Event(int(row[0]), to_time(row[1]), *row[2:])
        if len(page) < EVENT_PAGE:
            return
        last = int(page[-1][0])


def _entries() -> Iterator[tuple[int, tuple[str, str, str, str]]]:
    """Every AuditRow entry in (seq, pos) order, a page at a time."""
    last = (-1, -1)
    while True:
        page = run_sql(
            "SELECT seq, pos, tbl, row_id, digest, cols FROM audit_row WHERE (seq, pos) > (?, ?) "
            f"ORDER BY seq, pos LIMIT {EVENT_PAGE}",
            last,
        ).fetchall()
        for seq, _pos, *entry in page:
            yield int(seq), (entry[0], entry[1], entry[2], entry[3])
        if len(page) < EVENT_PAGE:
            return
        last = (int(page[-1][0]), int(page[-1][1]))


def verify_chain(limit_problems: int = 20) -> ChainReport:
    """Replay every event: recompute hashes (with the row digests it recorded), check links,
    gapless seq, and the head."""
    problems: list[str] = []
    prev = GENESIS
    expected_seq = 1
    count = 0
    first_with_rows: int | None = None
    last_at: datetime | None = None
    entries = _entries()
    pending = next(entries, None)
    orphans: set[int] = set()
    for ev in _events():
        count += 1
        if ev.seq != expected_seq:
            problems.append(
                tr("event {seq} is missing (next is {next})", seq=expected_seq, next=ev.seq)
            )
        if ev.prev_hash != prev:
            problems.append(tr("event {seq} does not follow the event before it", seq=ev.seq))
        rows = audit_rows.RowsHash()
        while pending is not None and pending[0] <= ev.seq:
            if pending[0] < ev.seq:
                orphans.add(pending[0])
            else:
                rows.add(pending[1])
            pending = next(entries, None)
        if rows.hexdigest() != (ev.rows_hash or ""):
            problems.append(
                tr("the row digests recorded with event {seq} were altered", seq=ev.seq)
            )
        if first_with_rows is None and ev.rows_hash:
            first_with_rows = ev.seq
        digest = event_hash(
            ev.seq,
            ev.at,
            ev.actor,
            ev.counter,
            ev.action,
            ev.entity,
            ev.entity_id,
            ev.before,
            ev.after,
            ev.prev_hash,
            ev.rows_hash or "",
        )
        if digest != ev.hash:
            problems.append(tr("event {seq} was altered after it was written", seq=ev.seq))
        prev, last_at = ev.hash, ev.at
        expected_seq = ev.seq + 1
        if len(problems) >= limit_problems:
            break
    else:
        while pending is not None:
            orphans.add(pending[0])
            pending = next(entries, None)
    for seq in sorted(orphans)[: max(0, limit_problems - len(problems))]:
        problems.append(tr("row digests of event {seq} are kept, the event is gone", seq=seq))
    head = ChainHead.get_or_none(ChainHead.id == 1)
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS)
    if len(problems) < limit_problems and (head_seq != expected_seq - 1 or head_hash != prev):
        problems.append(
            tr(
                "the newest event should be {head}, the chain ends at {last}",
                head=head_seq,
                last=expected_seq - 1,
            )
        )
    return ChainReport(
        ok=not problems,
        events=count,
        problems=problems,
        head_seq=expected_seq - 1,
        head_hash=prev,
        head_at=last_at,
        first_with_rows=first_with_rows,
    )
