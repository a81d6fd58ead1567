"""Stocktake (盘点): reconcile what was scanned on the shelves with what should be there.

The scan list is tracking numbers (or the pickup codes from the stickers' QR codes), one a
line. A slot marker line such as ``@A-2`` says that
the scans after it were found in slot A-2 (``@`` alone: slot unknown again), so a parcel in
the wrong slot is detected and its slot corrected. Expected parcels that were not scanned are
marked MISSING (they keep slot and code, so finding them later is one scan); MISSING parcels
that were scanned are found again. Everything is one transaction and one audit event.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

from station import clock
from station.audit import Actor, unit_of_work
from station.domain.carriers import normalize_tracking
from station.domain.codes import parse_pickup_code
from station.domain.text import normalize_scan
from station.errors import InvalidInput, NotFound, StationError
from station.i18n import tr
from station.models import (
    MISSING,
    ON_SHELF,
    RETURN_PENDING,
    Parcel,
    Shelf,
    Slot,
    active_clause,
)
from station.services import shelves
from station.services.collected import LeftParcel, left_parcels

EXPECTED_STATUSES = (ON_SHELF, RETURN_PENDING)
MAX_SCANS = 50_000
_CHUNK = 500


def _rows(query: Any) -> Iterator[tuple[Any, ...]]:
    """A query's rows as plain tuples (no model instances: cheaper, and typed)."""
    return iter(query.tuples())


@dataclass(frozen=True)
class Misplaced:
    tracking: str
    expected_slot: str | None
    found_slot: str | None
    moved: bool

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class StocktakeResult:
    shelf: str | None
    expected: int
    found: int
    missing: list[str]
    misplaced: list[Misplaced]
    unknown: list[str]
    recovered: list[str] = field(default_factory=list)
    scanned: int = 0
    applied: bool = True
    at: str | None = None
    # Those of `unknown` that already left the station (collected or returned), with who
    # took them and when: never offered for intake again.
    collected: list[LeftParcel] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["misplaced"] = [m.to_json() for m in self.misplaced]
        return data


@dataclass(frozen=True)
class Scan:
    """One scanned line: a tracking number and/or a pickup code (the sticker's QR), and the
    slot of the last marker line before it."""

    text: str
    tracking: str | None
    code_seq: int | None
    slot: str | None


def parse_scans(lines: list[str]) -> list[Scan]:
    """The scanned lines (not markers, not blank), once each, in the order first seen.

    Raises InvalidInput for a marker naming no slot, before anything is changed."""
    labels = {label for (label,) in _rows(Slot.select(Slot.label))}
    scans: dict[str, Scan] = {}
    slot: str | None = None
    for raw in lines:
        line = (raw or "").replace("\ufeff", "").strip()
        if not line:
            continue
        scanned = normalize_scan(line)  # full-width ＠Ａ－２ from a scanner in a Chinese IME
        if scanned.startswith("@"):
            label = scanned[1:]
            if label and label not in labels:
                raise InvalidInput(
                    tr(
                        "The marker line '{line}' names no slot. Slots are named like @A-2; fix "
                        "the line and reconcile again (nothing was changed).",
                        line=line,
                    ),
                    line=line,
                )
            slot = label or None
            continue
        try:
            tracking: str | None = normalize_tracking(line)
        except StationError:
            tracking = None
        code = parse_pickup_code(line)
        key = tracking or scanned
        # A re-scan keeps its place in the list; the last place it was seen wins.
        scans[key] = Scan(line, tracking, code[2] if code else None, slot)
    if len(scans) > MAX_SCANS:
        raise InvalidInput(
            tr(
                "At most {max_scans} scans at a time: split the stocktake by shelf.",
                max_scans=MAX_SCANS,
            )
        )
    return list(scans.values())


def _shelf(name: str | None) -> Shelf | None:
    if name is None or not name.strip():
        return None
    shelf = Shelf.get_or_none(Shelf.name == name.strip().upper())
    if shelf is None:
        raise NotFound(
            tr(
                "There is no shelf '{name}'.",
                name=name,
            )
        )
    return shelf


def _active_by_tracking(trackings: list[str]) -> dict[str, Parcel]:
    found: dict[str, Parcel] = {}
    for i in range(0, len(trackings), _CHUNK):
        chunk = trackings[i : i + _CHUNK]
        query = Parcel.select().where(Parcel.tracking.in_(chunk), active_clause())
        found.update((p.tracking, p) for p in query)
    return found


def _active_by_code(seqs: list[int]) -> dict[int, Parcel]:
    found: dict[int, Parcel] = {}
    for i in range(0, len(seqs), _CHUNK):
        query = Parcel.select().where(Parcel.code_seq.in_(seqs[i : i + _CHUNK]), active_clause())
        found.update((p.code_seq, p) for p in query if p.code_seq is not None)
    return found


def _resolve(scans: list[Scan]) -> tuple[dict[str, str | None], dict[str, Parcel], list[str]]:
    """→ (tracking → slot found in, for parcels at the station; those parcels; what was
    scanned but is not at the station). A tracking number wins over a pickup code when a
    line reads as both."""
    by_tracking = _active_by_tracking([s.tracking for s in scans if s.tracking])
    by_code = _active_by_code(
        [s.code_seq for s in scans if s.code_seq is not None and s.tracking not in by_tracking]
    )
    seen: dict[str, str | None] = {}
    parcels: dict[str, Parcel] = {}
    unknown: list[str] = []
    for scan in scans:
        parcel = by_tracking.get(scan.tracking or "") or (
            by_code.get(scan.code_seq) if scan.code_seq is not None else None
        )
        if parcel is None:
            label = scan.text if scan.code_seq is not None else (scan.tracking or scan.text)
            if label not in unknown:
                unknown.append(label)
            continue
        seen[parcel.tracking] = scan.slot
        parcels[parcel.tracking] = parcel
    return seen, parcels, unknown


