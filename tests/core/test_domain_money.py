from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from station.domain.money import MAX_YUAN, format_fen, parse_yuan
from station.errors import InvalidInput


@pytest.mark.parametrize(
    ("value", "fen"),
    [
        ("12", 1200),
        ("12.5", 1250),
        ("12.50", 1250),
        ("12.500", 1250),
        ("0.01", 1),
        ("0", 0),
        ("0.0", 0),
        (".5", 50),
        ("5.", 500),
        ("+3", 300),
        ("¥12.5", 1250),
        ("￥１２．５", 1250),
        ("  7.05 ", 705),
        ("\t3\n", 300),
        ("12元", 1200),
        ("¥ 12", 1200),
        ("RMB 8", 800),
        ("007", 700),
        ("1000000", 100_000_000),
        (12, 1200),
        (0, 0),
        (Decimal("12.34"), 1234),
        (Decimal("1E+2"), 10_000),
        (Decimal("-0"), 0),
    ],
)
def test_parse_yuan_accepts(value, fen):
    assert parse_yuan(value) == fen
    assert isinstance(parse_yuan(value), int)


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("-1", "negative"),
        ("-0.01", "negative"),
        ("－5", "negative"),
        (-1, "negative"),
        (Decimal("-0.5"), "negative"),
        ("12.345", "2 decimals"),
        ("0.001", "2 decimals"),
        (Decimal("0.005"), "2 decimals"),
        ("NaN", "not an amount"),
        ("inf", "not an amount"),
        ("Infinity", "not an amount"),
        (Decimal("NaN"), "not a number"),
        (Decimal("Infinity"), "not a number"),
        ("", "empty"),
        ("   ", "empty"),
        ("¥", "empty"),
        ("abc", "not an amount"),
        ("12abc", "not an amount"),
        ("1e3", "not an amount"),
        ("1.2.3", "not an amount"),
        (".", "not an amount"),
        ("1 2", "not an amount"),
        ("0x10", "not an amount"),
        ("1,234.50", "comma"),
        ("1000000.01", "too large"),
        ("99999999999999999999", "too large"),
        (1_000_001, "too large"),
    ],
)
def test_parse_yuan_refuses(value, words):
    with pytest.raises(InvalidInput) as err:
        parse_yuan(value)
    assert words in err.value.message
    assert err.value.code == "invalid"


@pytest.mark.parametrize("value", [1.5, None, True, [1]])
def test_parse_yuan_refuses_other_types(value):
    # A float would already have lost precision before we see it.
    with pytest.raises(InvalidInput):
        parse_yuan(value)


def test_max_yuan_is_inclusive():
    assert parse_yuan(str(MAX_YUAN)) == 100_000_000


@pytest.mark.parametrize(
    ("fen", "text"),
    [
        (1250, "12.50"),
        (0, "0.00"),
        (1, "0.01"),
        (10, "0.10"),
        (100, "1.00"),
        (-5, "-0.05"),
        (-1250, "-12.50"),
        (123456789, "1234567.89"),
    ],
)
def test_format_fen(fen, text):
    assert format_fen(fen) == text


@given(st.integers(min_value=0, max_value=10**8))
def test_parse_format_round_trip(fen):
    assert parse_yuan(format_fen(fen)) == fen


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_format_fen_is_exact(fen):
    assert Decimal(format_fen(fen)) * 100 == fen
