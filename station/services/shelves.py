"""Shelves, layers (slots) with capacity per size class, slot and pickup-code allocation."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from peewee import fn

from station import clock
from station.audit import Actor, locked, track, unit_of_work
from station.db import run_sql
from station.domain.codes import format_pickup_code
from station.domain.sizes import SIZES
from station.errors import Conflict, Duplicate, InvalidInput, NotFound
from station.i18n import N_, tr
from station.models import CodeReservation, Parcel, Shelf, Slot, active_clause
from station.services import settings

CAP = {"S": "cap_s", "M": "cap_m", "L": "cap_l", "XL": "cap_xl"}
USED = {"S": "used_s", "M": "used_m", "L": "used_l", "XL": "used_xl"}
FOUR_DIGITS = 9999
MAX_SEQ = 99999


@dataclass(frozen=True)
class SlotView:
    label: str
    shelf: str
    layer: int
    capacity: dict[str, int]
    used: dict[str, int]

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ShelfView:
    name: str
    position: int
    slots: list[SlotView] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _slot_view(slot: Slot, shelf_name: str) -> SlotView:
    return SlotView(
        slot.label,
        shelf_name,
        slot.layer,
        {s: getattr(slot, CAP[s]) for s in SIZES},
        {s: getattr(slot, USED[s]) for s in SIZES},
    )


def _validate_capacity(capacity: dict[str, int]) -> dict[str, int]:
    clean = {}
    for size in SIZES:
        value = capacity.get(size, 0)
        if not isinstance(value, int) or not 0 <= value <= 999:
            raise InvalidInput(
                tr(
                    "Capacity for size {size} must be a whole number from 0 to 999.",
                    size=size,
                )
            )
        clean[size] = value
    if not any(clean.values()):
        raise InvalidInput(tr("A layer needs room for at least one parcel size."))
    return clean


def _validate_name(name: str) -> str:
    name = (name or "").strip().upper()
    if not (1 <= len(name) <= 3 and name.isascii() and name.isalpha()):
        raise InvalidInput(
            tr("A shelf name is 1-3 letters (A, B, ... AA), so codes stay easy to say.")
        )
    return name


def add_shelf(actor: Actor, name: str, layers: int, capacity: dict[str, int]) -> ShelfView:
    actor.require_owner(N_("add shelves"))
    name, layers, capacity = validate_layout(name, layers, capacity)
    with unit_of_work(actor, "shelf.add", "shelf", name) as change:
        create_shelf(name, layers, capacity)
        change.after = {"name": name, "layers": layers, "capacity": capacity}
    return get_shelf(name)


def validate_layout(name: str, layers: int, capacity: dict[str, int]) -> tuple[str, int, dict]:
    """(name, layers, capacity) checked as add_shelf checks them; raises InvalidInput."""
    name = _validate_name(name)
    if not isinstance(layers, int) or not 1 <= layers <= 20:
        raise InvalidInput(tr("A shelf has 1 to 20 layers."))
    return name, layers, _validate_capacity(capacity)


def create_shelf(name: str, layers: int, capacity: dict[str, int]) -> Shelf:
    """Write a shelf and its layers inside the caller's open unit of work (values checked)."""
    if Shelf.get_or_none(Shelf.name == name):
        raise Duplicate(
            tr(
                "Shelf {name} already exists.",
                name=name,
            )
        )
    position = (Shelf.select(fn.MAX(Shelf.position)).scalar() or 0) + 1
    shelf = Shelf.create(name=name, position=position)
    for layer in range(1, layers + 1):
        Slot.create(
            shelf=shelf,
            layer=layer,
            label=f"{name}-{layer}",
            **{CAP[s]: capacity[s] for s in SIZES},
        )
    return shelf


def get_shelf(name: str) -> ShelfView:
    shelf = Shelf.get_or_none(Shelf.name == (name or "").strip().upper())
    if shelf is None:
        raise NotFound(
            tr(
                "There is no shelf '{name}'.",
                name=name,
            )
        )
    slots = Slot.select().where(Slot.shelf == shelf).order_by(Slot.layer)
    return ShelfView(shelf.name, shelf.position, [_slot_view(s, shelf.name) for s in slots])


def list_shelves() -> list[ShelfView]:
    return [get_shelf(s.name) for s in Shelf.select().order_by(Shelf.position, Shelf.name)]


