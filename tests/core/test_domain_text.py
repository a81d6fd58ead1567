import pytest
from hypothesis import given
from hypothesis import strategies as st

from station.domain.text import clean_text, normalize_scan
from station.errors import InvalidInput


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("  Zhang   San ", "Zhang San"),
        ("张三", "张三"),
        ("a\tb\nc\r\nd", "a b c d"),
        ("a\x00b\x07c", "abc"),
        ("\ufeffname\u200b", "name"),
        ("x\u202eevil", "xevil"),
        ("全角\u3000空格", "全角 空格"),
        (None, ""),
        ("", ""),
        ("   ", ""),
        ("\x00\x01", ""),
    ],
)
def test_clean_text(value, expected):
    assert clean_text(value, field="Name", max_len=50) == expected


def test_clean_text_composes_to_nfc():
    assert clean_text("e\u0301", field="Name", max_len=5) == "\u00e9"


@pytest.mark.parametrize("value", [None, "", "   ", "\x00"])
def test_clean_text_required(value):
    with pytest.raises(InvalidInput) as err:
        clean_text(value, field="Recipient name", max_len=10, required=True)
    assert err.value.message == "Recipient name is required."


def test_clean_text_max_len_counts_after_cleaning():
    assert clean_text("  ab   cd  ", field="Note", max_len=5) == "ab cd"
    with pytest.raises(InvalidInput) as err:
        clean_text("abcdef", field="Note", max_len=5)
    assert "Note" in err.value.message and "5" in err.value.message
    assert err.value.details["max_len"] == 5


@given(st.text())
def test_clean_text_has_no_control_or_double_spaces(value):
    out = clean_text(value, field="x", max_len=10_000)
    assert out == out.strip()
    assert "  " not in out
    assert not any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in out)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("sf1234567890\r\n", "SF1234567890"),
        ("  ab 12\t34 ", "AB1234"),
        ("ＳＦ１２３", "SF123"),
        ("a\x00b\x7fc", "ABC"),
        ("01\x1d21ABC", "01\x1d21ABC"),
        ("a\x1eb\x1fc\x1cd", "ABCD"),
        ("A-3-0127", "A-3-0127"),
        ("a\u3000b", "AB"),
        ("", ""),
    ],
)
def test_normalize_scan(value, expected):
    assert normalize_scan(value) == expected


@given(st.text())
def test_normalize_scan_properties(value):
    out = normalize_scan(value)
    assert not any(ch.isspace() and ch != "\x1d" for ch in out)
    assert not any((ord(ch) < 0x20 and ch != "\x1d") or ord(ch) == 0x7F for ch in out)
    assert out == out.upper()
