"""Browsing every parcel page by page: the Parcels screen's lazy table over a million rows.

Pages are fetched with keyset pagination ("the 200 rows after this one in sort order"), so
page 5,000 costs what page 1 costs; OFFSET would re-read every skipped row. Each sort key
below is backed by an index (received_at, tracking, left_at, status+received_at) together
with the row id, which makes the key unique and the order total.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from peewee import JOIN, Tuple

from station import clock
from station.audit import Actor
from station.domain.carriers import normalize_tracking
from station.domain.codes import format_pickup_code, parse_pickup_code
from station.domain.phone import is_last4, parse_phone
from station.domain.text import normalize_scan
from station.errors import InvalidInput, StationError
from station.i18n import tr
from station.models import ACTIVE_STATUSES, ON_SHELF, STATUSES, Carrier, Parcel, Shelf, Slot
from station.services.views import ParcelView, parcel_view

PAGE_SIZE = 200
MAX_PAGE = 1000

# Sort name -> column. Every one is NOT NULL after intake (keyset paging relies on it) and
# indexed: a sort without an index (name, size) takes a second per page on a million rows,
# so the screen does not offer it.
SORTS: dict[str, Any] = {
    "received_at": Parcel.received_at,
    "tracking": Parcel.tracking,
    "carrier": Parcel.carrier,
    "status": Parcel.status,
    "pickup_code": Parcel.pickup_code,
}


@dataclass(frozen=True)
class ParcelFilter:
    """What the clerk narrowed the list to. Empty fields do not filter."""

    statuses: tuple[str, ...] = ()
    carrier: str | None = None
    received_from: date | None = None  # station-local days, both ends included
    received_to: date | None = None
    overdue: bool = False
    shelf: str | None = None  # a shelf ("A") or one layer ("A-3")
    text: str = ""


@dataclass(frozen=True)
class Cursor:
    """Where the next page starts: the last row's sort value and id."""

    value: Any
    id: int


@dataclass(frozen=True)
class Page:
    rows: list[ParcelView]
    next: Cursor | None  # None when this was the last page
    sort: str
    descending: bool
    extra: dict[str, Any] = field(default_factory=dict)


def _where(filters: ParcelFilter) -> list[Any]:
    conds: list[Any] = []
    if filters.statuses:
        unknown = [s for s in filters.statuses if s not in STATUSES]
        if unknown:
            raise InvalidInput(
                tr(
                    "Unknown status {status}: use one of {statuses}.",
                    status=unknown[0],
                    statuses=", ".join(STATUSES),
                )
            )
        conds.append(Parcel.status.in_(list(filters.statuses)))
    if filters.carrier:
        conds.append(Parcel.carrier == filters.carrier.strip().upper())
    if filters.received_from:
        conds.append(Parcel.received_at >= clock.day_bounds(filters.received_from)[0])
    if filters.received_to:
        conds.append(Parcel.received_at < clock.day_bounds(filters.received_to)[1])
    if filters.overdue:
        conds.append(_overdue())
    if filters.shelf:
        # Without a status filter most rows of a layer are old history: walking the sort
        # index and skipping other layers beats sorting every parcel the layer ever held, so
        # "+ 0" keeps the planner off the slot index. With statuses, the slot index is best.
        conds.append(_shelf(filters.shelf, use_index=bool(filters.statuses)))
    if filters.text.strip():
        conds.append(_text(filters.text))
    return conds


def _overdue() -> Any:
    """On the shelf past the carrier's retention days (same rule as returns.overdue)."""
    today = clock.local_day()
    per_carrier = None
    for carrier in Carrier.select(Carrier.code, Carrier.retention_days):
        start, _ = clock.day_bounds(today - timedelta(days=carrier.retention_days - 1))
        cond = (Parcel.carrier == carrier.code) & (Parcel.received_at < start)
        per_carrier = cond if per_carrier is None else per_carrier | cond
    if per_carrier is None:
        return Parcel.id < 0
    return (Parcel.status == ON_SHELF) & per_carrier


