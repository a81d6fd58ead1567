import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from station.domain.carriers import (
    CARRIERS_FILE,
    CarrierSpec,
    find_carrier,
    guess_carriers,
    is_valid_s10,
    load_carriers,
    normalize_tracking,
    s10_check_digit,
)
from station.errors import InvalidInput, StationError

CODES = {
    "SF", "ZTO", "YTO", "STO", "YUNDA", "JD", "EMS", "JT",
    "DEPPON", "CAINIAO", "UPS", "FEDEX", "DHL", "OTHER",
}  # fmt: skip


def test_load_carriers_has_exactly_the_contract_codes():
    specs = load_carriers()
    assert {s.code for s in specs} == CODES
    assert len(specs) == len(CODES)
    assert all(isinstance(s, CarrierSpec) for s in specs)


def test_carrier_specs_are_sensible():
    for spec in load_carriers():
        assert spec.name_en and spec.name_zh
        assert 0 < spec.remind_days <= spec.retention_days
        assert isinstance(spec.patterns, tuple)
        for pattern in spec.patterns:
            re.compile(pattern)
        assert (spec.code == "OTHER") == (not spec.patterns)


def test_default_retention():
    sf = find_carrier("SF")
    assert (sf.retention_days, sf.remind_days) == (7, 3)


def test_load_carriers_returns_a_fresh_list():
    first = load_carriers()
    first.clear()
    assert load_carriers()


def test_carriers_file_location():
    assert CARRIERS_FILE.name == "carriers.json" and CARRIERS_FILE.parent.name == "resources"
    assert CARRIERS_FILE.is_file()


def _entry(code="X", patterns=(), retention=7, remind=3):
    return {
        "code": code,
        "name_en": code,
        "name_zh": code,
        "patterns": list(patterns),
        "retention_days": retention,
        "remind_days": remind,
    }


@pytest.mark.parametrize(
    "content",
    [
        "not json",
        json.dumps({"carriers": [{"code": "X"}]}),
        json.dumps({"nope": []}),
        json.dumps({"carriers": [_entry(patterns=["("])]}),
        json.dumps({"carriers": [_entry(retention=3, remind=7)]}),
        json.dumps({"carriers": [_entry(remind=0)]}),
        json.dumps({"carriers": [_entry("X"), _entry("x")]}),
    ],
)
def test_broken_carriers_file(tmp_path, content):
    path = tmp_path / "carriers.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(StationError) as err:
        load_carriers(path)
    assert err.value.code == "config"


def test_missing_carriers_file(tmp_path):
    with pytest.raises(StationError) as err:
        load_carriers(tmp_path / "absent.json")
    assert "Reinstall" in err.value.message


def test_find_carrier():
    assert find_carrier("sf").code == "SF"
    assert find_carrier(" jd ").name_zh == "京东物流"
    with pytest.raises(InvalidInput) as err:
        find_carrier("ACME")
    assert "ACME" in err.value.message and "ZTO" in err.value.message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SF1234567890123", "SF1234567890123"),
        ("sf1234567890123", "SF1234567890123"),
        (" SF 1234 5678 9012 3\r\n", "SF1234567890123"),
        ("ＳＦ１２３４５６７８９０１２３", "SF1234567890123"),
        ("1Z-999-AA1-0123456784", "1Z999AA10123456784"),
        ("ABC123", "ABC123"),
        ("A" * 40, "A" * 40),
    ],
)
def test_normalize_tracking(text, expected):
    assert normalize_tracking(text) == expected


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("SF12345#678", "contains '#': scan the barcode again"),
        ("SF1234_5678", "contains '_'"),
        ("顺丰1234567", "contains '顺'"),
        ("01\x1d2112345678", "contains '\\x1d'"),
        ("", "empty"),
        ("  \r\n", "empty"),
        ("AB123", "too short (5 characters"),
        ("A" * 41, "too long (41 characters"),
    ],
)
def test_normalize_tracking_refuses(text, words):
    with pytest.raises(InvalidInput) as err:
        normalize_tracking(text)
    assert words in err.value.message


@given(st.text())
def test_normalize_tracking_output_is_clean(text):
    try:
        out = normalize_tracking(text)
    except InvalidInput:
        return
    assert re.fullmatch(r"[A-Z0-9]{6,40}", out)


def _reference_check_digit(serial: str) -> int:
    total = sum(int(d) * w for d, w in zip(serial, (8, 6, 4, 2, 3, 5, 9, 7), strict=True))
    check = 11 - total % 11
    return 0 if check == 10 else 5 if check == 11 else check


