"""Creating and describing a station: seed data, the first owner, the first-run setup.

A station is *new* while it has no staff account. Until then anybody at the PC may set it up
(that is how a station starts); afterwards only a logged-in owner may add an owner or change
the station's name, address or phone, so `init` run again by a stranger changes nothing.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from station import clock
from station.audit import SYSTEM, Actor, unit_of_work
from station.db import schema_version
from station.domain.phone import parse_phone
from station.domain.text import clean_text
from station.errors import Conflict, InvalidInput, NotAllowed
from station.i18n import N_, tr
from station.models import Carrier, Parcel, Shelf, Staff, database_proxy
from station.services import carriers, settings, shelves, staff

DETAIL_KEYS = ("station_name", "station_address", "station_phone")


@dataclass(frozen=True)
class ShelfSpec:
    """One shelf of a layout: name, number of layers, parcels per layer by size."""

    name: str
    layers: int
    capacity: dict[str, int]

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


# A small station's first layout, which the owner edits in the setup screen: two shelves of
# small and medium parcels, one for the big ones.
DEFAULT_LAYOUT: tuple[ShelfSpec, ...] = (
    ShelfSpec("A", 5, {"S": 12, "M": 6, "L": 2, "XL": 0}),
    ShelfSpec("B", 5, {"S": 12, "M": 6, "L": 2, "XL": 0}),
    ShelfSpec("C", 4, {"S": 0, "M": 4, "L": 4, "XL": 2}),
)


@dataclass(frozen=True)
class SetupRequest:
    owner: str
    pin: str
    station_name: str
    address: str
    phone: str
    layout: tuple[ShelfSpec, ...] = DEFAULT_LAYOUT
    hours: str = ""


@dataclass(frozen=True)
class SetupResult:
    actor: Actor  # the new owner, logged in
    summary: dict[str, Any] = field(default_factory=dict)


def is_new() -> bool:
    """True until the station's first staff account exists."""
    return not Staff.select().exists()


def needs_setup() -> bool:
    """The desktop app shows the first-run setup instead of a login nobody could pass."""
    return not Staff.select().where(Staff.active == True).exists()  # noqa: E712


def clean_details(
    name: str | None, address: str | None, phone: str | None, *, required: bool
) -> dict[str, str]:
    """The station's name, address and phone checked; only the keys given (or all, required)."""
    values: dict[str, str] = {}
    if name is not None or required:
        values["station_name"] = clean_text(
            name, field=N_("Station name"), max_len=80, required=True
        )
    if address is not None or required:
        values["station_address"] = clean_text(
            address, field=N_("Station address"), max_len=120, required=required
        )
    if phone is not None or required:
        text = clean_text(phone, field=N_("Station phone"), max_len=30, required=required)
        values["station_phone"] = station_phone(text) if text else ""
    return values


def station_phone(text: str) -> str:
    """A full number customers can call (mobile or landline), as digits."""
    try:
        number = parse_phone(text)
    except InvalidInput as exc:  # same words, but pointing at the station's phone field
        raise InvalidInput(exc.message, code=exc.code, field="Station phone",
                           **exc.details) from exc
    if number.full is None:
        raise InvalidInput(
            tr("The station's phone must be a full number customers can call, e.g. 010-62345678."),
            field="Station phone",
        )
    return number.full


def init_station(
    owner: str | None = None,
    pin: str | None = None,
    station_name: str | None = None,
    *,
    actor: Actor | None = None,
    address: str | None = None,
    phone: str | None = None,
) -> dict[str, Any]:
    """Idempotent: seeds what is missing. On a station that already has staff, adding an owner
    or changing the station's details needs a logged-in owner: `actor`, or the named owner
    whose PIN is given (a script re-running the same `init` proves itself that way)."""
    details = clean_details(station_name, address, phone, required=False)
    new = is_new()
    if not new and (owner or details):
        actor = _owner_for_init(actor, owner, pin)
    with unit_of_work(SYSTEM, "station.init", "station") as change:
        added = carriers.seed_carriers()
        settings.id_hash_key()
        change.after = {"carriers_added": added}
    if owner and pin and Staff.get_or_none(Staff.name == owner) is None:
        staff.add_staff(SYSTEM if new else actor or SYSTEM, owner, "owner", pin)
    for key, value in details.items():
        if settings.get(key) != value:
            settings.set_value(SYSTEM if new else actor or SYSTEM, key, value)
    apply_zone()
    return summary()


