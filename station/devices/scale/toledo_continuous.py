"""Mettler Toledo standard continuous output (IND/Panther/Wildcat terminals and most
"Toledo-compatible" indicators).

The terminal sends, about 10–20 times a second, a fixed 17-byte frame, optionally followed by
a checksum byte::

    STX SWA SWB SWC  W W W W W W  T T T T T T  CR [CHK]
     1   2   3   4    5 ....... 10 11 ...... 16  17  18

- ``W``: the displayed weight, six ASCII digits, no sign, no decimal point.
- ``T``: the tare weight, six digits.
- ``CHK``: 2's complement of the low 7 bits of the sum of every byte before it (STX … CR),
  i.e. ``(-sum) & 0x7F``; so the 7-bit sum of the whole frame is 0.

Status word A: bits 0-2 decimal point / dummy zeros (0 ``XXXX00``, 1 ``XXXXX0``, 2 ``XXXXXX``,
3 ``XXXXX.X``, 4 ``XXXX.XX``, 5 ``XXX.XXX``, 6 ``XX.XXXX``, 7 ``X.XXXXX``); bits 3-4 increment
(01 ×1, 10 ×2, 11 ×5); bit 5 always 1; bit 6 always 0.

Status word B: bit 0 net; bit 1 negative; bit 2 out of range (over capacity, or under zero
when negative); bit 3 motion; bit 4 kg (0 = lb); bit 5 always 1; bit 6 not zeroed since
power-up.

Status word C: bits 0-2 unit (0 lb/kg per B, 1 g, 2 t, 3 oz, 4 ozt, 5 dwt, 6 ton, 7 other);
bit 3 print request; bit 4 expanded display; bit 5 always 1; bit 6 always 0.

Bit 7 of every byte is the parity bit on a 7-bit line and is ignored. In continuous mode the
terminal still accepts the single-character commands ``Z`` (zero), ``T`` (tare), ``C``
(clear tare) and ``P`` (print).
"""

from __future__ import annotations

from decimal import Decimal

from station.devices.scale.base import (
    ContinuousScale,
    Reading,
    make_reading,
    to_grams,
)

STX = 0x02
CR = 0x0D
FRAME_LEN = 17

_SWC_UNITS = {1: "g", 2: "t", 3: "oz", 4: "ozt", 5: "dwt", 6: "ton"}
_INCREMENT_BITS = {1: 0x08, 2: 0x10, 5: 0x18}
_GRAMS = {"g": Decimal(1), "kg": Decimal(1000), "lb": Decimal("453.59237")}


def checksum(frame: bytes) -> int:
    return (-sum(b & 0x7F for b in frame)) & 0x7F


def encode_frame(
    weight_g: int,
    tare_g: int = 0,
    *,
    unit: str = "kg",
    decimals: int = 3,
    increment: int = 1,
    motion: bool = False,
    overload: bool = False,
    underload: bool = False,
    with_checksum: bool = True,
) -> bytes:
    """Build one frame the way a terminal would (used by the simulator and the tests)."""
    per_unit = _GRAMS[unit]
    counts = round(Decimal(abs(weight_g)) / per_unit * (Decimal(10) ** decimals))
    tare_counts = round(Decimal(abs(tare_g)) / per_unit * (Decimal(10) ** decimals))
    swa = 0x20 | (decimals + 2) | _INCREMENT_BITS[increment]
    swb = 0x20 | (0x01 if tare_g else 0)
    swb |= 0x02 if (weight_g < 0 or underload) else 0
    swb |= 0x04 if (overload or underload) else 0
    swb |= 0x08 if motion else 0
    swb |= 0x10 if unit in ("kg", "g") else 0
    swc = 0x20 | (1 if unit == "g" else 0)
    digits = f"{min(counts, 999999):06d}{min(tare_counts, 999999):06d}"
    frame = bytes([STX, swa, swb, swc]) + digits.encode("ascii") + bytes([CR])
    return frame + bytes([checksum(frame)]) if with_checksum else frame


def decode_frame(frame: bytes) -> Reading | None:
    """Decode 17 bytes STX … CR; ``None`` when the frame breaks the format."""
    data = bytes(b & 0x7F for b in frame)
    if len(data) != FRAME_LEN or data[0] != STX or data[16] != CR:
        return None
    swa, swb, swc = data[1], data[2], data[3]
    if (swa & 0x60) != 0x20 or (swb & 0x20) != 0x20 or (swc & 0x60) != 0x20:
        return None
    weight_text = data[4:10].decode("ascii").replace(" ", "0")
    if not weight_text.isdigit() or not data[10:16].replace(b" ", b"0").isdigit():
        return None
    if swb & 0x40:
        return Reading.error("the scale was not zeroed after power-up; empty it and zero")
    negative = bool(swb & 0x02)
    if swb & 0x04:
        return make_reading(None, stable=False, overload=not negative, underload=negative)
    unit = _SWC_UNITS.get(swc & 0x07) or ("kg" if swb & 0x10 else "lb")
    if (swc & 0x07) == 7:
        return Reading.error("the scale uses a custom unit")
    shift = (swa & 0x07) - 2  # decimals; negative = dummy zeros
    value = Decimal(int(weight_text)).scaleb(-shift)
    grams = to_grams(-value if negative else value, unit)
    return make_reading(grams, stable=not (swb & 0x08))


class ToledoContinuousScale(ContinuousScale):
    protocol = "toledo-continuous"
    label = "Mettler Toledo continuous output"
    default_baud = 9600
    default_framing = "8N1"

    def __init__(self, *args: object, checksum: bool | None = None, **kwargs: object) -> None:
        """``checksum``: True/False when known, None to learn it from the stream."""
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.checksum = checksum
        self._seen_with = 0
        self._seen_without = 0

    def _next_frame(self) -> Reading | None:
        buf = self._buf
        start = buf.find(bytes([STX]))
        if start < 0:
            if buf:
                self.invalid_frames += 1
                buf.clear()
            return None
        if start:
            del buf[:start]
        if len(buf) < FRAME_LEN:
            return None
        frame = bytes(buf[:FRAME_LEN])
        reading = decode_frame(frame)
        if reading is None:  # not a frame: resync on the next STX
            self.invalid_frames += 1
            del buf[:1]
            return None
        if self.checksum is False:
            del buf[:FRAME_LEN]
            return reading
        if len(buf) < FRAME_LEN + 1:
            return None
        extra = buf[FRAME_LEN] & 0x7F
        if extra == checksum(frame):
            self._seen_with += 1
            del buf[: FRAME_LEN + 1]
            return reading
        if self.checksum is None and extra == STX:
            self._seen_without += 1
            del buf[:FRAME_LEN]
            return reading
        if self.checksum is None and self._seen_without > self._seen_with:
            del buf[:FRAME_LEN]  # no checksum on this line; noise follows the frame
            return reading
        self.invalid_frames += 1  # wrong checksum
        del buf[:FRAME_LEN]
        return None

    def _command(self, char: bytes) -> None:
        self._write(char)
        self._await_any_frame()

    def zero(self) -> None:
        self._command(b"Z")

    def tare(self) -> None:
        self._command(b"T")

    def clear_tare(self) -> None:
        self._command(b"C")

    def identify(self) -> str:
        self._await_any_frame()
        mode = "checksum" if self._seen_with else "no checksum"
        return f"Mettler Toledo continuous output ({mode})"
