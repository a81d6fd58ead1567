"""Quotes, zones, rate cards and their CSV import."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from station.audit import Actor
from station.domain import regions
from station.errors import InvalidInput, NotAllowed, NotFound, StationError
from station.models import Setting
from station.services import sends_rates
from station.services.sends_quote import (
    QuoteRequest,
    freight_fen,
    insurance_fen,
    quote,
    volumetric_weight_g,
)
from station.services.sends_rates import RateCardInput
from station.services.sends_rates_csv import import_rate_cards

from .sends_helpers import counts, setup_sends


@pytest.fixture
def priced(owner: Actor) -> Actor:
    setup_sends(owner)
    return owner


def q(**extra: object) -> QuoteRequest:
    base: dict[str, object] = {
        "carrier": "SF",
        "province": "北京",
        "city": "北京",
        "district": "",
        "weight_g": 1000,
    }
    return QuoteRequest(**(base | extra))  # type: ignore[arg-type]


# -- the arithmetic ---------------------------------------------------------------------------


def test_freight_first_weight_then_each_started_kg() -> None:
    assert freight_fen(1, 1000, 1800, 600) == 1800
    assert freight_fen(1000, 1000, 1800, 600) == 1800
    assert freight_fen(1001, 1000, 1800, 600) == 2400
    assert freight_fen(2000, 1000, 1800, 600) == 2400
    assert freight_fen(2001, 1000, 1800, 600) == 3000


def test_volumetric_weight_and_insurance() -> None:
    assert volumetric_weight_g(40, 30, 30, 6000) == 6000  # 36000 cm³ / 6000 = 6 kg
    assert volumetric_weight_g(10, 10, 10, 6000) == 167  # 0.1667 kg, rounded up
    assert volumetric_weight_g(40, 30, 30, 8000) == 4500
    assert insurance_fen(10_000, 50, 100) == 100  # 0.5 % of ¥100 = ¥0.50 < minimum ¥1
    assert insurance_fen(100_000, 50, 100) == 500
    assert insurance_fen(100_001, 50, 100) == 501  # rounded up to the fen


@given(
    st.integers(1, 200_000),
    st.integers(1, 200_000),
    st.integers(1, 5000),
    st.integers(0, 100_000),
    st.integers(0, 10_000),
)
def test_freight_is_monotonic_in_weight(
    a: int, b: int, first_g: int, first_fen: int, per_kg: int
) -> None:
    lo, hi = sorted((a, b))
    assert freight_fen(lo, first_g, first_fen, per_kg) <= freight_fen(
        hi, first_g, first_fen, per_kg
    )
    assert freight_fen(lo, first_g, first_fen, per_kg) >= first_fen


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(weights=st.lists(st.integers(1, 30_000), min_size=2, max_size=6))
def test_quote_is_monotonic_in_weight(priced: Actor, weights: list[int]) -> None:
    """The same through the service (a quote writes nothing, so one station serves every
    example)."""
    totals = [
        quote(q(weight_g=w, length_cm=30, width_cm=20, height_cm=10)).total_fen
        for w in sorted(weights)
    ]
    assert totals == sorted(totals)


def test_quote_through_the_card(priced: Actor) -> None:
    r = quote(q(weight_g=2300, length_cm=40, width_cm=30, height_cm=30))
    assert (r.zone, r.volumetric_weight_g, r.chargeable_weight_g) == ("national", 6000, 6000)
    assert (r.additional_kg, r.freight_fen, r.total_fen) == (5, 1800 + 5 * 600, 4800)
    r = quote(q(weight_g=2300, declared_value_fen=100_000, insured=True))
    assert (r.chargeable_weight_g, r.freight_fen, r.insurance_fen, r.total_fen) == (
        2300,
        3000,
        500,
        3500,
    )
    zto = quote(q(carrier="ZTO", weight_g=100, length_cm=40, width_cm=30, height_cm=30))
    assert (zto.volumetric_divisor, zto.chargeable_weight_g, zto.freight_fen) == (
        8000,
        4500,
        800 + 4 * 400,
    )


def test_zones_from_the_station(priced: Actor) -> None:
    def zone(province: str, city: str) -> str:
        return sends_rates.zone_for("SF", regions.resolve(province, city))

    assert zone("广东", "广州") == "local"
    assert zone("广东", "深圳") == "province"
    assert zone("广西", "南宁") == "area"
    assert zone("北京", "") == "national"
    assert zone("新疆", "乌鲁木齐") == "remote"
    assert zone("香港", "") == "hmt"
    sends_rates.set_region_zone(priced, "SF", "新疆", "national")
    assert zone("新疆", "乌鲁木齐") == "national"
    assert quote(q(province="新疆", city="乌鲁木齐")).zone == "national"
    sends_rates.set_region_zone(priced, "SF", "新疆", "default")
    assert zone("新疆", "乌鲁木齐") == "remote"


@pytest.mark.parametrize(
    ("extra", "code"),
    [
        ({"province": "火星"}, "unknown_region"),
        ({"province": ""}, "unknown_region"),
        ({"province": "广东", "city": ""}, "unknown_region"),
        ({"district": "不存在区"}, "unknown_region"),
        ({"district": "朝阳"}, None),
        ({"province": "新疆", "city": "乌鲁木齐"}, "no_rate_card"),
        ({"carrier": "NOPE"}, "unknown_carrier"),
        ({"weight_g": 30_001}, "overweight"),
        ({"weight_g": 0}, "invalid"),
        ({"weight_g": -5}, "invalid"),
        ({"length_cm": 10}, "invalid"),
        ({"length_cm": 400, "width_cm": 1, "height_cm": 1}, "invalid"),
        ({"insured": True}, "invalid"),
        (
            {"carrier": "ZTO", "declared_value_fen": 3_000_000, "insured": True},
            "declared_too_high",
        ),
    ],
)
def test_bad_quotes_say_what_to_do(priced: Actor, extra: dict, code: str | None) -> None:
    if code is None:  # a control: the same request with a good value is priced
        assert quote(q(**extra)).district == "朝阳区"
        return
    with pytest.raises(StationError) as err:
        quote(q(**extra))
    assert err.value.code == code
    assert err.value.message.endswith((".", "。", ")")), err.value.message


def test_origin_must_be_known(owner: Actor) -> None:
    with pytest.raises(InvalidInput) as err:
        sends_rates.origin()
    assert err.value.code == "origin_not_set" and "send origin" in err.value.message
    Setting.put("station_address", '"北京市海淀区中关村大街1号"')
    from station.services import settings

    settings._cache.clear()
    assert sends_rates.origin() == sends_rates.Origin("北京市", "北京市")


def test_rate_cards_are_for_the_owner(priced: Actor, clerk: Actor) -> None:
    card = RateCardInput("SF", "remote", 1000, 2500, 1500, 20000)
    with pytest.raises(NotAllowed):
        sends_rates.set_rate_card(clerk, card)
    with pytest.raises(NotAllowed):
        sends_rates.set_origin(clerk, "北京", "北京")
    with pytest.raises(NotAllowed):
        sends_rates.delete_rate_card(clerk, "SF", "local")
    view = sends_rates.set_rate_card(priced, card)
    assert (view.zone, view.first_price_fen, view.updated_by) == ("remote", 2500, "boss")
    assert quote(q(province="西藏", city="拉萨")).freight_fen == 2500
    sends_rates.delete_rate_card(priced, "SF", "remote")
    with pytest.raises(NotFound):
        quote(q(province="西藏", city="拉萨"))
    with pytest.raises(InvalidInput) as err:
        sends_rates.set_rate_card(priced, RateCardInput("SF", "moon", 1000, 1, 1, 2000))
    assert err.value.code == "unknown_zone"
    with pytest.raises(InvalidInput):
        sends_rates.set_rate_card(priced, RateCardInput("SF", "local", 5000, 1, 1, 2000))


# -- CSV --------------------------------------------------------------------------------------

HEADER = "carrier,zone,first_weight_g,first_price,additional_per_kg,max_weight_g,insurance_rate\n"


def test_csv_import_creates_and_updates(priced: Actor, tmp_path: Path) -> None:
    path = tmp_path / "rates.csv"
    path.write_text(HEADER + "SF,remote,1000,25,15,20000,1\nsf,LOCAL,500,9.5,2,30000,\n")
    result = import_rate_cards(priced, path)
    assert (result.rows, result.created, result.updated) == (2, 1, 1)
    cards = {c.zone: c for c in sends_rates.list_rate_cards("SF")}
    assert cards["remote"].insurance_rate_bp == 100 and cards["remote"].first_price_fen == 2500
    assert cards["local"].first_weight_g == 500 and cards["local"].first_price_fen == 950
    from station.services.integrity import verify

    assert verify()["rows_ok"]  # updated cards replay as the import event recorded them


def test_csv_import_in_gbk(priced: Actor, tmp_path: Path) -> None:
    path = tmp_path / "rates.csv"
    path.write_bytes((HEADER + "ZTO,area,1000,7,3,50000,0.5\n").encode("gbk"))
    assert import_rate_cards(priced, path).created == 1


@pytest.mark.parametrize(
    ("rows", "line", "column"),
    [
        ("SF,remote,1000,25,15,20000,1\nSF,remote,1000,abc,15,20000,1\n", 3, "first_price"),
        ("SF,remote,1000,25,15,20000,1\nSF,moon,1000,25,15,20000,1\n", 3, "carrier/zone"),
        ("NOPE,remote,1000,25,15,20000,1\n", 2, "carrier/zone"),
        ("SF,remote,,25,15,20000,1\n", 2, "first_weight_g"),
        ("SF,remote,1000.5,25,15,20000,1\n", 2, "first_weight_g"),
        ("SF,remote,1000,25,15,20000,150\n", 2, "insurance_rate"),
        ("SF,remote,1000,25,15,20000,1\nSF,remote,1000,26,15,20000,1\n", 3, "zone"),
        ("SF,remote,5000,25,15,2000,1\n", 2, "max_weight_g"),
    ],
)
def test_csv_bad_row_writes_nothing(
    priced: Actor, tmp_path: Path, rows: str, line: int, column: str
) -> None:
    path = tmp_path / "rates.csv"
    path.write_text(HEADER + rows)
    before = counts()
    with pytest.raises(InvalidInput) as err:
        import_rate_cards(priced, path)
    assert err.value.code == "bad_csv"
    assert err.value.details["line"] == line and err.value.details["column"] == column
    assert f"Line {line}" in err.value.message and "nothing was imported" in err.value.message
    assert counts() == before


def test_csv_header_and_owner(priced: Actor, clerk: Actor, tmp_path: Path) -> None:
    path = tmp_path / "rates.csv"
    path.write_text("carrier,zone,price\nSF,local,1\n")
    with pytest.raises(InvalidInput) as err:
        import_rate_cards(priced, path)
    assert err.value.code == "bad_csv" and "first_weight_g" in err.value.message
    with pytest.raises(NotAllowed):
        import_rate_cards(clerk, path)
    with pytest.raises(InvalidInput):
        import_rate_cards(priced, tmp_path / "missing.csv")