def rename_shelf(actor: Actor, name: str, new_name: str) -> ShelfView:
    """Renaming keeps the pickup codes already handed out (they are matched by number)."""
    actor.require_owner(N_("rename shelves"))
    new_name = _validate_name(new_name)
    with unit_of_work(actor, "shelf.rename", "shelf", name) as change:
        shelf = Shelf.get_or_none(Shelf.name == name.strip().upper())
        if shelf is None:
            raise NotFound(
                tr(
                    "There is no shelf '{name}'.",
                    name=name,
                )
            )
        if Shelf.get_or_none(Shelf.name == new_name):
            raise Duplicate(
                tr(
                    "Shelf {new_name} already exists.",
                    new_name=new_name,
                )
            )
        Shelf.update(name=new_name).where(Shelf.id == shelf.id).execute()
        change.track("shelf", shelf.id)
        for slot in Slot.select().where(Slot.shelf == shelf):
            Slot.update(label=f"{new_name}-{slot.layer}").where(Slot.id == slot.id).execute()
            change.track("slot", slot.id)
        change.before, change.after = {"name": shelf.name}, {"name": new_name}
    return get_shelf(new_name)


def resize_layer(actor: Actor, label: str, capacity: dict[str, int]) -> SlotView:
    actor.require_owner(N_("resize shelves"))
    capacity = _validate_capacity(capacity)
    with unit_of_work(actor, "shelf.resize", "slot", label) as change:
        slot = _slot_by_label(label)
        for size in SIZES:
            if capacity[size] < getattr(slot, USED[size]):
                raise Conflict(
                    tr(
                        "{label} holds {held} size-{size} parcels; move some before lowering its "
                        "capacity to {capacity}.",
                        label=label,
                        held=getattr(slot, USED[size]),
                        size=size,
                        capacity=capacity[size],
                    )
                )
        change.before = {s: getattr(slot, CAP[s]) for s in SIZES}
        Slot.update(**{CAP[s]: capacity[s] for s in SIZES}).where(Slot.id == slot.id).execute()
        change.track("slot", slot.id)
        change.after = capacity
    return _slot_view(Slot.get_by_id(slot.id), label.split("-")[0])


def remove_shelf(actor: Actor, name: str) -> dict[str, Any]:
    actor.require_owner(N_("remove shelves"))
    with unit_of_work(actor, "shelf.remove", "shelf", name) as change:
        shelf = Shelf.get_or_none(Shelf.name == name.strip().upper())
        if shelf is None:
            raise NotFound(
                tr(
                    "There is no shelf '{name}'.",
                    name=name,
                )
            )
        slot_ids = [s.id for s in Slot.select(Slot.id).where(Slot.shelf == shelf)]
        held = Parcel.select().where(Parcel.slot.in_(slot_ids), active_clause()).count()
        if held:
            raise Conflict(
                tr(
                    "Shelf {name} still holds {held} parcels: move them first.",
                    name=shelf.name,
                    held=held,
                )
            )
        # Collected parcels keep their history; they only lose the link to the removed slot.
        unlinked = [p.id for p in Parcel.select(Parcel.id).where(Parcel.slot.in_(slot_ids))]
        Parcel.update(slot=None).where(Parcel.slot.in_(slot_ids)).execute()
        for parcel_id in unlinked:
            change.track("parcel", parcel_id)
        Slot.delete().where(Slot.shelf == shelf).execute()
        for slot_id in slot_ids:
            change.track("slot", slot_id)
        shelf.delete_instance()
        change.before = {"name": shelf.name, "layers": len(slot_ids)}
    return {"removed": shelf.name, "layers": len(slot_ids)}


def _slot_by_label(label: str) -> Slot:
    slot = Slot.get_or_none(Slot.label == (label or "").strip().upper())
    if slot is None:
        raise NotFound(
            tr(
                "There is no slot '{label}'. Slots are named like A-3 (shelf-layer).",
                label=label,
            )
        )
    return slot


def slot_by_label(label: str) -> Slot:
    return _slot_by_label(label)


# -- allocation (called inside a unit of work) ------------------------------------------------