def _owner_for_init(actor: Actor | None, owner: str | None, pin: str | None) -> Actor:
    if actor is not None:
        actor.require_owner(N_("change an existing station"))
        return actor
    if owner and pin and Staff.get_or_none(Staff.name == owner) is not None:
        proved = staff.authenticate(owner, pin, counter="init")
        proved.require_owner(N_("change an existing station"))
        return proved
    raise NotAllowed(
        tr(
            "This station already has staff accounts. To add an owner or change the station's "
            "name, address or phone, log in as an owner: --user NAME with PARCEL_STATION_PIN "
            "(or change them in Settings)."
        ),
        code="owner_login_required",
    )


def setup_station(request: SetupRequest) -> SetupResult:
    """The first-run setup of a new station in one unit of work: the owner account, the
    station's details, the carriers and a shelf layout. Refused once the station has staff."""
    name = clean_text(request.owner, field=N_("Name"), max_len=40, required=True)
    pin_hash = staff.validated_pin_hash(request.pin)
    details = clean_details(request.station_name, request.address, request.phone, required=True)
    hours = clean_text(request.hours, field=N_("Opening hours"), max_len=40)
    if not request.layout:
        raise InvalidInput(tr("Add at least one shelf: parcels need a place to go."))
    layout = [shelves.validate_layout(s.name, s.layers, dict(s.capacity)) for s in request.layout]
    names = [shelf_name for shelf_name, _, _ in layout]
    if len(set(names)) != len(names):
        raise InvalidInput(tr("Each shelf needs its own name (A, B, C …)."))
    with unit_of_work(SYSTEM, "station.setup", "station") as change:
        if not is_new():
            raise Conflict(
                tr("This station is already set up: log in, or ask its owner."),
                code="already_set_up",
            )
        added = carriers.seed_carriers()
        settings.id_hash_key()
        account = staff.insert_staff(name, "owner", pin_hash)
        change.track("staff", account.id)
        for key, value in details.items():
            settings.put_raw(key, value)
            change.track("setting", key)
        if hours:
            settings.put_raw("station_hours", hours)
            change.track("setting", "station_hours")
        if Shelf.select().exists():
            raise Conflict(tr("This database already has shelves; it is not a new station."))
        for shelf_name, layers, capacity in layout:
            shelves.create_shelf(shelf_name, layers, capacity)
        change.entity_id = details["station_name"]
        change.after = {
            "owner": name,
            **details,
            "carriers_added": added,
            "shelves": [{"name": n, "layers": la, "capacity": c} for n, la, c in layout],
        }
    apply_zone()
    actor = Actor(account.id, account.name, "owner", "setup")
    return SetupResult(actor=actor, summary=summary())


def missing_details() -> list[str]:
    """Station details customers' messages need that are still empty (keys of DETAIL_KEYS)."""
    return [key for key in ("station_address",) if not str(settings.get(key) or "").strip()]


def apply_zone() -> None:
    clock.set_zone(settings.get("timezone"))


def summary() -> dict[str, Any]:
    db = database_proxy.obj
    return {
        "schema_version": schema_version(db),
        "station_name": settings.get("station_name"),
        "station_address": settings.get("station_address"),
        "station_phone": settings.get("station_phone"),
        "database": getattr(db, "station_url", ""),
        "carriers": Carrier.select().count(),
        "staff": Staff.select().count(),
        "shelves": Shelf.select().count(),
        "parcels": Parcel.select().count(),
    }
