"""Prices of outgoing sends: the station's origin, destination zones, carriers' rate cards
(owner-edited, importable from CSV) and the quote.

    chargeable weight = max(actual, ⌈L×W×H×1000 / divisor⌉ g)      (cm, divisor 6000 by default)
    freight           = first price + ⌈(chargeable − first weight) / 1 kg⌉ × price per extra kg
    insurance (保价)   = max(minimum, ⌈declared value × rate⌉)      when insured
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from station import clock
from station.audit import Actor, unit_of_work
from station.domain import regions
from station.domain.regions import Region
from station.errors import InvalidInput, NotFound
from station.i18n import N_, tr
from station.models import Setting, Staff
from station.models_sends import RateCard, RegionZone
from station.services import carriers, settings
from station.services.sends_handover import rows

ORIGIN_KEY = "send_origin"
MAX_DIMENSION_CM = 300
MAX_WEIGHT_G = 1_000_000


@dataclass(frozen=True)
class Origin:
    province: str
    city: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def origin() -> Origin:
    """Where the station sends from: set by the owner, else guessed from its address."""
    row = Setting.get_or_none(Setting.key == ORIGIN_KEY)
    if row is not None:
        data = json.loads(row.value)
        return Origin(data["province"], data["city"])
    guessed = regions.guess_origin(str(settings.get("station_address") or ""))
    if guessed is None:
        raise InvalidInput(
            tr(
                "The station's own province and city are not set, so no zone can be worked "
                "out. Ask the owner to set them (Settings → Sends, or parcel-station send "
                "origin --province 广东 --city 广州)."
            ),
            code="origin_not_set",
        )
    return Origin(guessed.province, guessed.city)


def set_origin(actor: Actor, province: str, city: str) -> Origin:
    actor.require_owner(N_("change the sends settings"))
    region = regions.resolve(province, city)
    value = {"province": region.province, "city": region.city}
    with unit_of_work(actor, "setting.change", "setting", ORIGIN_KEY) as change:
        row = Setting.get_or_none(Setting.key == ORIGIN_KEY)
        change.before = json.loads(row.value) if row else None
        Setting.put(ORIGIN_KEY, json.dumps(value, ensure_ascii=False))
        change.after = value
        change.track("setting", ORIGIN_KEY)
    return Origin(region.province, region.city)


# -- zones ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegionZoneView:
    carrier: str
    province: str
    zone: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _check_zone(zone: str) -> str:
    zone = (zone or "").strip().lower()
    if zone not in regions.ZONES:
        raise InvalidInput(
            tr(
                "Unknown zone '{zone}'. Zones are: {zones}.",
                zone=zone,
                zones=", ".join(regions.ZONES),
            ),
            code="unknown_zone",
        )
    return zone


def zone_for(carrier_code: str, destination: Region) -> str:
    """The carrier's zone for a destination: the owner's override for the province, else
    the geography from the station's origin."""
    override = RegionZone.get_or_none(
        (RegionZone.carrier == carrier_code) & (RegionZone.province == destination.province)
    )
    if override is not None:
        return str(override.zone)
    here = origin()
    return regions.default_zone(Region(here.province, here.city), destination)


def set_region_zone(actor: Actor, carrier_code: str, province: str, zone: str) -> RegionZoneView:
    """Owner: price sends of `carrier_code` to `province` as `zone` ("" or "default" removes
    the override)."""
    actor.require_owner(N_("change rate cards"))
    carrier = carriers.get(carrier_code)
    name = regions.resolve_province(province)
    clear = (zone or "").strip().lower() in ("", "default")
    zone = "" if clear else _check_zone(zone)
    with unit_of_work(actor, "rate_card.zone", "region_zone", f"{carrier.code}:{name}") as change:
        row = RegionZone.get_or_none(
            (RegionZone.carrier == carrier.code) & (RegionZone.province == name)
        )
        change.before = row.zone if row else None
        if row is not None and clear:
            row.delete_instance()
        elif row is not None:
            RegionZone.update(zone=zone).where(RegionZone.id == row.id).execute()
        elif not clear:
            row = RegionZone.create(carrier=carrier.code, province=name, zone=zone)
        if row is not None:
            change.track("region_zone", row.id)
        change.after = zone or None
    return RegionZoneView(carrier.code, name, zone or "default")


def list_region_zones(carrier_code: str | None = None) -> list[RegionZoneView]:
    query = RegionZone.select().order_by(RegionZone.carrier, RegionZone.province)
    if carrier_code:
        query = query.where(RegionZone.carrier == carriers.get(carrier_code).code)
    return [RegionZoneView(r.carrier_id, r.province, r.zone) for r in query]


# -- rate cards -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RateCardInput:
    carrier: str
    zone: str
    first_weight_g: int
    first_price_fen: int
    additional_per_kg_fen: int
    max_weight_g: int
    volumetric_divisor: int = 6000
    insurance_rate_bp: int = 50  # 50 basis points = 0.5 % of the declared value
    insurance_min_fen: int = 100
    max_declared_fen: int = 0  # 0 = no limit


@dataclass(frozen=True)
class RateCardView:
    id: int
    carrier: str
    zone: str
    first_weight_g: int
    first_price_fen: int
    additional_per_kg_fen: int
    max_weight_g: int
    volumetric_divisor: int
    insurance_rate_bp: int
    insurance_min_fen: int
    max_declared_fen: int
    updated_at: str | None
    updated_by: str | None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


