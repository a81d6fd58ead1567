"""Toledo 8213 demand mode (the POS "scanner-scale" protocol, also Toledo 8217 / DIVA).

Usually 9600 baud, 7 data bits, even parity, 1 stop bit. The host sends single characters,
no terminator:

- ``W`` — weight request. A settled weight comes back as ``STX <weight> CR``, e.g.
  ``\\x02 01.234 \\r`` (kg with a decimal point) or ``\\x02 01234 \\r`` (five digits with an
  implied decimal point: hundredths of a pound in lb mode, grams×… per ``implied_decimals``).
  When there is no valid weight (moving, over capacity, under zero…) the answer is the status
  message ``STX ? <status> CR``.
- ``S`` — status request → ``STX ? <status> CR``.
- ``Z`` — zero; the answer is the status message after zeroing.

Status byte (an ASCII character; bit 6 always set, bit 7 even parity, masked off here):

====  ===============================================
bit   meaning when 1
====  ===============================================
0     scale in motion
1     over capacity
2     under zero
3     outside zero capture range (zero refused)
4     at centre of zero
5     net weight
====  ===============================================

The 8213 command set has no tare.
"""

from __future__ import annotations

import re
import time

from station.devices.scale.base import (
    ERROR,
    OVERLOAD,
    UNDERLOAD,
    Reading,
    ScaleNoAnswer,
    ScaleRefused,
    ScaleUnsupported,
    SerialScale,
    make_reading,
    to_grams,
)
from station.i18n import tr

STX = 0x02
CR = 0x0D

MOTION_BIT = 0x01
OVER_BIT = 0x02
UNDER_BIT = 0x04
ZERO_RANGE_BIT = 0x08
CENTER_ZERO_BIT = 0x10
NET_BIT = 0x20
_ALWAYS = 0x40

_WEIGHT = re.compile(r"^\s*(-?)\s*(\d+(?:\.\d*)?|\.\d+)\s*$")


def _with_parity(byte: int) -> int:
    """Set bit 7 so the byte has even parity (as a 7E1 line would carry it)."""
    return byte | (0x80 if bin(byte & 0x7F).count("1") % 2 else 0)


def encode_status(status_bits: int) -> bytes:
    return bytes([STX, ord("?"), _with_parity(_ALWAYS | (status_bits & 0x3F)), CR])


def encode_weight(text: str) -> bytes:
    return bytes([STX]) + text.encode("ascii") + bytes([CR])


def status_reading(status: int) -> Reading:
    """What a ``?``-status answer to ``W`` means for the clerk."""
    status &= 0x3F
    if status & OVER_BIT:
        return Reading(None, False, OVERLOAD, tr("over capacity"))
    if status & UNDER_BIT:
        return Reading(None, False, UNDERLOAD, tr("under zero"))
    if status & MOTION_BIT:
        return make_reading(None, stable=False)
    if status & CENTER_ZERO_BIT:
        return make_reading(0, stable=True)
    return Reading.error(tr("scale status {status:#04x}", status=status))


def parse_weight(body: bytes, unit: str = "kg", implied_decimals: int = 3) -> Reading | None:
    """The body between STX and CR of an answer to ``W``; ``None`` if malformed."""
    text = bytes(b & 0x7F for b in body).decode("ascii", "replace")
    if text.startswith("?"):
        return status_reading(ord(text[1])) if len(text) == 2 else None
    match = _WEIGHT.match(text)
    if not match:
        return None
    digits = match.group(2)
    n = implied_decimals
    if "." in digits or n == 0:
        value = digits
    else:
        value = f"{digits[:-n] or '0'}.{digits[-n:].rjust(n, '0')}"
    grams = to_grams(f"{match.group(1)}{value}", unit)
    return make_reading(grams, stable=True)


class Toledo8213Scale(SerialScale):
    protocol = "toledo-8213"
    label = "Toledo 8213 (demand)"
    default_baud = 9600
    default_framing = "7E1"

    def __init__(
        self, *args: object, unit: str = "kg", implied_decimals: int | None = None, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.unit = unit
        self.implied_decimals = (
            implied_decimals if implied_decimals is not None else (2 if unit == "lb" else 3)
        )

    def _frame(self, deadline: float) -> bytes | None:
        """The body of the next ``STX … CR`` message; noise before STX is dropped."""
        while True:
            start = self._buf.find(bytes([STX]))
            if start < 0:
                if self._buf:
                    self.invalid_frames += 1
                self._buf.clear()
            else:
                if start:
                    self.invalid_frames += 1
                    del self._buf[:start]
                end = self._buf.find(bytes([CR]))
                if end > 0:
                    body = bytes(self._buf[1:end])
                    del self._buf[: end + 1]
                    if STX in body:  # a broken message followed by a good one
                        self.invalid_frames += 1
                        body = body[body.rfind(bytes([STX])) + 1 :]
                    return body
            if not self._fill(deadline):
                return None

    def _request(self, command: bytes, timeout: float) -> Reading | None:
        """Send ``command``; the answer's reading, ``error`` for a garbled answer, None for
        none at all."""
        self._discard_input()
        self._write(command)
        body = self._frame(time.monotonic() + timeout)
        if body is None:
            return None
        reading = parse_weight(body, self.unit, self.implied_decimals)
        if reading is None:
            self.invalid_frames += 1
            return Reading.error(tr("garbled answer {body!r}", body=body))
        return reading

    def read_live(self) -> Reading:
        return self._request(b"W", self.timeout) or Reading.no_answer()

    def read_stable(self, timeout: float = 3.0) -> Reading:
        deadline = time.monotonic() + timeout
        last: Reading | None = None
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return last or Reading.no_answer()
            reading = self._request(b"W", min(left, self.timeout))
            if reading is None:
                if time.monotonic() >= deadline:
                    return last or Reading.no_answer()
                continue
            if reading.stable or reading.status in (OVERLOAD, UNDERLOAD):
                return reading
            if reading.status != ERROR or last is None:
                last = reading
            time.sleep(min(0.05, max(0.0, deadline - time.monotonic())))

    def zero(self) -> None:
        self._discard_input()
        self._write(b"Z")
        body = self._frame(time.monotonic() + max(self.timeout, 2.0))
        if body is None:
            raise ScaleNoAnswer(tr("the scale did not answer zero"), port=self.port_name)
        if len(body) == 2 and body[:1] == b"?":
            status = body[1] & 0x3F
            if status & ZERO_RANGE_BIT:
                raise ScaleRefused(tr("zero: the weight is outside the zero range"))
            if status & (MOTION_BIT | OVER_BIT):
                raise ScaleRefused(tr("zero: the scale is moving or overloaded"))

    def tare(self) -> None:
        raise ScaleUnsupported(tr("the Toledo 8213 protocol has no tare; tare on the scale itself"))

    def identify(self) -> str:
        reading = self._request(b"W", self.timeout)
        if reading is None:
            raise ScaleNoAnswer(tr("the scale did not answer"), port=self.port_name)
        return f"Toledo 8213-compatible scale ({self.unit})"
