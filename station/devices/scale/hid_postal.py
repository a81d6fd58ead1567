"""USB HID postal scales (Dymo M5/M10/M25/S100, Stamps.com, Mettler Toledo PS60 in HID mode…).

Such a scale is a HID device of the "Scales" usage page (0x8D) and sends an input report
whenever the weight changes (and periodically)::

    byte 0  report id, 3 = data report
    byte 1  status: 1 fault, 2 stable at zero, 3 in motion, 4 stable, 5 under zero,
            6 over the weight limit, 7 needs calibration, 8 needs re-zeroing
    byte 2  unit: 1 mg, 2 g, 3 kg, 4 ct, 5 tael, 6 grain, 7 dwt, 8 t, 9 ton,
            10 ozt, 11 oz, 12 lb
    byte 3  scaling exponent, signed (0xFF = -1: weight × 10⁻¹)
    byte 4  weight, low byte   } unsigned 16-bit, little-endian
    byte 5  weight, high byte  }

Reading the device itself works where the platform lets a program read raw HID reports
without a driver: Linux ``/dev/hidraw*`` (the user needs read access, e.g. a udev rule
``KERNEL=="hidraw*", ATTRS{idVendor}=="0922", MODE="0666"``). Elsewhere opening a hidraw
path raises :class:`ScaleUnsupported`. Any other port name (a pty, ``socket://``) is read as a
byte stream of 6-byte reports, which is how the simulator and the tests drive this driver.
Zero and tare are buttons on these scales.
"""

from __future__ import annotations

import errno
import glob
import os
import select
import sys
from decimal import Decimal

import serial

from station.devices.scale.base import (
    ContinuousScale,
    Reading,
    ScaleDisconnected,
    ScaleUnsupported,
    grams_per_unit,
    make_reading,
    to_grams,
)
from station.i18n import tr

REPORT_ID = 3
REPORT_LEN = 6
UNITS = {
    1: "mg",
    2: "g",
    3: "kg",
    4: "ct",
    5: "tael",
    6: "gn",
    7: "dwt",
    8: "t",
    10: "ozt",
    11: "oz",
    12: "lb",
}
_UNIT_CODES = {name: code for code, name in UNITS.items()}
KNOWN_VENDORS = {
    0x0922: "Dymo",
    0x1446: "Stamps.com",
    0x0EB8: "Mettler Toledo",
    0x0B67: "Fairbanks",
}


def encode_report(
    weight_g: int, *, status: int | None = None, unit: str = "g", exponent: int = 0
) -> bytes:
    """A data report (simulator, tests). ``status`` defaults from the weight."""
    if status is None:
        status = 5 if weight_g < 0 else (2 if weight_g == 0 else 4)
    value = Decimal(abs(weight_g)) / grams_per_unit(unit) / (Decimal(10) ** exponent)
    raw = min(int(value.to_integral_value()), 0xFFFF)
    return bytes([REPORT_ID, status, _UNIT_CODES[unit], exponent & 0xFF, raw & 0xFF, raw >> 8])


def decode_report(report: bytes) -> Reading | None:
    """Decode one 6-byte data report; ``None`` when it is not one."""
    if len(report) < REPORT_LEN or report[0] != REPORT_ID:
        return None
    status, unit_code, exp_byte = report[1], report[2], report[3]
    unit = UNITS.get(unit_code)
    exponent = exp_byte - 256 if exp_byte > 127 else exp_byte
    if unit is None or not 1 <= status <= 8 or not -8 <= exponent <= 4:
        return None
    raw = report[4] | (report[5] << 8)
    grams = to_grams(Decimal(raw).scaleb(exponent), unit)
    if status == 1:
        return Reading.error(tr("the scale reports a fault"))
    if status == 2:
        return make_reading(0, stable=True)
    if status == 3:
        return make_reading(grams, stable=False)
    if status == 4:
        return make_reading(grams, stable=True)
    if status == 5:
        return make_reading(None, stable=False, underload=True)
    if status == 6:
        return make_reading(None, stable=False, overload=True)
    if status == 7:
        return Reading.error(tr("the scale needs calibration"))
    return Reading.error(tr("the scale needs re-zeroing: empty it and press ZERO"))


def hidraw_supported() -> bool:
    return sys.platform.startswith("linux")