FIELDS = (
    "first_weight_g",
    "first_price_fen",
    "additional_per_kg_fen",
    "max_weight_g",
    "volumetric_divisor",
    "insurance_rate_bp",
    "insurance_min_fen",
    "max_declared_fen",
)
_LIMITS: dict[str, tuple[int, int, str]] = {
    "first_weight_g": (1, 100_000, N_("First weight (g)")),
    "first_price_fen": (0, 10_000_000, N_("First-weight price")),
    "additional_per_kg_fen": (0, 10_000_000, N_("Price per additional kg")),
    "max_weight_g": (1, MAX_WEIGHT_G, N_("Maximum weight (g)")),
    "volumetric_divisor": (1000, 20_000, N_("Volumetric divisor")),
    "insurance_rate_bp": (0, 10_000, N_("Insurance rate")),
    "insurance_min_fen": (0, 10_000_000, N_("Minimum insurance fee")),
    "max_declared_fen": (0, 10_000_000_000, N_("Maximum declared value")),
}


def check_card(card: RateCardInput) -> RateCardInput:
    """The card with its carrier and zone normalised, or InvalidInput saying what is wrong."""
    code = carriers.get(card.carrier).code
    zone = _check_zone(card.zone)
    for name in FIELDS:
        value = getattr(card, name)
        lo, hi, label = _LIMITS[name]
        if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
            raise InvalidInput(
                tr(
                    "{field} must be a whole number from {lo} to {hi}; got {value}.",
                    field=tr(label),
                    lo=lo,
                    hi=hi,
                    value=value,
                ),
                code="invalid",
                field=name,
            )
    if card.max_weight_g < card.first_weight_g:
        raise InvalidInput(
            tr("The maximum weight is below the first weight: check both weights."),
            field="max_weight_g",
        )
    return RateCardInput(**(asdict(card) | {"carrier": code, "zone": zone}))


def _view(row: RateCard, names: dict[int, str] | None = None) -> RateCardView:
    by = None
    if row.updated_by_id is not None:
        by = (names or {}).get(row.updated_by_id) or Staff.get_by_id(row.updated_by_id).name
    return RateCardView(
        id=row.id,
        carrier=row.carrier_id,
        zone=row.zone,
        first_weight_g=row.first_weight_g,
        first_price_fen=row.first_price_fen,
        additional_per_kg_fen=row.additional_per_kg_fen,
        max_weight_g=row.max_weight_g,
        volumetric_divisor=row.volumetric_divisor,
        insurance_rate_bp=row.insurance_rate_bp,
        insurance_min_fen=row.insurance_min_fen,
        max_declared_fen=row.max_declared_fen,
        updated_at=clock.iso(row.updated_at),
        updated_by=by,
    )


def list_rate_cards(carrier_code: str | None = None) -> list[RateCardView]:
    query = RateCard.select().order_by(RateCard.carrier, RateCard.zone)
    if carrier_code:
        query = query.where(RateCard.carrier == carriers.get(carrier_code).code)
    names: dict[int, str] = dict(rows(Staff.select(Staff.id, Staff.name)))
    return [_view(r, names) for r in query]


def upsert_card(actor: Actor, card: RateCardInput, change: Any) -> tuple[RateCard, bool]:
    """Write one checked card inside the caller's unit of work → (row, created)."""
    values = {f: getattr(card, f) for f in FIELDS}
    values |= {"updated_at": clock.now(), "updated_by": actor.staff_id}
    row = RateCard.get_or_none((RateCard.carrier == card.carrier) & (RateCard.zone == card.zone))
    if row is None:
        row = RateCard.create(carrier=card.carrier, zone=card.zone, **values)
        created = True
    else:
        RateCard.update(**values).where(RateCard.id == row.id).execute()
        row = RateCard.get_by_id(row.id)
        created = False
    change.track("rate_card", row.id)
    return row, created


def set_rate_card(actor: Actor, card: RateCardInput) -> RateCardView:
    actor.require_owner(N_("change rate cards"))
    card = check_card(card)
    with unit_of_work(actor, "rate_card.set", "rate_card", f"{card.carrier}:{card.zone}") as ch:
        old = RateCard.get_or_none(
            (RateCard.carrier == card.carrier) & (RateCard.zone == card.zone)
        )
        ch.before = {f: getattr(old, f) for f in FIELDS} if old else None
        row, _ = upsert_card(actor, card, ch)
        ch.after = asdict(card)
    return _view(row)


def delete_rate_card(actor: Actor, carrier_code: str, zone: str) -> None:
    actor.require_owner(N_("change rate cards"))
    code, zone = carriers.get(carrier_code).code, _check_zone(zone)
    with unit_of_work(actor, "rate_card.delete", "rate_card", f"{code}:{zone}") as change:
        row = RateCard.get_or_none((RateCard.carrier == code) & (RateCard.zone == zone))
        if row is None:
            raise NotFound(
                tr("{carrier} has no rate card for zone {zone}.", carrier=code, zone=zone),
                code="no_rate_card",
            )
        change.before = {f: getattr(row, f) for f in FIELDS}
        change.track("rate_card", row.id)
        row.delete_instance()


def card_for(carrier_code: str, zone: str) -> RateCard:
    row = RateCard.get_or_none((RateCard.carrier == carrier_code) & (RateCard.zone == zone))
    if row is None:
        raise NotFound(
            tr(
                "{carrier} has no price for zone '{zone}' ({label}). Ask the owner to add a "
                "rate card for it (Settings → Rate cards, or parcel-station send rates import).",
                carrier=carrier_code,
                zone=zone,
                label=regions.zone_label(zone),
            ),
            code="no_rate_card",
            carrier=carrier_code,
            zone=zone,
        )
    return row
