"""`verify`: database integrity, the audit chain, the tables replayed against the audit
events, the counters the services keep, and an optional outside anchor (an exported head)."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from peewee import fn

from station import audit_replay, clock
from station.audit import ChainReport, verify_chain
from station.db import is_postgres
from station.errors import InvalidInput
from station.i18n import tr
from station.models import AuditEvent, LedgerEntry, Parcel, Slot, active_clause, database_proxy
from station.services.shelves import USED

HEAD_FORMAT = "parcel-station-chain-head"


def verify(
    anchor: Path | str | None = None, export_head: Path | str | None = None
) -> dict[str, Any]:
    started = time.perf_counter()
    db = database_proxy.obj
    problems: list[str] = []
    integrity = "ok"
    if not is_postgres(getattr(db, "station_url", "")):
        integrity = db.execute_sql("PRAGMA quick_check").fetchone()[0]
        if integrity != "ok":
            problems.append(tr("database file: {integrity}", integrity=integrity))
    anchored = _read_anchor(Path(anchor)) if anchor else None  # a bad file fails before work
    chain = verify_chain()
    problems.extend(chain.problems)
    rows = audit_replay.replay()
    problems.extend(rows.problems)
    problems.extend(_slot_counters())
    result: dict[str, Any] = {
        "ok": False,
        "events": chain.events,
        "integrity": integrity,
        "chain_ok": chain.ok,
        # The chain is plain SHA-256: nobody needs a key to recompute it (see cannot_detect).
        "chain_keyed": False,
        "head": _head(chain),
        "rows_ok": rows.ok,
        "rows_checked": rows.rows_checked,
        "row_problems": rows.shown,
        "row_problems_total": rows.found,
        "rows_covered_from_event": chain.first_with_rows,
        "coverage": _coverage(chain),
        "parcels": Parcel.select().count(),
        "ledger_total_fen": int(LedgerEntry.select(fn.SUM(LedgerEntry.amount_fen)).scalar() or 0),
        "detects": detects(),
        "cannot_detect": cannot_detect(anchored is not None),
        "problems": problems,
    }
    if anchored is not None:
        result["anchor"] = check_anchor(anchored, chain)
        if not result["anchor"]["ok"]:
            problems.append(result["anchor"]["message"])
    result["ok"] = not problems
    if problems:
        result["next_step"] = tr(
            "Do not repair the tables by hand. Keep this report, compare the rows it names "
            "with the latest backup and the paper receipts, and ask the owner to decide."
        )
    if export_head:
        result["exported_head"] = write_head(Path(export_head), chain, result["ok"])
    result["seconds"] = round(time.perf_counter() - started, 3)
    return result


def _slot_counters() -> list[str]:
    problems: list[str] = []
    counts: dict[tuple[int, str], int] = {}
    rows = (
        Parcel.select(Parcel.slot, Parcel.size, fn.COUNT(Parcel.id).alias("n"))
        .where(active_clause(), Parcel.slot.is_null(False))
        .group_by(Parcel.slot, Parcel.size)
    )
    tuples: Any = rows.tuples()  # peewee's stubs type tuples() as model rows
    for slot_id, size, n in tuples:
        counts[(slot_id, size)] = n
    for slot in Slot.select():
        for size, column in USED.items():
            if getattr(slot, column) != counts.get((slot.id, size), 0):
                problems.append(
                    tr(
                        "slot {label}: counter says {counter} size-{size} parcels, "
                        "the shelf holds {held}",
                        label=slot.label,
                        counter=getattr(slot, column),
                        size=size,
                        held=counts.get((slot.id, size), 0),
                    )
                )
    return problems


def _head(chain: ChainReport) -> dict[str, Any]:
    first = AuditEvent.get_or_none(AuditEvent.seq == 1)
    return {
        "seq": chain.head_seq,
        "hash": chain.head_hash,
        "at": clock.iso(chain.head_at),
        "events": chain.events,
        "first_hash": first.hash if first else None,
    }


def _coverage(chain: ChainReport) -> str:
    first = chain.first_with_rows
    if first is None:
        return tr("No event has written a checked row yet.")
    if first == 1:
        return tr("Every event recorded the rows it wrote: all rows are checked from event 1.")
    return tr(
        "Rows are not covered before event {first}: events 1-{last} were written before the "
        "row digests (schema 6), and event {first} recorded the rows as it found them.",
        first=first,
        last=first - 1,
    )


def detects() -> list[str]:
    return [
        tr("an audit event edited, deleted, inserted or put in another order"),
        tr("a row digest kept with an event edited or deleted (it breaks the chain)"),
        tr(
            "a row of a checked table (parcels, ledger, pickups, slots, staff, settings, "
            "carriers, sends …) changed outside the app: table, id, the last event that "
            "wrote it and, most of the time, the columns"
        ),
        tr("a checked row deleted outside the app, or inserted with no event recording it"),
        tr("events cut off the end while the head record or the rows they wrote were left"),
        tr("slot counters that do not match the parcels on the shelf"),
        tr("with --anchor FILE: the chain cut back or rewritten up to the exported head"),
    ]


def cannot_detect(anchored: bool) -> list[str]:
    items = [
        tr(
            "a consistent rewrite: the chain is plain SHA-256 (not keyed), so whoever can write "
            "the database can recompute every hash after changing rows and events alike; only "
            "an exported head kept outside the station catches it, and only up to that head"
        ),
        tr(
            "changes made after the newest exported head, if rows, events and head are all "
            "rewritten together"
        ),
        tr(
            "what happened to rows before they were first recorded (before the baseline event "
            "of an upgraded station)"
        ),
        tr(
            "tables that are not checked: the message outbox, parcel history index, pickup "
            "code reservations, and internal counters (code_next, schema_version); PDF paths "
            "of hand-overs and day closes"
        ),
        tr("wrong data entered through the app by a logged-in user: that is audited, not hidden"),
    ]
    if not anchored:
        items.insert(
            0,
            tr(
                "without --anchor: events cut off the end together with the rows they wrote "
                "put back (or an older backup restored) look like a station that simply did less"
            ),
        )
    return items


# -- the exported head (an anchor kept outside the station) -----------------------------------


def write_head(path: Path, chain: ChainReport, verified: bool) -> dict[str, Any]:
    from station.services import settings

    data = {
        "format": HEAD_FORMAT,
        "version": 1,
        "station": settings.get("station_name"),
        **_head(chain),
        "exported_at": clock.iso(clock.now()),
        "verified_ok": verified,
        "keyed": False,
        "note": tr(
            "Keep this file away from the station computer (print it or e-mail it). "
            "'parcel-station verify --anchor FILE' checks that the audit chain still holds "
            "this event with this hash."
        ),
    }
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".part")
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        raise InvalidInput(
            tr(
                "Cannot write the chain head to {path}: {reason}. Choose another folder.",
                path=str(path),
                reason=exc.strerror or exc,
            ),
            code="cannot_write",
        ) from exc
    return {"path": str(path), "seq": data["seq"], "hash": data["hash"]}


def _read_anchor(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
        if data.get("format") != HEAD_FORMAT:
            raise ValueError("format")
        data["seq"], data["hash"] = int(data["seq"]), str(data["hash"])
    except OSError as exc:
        raise InvalidInput(
            tr(
                "Cannot read the chain head {path}: {reason}.",
                path=str(path),
                reason=exc.strerror or exc,
            ),
            code="bad_anchor",
        ) from exc
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise InvalidInput(
            tr(
                "{path} is not a chain head written by 'verify --export-head'. Give the file "
                "you exported.",
                path=str(path),
            ),
            code="bad_anchor",
        ) from exc
    return data


def check_anchor(head: dict[str, Any], chain: ChainReport) -> dict[str, Any]:
    seq, kept = head["seq"], head["hash"]
    event = AuditEvent.get_or_none(AuditEvent.seq == seq) if seq else None
    first = AuditEvent.get_or_none(AuditEvent.seq == 1)
    out: dict[str, Any] = {"seq": seq, "hash": kept, "exported_at": head.get("exported_at")}
    if head.get("first_hash") and first is not None and first.hash != head["first_hash"]:
        out |= {"ok": False, "kind": "other_chain"}
        out["message"] = tr(
            "The kept head is from another station, or this station's chain was rebuilt from "
            "its first event: it cannot vouch for this database."
        )
    elif seq and event is None:
        out |= {"ok": False, "kind": "cut"}
        out["message"] = tr(
            "The chain no longer holds event {seq} of the kept head ({exported}): events were "
            "cut off the end, or an older backup was restored. Compare with the backup and "
            "the paper records.",
            seq=seq,
            exported=head.get("exported_at") or "?",
        )
    elif event is not None and event.hash != kept:
        out |= {"ok": False, "kind": "rewritten"}
        out["message"] = tr(
            "Event {seq} is not the one the kept head names: the chain was rewritten since "
            "the head was exported ({exported}).",
            seq=seq,
            exported=head.get("exported_at") or "?",
        )
    else:
        out |= {"ok": True, "kind": "holds", "events_since": chain.head_seq - seq}
        out["message"] = tr(
            "Event {seq} is still in the chain with the kept hash: nothing up to it was cut "
            "off or rewritten ({since} events since).",
            seq=seq,
            since=chain.head_seq - seq,
        )
    return out
