"""Pickup (取件/出库): one person, one or many parcels, one hand-over.

Two counters can never hand out the same parcel: the state change is a conditional UPDATE
that must hit every parcel, inside a transaction that holds the write lock.
"""

from __future__ import annotations

import base64
from dataclasses import asdict, dataclass, field
from typing import Any

from peewee import JOIN

from station import clock
from station.audit import Actor, unit_of_work
from station.domain.codes import parse_pickup_code
from station.domain.ids import id_hash, mask_id, validate_id
from station.domain.phone import parse_phone
from station.domain.text import clean_text
from station.errors import Conflict, InvalidInput, NotAllowed, NotFound
from station.i18n import N_, tr
from station.models import PICKED_UP, Parcel, Pickup, Slot, active_clause
from station.services import ledger, pickup_checks, settings, shelves
from station.services.parcels import COLLECTABLE, get_by_tracking
from station.services.pickup_checks import Check
from station.services.views import (
    ParcelView,
    days_on_shelf,
    parcel_view,
    snapshot,
    storage_fee,
)


@dataclass(frozen=True)
class PickupRequest:
    refs: tuple[str, ...]
    id_type: str | None = None
    id_number: str | None = None
    id_name: str | None = None
    proxy_name: str | None = None
    proxy_phone: str | None = None
    method: str | None = None
    tendered_fen: int | None = None
    signature_png: bytes | None = None
    # One confirmation per parcel (pickup_checks.Check: scanned, or by hand with a reason).
    # None: the refs confirm themselves, as on the command line (pickup_checks.from_refs).
    checks: tuple[Check, ...] | None = None


@dataclass(frozen=True)
class PickupResult:
    parcels: list[ParcelView]
    due_fen: int
    paid_fen: int
    change_fen: int
    receipt_no: str
    method: str | None
    id_checked: bool
    proxy_name: str | None
    id_masked: str | None = None
    proxy_phone_masked: str | None = None
    storage_fen: int = 0  # part of due_fen: storage fees for parcels left past the free days
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["parcels"] = [p.to_json() for p in self.parcels]
        data.pop("extra")
        return data


def resolve(ref: str) -> Parcel:
    """A pickup code or a tracking number → the parcel still at the station."""
    code = parse_pickup_code(ref)
    if code is not None:
        parcel = Parcel.get_or_none((Parcel.code_seq == code[2]) & (active_clause()))
        if parcel is None:
            raise NotFound(
                tr(
                    "No parcel on the shelf has pickup code {ref}. Check the code.",
                    ref=ref,
                )
            )
        return parcel
    return get_by_tracking(ref, include_all=True)


def resolve_many(refs: tuple[str, ...] | list[str]) -> list[Parcel]:
    """Like resolve() for each ref, in order, with one query for all the pickup codes."""
    codes = {ref: parse_pickup_code(ref) for ref in refs}
    seqs = [code[2] for code in codes.values() if code is not None]
    by_seq: dict[int, Parcel] = {}
    if seqs:
        query = Parcel.select().where(Parcel.code_seq.in_(seqs) & active_clause())
        by_seq = {p.code_seq: p for p in query if p.code_seq is not None}
    found = []
    for ref in refs:
        code = codes[ref]
        if code is None:
            found.append(get_by_tracking(ref, include_all=True))
        elif code[2] in by_seq:
            found.append(by_seq[code[2]])
        else:
            found.append(resolve(ref))  # raises the clerk's message
    return found


def id_check_needed(parcels: list[Parcel], proxy: bool) -> bool:
    policy = settings.get("id_check_policy")
    if policy == "always" or proxy:
        return True
    return any(p.id_check or (policy == "cod" and p.cod_fen > 0) for p in parcels)


def _check_same_person(parcels: list[Parcel]) -> None:
    keys = {(p.recipient_phone or f"*{p.phone_last4}:{p.recipient_name}") for p in parcels}
    if len(keys) > 1:
        raise Conflict(
            tr("These parcels belong to different people. Hand them over separately."),
            code="different_people",
        )


