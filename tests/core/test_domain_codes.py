import pytest
from hypothesis import given
from hypothesis import strategies as st

from station.domain.codes import code_digits, format_pickup_code, parse_pickup_code
from station.errors import InvalidInput


@pytest.mark.parametrize(
    ("shelf", "layer", "seq", "code"),
    [
        ("A", 3, 127, "A-3-0127"),
        ("a", 3, 127, "A-3-0127"),
        ("AB", 1, 1, "AB-1-0001"),
        ("XYZ", 0, 0, "XYZ-0-0000"),
        ("A", 12, 9999, "A-12-9999"),
        ("B", 2, 10000, "B-2-10000"),
        ("B", 2, 99999, "B-2-99999"),
    ],
)
def test_format_pickup_code(shelf, layer, seq, code):
    assert format_pickup_code(shelf, layer, seq) == code


@pytest.mark.parametrize(
    ("shelf", "layer", "seq"),
    [
        ("", 1, 1),
        ("ABCD", 1, 1),
        ("A1", 1, 1),
        ("货", 1, 1),
        ("A", -1, 1),
        ("A", 100, 1),
        ("A", 1, -1),
        ("A", 1, 100000),
    ],
)
def test_format_pickup_code_refuses(shelf, layer, seq):
    with pytest.raises(InvalidInput):
        format_pickup_code(shelf, layer, seq)


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("A-3-0127", ("A", 3, 127)),
        ("a-3-0127", ("A", 3, 127)),
        (" A-3-0127\r\n", ("A", 3, 127)),
        ("A 3 0127", ("A", 3, 127)),
        ("A3 0127", ("A", 3, 127)),
        ("A-3 0127", ("A", 3, 127)),
        ("A_3_0127", ("A", 3, 127)),
        ("A—3—0127", ("A", 3, 127)),
        ("A30127", ("A", 3, 127)),
        ("A-30127", ("A", 3, 127)),
        ("ＡＢ－３－０１２７", ("AB", 3, 127)),
        ("ABC-9-0001", ("ABC", 9, 1)),
        ("A-12-0127", ("A", 12, 127)),
        ("A-3-12345", ("A", 3, 12345)),
        ("A-03-0127", ("A", 3, 127)),
        ("A120127", ("A", 12, 127)),  # ambiguous: the 4-digit sequence wins
        ("A1212345", ("A", 12, 12345)),
        ("A030127", ("A", 0, 30127)),
        ("PS:A-3-0127", ("A", 3, 127)),
        ("ps:a30127", ("A", 3, 127)),
        ("https://station.example/pickup?code=A-3-0127", ("A", 3, 127)),
        ("https://station.example/p?x=1&code=b-2-0042&y=2", ("B", 2, 42)),
        ("code=A-3-0127", ("A", 3, 127)),
    ],
)
def test_parse_pickup_code(text, parsed):
    assert parse_pickup_code(text) == parsed


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "a-3-127",
        "A-3-012",
        "A-3-012700",
        "A-3-01270",  # 5-digit sequences never start with 0
        "A3127",
        "ABCD-1-0127",
        "0127",
        "A",
        "A-3-",
        "A-3-0127-1",
        "A-123-0127",
        "SF1234567890123",
        "13812345678",
        "https://station.example/pickup?id=A-3-0127",
        "PS:",
        "货-3-0127",
    ],
)
def test_parse_pickup_code_rejects(text):
    assert parse_pickup_code(text) is None


shelves = st.from_regex(r"[A-Z]{1,3}", fullmatch=True)


@given(shelves, st.integers(0, 99), st.integers(0, 99_999))
def test_round_trip(shelf, layer, seq):
    code = format_pickup_code(shelf, layer, seq)
    assert parse_pickup_code(code) == (shelf, layer, seq)
    assert parse_pickup_code(code.lower()) == (shelf, layer, seq)
    assert parse_pickup_code(code.replace("-", " ")) == (shelf, layer, seq)
    assert parse_pickup_code(f"PS:{code}") == (shelf, layer, seq)


@given(shelves, st.integers(0, 9), st.integers(0, 9999))
def test_compact_round_trip(shelf, layer, seq):
    code = format_pickup_code(shelf, layer, seq)
    assert parse_pickup_code(code.replace("-", "")) == (shelf, layer, seq)


@pytest.mark.parametrize(
    ("text", "digits"),
    [
        ("0127", 127),
        (" 0127 ", 127),
        ("０１２７", 127),
        ("12345", 12345),
        ("0000", 0),
        ("127", None),
        ("123456", None),
        ("A-3-0127", None),
        ("01 27", None),
        ("", None),
        (None, None),
    ],
)
def test_code_digits(text, digits):
    assert code_digits(text) == digits
