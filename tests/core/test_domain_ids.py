import datetime as dt
import hashlib
import hmac

import pytest
from hypothesis import given
from hypothesis import strategies as st

from station.domain.ids import ID_TYPES, id_hash, id_matches, mask_id, validate_id
from station.errors import InvalidInput

KEY = b"test-key-0123456789"


def with_check(first17: str) -> str:
    """A resident ID with a correct GB 11643 check character (computed here, independently
    of stdnum, so the test does not just repeat the implementation)."""
    weights = [2 ** (17 - i) % 11 for i in range(17)]
    total = sum(int(d) * w for d, w in zip(first17, weights, strict=True))
    return first17 + "10X98765432"[total % 11]


VALID_X = with_check("11010519491231002")  # ends in X
VALID = with_check("11010119900307123")
VALID_SZ = with_check("44030419851212004")


def test_helper_matches_known_example():
    # The example published with python-stdnum.
    assert with_check("36042619910101007") == "360426199101010071"
    assert VALID_X.endswith("X")


def test_id_types():
    assert ID_TYPES == ("resident_id", "passport", "hk_macau_permit", "taiwan_permit", "other")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (VALID, VALID),
        (VALID_SZ, VALID_SZ),
        (VALID_X, VALID_X),
        (VALID_X.lower(), VALID_X),
        (f" {VALID[:6]} {VALID[6:14]} {VALID[14:]} ", VALID),
        ("".join(chr(ord(c) + 0xFEE0) for c in VALID), VALID),  # full-width digits
        ("360426199101010071", "360426199101010071"),
    ],
)
def test_resident_id_valid(text, expected):
    assert validate_id("resident_id", text) == expected


def _wrong_check(number: str) -> str:
    return number[:17] + ("0" if number[17] != "0" else "1")


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (VALID[:17], "has 17 characters; a resident ID has 18"),
        (VALID + "1", "has 19 characters"),
        ("110101900307123", "old 15-digit"),
        (_wrong_check(VALID), "the last character does not match: check each digit"),
        (_wrong_check(VALID_X), "the last character does not match"),
        (VALID[:5] + "A" + VALID[6:], "'A' does not belong"),
        (VALID[:17] + "Y", "'Y' does not belong"),
        (with_check("11010119901307123"), "birth date"),  # month 13
        (with_check("11010119900230123"), "birth date"),  # 30 February
        (with_check("11010118000101123"), "birth date"),  # before 1900
        (with_check("11010130000101123"), "birth date"),  # in the future
        (with_check("99010119900307123"), "region code"),
        ("", "empty"),
    ],
)
def test_resident_id_refused(text, words):
    with pytest.raises(InvalidInput) as err:
        validate_id("resident_id", text)
    assert words in err.value.message


def test_birth_date_today_is_accepted():
    today = dt.date.today().strftime("%Y%m%d")
    number = with_check(f"110101{today}123")
    assert validate_id("resident_id", number) == number


@pytest.mark.parametrize(
    ("id_type", "text", "expected"),
    [
        ("passport", "E12345678", "E12345678"),
        ("passport", "ea 1234567", "EA1234567"),
        ("passport", "12345", "12345"),
        ("passport", "C0X12345678ABCDEF", "C0X12345678ABCDEF"),
        ("hk_macau_permit", "H12345678", "H12345678"),
        ("hk_macau_permit", "m1234567890", "M1234567890"),
        ("hk_macau_permit", "C12345678", "C12345678"),
        ("hk_macau_permit", "CA1234567", "CA1234567"),
        ("hk_macau_permit", with_check("81000019900101123"), with_check("81000019900101123")),
        ("taiwan_permit", "12345678", "12345678"),
        ("taiwan_permit", "1234567890", "1234567890"),
        ("taiwan_permit", "1234567890(B)", "1234567890B"),
        ("taiwan_permit", "L12345678", "L12345678"),
        ("taiwan_permit", with_check("83000019900101123"), with_check("83000019900101123")),
        ("other", "ab-12", "AB-12"),
        ("other", "军官证 12345", "军官证12345"),
    ],
)
def test_other_documents_valid(id_type, text, expected):
    assert validate_id(id_type, text) == expected


@pytest.mark.parametrize(
    ("id_type", "text"),
    [
        ("passport", "E123"),
        ("passport", "ABCDEFGH"),  # no digit at all
        ("passport", "E1234567890123456789"),
        ("passport", "E1234#678"),
        ("hk_macau_permit", "H1234567"),
        ("hk_macau_permit", "H123456789"),
        ("hk_macau_permit", "X12345678"),
        ("hk_macau_permit", "12345678"),
        ("hk_macau_permit", with_check("11000019900101123")),
        ("taiwan_permit", "1234567"),
        ("taiwan_permit", "ABCDEFGH"),
        ("taiwan_permit", "123456789"),
        ("other", "abc"),
        ("other", "x" * 33),
        ("other", "ab\x00cd"),
    ],
)
def test_other_documents_refused(id_type, text):
    with pytest.raises(InvalidInput):
        validate_id(id_type, text)


def test_unknown_type_lists_types():
    with pytest.raises(InvalidInput) as err:
        validate_id("driver_licence", "12345")
    for id_type in ID_TYPES:
        assert id_type in err.value.message


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("110101199003071234", "110***********1234"),
        ("11010519491231002X", "110***********002X"),
        ("E12345678", "E******78"),
        ("H12345678", "H******78"),
        ("12345", "1**45"),
        ("1234", "****"),
        ("", ""),
    ],
)
def test_mask_id(number, masked):
    assert mask_id(number) == masked


@given(st.text(alphabet="0123456789X", min_size=1, max_size=32))
def test_mask_id_hides_the_middle(number):
    masked = mask_id(number)
    assert len(masked) == len(number)
    visible = len(number) - masked.count("*")
    if len(number) >= 15:
        assert masked[3:-4] == "*" * (len(number) - 7)
    else:
        assert visible <= 3
        assert visible < len(number)


def test_id_hash_is_hmac_of_type_and_normalised_number():
    expected = hmac.new(KEY, f"resident_id:{VALID_X}".encode(), hashlib.sha256).hexdigest()
    assert id_hash(KEY, "resident_id", VALID_X.lower()) == expected
    assert id_hash(KEY, "resident_id", f" {VALID_X} ") == expected


def test_id_hash_depends_on_key_type_and_number():
    base = id_hash(KEY, "passport", "E12345678")
    assert id_hash(b"other-key", "passport", "E12345678") != base
    assert id_hash(KEY, "other", "E12345678") != base
    assert id_hash(KEY, "passport", "E12345679") != base
    assert len(base) == 64


def test_id_matches():
    stored = id_hash(KEY, "resident_id", VALID)
    assert id_matches(KEY, "resident_id", VALID, stored)
    assert id_matches(KEY, "resident_id", f"{VALID[:6]} {VALID[6:]}", stored.upper())
    assert not id_matches(KEY, "resident_id", VALID_SZ, stored)
    assert not id_matches(KEY, "passport", VALID, stored)
    assert not id_matches(b"wrong", "resident_id", VALID, stored)
    assert not id_matches(KEY, "resident_id", VALID, "")
    assert not id_matches(KEY, "resident_id", VALID, "非十六进制")
    assert not id_matches(KEY, "unknown", VALID, stored)