@pytest.mark.parametrize(
    ("serial", "digit"),
    [
        ("47312482", 9),  # the UPU S10 example RR 47312482 9 GB
        ("12345678", 5),
        ("00000000", 5),  # c == 11 → 5
        ("00000008", 0),  # c == 10 → 0
        ("00000001", 4),
    ],
)
def test_s10_check_digit(serial, digit):
    assert s10_check_digit(serial) == digit


@given(st.text(alphabet="0123456789", min_size=8, max_size=8))
def test_s10_check_digit_range(serial):
    digit = s10_check_digit(serial)
    assert 0 <= digit <= 9
    assert digit == _reference_check_digit(serial)


@pytest.mark.parametrize("serial", ["1234567", "123456789", "1234567A", ""])
def test_s10_check_digit_refuses(serial):
    with pytest.raises(InvalidInput):
        s10_check_digit(serial)


@pytest.mark.parametrize(
    ("tracking", "valid"),
    [
        ("RR473124829GB", True),
        ("EE123456785CN", True),
        ("CP000000005CN", True),
        ("EE123456786CN", False),
        ("EE12345678CN", False),
        ("E1123456785CN", False),
        ("EE123456785C1", False),
        ("ee123456785cn", False),  # callers normalise first
        ("", False),
    ],
)
def test_is_valid_s10(tracking, valid):
    assert is_valid_s10(tracking) is valid


@pytest.mark.parametrize(
    ("tracking", "first"),
    [
        ("SF1234567890123", "SF"),
        ("SF123456789012", "SF"),
        ("73123456789012", "ZTO"),
        ("78912345678901", "ZTO"),
        ("YT1234567890123", "YTO"),
        ("7712345678901", "STO"),
        ("4312345678901", "YUNDA"),
        ("312345678901234", "YUNDA"),
        ("JDVA12345678901", "JD"),
        ("JDX000123456789", "JD"),
        ("JT1234567890123", "JT"),
        ("DPK301234567890", "DEPPON"),
        ("CN123456789012345", "CAINIAO"),
        ("LP00123456789012", "CAINIAO"),
        ("1Z999AA10123456784", "UPS"),
        ("JJD0012345678901", "DHL"),
        ("JVGL0123456789", "DHL"),
        ("1234567890", "DHL"),
        ("9812345678901", "EMS"),
        ("1112345678901", "EMS"),
        ("EE123456785CN", "EMS"),
        ("RR473124829GB", "EMS"),
        ("123456789012345678901234", None),
        ("ABCDEF", None),
    ],
)
def test_guess_carriers_first(tracking, first):
    guesses = guess_carriers(tracking)
    assert (guesses[0] if guesses else None) == first
    assert len(guesses) == len(set(guesses))


def test_guess_carriers_normalises_and_never_raises():
    assert guess_carriers(" sf 1234 5678 9012 3 ")[0] == "SF"
    assert guess_carriers("") == []
    assert guess_carriers("###") == []


def test_guess_carriers_lists_every_candidate():
    # 12 digits starting with 7: old ZTO numbers, old STO-like ranges, FedEx.
    guesses = guess_carriers("771234567890")
    assert {"ZTO", "STO", "FEDEX"} <= set(guesses)


def _spec(code: str, *patterns: str) -> CarrierSpec:
    return CarrierSpec(code, code, code, patterns, 7, 3)


def test_ranking_prefixed_before_digits_only():
    specs = [
        _spec("DIGITS", r"^\d{13}$"),
        _spec("SEVEN", r"^7\d{12}$"),
        _spec("SEVENSEVEN", r"^77\d{11}$"),
    ]
    assert guess_carriers("7712345678901", specs) == ["SEVENSEVEN", "SEVEN", "DIGITS"]
    lettered = [_spec("ANY", r"^[A-Z0-9]{12}$"), _spec("AB", r"^AB\d{10}$")]
    assert guess_carriers("AB1234567890", lettered) == ["AB", "ANY"]


def test_valid_s10_puts_ems_first():
    specs = [_spec("XX", r"^EE\d{9}CN$"), _spec("EMS", r"^[A-Z]{2}\d{9}[A-Z]{2}$")]
    assert guess_carriers("EE123456785CN", specs) == ["EMS", "XX"]
    assert guess_carriers("EE123456786CN", specs) == ["XX", "EMS"]


def test_ties_keep_list_order():
    specs = [_spec("B", r"^\d{12}$"), _spec("A", r"^\d{12}$")]
    assert guess_carriers("123456789012", specs) == ["B", "A"]
    assert guess_carriers("123456789012", []) == []