def _record_id_failure(actor: Actor, parcels: list[Parcel], why: str) -> None:
    with unit_of_work(actor, "pickup.id_failed", "parcel", parcels[0].id) as change:
        for p in parcels:
            Parcel.update(id_failures=Parcel.id_failures + 1).where(Parcel.id == p.id).execute()
            change.touch(p.id, why)
        change.after = {"reason": why}


def _verify_identity(
    actor: Actor, request: PickupRequest, parcels: list[Parcel], proxy: bool
) -> tuple[str | None, str | None, str | None, str | None]:
    """→ (id_type, masked, keyed hash, name) or Nones when no check is needed."""
    limit = int(settings.get("max_id_failures"))
    if not actor.is_owner and any(p.id_failures >= limit for p in parcels):
        raise NotAllowed(
            tr("Too many failed ID checks for this parcel. Only the owner can hand it over now."),
            code="id_locked",
        )
    needed = id_check_needed(parcels, proxy)
    if not request.id_number:
        if needed:
            raise NotAllowed(
                tr(
                    "An ID check is needed for this pickup (cash on delivery, proxy pickup or "
                    "station policy): enter the ID type and number."
                ),
                code="id_required",
            )
        return None, None, None, None
    try:
        number = validate_id(request.id_type or "resident_id", request.id_number)
    except InvalidInput as exc:
        _record_id_failure(actor, parcels, f"invalid ID: {exc.message}")
        raise InvalidInput(exc.message, code="id_mismatch") from exc
    id_type = request.id_type or "resident_id"
    name_on_id = clean_text(request.id_name, field=N_("Name on ID"), max_len=40)
    expected = request.proxy_name if proxy else parcels[0].recipient_name
    if name_on_id and expected and _norm(name_on_id) != _norm(expected):
        _record_id_failure(actor, parcels, "name on ID does not match")
        raise NotAllowed(
            tr(
                "The name on the ID ({name_on_id}) does not match the proxy ({expected}). "
                "Do not hand over the parcel.",
                name_on_id=name_on_id,
                expected=expected,
            )
            if proxy
            else tr(
                "The name on the ID ({name_on_id}) does not match the recipient "
                "({expected}). Do not hand over the parcel.",
                name_on_id=name_on_id,
                expected=expected,
            ),
            code="id_mismatch",
        )
    key = settings.id_hash_key()
    return id_type, mask_id(number), id_hash(key, id_type, number), name_on_id or expected


def _norm(name: str) -> str:
    return "".join(name.split()).casefold()


def _payment(request: PickupRequest, due: int) -> tuple[str | None, int, int, int]:
    """→ (method, paid, tendered, change)."""
    choose = tr(
        "{due} is due on delivery: choose cash, WeChat Pay, Alipay or card.",
        due=ledger.format_due(due),
    )
    method, tendered, change = ledger.check_payment(
        request.method, request.tendered_fen, due, choose
    )
    return (None, 0, 0, 0) if due == 0 else (method, due, tendered, change)


