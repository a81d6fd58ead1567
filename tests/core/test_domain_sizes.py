import pytest

from station.domain.sizes import SIZES, parse_size
from station.errors import InvalidInput


def test_sizes():
    assert SIZES == ("S", "M", "L", "XL")


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("S", "S"),
        ("s", "S"),
        (" m ", "M"),
        ("l", "L"),
        ("xl", "XL"),
        ("Xl", "XL"),
        ("ＸＬ", "XL"),
        ("小", "S"),
        ("中", "M"),
        ("大", "L"),
        ("特大", "XL"),
        ("超大", "XL"),
        ("small", "S"),
        ("Extra Large", "XL"),
    ],
)
def test_parse_size(text, size):
    assert parse_size(text) == size


@pytest.mark.parametrize("text", [None, "", "   "])
def test_parse_size_default(text):
    assert parse_size(text) == "M"
    assert parse_size(text, default="S") == "S"


@pytest.mark.parametrize("text", ["XXL", "medium-ish", "0", "巨大", "X L L"])
def test_parse_size_refuses(text):
    with pytest.raises(InvalidInput) as err:
        parse_size(text)
    assert "S, M, L or XL" in err.value.message


def test_parse_size_refuses_bad_default():
    with pytest.raises(InvalidInput):
        parse_size(None, default="XXL")