def reconcile(
    actor: Actor, scans: list[str], shelf: str | None = None, apply: bool = True
) -> StocktakeResult:
    """Reconcile the scanned lines against the parcels expected on `shelf` (or everywhere).

    With apply=False nothing is written (a preview for the screen); otherwise misplaced
    parcels move to the slot they were found in, missing ones are marked MISSING and scanned
    MISSING ones are found again, all in one audit event "stocktake.reconcile"."""
    parsed = parse_scans(list(scans))
    target = _shelf(shelf)
    if not apply:
        return _reconcile(actor, parsed, target, None)
    with unit_of_work(
        actor, "stocktake.reconcile", "stocktake", target.name if target else "*"
    ) as change:
        return _reconcile(actor, parsed, target, change)


def _reconcile(
    actor: Actor, parsed: list[Scan], target: Shelf | None, change: Any
) -> StocktakeResult:
    slots = {sid: label for sid, label in _rows(Slot.select(Slot.id, Slot.label))}
    slot_ids = {label: sid for sid, label in slots.items()}
    expected_q = Parcel.select().where(Parcel.status.in_(EXPECTED_STATUSES))
    if target is not None:
        expected_q = expected_q.where(
            Parcel.slot.in_(Slot.select(Slot.id).where(Slot.shelf == target.id))
        )
    expected = {p.tracking: p for p in expected_q}
    if expected and not any(s.tracking or s.code_seq is not None for s in parsed):
        # A list without one tracking number would mark the whole shelf missing: far more
        # likely an empty or wrong file.
        raise InvalidInput(
            tr(
                "Nothing was scanned. Scan the parcels on the shelf (one tracking number a line); "
                "nothing was changed."
            )
        )
    seen, scanned, unknown = _resolve(parsed)
    left = left_parcels(unknown)
    collected = [left[u] for u in unknown if u in left]

    found = sum(1 for t in seen if t in expected)
    missing = sorted(t for t in expected if t not in scanned)
    misplaced: list[Misplaced] = []
    recovered: list[str] = []
    moves: list[tuple[Parcel, int]] = []
    for tracking, slot in seen.items():
        parcel = scanned[tracking]
        if parcel.status == MISSING:
            recovered.append(parcel.tracking)
        here = slots.get(parcel.slot_id) if parcel.slot_id else None
        on_other_shelf = (
            target is not None
            and parcel.tracking not in expected
            and (parcel.status != MISSING or _shelf_of(here) != target.name)
        )
        if slot is not None and slot != here:
            misplaced.append(Misplaced(parcel.tracking, here, slot, change is not None))
            moves.append((parcel, slot_ids[slot]))
        elif slot is None and on_other_shelf:
            # Found on this shelf, slot not marked: the clerk has to put it back by hand.
            misplaced.append(Misplaced(parcel.tracking, here, None, False))

    if change is not None:
        _apply(actor, change, expected, missing, recovered, moves, scanned, slots)
        for info in collected:
            change.touch(info.parcel_id, f"stocktake: scanned again after it left ({info.status})")
        change.after = {
            "shelf": target.name if target else None,
            "expected": len(expected),
            "found": found,
            "missing": missing,
            "misplaced": [m.to_json() for m in misplaced],
            "unknown": unknown,
            "recovered": recovered,
            "collected": [c.tracking for c in collected],
        }
    return StocktakeResult(
        shelf=target.name if target else None,
        expected=len(expected),
        found=found,
        missing=missing,
        misplaced=misplaced,
        unknown=unknown,
        recovered=recovered,
        scanned=len(parsed),
        applied=change is not None,
        at=clock.iso(clock.now()),
        collected=collected,
    )


def _shelf_of(label: str | None) -> str | None:
    return label.rsplit("-", 1)[0] if label else None


def _apply(
    actor: Actor,
    change: Any,
    expected: dict[str, Parcel],
    missing: list[str],
    recovered: list[str],
    moves: list[tuple[Parcel, int]],
    scanned: dict[str, Parcel],
    slots: dict[int, str],
) -> None:
    now = clock.now()
    for tracking in missing:
        parcel = expected[tracking]
        n = (
            Parcel.update(status=MISSING, missing_at=now)
            .where(Parcel.id == parcel.id, Parcel.status.in_(EXPECTED_STATUSES))
            .execute()
        )
        if n == 1:
            change.touch(parcel.id, "stocktake: missing")
    for tracking in recovered:
        parcel = scanned[tracking]
        # A parcel that was marked for return goes back to waiting for the courier.
        status = RETURN_PENDING if parcel.return_marked_at is not None else ON_SHELF
        Parcel.update(status=status, missing_at=None).where(
            Parcel.id == parcel.id, Parcel.status == MISSING
        ).execute()
        change.touch(parcel.id, "stocktake: found")
    for parcel, slot_id in moves:
        # The parcel is physically there: count it in even beyond the layer's set capacity
        # (intake simply will not put more parcels there until some leave).
        used = getattr(Slot, shelves.USED[parcel.size])
        Slot.update({used: used + 1}).where(Slot.id == slot_id).execute()
        change.track("slot", slot_id)
        shelves.release_slot(parcel.slot_id, parcel.size)
        Parcel.update(slot=slot_id).where(Parcel.id == parcel.id).execute()
        before = slots.get(parcel.slot_id) if parcel.slot_id else "no slot"
        change.touch(parcel.id, f"stocktake: moved {before} → {slots[slot_id]}")
