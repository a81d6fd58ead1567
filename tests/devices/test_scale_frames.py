"""Frame formats of every scale protocol, from hand-written frames (not our own encoder)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from station.devices.scale import cas, hid_postal, mt_sics, toledo_8213, toledo_continuous
from station.devices.scale.base import Reading, make_reading, to_grams
from station.devices.scale.transport import (
    PortUnavailable,
    normalize_port,
    open_port,
    parse_framing,
)


def test_units_to_grams():
    assert to_grams("1.234", "kg") == 1234
    assert to_grams("2.2046", "lb") == 1000
    assert to_grams("12.3", "oz") == 349
    assert to_grams("-0.0125", "kg") == -13  # half up, away from zero
    assert to_grams("100.0", "g") == 100
    with pytest.raises(ValueError):
        to_grams("1", "stone")
    with pytest.raises(ValueError):
        to_grams("1.2.3", "kg")


def test_reading_rules():
    assert make_reading(1234, stable=True) == Reading(1234, True, "ok")
    assert make_reading(1234, stable=True).usable
    assert make_reading(1234, stable=False).status == "motion"
    assert not make_reading(1234, stable=False).usable
    assert make_reading(-5, stable=True).status == "underload"
    assert make_reading(1, stable=True, overload=True).weight_g is None
    assert Reading.no_answer().to_json() == {
        "weight_g": None,
        "stable": False,
        "status": "no_answer",
    }
    with pytest.raises(ValueError):
        Reading(1, True, "fine")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("S S      1.234 kg", Reading(1234, True, "ok")),
        ("S S     100.00 g", Reading(100, True, "ok")),
        ("S S     2.2046 lb", Reading(1000, True, "ok")),
        ("S D      0.512 kg", Reading(512, False, "motion", "in motion")),
        ("S S     -0.012 kg", Reading(-12, True, "underload", "under zero")),
        ("S +", Reading(None, False, "overload", "over capacity")),
        ("S -", Reading(None, False, "underload", "under zero")),
        ("S I", Reading(None, False, "motion", "not stable in time")),
    ],
)
def test_mt_sics_lines(line, expected):
    assert mt_sics.parse_weight_line(line) == expected


def test_mt_sics_errors_and_noise():
    assert mt_sics.parse_weight_line("ES").status == "error"
    assert mt_sics.parse_weight_line("EL").status == "error"
    assert mt_sics.parse_weight_line("#@!") is None
    assert mt_sics.parse_weight_line("Z A") is None
    assert mt_sics.format_weight("S", True, "1.234", "kg") == b"S S      1.234 kg\r\n"


def _even_parity(data: bytes) -> bytes:
    return bytes(b | (0x80 if bin(b).count("1") % 2 else 0) for b in data)


def test_toledo_8213_bodies():
    assert toledo_8213.parse_weight(b"01.234") == Reading(1234, True, "ok")
    assert toledo_8213.parse_weight(_even_parity(b"01.234")) == Reading(1234, True, "ok")
    assert toledo_8213.parse_weight(b"01234", unit="lb", implied_decimals=2).weight_g == 5597
    assert toledo_8213.parse_weight(b"1234", unit="kg", implied_decimals=3).weight_g == 1234
    assert toledo_8213.parse_weight(b"?A").status == "motion"  # 0x41: bit 0
    assert toledo_8213.parse_weight(b"?B").status == "overload"  # 0x42: bit 1
    assert toledo_8213.parse_weight(b"?D").status == "underload"  # 0x44: bit 2
    assert toledo_8213.parse_weight(b"?P") == Reading(0, True, "ok")  # 0x50: centre of zero
    assert toledo_8213.parse_weight(_even_parity(b"?A")).status == "motion"
    assert toledo_8213.parse_weight(b"0x.234") is None
    assert toledo_8213.encode_status(toledo_8213.MOTION_BIT) == b"\x02?A\r"


def _cks(frame: bytes) -> int:
    return (-sum(b & 0x7F for b in frame)) & 0x7F


def test_toledo_continuous_literal_frames():
    # 1.234 kg gross, stable: SWA 0x2D (XXX.XXX, ×1), SWB 0x30 (kg), SWC 0x20
    frame = b"\x02-0 001234000000\r"
    assert len(frame) == 17
    assert toledo_continuous.decode_frame(frame) == Reading(1234, True, "ok")
    assert toledo_continuous.checksum(frame) == _cks(frame)
    assert sum(frame + bytes([_cks(frame)])) & 0x7F == 0
    assert toledo_continuous.encode_frame(1234) == frame + bytes([_cks(frame)])
    # 2.50 lb (XXXX.XX), stable
    assert toledo_continuous.decode_frame(b"\x02,  000250000000\r").weight_g == 1134
    # moving (SWB bit 3), negative (bit 1), out of range (bit 2)
    assert toledo_continuous.decode_frame(b"\x02-8 001234000000\r").status == "motion"
    assert toledo_continuous.decode_frame(b"\x02-2 000012000000\r").status == "underload"
    assert toledo_continuous.decode_frame(b"\x02-4 999999000000\r").status == "overload"
    assert toledo_continuous.decode_frame(b"\x02-6 000000000000\r").status == "underload"
    # dummy zeros: XXXXX0 in kg → 123450 kg; grams (SWC bit 0)
    assert toledo_continuous.decode_frame(b"\x02)0 012345000000\r").weight_g == 123_450_000
    assert toledo_continuous.decode_frame(b"\x02*0!001234000000\r").weight_g == 1234
    # parity bits set on a 7E1 line
    assert toledo_continuous.decode_frame(_even_parity(frame)) == Reading(1234, True, "ok")
    # broken: constant bits wrong, digits wrong, no CR
    assert toledo_continuous.decode_frame(b"\x02\x0d0 001234000000\r") is None
    assert toledo_continuous.decode_frame(b"\x02-0 00x234000000\r") is None
    assert toledo_continuous.decode_frame(b"\x02-0 001234000000\n") is None


def test_cas_literal_frames():
    frame = b"ST,GS,\x01\xe4,+  1.234 kg\r\n"
    assert len(frame) == 22
    assert cas.decode_frame(frame) == Reading(1234, True, "ok")
    assert cas.encode_frame(1234) == frame
    assert cas.decode_frame(b"US,GS,\x01\xa4,+  1.234 kg\r\n").status == "motion"
    assert cas.decode_frame(b"OL,GS,\x01\xa4,+ 99.999 kg\r\n").status == "overload"
    assert cas.decode_frame(b"ST,NT,\x01\xe2,-  0.050 kg\r\n").status == "underload"
    assert cas.decode_frame(b"ST,GS,\x07\xe4,+   1250  g\r\n").weight_g == 1250
    assert cas.decode_frame(b"ST,GS,+001.234kg\r\n").weight_g == 1234  # 18-byte AND style
    assert cas.decode_frame(b"ST,GS,\x01\xe4,+  1.x34 kg\r\n") is None
    assert cas.decode_frame(b"XX,GS,\x01\xe4,+  1.234 kg\r\n") is None


def test_hid_reports():
    assert hid_postal.decode_report(bytes([3, 4, 2, 0, 0xD2, 0x04])) == Reading(1234, True, "ok")
    assert hid_postal.decode_report(bytes([3, 4, 11, 0xFF, 0x7B, 0])).weight_g == 349  # 12.3 oz
    assert hid_postal.decode_report(bytes([3, 2, 2, 0, 0, 0])) == Reading(0, True, "ok")
    assert hid_postal.decode_report(bytes([3, 3, 2, 0, 10, 0])).status == "motion"
    assert hid_postal.decode_report(bytes([3, 5, 2, 0, 10, 0])).status == "underload"
    assert hid_postal.decode_report(bytes([3, 6, 2, 0, 0, 0])).status == "overload"
    assert hid_postal.decode_report(bytes([3, 8, 2, 0, 0, 0])).status == "error"
    assert hid_postal.decode_report(bytes([3, 4, 0x7F, 0, 1, 0])) is None
    assert hid_postal.decode_report(bytes([2, 4, 2, 0, 1, 0])) is None
    assert hid_postal.encode_report(1234) == bytes([3, 4, 2, 0, 0xD2, 0x04])


def test_hidraw_gated_by_platform(monkeypatch):
    monkeypatch.setattr(hid_postal.sys, "platform", "win32")
    assert hid_postal.find_hid_scales() == []
    with pytest.raises(hid_postal.ScaleUnsupported):
        hid_postal.HidrawPort("/dev/hidraw0")


@given(st.integers(min_value=0, max_value=99_999), st.booleans())
def test_encoders_round_trip(grams, motion):
    status = "motion" if motion else "ok"
    assert (
        toledo_continuous.decode_frame(
            toledo_continuous.encode_frame(grams, motion=motion, with_checksum=False)
        ).weight_g
        == grams
    )
    assert cas.decode_frame(cas.encode_frame(grams, motion=motion)).status == status
    assert hid_postal.decode_report(hid_postal.encode_report(grams)).weight_g == (
        grams if grams <= 0xFFFF else 0xFFFF
    )


def test_transport_names():
    assert normalize_port("tcp:5000") == "socket://127.0.0.1:5000"
    assert normalize_port("tcp:scale.local:4001") == "socket://scale.local:4001"
    assert normalize_port(" COM3 ") == "COM3"
    assert parse_framing("7e1")[0] == 7
    with pytest.raises(ValueError):
        parse_framing("9X1")
    with pytest.raises(PortUnavailable):
        open_port("/dev/no-such-scale")
    with pytest.raises(PortUnavailable):
        open_port("loop://", framing="bad")
    port = open_port("loop://")
    port.write(b"S\r\n")
    assert port.read(3) == b"S\r\n"
    port.close()