def take_slot(size: str, preferred: Slot | None = None) -> Slot:
    """Pick the slot with the most free room for this size and count the parcel in."""
    cap, used = CAP[size], USED[size]
    if preferred is not None:
        slot = locked(Slot.select().where(Slot.id == preferred.id)).get()
        if getattr(slot, used) >= getattr(slot, cap):
            raise Conflict(
                tr(
                    "{label} is full for size {size}: choose another slot.",
                    label=slot.label,
                    size=size,
                )
            )
        slot_id, label, layer = slot.id, slot.label, slot.layer
    else:
        row = run_sql(
            f"SELECT id, label, layer FROM slot WHERE {used} < {cap} "
            f"ORDER BY ({cap} - {used}) * 1.0 / {cap} DESC, id LIMIT 1"
        ).fetchone()
        if row is None:
            if run_sql("SELECT 1 FROM slot LIMIT 1").fetchone() is None:
                raise Conflict(
                    tr(
                        "This station has no shelves yet: add a shelf first, on the Shelves "
                        "screen or with: parcel-station --user OWNER shelf add A --layers 5 "
                        "--capacity S=10,M=6,L=2,XL=1"
                    ),
                    code="no_shelves",
                )
            raise Conflict(
                tr(
                    "No shelf has room for a size-{size} parcel. Free some space, add a "
                    "layer or shelf in Shelves, or choose another size.",
                    size=size,
                ),
                code="shelves_full",
            )
        slot_id, label, layer = row
    run_sql(f"UPDATE slot SET {used} = {used} + 1 WHERE id = ?", (slot_id,))
    track("slot", slot_id)
    return Slot(id=slot_id, label=label, layer=layer)


def release_slot(slot_id: int | None, size: str) -> None:
    if slot_id is None:
        return
    used = getattr(Slot, USED[size])
    Slot.update({used: used - 1}).where(Slot.id == slot_id, used > 0).execute()
    track("slot", slot_id)


def release_many(parcels: list[tuple[int | None, str, int | None]]) -> None:
    """Free the places and codes of parcels leaving together: (slot_id, size, code_seq)."""
    counts: dict[tuple[int, str], int] = {}
    for slot_id, size, _ in parcels:
        if slot_id is not None:
            counts[(slot_id, size)] = counts.get((slot_id, size), 0) + 1
    for (slot_id, size), n in counts.items():
        used = USED[size]
        run_sql(
            f"UPDATE slot SET {used} = MAX({used} - ?, 0) WHERE id = ?"
            if database_is_sqlite()
            else f"UPDATE slot SET {used} = GREATEST({used} - ?, 0) WHERE id = ?",
            (n, slot_id),
        )
        track("slot", slot_id)
    seqs = [seq for _, _, seq in parcels if seq is not None]
    if seqs:
        marks = ", ".join("?" * len(seqs))
        run_sql(
            f"UPDATE code_reservation SET released_at = ? WHERE seq IN ({marks})",
            (clock.now(), *seqs),
        )


def database_is_sqlite() -> bool:
    from station.models import database_proxy

    return database_proxy.obj.param == "?"


def take_code(slot: Slot, parcel_id: int | None = None) -> tuple[int, str]:
    """A sequence number not used by any parcel still here nor released within the cooldown,
    so an old message never leads to somebody else's parcel. Four digits while they last."""
    cooldown = clock.now() - timedelta(days=int(settings.get("code_cooldown_days")))
    row = run_sql("SELECT value FROM setting WHERE key = 'code_next'").fetchone()
    start = int(row[0]) if row else 1
    for seq in _candidates(start):
        existing = run_sql(
            "SELECT released_at FROM code_reservation WHERE seq = ?", (seq,)
        ).fetchone()
        if existing is None:
            run_sql("INSERT INTO code_reservation (seq, parcel_id) VALUES (?, ?)", (seq, parcel_id))
            break
        released = existing[0]
        if isinstance(released, str):
            released = datetime.fromisoformat(released)
        if released is not None and released <= cooldown:
            run_sql(
                "UPDATE code_reservation SET parcel_id = ?, released_at = NULL WHERE seq = ?",
                (parcel_id, seq),
            )
            break
    else:
        raise Conflict(tr("Every pickup code is in use or cooling down."), code="codes_exhausted")
    next_seq = 1 if seq in (FOUR_DIGITS, MAX_SEQ) else seq + 1
    if row is None:
        settings.put_raw("code_next", next_seq)
    else:
        run_sql("UPDATE setting SET value = ? WHERE key = 'code_next'", (str(next_seq),))
    shelf_name = slot.label.rsplit("-", 1)[0]
    return seq, format_pickup_code(shelf_name, slot.layer, seq)


def _candidates(start: int) -> Iterator[int]:
    if start > FOUR_DIGITS:
        yield from range(start, MAX_SEQ + 1)
        start = 1
    yield from range(start, FOUR_DIGITS + 1)
    yield from range(1, start)
    yield from range(FOUR_DIGITS + 1, MAX_SEQ + 1)


def release_code(seq: int | None) -> None:
    if seq is None:
        return
    CodeReservation.update(released_at=clock.now()).where(CodeReservation.seq == seq).execute()
