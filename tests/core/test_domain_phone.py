import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from station.domain.phone import Phone, is_last4, mask_full, parse_phone
from station.errors import InvalidInput


@pytest.mark.parametrize(
    ("text", "full", "ext"),
    [
        ("13812345678", "13812345678", None),
        (" 138 1234 5678 ", "13812345678", None),
        ("138-1234-5678", "13812345678", None),
        ("138.1234.5678", "13812345678", None),
        ("(138)12345678", "13812345678", None),
        ("１３８１２３４５６７８", "13812345678", None),
        ("+86 138 1234 5678", "13812345678", None),
        ("+8613812345678", "13812345678", None),
        ("008613812345678", "13812345678", None),
        ("8613812345678", "13812345678", None),
        ("+86-138-1234-5678", "13812345678", None),
        ("19912345678", "19912345678", None),
        ("16612345678", "16612345678", None),
        ("010-12345678", "01012345678", None),
        ("(010)12345678", "01012345678", None),
        ("0571 8888 6666", "057188886666", None),
        ("0755-12345678", "075512345678", None),
        ("+86 10 1234 5678", "01012345678", None),
        ("+86 571 8888 6666", "057188886666", None),
        ("17012345678-1234", "17012345678", "1234"),
        ("17012345678转1234", "17012345678", "1234"),
        ("17012345678 转 1234", "17012345678", "1234"),
        ("17012345678 ext 1234", "17012345678", "1234"),
        ("17012345678 EXT. 1234", "17012345678", "1234"),
        ("17012345678,1234", "17012345678", "1234"),
        ("17012345678#1", "17012345678", "1"),
        ("17012345678-123456", "17012345678", "123456"),
        ("17012345678＃１２３４", "17012345678", "1234"),
        ("010-12345678-123", "01012345678", "123"),
    ],
)
def test_parse_full_numbers(text, full, ext):
    phone = parse_phone(text)
    assert phone == Phone(full=full, last4=full[-4:], ext=ext)


@pytest.mark.parametrize(
    ("text", "last4", "ext"),
    [
        ("138****5678", "5678", None),
        ("138 **** 5678", "5678", None),
        ("****5678", "5678", None),
        ("*******5678", "5678", None),
        ("１３８＊＊＊＊５６７８", "5678", None),
        ("170****5678-1234", "5678", "1234"),
        ("****5678#1234", "5678", "1234"),
        ("****5678转1234", "5678", "1234"),
        ("010****5678", "5678", None),
    ],
)
def test_parse_masked_numbers(text, last4, ext):
    assert parse_phone(text) == Phone(full=None, last4=last4, ext=ext)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("1381234567", "has 10 digits; a mobile number has 11"),
        ("138123456789", "has 12 digits; a mobile number has 11"),
        ("138", "has 3 digits"),
        ("5678", "****5678"),
        ("12012345678", "not a valid Chinese mobile"),
        ("10012345678", "not a valid Chinese mobile"),
        ("abc", "not a phone number"),
        ("138l2345678", "contains 'l'"),
        ("", "empty"),
        ("   ", "empty"),
        ("138*****678", "last 4 digits"),
        ("1**********", "last 4 digits"),
        ("****567", "last 4 digits"),
        ("1381****5678", "has 12 characters"),
        ("88886666", "area code"),
        ("0101234567", "not a valid Chinese landline"),
        ("012345", "landline"),
        ("+1 555 123 4567", "not a Chinese number"),
        ("55512345678", "starts with 1"),
        ("17012345678-1234567", "has"),
        ("958****5678", "does not start like"),
    ],
)
def test_parse_phone_refuses(text, words):
    with pytest.raises(InvalidInput) as err:
        parse_phone(text)
    assert words in err.value.message


def test_phone_is_frozen():
    phone = parse_phone("13812345678")
    with pytest.raises(dataclasses.FrozenInstanceError):
        phone.full = "x"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        (Phone("13812345678", "5678", None), "138****5678"),
        (Phone("01012345678", "5678", None), "010****5678"),
        (Phone("057188886666", "6666", None), "057*****6666"),
        (Phone(None, "5678", None), "****5678"),
        (Phone("17012345678", "5678", "1234"), "170****5678-1234"),
        (Phone(None, "5678", "1234"), "****5678-1234"),
    ],
)
def test_masked(phone, masked):
    assert phone.masked == masked


def test_masked_via_parse():
    assert parse_phone("170 1234 5678 转 1234").masked == "170****5678-1234"
    assert parse_phone("138****5678").masked == "****5678"


@pytest.mark.parametrize(
    ("full", "masked"),
    [
        ("13812345678", "138****5678"),
        ("01012345678", "010****5678"),
        ("057188886666", "057*****6666"),
        ("12345678", "****5678"),
    ],
)
def test_mask_full(full, masked):
    assert mask_full(full) == masked


@given(st.text(alphabet="0123456789", min_size=8, max_size=15))
def test_mask_full_never_reveals_the_middle(full):
    masked = mask_full(full)
    assert masked.endswith(full[-4:])
    visible = [ch for ch in masked if ch != "*"]
    assert len(visible) <= 7
    if len(full) >= 11:
        assert len(masked) == len(full)
        assert set(masked[3:-4]) == {"*"}


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
def test_parse_phone_masks_mobiles(number):
    try:
        phone = parse_phone(number)
    except InvalidInput:
        return  # an unallocated prefix; the library knows better than a regex
    assert phone.full == number
    assert phone.masked == number[:3] + "****" + number[-4:]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5678", True),
        (" 5678 ", True),
        ("５６７８", True),
        ("567", False),
        ("56789", False),
        ("56a8", False),
        ("", False),
        ("٥٦٧٨", False),
    ],
)
def test_is_last4(text, expected):
    assert is_last4(text) is expected