def pickup(actor: Actor, request: PickupRequest) -> PickupResult:
    refs = request.refs or tuple(c.ref for c in request.checks or ())
    if not refs:
        raise InvalidInput(tr("Scan or type at least one pickup code or tracking number."))
    parcels = resolve_many(refs)
    checks = request.checks if request.checks is not None else pickup_checks.from_refs(refs)
    confirmed = pickup_checks.match(checks, tuple(refs), parcels)
    ids = list(dict.fromkeys(p.id for p in parcels))
    parcels = [next(p for p in parcels if p.id == i) for i in ids]
    for p in parcels:
        if p.status not in COLLECTABLE:
            when = clock.iso(p.picked_up_at) if p.picked_up_at else ""
            raise Conflict(
                tr(
                    "{tracking} cannot be handed out: it is {status} (collected {when}).",
                    tracking=p.tracking,
                    status=tr(p.status),
                    when=when,
                )
                if when
                else tr(
                    "{tracking} cannot be handed out: it is {status}.",
                    tracking=p.tracking,
                    status=tr(p.status),
                ),
                code="not_collectable",
                status=p.status,
            )
    _check_same_person(parcels)
    pickup_checks.check_hand_limit(actor, confirmed)
    proxy = bool(request.proxy_name or request.proxy_phone)
    proxy_name = clean_text(request.proxy_name, field=N_("Proxy name"), max_len=40) or None
    proxy_phone = parse_phone(request.proxy_phone).masked if request.proxy_phone else None
    if proxy and not proxy_name:
        raise InvalidInput(tr("For a proxy pickup, enter the proxy's name."))
    id_type, id_masked, id_digest, _ = _verify_identity(actor, request, parcels, proxy)
    fees = {p.id: storage_fee(days_on_shelf(p)) for p in parcels}
    storage_fen = sum(fees.values())
    due = sum(p.cod_fen for p in parcels) + storage_fen
    method, paid, tendered, change_fen = _payment(request, due)
    signature = base64.b64encode(request.signature_png).decode() if request.signature_png else None

    with unit_of_work(actor, "parcel.pickup", "pickup") as change:
        now = clock.now()
        receipt_no = f"R{clock.local_day(now):%Y%m%d}-{change.seq:06d}"
        record = Pickup.create(
            receipt_no=receipt_no,
            at=now,
            staff=actor.staff_id,
            counter=actor.counter,
            id_type=id_type,
            id_masked=id_masked,
            id_hash=id_digest,
            proxy_name=proxy_name,
            proxy_phone_masked=proxy_phone,
            due_fen=due,
            paid_fen=paid,
            tendered_fen=tendered,
            change_fen=change_fen,
            method=method,
            signature_png=signature,
        )
        pickup_checks.check_hand_limit(actor, confirmed)  # again, under the write lock
        pickup_checks.write(actor, record.id, now, confirmed)
        updated = (
            Parcel.update(status=PICKED_UP, picked_up_at=now, left_at=now, pickup=record.id)
            .where(Parcel.id.in_(ids), Parcel.status.in_(COLLECTABLE))
            .execute()
        )
        if updated != len(ids):
            raise Conflict(
                tr("Another counter has just handed out one of these parcels. Look them up again."),
                code="already_collected",
            )
        fresh = list(
            Parcel.select(Parcel, Slot.id, Slot.label)
            .join(Slot, JOIN.LEFT_OUTER, on=(Parcel.slot == Slot.id))
            .where(Parcel.id.in_(ids))
            .order_by(Parcel.id)
        )
        labels = {p.id: getattr(p.slot, "label", None) for p in fresh}
        shelves.release_many([(p.slot.id if p.slot else None, p.size, p.code_seq) for p in fresh])
        day = ledger.open_day() if due else None
        for p in fresh:
            if p.cod_fen:
                ledger.book(
                    actor,
                    kind="cod",
                    method=method or "cash",
                    amount_fen=p.cod_fen,
                    pickup_id=record.id,
                    parcel_id=p.id,
                    day=day,
                )
            if fees.get(p.id):
                ledger.book(
                    actor,
                    kind="storage",
                    method=method or "cash",
                    amount_fen=fees[p.id],
                    pickup_id=record.id,
                    parcel_id=p.id,
                    day=day,
                )
            how = pickup_checks.detail(confirmed[p.id])
            change.touch(p.id, f"{receipt_no}{' proxy' if proxy else ''} {how}")
        change.entity_id = receipt_no
        change.before = [snapshot(p) | {"status": "ON_SHELF"} for p in parcels]
        change.after = {
            "receipt_no": receipt_no,
            "parcels": [p.tracking for p in fresh],
            "due_fen": due,
            "storage_fen": storage_fen,
            "method": method,
            "id_checked": bool(id_type),
            "proxy": proxy,
            "by_hand": {
                p.tracking: confirmed[p.id].reason
                for p in fresh
                if confirmed[p.id].how != "scan"
            },
        }
    return PickupResult(
        parcels=[parcel_view(p, actor, labels[p.id]) for p in fresh],
        due_fen=due,
        paid_fen=paid,
        change_fen=change_fen,
        receipt_no=receipt_no,
        method=method,
        id_checked=id_type is not None,
        proxy_name=proxy_name,
        id_masked=id_masked,
        proxy_phone_masked=proxy_phone,
        storage_fen=storage_fen,
    )
