"""CAS indicators (CI-200/CI-400/CI-2000, DB-II, many OEM counter scales): continuous stream.

The "22 bytes for CAS" frame::

    S T , G S , I L , + 0 0 1 . 2 3 4 _ k g CR LF
    |hdr1| |hdr2| | | | |--- data, 8 ---| | |unit| |
     2   1  2   1 1 1 1                   1  2   2   = 22 bytes

- header 1: ``ST`` stable, ``US`` unstable, ``OL`` overload;
- header 2: ``GS`` gross, ``NT`` net;
- ``I``: device id (one byte, set in the indicator's F20);
- ``L``: lamp status byte: bit 7 = 1, bit 6 stable, bit 5 = 1, bit 4 hold, bit 3 printer,
  bit 2 gross, bit 1 tare, bit 0 zero;
- data: sign and 7 characters with the decimal point (``+  1.234`` or ``+001.234``);
- a space, the unit in 2 characters (``kg``, `` g``, `` t``, ``lb``), CR LF.

The shorter AND-style frame ``ST,GS,+001.234  kg CR LF`` (no id, no lamp byte) is accepted
too. CAS sends no checksum and no under-zero flag: a settled negative weight is reported as
``underload``. Zero and tare are keys on the indicator (no command in stream mode).
"""

from __future__ import annotations

import re
from decimal import Decimal

from station.devices.scale.base import (
    ContinuousScale,
    Reading,
    ScaleUnsupported,
    make_reading,
    to_grams,
)
from station.i18n import tr

FRAME_LEN = 22
_HEAD = re.compile(rb"(ST|US|OL),(GS|NT),")
_CAS22 = re.compile(rb"(ST|US|OL),(GS|NT),(.)(.),([-+ 0-9.]{8}) ([ a-zA-Z]{2})\r\n", re.S)
_AND18 = re.compile(rb"(ST|US|OL),(GS|NT),([-+ 0-9.]{8})([ a-zA-Z]{2,3})\r\n")
_NUMBER = re.compile(r"^([-+]?)\s*(\d+(?:\.\d*)?|\.\d+)$")


def encode_frame(
    weight_g: int,
    *,
    unit: str = "kg",
    decimals: int = 3,
    motion: bool = False,
    overload: bool = False,
    net: bool = False,
    device_id: int = 1,
) -> bytes:
    """One 22-byte CAS frame (simulator, tests)."""
    head1 = b"OL" if overload else (b"US" if motion else b"ST")
    head2 = b"NT" if net else b"GS"
    lamp = 0xA0 | (0 if motion else 0x40) | (0x02 if net else 0x04) | (0 if weight_g else 0x01)
    if unit not in ("kg", "g"):
        raise ValueError("the simulator speaks kg or g")
    value = Decimal(abs(weight_g)) / (1000 if unit == "kg" else 1)
    places = decimals if unit == "kg" else 0
    data = f"{'-' if weight_g < 0 else '+'}{value:>7.{places}f}"
    frame = head1 + b"," + head2 + b"," + bytes([device_id & 0xFF, lamp]) + b","
    frame += data.encode("ascii") + b" " + f"{unit:>2}".encode("ascii") + b"\r\n"
    if len(frame) != FRAME_LEN:
        raise ValueError(f"weight {weight_g} g does not fit a CAS frame")
    return frame


def _reading(head1: bytes, data: bytes, unit: bytes) -> Reading | None:
    match = _NUMBER.match(data.decode("ascii").strip().replace(" ", ""))
    if head1 == b"OL":
        return make_reading(None, stable=False, overload=True)
    if not match:
        return None
    unit_text = unit.decode("ascii").strip().lower()
    try:
        grams = to_grams(match.group(1) + match.group(2), unit_text)
    except ValueError:
        return None
    return make_reading(grams, stable=head1 == b"ST")


def decode_frame(frame: bytes) -> Reading | None:
    """Decode a whole 22-byte (or 18-byte AND-style) frame; ``None`` if malformed."""
    match = _CAS22.fullmatch(frame)
    if match:
        return _reading(match.group(1), match.group(5), match.group(6))
    match = _AND18.fullmatch(frame)
    if match:
        return _reading(match.group(1), match.group(3), match.group(4))
    return None


class CasScale(ContinuousScale):
    protocol = "cas"
    label = "CAS (22-byte continuous)"
    default_baud = 9600
    default_framing = "8N1"

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.device_id: int | None = None

    def _next_frame(self) -> Reading | None:
        buf = self._buf
        head = _HEAD.search(buf)
        if head is None:
            if len(buf) > 5:  # keep what may be the start of a header
                self.invalid_frames += 1
                del buf[:-5]
            return None
        if head.start():
            del buf[: head.start()]
        if len(buf) >= FRAME_LEN and buf[FRAME_LEN - 2 : FRAME_LEN] == b"\r\n":
            reading = decode_frame(bytes(buf[:FRAME_LEN]))
            if reading is not None:
                self.device_id = buf[6]
                del buf[:FRAME_LEN]
                return reading
        end = buf.find(b"\r\n")
        if end < 0:
            if len(buf) > 2 * FRAME_LEN:  # a header that never ends
                self.invalid_frames += 1
                del buf[:2]
            return None
        reading = decode_frame(bytes(buf[: end + 2]))
        if reading is not None:
            del buf[: end + 2]
            return reading
        self.invalid_frames += 1  # broken frame: go on at the next header inside it, if any
        inner = _HEAD.search(buf, 1, end + 2)
        del buf[: inner.start() if inner else end + 2]
        return None

    def zero(self) -> None:
        raise ScaleUnsupported(tr("this CAS indicator takes zero only from its ZERO key"))

    def tare(self) -> None:
        raise ScaleUnsupported(tr("this CAS indicator takes tare only from its TARE key"))

    def identify(self) -> str:
        self._await_any_frame()
        ident = f", device id {self.device_id}" if self.device_id is not None else ""
        return f"CAS indicator (22-byte stream{ident})"