def find_hid_scales() -> list[str]:
    """``/dev/hidraw*`` devices that describe themselves as scales (usage page 0x8D) or come
    from a known postal-scale vendor. Empty where hidraw does not exist."""
    if not hidraw_supported():
        return []
    found = []
    for sysdir in sorted(glob.glob("/sys/class/hidraw/hidraw*")):
        try:
            with open(os.path.join(sysdir, "device", "report_descriptor"), "rb") as fh:
                descriptor = fh.read()
        except OSError:
            descriptor = b""
        vendor = _uevent(sysdir).get("HID_ID", "::").split(":")[1] or "0"
        if (
            b"\x05\x8d" in descriptor
            or b"\x06\x8d\x00" in descriptor
            or int(vendor, 16) in KNOWN_VENDORS
        ):
            found.append("/dev/" + os.path.basename(sysdir))
    return found


def _uevent(sysdir: str) -> dict[str, str]:
    try:
        with open(os.path.join(sysdir, "device", "uevent"), encoding="utf-8") as fh:
            return dict(line.strip().split("=", 1) for line in fh if "=" in line)
    except OSError:
        return {}


class HidrawPort:
    """The few pyserial calls the drivers use, over a Linux hidraw node (one report per read)."""

    def __init__(self, path: str, timeout: float = 0.05) -> None:
        if not hidraw_supported():
            raise ScaleUnsupported(
                tr(
                    "reading a USB HID scale directly needs Linux hidraw on this version; "
                    "set the scale to its serial (virtual COM) mode instead"
                )
            )
        self.name = path
        self.timeout = timeout
        self._pending = bytearray()
        try:
            self._fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        except OSError as exc:
            raise ScaleDisconnected(
                tr(
                    "cannot open {path}: {exc}",
                    path=path,
                    exc=exc,
                ),
                port=path,
            ) from exc

    def _pull(self, timeout: float) -> None:
        try:
            ready, _, _ = select.select([self._fd], [], [], timeout)
            if ready:
                self._pending += os.read(self._fd, 64)
        except BlockingIOError:
            pass
        except OSError as exc:
            if exc.errno != errno.EINTR:
                raise serial.SerialException(f"{self.name}: {exc}") from exc

    def read(self, size: int = 1) -> bytes:
        if not self._pending:
            self._pull(self.timeout)
        data = bytes(self._pending[:size])
        del self._pending[:size]
        return data

    @property
    def in_waiting(self) -> int:
        if not self._pending:
            self._pull(0)
        return len(self._pending)

    def reset_input_buffer(self) -> None:
        self._pending.clear()
        while self.in_waiting:
            self._pending.clear()

    def write(self, data: bytes) -> int:
        raise serial.SerialException("this scale takes no commands")

    def flush(self) -> None:
        pass

    def close(self) -> None:
        os.close(self._fd)


class HidPostalScale(ContinuousScale):
    protocol = "hid-postal"
    label = "USB HID postal scale"

    def __init__(
        self, port: str | serial.SerialBase, baud: int | None = None, **kwargs: object
    ) -> None:
        self._hidraw: str | None = None
        if isinstance(port, str) and (port == "auto" or port.startswith("/dev/hidraw")):
            if port == "auto":
                found = find_hid_scales()
                if not found:
                    raise ScaleDisconnected(tr("no USB HID scale found"), port=port)
                port = found[0]
            self._hidraw = port
            super().__init__(HidrawPort(port), baud, **kwargs)  # type: ignore[arg-type]
            self.port_name = port
        else:
            super().__init__(port, baud, **kwargs)  # type: ignore[arg-type]

    def _next_frame(self) -> Reading | None:
        buf = self._buf
        if len(buf) < REPORT_LEN:
            return None
        reading = decode_report(bytes(buf[:REPORT_LEN]))
        if reading is not None:
            del buf[:REPORT_LEN]
            return reading
        self.invalid_frames += 1  # resync on the next byte that may start a report
        nxt = buf.find(bytes([REPORT_ID]), 1)
        del buf[: nxt if nxt > 0 else len(buf)]
        return None

    def zero(self) -> None:
        raise ScaleUnsupported(tr("press ZERO on the USB scale"))

    def tare(self) -> None:
        raise ScaleUnsupported(tr("press TARE on the USB scale"))

    def identify(self) -> str:
        self._await_any_frame()
        if self._hidraw:
            name = _uevent(f"/sys/class/hidraw/{os.path.basename(self._hidraw)}").get("HID_NAME")
            if name:
                return f"{name} (USB HID scale)"
        return "USB HID postal scale"
