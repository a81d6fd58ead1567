"""Scanner text: burst detection, normalising, GS1, QR payloads."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from station.devices.scanner import (
    GS,
    GS_SYMBOL,
    ScanBurstDetector,
    classify_qr_payload,
    extract_tracking,
    normalize_scan_text,
    parse_gs1,
)


def _type(detector: ScanBurstDetector, text: str, start: float, per_key: float) -> float:
    t = start
    for ch in text:
        t += per_key
        detector.feed(ch, t)
    return t


def test_scanner_burst_is_a_scan():
    d = ScanBurstDetector(clock=lambda: 0.0)
    t = _type(d, "SF1234567890123", 10.0, 0.005)
    result = d.finish(t + 0.005)
    assert result.is_scan and result.text == "SF1234567890123" and result.start == 0
    assert d.line == ""  # finish starts a new line


def test_human_typing_is_not_a_scan():
    d = ScanBurstDetector(clock=lambda: 0.0)
    t = _type(d, "13812345678", 10.0, 0.15)
    result = d.finish(t + 0.2)
    assert not result.is_scan and result.text == "13812345678"


def test_scan_after_stray_typing_is_the_tail():
    d = ScanBurstDetector(clock=lambda: 0.0)
    t = _type(d, "ab", 10.0, 0.3)
    t = _type(d, "YT0123456789", t + 0.5, 0.004)
    result = d.finish(t + 0.004)
    assert result.is_scan and result.text == "YT0123456789" and result.start == 2
    assert result.line == "abYT0123456789"


def test_short_fast_runs_and_slow_enter_are_not_scans():
    d = ScanBurstDetector(clock=lambda: 0.0, min_length=6)
    t = _type(d, "12345", 1.0, 0.005)  # too short
    assert not d.finish(t + 0.005).is_scan
    t = _type(d, "1234567", 2.0, 0.005)
    assert d.in_burst(t + 0.01)
    assert not d.finish(t + 0.5).is_scan  # Enter long after: a person pressed it


def test_injectable_clock_is_used_without_timestamps():
    now = [100.0]
    d = ScanBurstDetector(clock=lambda: now[0])
    for ch in "JD0012345678":
        now[0] += 0.005
        d.feed(ch)
    now[0] += 0.005
    assert d.finish().is_scan


def test_prefix_and_suffix_override_timing():
    d = ScanBurstDetector(clock=lambda: 0.0, prefix="~", suffix="#")
    t = _type(d, "x~SF12#", 1.0, 0.2)  # slow, short, but framed
    result = d.finish(t + 0.2)
    assert result.is_scan and result.text == "SF12" and result.start == 1
    d2 = ScanBurstDetector(clock=lambda: 0.0, suffix="#")
    t = _type(d2, "ABC#", 1.0, 0.2)
    assert d2.finish(t).text == "ABC"


def test_backspace_and_reset():
    d = ScanBurstDetector(clock=lambda: 0.0)
    t = _type(d, "abcX", 1.0, 0.005)
    d.backspace()
    assert d.line == "abc"
    d.reset()
    assert d.line == "" and not d.finish(t).is_scan


@settings(max_examples=60, deadline=None)
@given(
    code=st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXYZ0123456789-", min_size=6, max_size=40),
    per_key=st.floats(min_value=0.0005, max_value=0.035),
    human=st.text(alphabet="abc123", max_size=5),
)
def test_any_fast_code_is_found_whole(code, per_key, human):
    d = ScanBurstDetector(clock=lambda: 0.0, max_key_interval_ms=40)
    t = _type(d, human, 0.0, 0.25)
    t = _type(d, code, t + 0.3, per_key)
    result = d.finish(t + per_key)
    assert result.is_scan and result.text == code


@settings(max_examples=40, deadline=None)
@given(
    text=st.text(alphabet="abcdefgh 0123456789", min_size=1, max_size=30),
    per_key=st.floats(min_value=0.09, max_value=0.6),
)
def test_typing_at_human_speed_is_never_a_scan(text, per_key):
    d = ScanBurstDetector(clock=lambda: 0.0)
    t = _type(d, text, 0.0, per_key)
    assert not d.finish(t + per_key).is_scan


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("ＳＦ１２３４５６７８９０", "SF1234567890"),  # full width
        ("sf 1234 5678\u3000 90\t", "SF1234567890"),  # Caps Lock, stray spaces
        ("yt。123、45", "YT.123/45"),  # Chinese punctuation
        ("01234" + GS_SYMBOL + "10ab", "01234" + GS + "10AB"),
        ("\x0201234\x1d10AB\x03\r\n", "01234" + GS + "10AB"),
    ],
)
def test_normalize(raw, clean):
    assert normalize_scan_text(raw) == clean


def test_normalize_options():
    assert normalize_scan_text("Https://X.cn/a?b=C") == "HTTPS://X.CN/A?B=C"
    assert normalize_scan_text("Https://X.cn/a?b=C", uppercase=False) == "Https://X.cn/a?b=C"
    assert normalize_scan_text("12\x1d34", keep_gs=False) == "1234"


def test_parse_gs1_raw_and_bracketed():
    raw = "]C1" + "00340123450000000017" + "420" + "100080" + GS + "8004" + "PS0001"
    assert parse_gs1(raw) == {"00": "340123450000000017", "420": "100080", "8004": "PS0001"}
    assert parse_gs1("(01)09501101530003(10)AB-12(21)12345") == {
        "01": "09501101530003",
        "10": "AB-12",
        "21": "12345",
    }
    assert parse_gs1("0109501101530003" + "3103001250" + "10LOT7") == {
        "01": "09501101530003",
        "3103": "001250",
        "10": "LOT7",
    }
    assert parse_gs1("421156" + "100080" + GS + "00340123450000000017")["421"] == "156100080"
    assert parse_gs1("]d2" + "01095011015300031725123110ABC")["17"] == "251231"
    for bad in (
        "",
        "99",
        "00123",
        "(01)123",
        "(00)340123450000000017(00)340123450000000017",
        "0034012345000000001700340123450000000017",
        "7777",
    ):
        with pytest.raises(ValueError):
            parse_gs1(bad)


def test_extract_tracking():
    assert extract_tracking("sf1234567890123") == "SF1234567890123"
    assert extract_tracking("]C1" + "00340123450000000017") == "340123450000000017"
    usps = "420" + "10080" + GS + "9261290100130435082451"
    assert extract_tracking(usps) == "9261290100130435082451"
    assert extract_tracking("(420)10080(92)61290100130435082451") == "9261290100130435082451"
    assert extract_tracking("]C0" + "JT0001234567") == "JT0001234567"
    assert extract_tracking("4201234567890") == "4201234567890"  # a plain number, not GS1


@pytest.mark.parametrize(
    ("payload", "kind", "value"),
    [
        ("PS:A-3-0127", "pickup_code", "A-3-0127"),
        ("ps:a-3-0127", "pickup_code", "A-3-0127"),  # Caps Lock on
        ("ＰＳ：Ａ－３－０１２７", "pickup_code", "A-3-0127"),  # full width
        ("取件码：B-12-0042", "pickup_code", "B-12-0042"),
        ("A-3-0127", "pickup_code", "A-3-0127"),
        ("3-2-1234", "pickup_code", "3-2-1234"),
        ("https://station.example.cn/p?pickupCode=a-3-0127&x=1", "pickup_code", "A-3-0127"),
        ("HTTPS://STATION.EXAMPLE.CN/P?CODE=A-3-0127", "pickup_code", "A-3-0127"),
        ("https://m.example.com/#/pickup?code=C-1-0001", "pickup_code", "C-1-0001"),
        ("https://s.example.cn/pickup/A-3-0127", "pickup_code", "A-3-0127"),
        (
            "https://www.kuaidi.example/track?waybillNo=sf1234567890123",
            "tracking",
            "SF1234567890123",
        ),
        ("https://x.example/q?tracking=YT0123456789&lang=zh", "tracking", "YT0123456789"),
        ('{"pickupCode": "A-3-0127"}', "pickup_code", "A-3-0127"),
        ('{"mailNo": "jt0001234567"}', "tracking", "JT0001234567"),
        ("SF1234567890123", "tracking", "SF1234567890123"),
        ("]C1" + "00340123450000000017", "tracking", "340123450000000017"),
        ("https://example.cn/about", "url", "https://example.cn/about"),
        ("hello there", "unknown", "hellothere"),
        ("", "unknown", ""),
    ],
)
def test_classify_qr_payload(payload, kind, value):
    assert classify_qr_payload(payload) == (kind, value)
