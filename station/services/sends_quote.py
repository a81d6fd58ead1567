"""The price of an outgoing send, before anything is written (see sends_rates for the rules)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from station.domain import regions
from station.errors import InvalidInput
from station.i18n import N_, tr
from station.services import carriers
from station.services.sends_rates import MAX_DIMENSION_CM, MAX_WEIGHT_G, card_for, zone_for

GRAMS_PER_KG = 1000


@dataclass(frozen=True)
class QuoteRequest:
    carrier: str
    province: str
    city: str
    district: str = ""
    weight_g: int = 0
    length_cm: int = 0
    width_cm: int = 0
    height_cm: int = 0
    declared_value_fen: int = 0
    insured: bool = False


@dataclass(frozen=True)
class Quote:
    carrier: str
    zone: str
    zone_label: str
    province: str
    city: str
    district: str
    weight_g: int
    volumetric_weight_g: int
    chargeable_weight_g: int
    volumetric_divisor: int
    first_weight_g: int
    first_price_fen: int
    additional_kg: int
    additional_per_kg_fen: int
    freight_fen: int
    declared_value_fen: int
    insured: bool
    insurance_fen: int
    total_fen: int
    rate_card_id: int

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _whole(value: Any, label: str, lo: int, hi: int, hint: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise InvalidInput(
            tr(
                "{field} must be a whole number from {lo} to {hi}; got {value}. {hint}",
                field=tr(label),
                lo=lo,
                hi=hi,
                value=value,
                hint=tr(hint),
            ),
            code="invalid",
            field=label,
        )
    return int(value)


def ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def volumetric_weight_g(length_cm: int, width_cm: int, height_cm: int, divisor: int) -> int:
    """L×W×H (cm³) / divisor is kilograms; in whole grams, rounded up."""
    return ceil_div(length_cm * width_cm * height_cm * GRAMS_PER_KG, divisor)


def freight_fen(chargeable_g: int, first_g: int, first_fen: int, per_kg_fen: int) -> int:
    extra_kg = ceil_div(max(0, chargeable_g - first_g), GRAMS_PER_KG)
    return first_fen + extra_kg * per_kg_fen


def insurance_fen(declared_fen: int, rate_bp: int, min_fen: int) -> int:
    return max(min_fen, ceil_div(declared_fen * rate_bp, 10_000))


def quote(request: QuoteRequest) -> Quote:
    """The price of a send; InvalidInput / NotFound with the clerk's next step otherwise."""
    carrier = carriers.get(request.carrier)
    region = regions.resolve(request.province, request.city, request.district)
    weight = _whole(
        request.weight_g,
        N_("Weight (g)"),
        1,
        MAX_WEIGHT_G,
        N_("Put the parcel on the scale or type its weight in grams."),
    )
    dims = [
        _whole(v, label, 0, MAX_DIMENSION_CM, N_("Measure the box in whole centimetres."))
        for v, label in (
            (request.length_cm, N_("Length (cm)")),
            (request.width_cm, N_("Width (cm)")),
            (request.height_cm, N_("Height (cm)")),
        )
    ]
    if any(dims) and not all(dims):
        raise InvalidInput(
            tr("Give all three dimensions (length, width, height) or none."), code="invalid"
        )
    declared = _whole(
        request.declared_value_fen,
        N_("Declared value"),
        0,
        10_000_000_000,
        N_("Ask the sender what the contents are worth."),
    )
    if request.insured and declared <= 0:
        raise InvalidInput(
            tr("Insurance needs a declared value: ask the sender what the contents are worth."),
            code="invalid",
        )
    zone = zone_for(carrier.code, region)
    card = card_for(carrier.code, zone)
    if weight > card.max_weight_g:
        raise InvalidInput(
            tr(
                "{weight} kg is over {carrier}'s limit of {limit} kg for this destination. "
                "Split it into several parcels or choose another carrier.",
                weight=f"{weight / GRAMS_PER_KG:.2f}",
                carrier=carrier.code,
                limit=f"{card.max_weight_g / GRAMS_PER_KG:g}",
            ),
            code="overweight",
            max_weight_g=card.max_weight_g,
        )
    if request.insured and card.max_declared_fen and declared > card.max_declared_fen:
        raise InvalidInput(
            tr(
                "{carrier} insures at most ¥{limit}. Lower the declared value or choose "
                "another carrier.",
                carrier=carrier.code,
                limit=f"{card.max_declared_fen / 100:,.2f}",
            ),
            code="declared_too_high",
        )
    length, width, height = dims
    volumetric = (
        volumetric_weight_g(length, width, height, card.volumetric_divisor) if all(dims) else 0
    )
    chargeable = max(weight, volumetric)
    freight = freight_fen(
        chargeable, card.first_weight_g, card.first_price_fen, card.additional_per_kg_fen
    )
    insurance = (
        insurance_fen(declared, card.insurance_rate_bp, card.insurance_min_fen)
        if request.insured
        else 0
    )
    return Quote(
        carrier=carrier.code,
        zone=zone,
        zone_label=regions.zone_label(zone),
        province=region.province,
        city=region.city,
        district=region.district,
        weight_g=weight,
        volumetric_weight_g=volumetric,
        chargeable_weight_g=chargeable,
        volumetric_divisor=card.volumetric_divisor,
        first_weight_g=card.first_weight_g,
        first_price_fen=card.first_price_fen,
        additional_kg=ceil_div(max(0, chargeable - card.first_weight_g), GRAMS_PER_KG),
        additional_per_kg_fen=card.additional_per_kg_fen,
        freight_fen=freight,
        declared_value_fen=declared,
        insured=bool(request.insured),
        insurance_fen=insurance,
        total_fen=freight + insurance,
        rate_card_id=card.id,
    )