def _shelf(text: str, use_index: bool) -> Any:
    label = text.strip().upper()
    if "-" in label:
        slots = Slot.select(Slot.id).where(Slot.label == label)
    else:
        slots = Slot.select(Slot.id).join(Shelf).where(Shelf.name == label)
    ids = [s.id for s in slots]
    if not ids:
        raise InvalidInput(
            tr(
                "There is no shelf or layer '{shelf}'. Shelves look like A, layers A-3.",
                shelf=text,
            )
        )
    return Parcel.slot.in_(ids) if use_index else (Parcel.slot + 0).in_(ids)


def _text(text: str) -> Any:
    """Pickup code, last 4 digits, full phone, tracking number (or its start), or a name.
    Each form maps onto an indexed column where one exists."""
    text = " ".join(text.split())
    code = parse_pickup_code(text)
    if code is not None:
        return Parcel.pickup_code == format_pickup_code(*code)
    scanned = normalize_scan(text)
    if is_last4(text):
        return Parcel.phone_last4 == scanned
    options = []
    if scanned.isdigit() and len(scanned) >= 7:
        try:
            phone = parse_phone(text)
        except StationError:
            phone = None
        if phone is not None and phone.full:
            # phone_last4 is indexed; the full number then narrows a handful of rows.
            options.append(
                (Parcel.phone_last4 == phone.last4) & (Parcel.recipient_phone == phone.full)
            )
    if scanned.isalnum() and len(scanned) >= 4:
        try:
            tracking = normalize_tracking(scanned)
        except StationError:
            tracking = scanned
        # A prefix as a range keeps the tracking index usable (LIKE would not on SQLite).
        options.append((Parcel.tracking >= tracking) & (Parcel.tracking < tracking + "~"))
    if not options or not any(ch.isdigit() for ch in scanned):
        # Names have no digits; a number-like text would only force a scan of every row.
        options.append(Parcel.recipient_name.contains(text))
    cond = options[0]
    for option in options[1:]:
        cond = cond | option
    return cond


def _query(filters: ParcelFilter) -> Any:
    query = Parcel.select()
    conds = _where(filters)
    if conds:
        cond = conds[0]
        for c in conds[1:]:
            cond = cond & c
        query = query.where(cond)
    return query


def count(filters: ParcelFilter) -> int:
    """How many parcels match (for the "N parcels" line; may take a moment on text filters)."""
    return _query(filters).count()


def page(
    actor: Actor,
    filters: ParcelFilter,
    sort: str = "received_at",
    descending: bool = True,
    after: Cursor | None = None,
    limit: int = PAGE_SIZE,
    offset: int = 0,
) -> Page:
    """One page of parcels in sort order. Pass the previous page's `next` as `after` to get
    the following page; `offset` is for jumping (slower far into the list)."""
    column = SORTS.get(sort)
    if column is None:
        raise InvalidInput(
            tr("Cannot sort by '{sort}': use one of {sorts}.", sort=sort, sorts=", ".join(SORTS))
        )
    limit = max(1, min(int(limit), MAX_PAGE))
    query = _query(filters)
    if after is not None:
        key, mark = Tuple(column, Parcel.id), Tuple(after.value, after.id)
        query = query.where(key < mark if descending else key > mark)
    order = (column.desc(), Parcel.id.desc()) if descending else (column.asc(), Parcel.id.asc())
    rows = list(
        query.select(Parcel, Slot.label)
        .join(Slot, on=(Parcel.slot == Slot.id), join_type=JOIN.LEFT_OUTER)
        .order_by(*order)
        .offset(offset if after is None and offset else None)
        .limit(limit + 1)
    )
    more = len(rows) > limit
    rows = rows[:limit]
    # The joined Slot row (label only) takes the place of the foreign key on each parcel.
    views = [parcel_view(p, actor, getattr(p.slot, "label", None)) for p in rows]
    nxt = None
    if more and rows:
        last = rows[-1]
        value = getattr(last, column.name)
        if column is Parcel.carrier:
            value = last.carrier_id
        nxt = Cursor(value, last.id)
    return Page(views, nxt, sort, descending)


def active_in_slot(actor: Actor, label: str) -> list[ParcelView]:
    """The parcels still at the station in one layer (the Shelves screen's click)."""
    filters = ParcelFilter(statuses=ACTIVE_STATUSES, shelf=label)
    return page(actor, filters, sort="pickup_code", descending=False, limit=MAX_PAGE).rows
