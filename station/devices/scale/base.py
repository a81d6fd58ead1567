"""The one interface every scale driver implements, and what it returns.

A driver is a small class: :meth:`Scale.read_stable`, :meth:`Scale.read_live`,
:meth:`Scale.zero`, :meth:`Scale.tare`, :meth:`Scale.identify`. Readings come back as a
:class:`Reading` in whole grams whatever unit the scale speaks; only a reading with
``usable == True`` (stable, status ``ok``) may go into an intake.

Status values (``Reading.status``):

=============  =============================================================
``ok``         a weight; ``stable`` says whether the scale has settled
``motion``     the scale is moving (weight may be shown, never used)
``overload``   above capacity
``underload``  below zero (take the parcel off and zero the scale)
``no_answer``  nothing (valid) came back in time, or the port is gone
``error``      the scale answered with something we could not accept
=============  =============================================================

Drivers raise :class:`ScaleDisconnected` when the port itself fails (unplugged adapter, closed
socket) so that a monitor can reconnect; a scale that is merely silent gives a ``no_answer``
reading.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, ClassVar

import serial

from station.i18n import tr

try:  # pyserial lets termios.error (not an OSError) escape on a vanished tty
    from termios import error as _TermiosError
except ImportError:  # pragma: no cover - Windows
    _TermiosError = OSError  # type: ignore[misc,assignment]

from station.devices.scale.transport import PortUnavailable, close_port, open_port
from station.errors import StationError

#: what pyserial may raise when the port goes away
PORT_ERRORS: tuple[type[BaseException], ...] = (serial.SerialException, OSError, _TermiosError)

OK = "ok"
MOTION = "motion"
OVERLOAD = "overload"
UNDERLOAD = "underload"
NO_ANSWER = "no_answer"
ERROR = "error"
STATUSES = (OK, MOTION, OVERLOAD, UNDERLOAD, NO_ANSWER, ERROR)


@dataclass(frozen=True)
class Reading:
    """One weight as the clerk should see it. ``weight_g`` is ``None`` when there is none."""

    weight_g: int | None
    stable: bool
    status: str
    message: str = ""

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"unknown scale status {self.status!r}")

    @property
    def usable(self) -> bool:
        """True when this weight may be recorded on a parcel."""
        return self.status == OK and self.stable and self.weight_g is not None

    def to_json(self) -> dict[str, Any]:
        return {"weight_g": self.weight_g, "stable": self.stable, "status": self.status}

    @classmethod
    def no_answer(cls, message: str | None = None) -> Reading:
        return cls(
            None, False, NO_ANSWER, tr("no answer from the scale") if message is None else message
        )

    @classmethod
    def error(cls, message: str) -> Reading:
        return cls(None, False, ERROR, message)


def make_reading(
    weight_g: int | None,
    *,
    stable: bool,
    overload: bool = False,
    underload: bool = False,
) -> Reading:
    """The common status rules: overload/underload win, then motion; a settled weight below
    zero counts as underload (a parcel never weighs less than nothing)."""
    if overload:
        return Reading(None, False, OVERLOAD, tr("over capacity"))
    if underload:
        return Reading(None, False, UNDERLOAD, tr("under zero"))
    if not stable:
        return Reading(weight_g, False, MOTION, tr("in motion"))
    if weight_g is not None and weight_g < 0:
        return Reading(weight_g, True, UNDERLOAD, tr("under zero"))
    return Reading(weight_g, True, OK)


# --------------------------------------------------------------------------- errors


class ScaleError(StationError):
    code = "scale_error"


class ScaleNoAnswer(ScaleError):
    code = "no_answer"


class ScaleDisconnected(ScaleError):
    """The port failed (unplugged, closed); reopen it to go on."""

    code = "scale_disconnected"


class ScaleUnsupported(ScaleError):
    code = "scale_unsupported"


class ScaleRefused(ScaleError):
    """The scale would not do it now (zero while moving, tare out of range…)."""

    code = "scale_refused"


# --------------------------------------------------------------------------- units

_GRAMS_PER_UNIT = {
    "g": Decimal(1),
    "kg": Decimal(1000),
    "mg": Decimal("0.001"),
    "t": Decimal(1_000_000),
    "lb": Decimal("453.59237"),
    "oz": Decimal("28.349523125"),
    "ozt": Decimal("31.1034768"),
    "dwt": Decimal("1.55517384"),
    "ct": Decimal("0.2"),
    "gn": Decimal("0.06479891"),
    "tael": Decimal(50),  # mainland shi tael (市两)
    "jin": Decimal(500),  # 市斤
}


def to_grams(value: str | int | Decimal, unit: str) -> int:
    """``("1.234", "kg")`` → ``1234``; rounds half up; raises ``ValueError`` on an unknown
    unit or a value that is not a number."""
    factor = _GRAMS_PER_UNIT.get(unit.strip().lower())
    if factor is None:
        raise ValueError(f"unknown weight unit {unit!r}")
    try:
        number = Decimal(str(value).replace(" ", ""))
    except InvalidOperation as exc:
        raise ValueError(f"not a weight: {value!r}") from exc
    if not number.is_finite():
        raise ValueError(f"not a weight: {value!r}")
    return int((number * factor).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def grams_per_unit(unit: str) -> Decimal:
    """The exact number of grams in one ``unit``; ``ValueError`` if unknown."""
    factor = _GRAMS_PER_UNIT.get(unit.strip().lower())
    if factor is None:
        raise ValueError(f"unknown weight unit {unit!r}")
    return factor


def known_unit(unit: str) -> bool:
    return unit.strip().lower() in _GRAMS_PER_UNIT


# --------------------------------------------------------------------------- drivers


class Scale(ABC):
    """A scale behind one interface."""

    protocol: ClassVar[str] = ""
    label: ClassVar[str] = ""
    default_baud: ClassVar[int] = 9600
    default_framing: ClassVar[str] = "8N1"

    @abstractmethod
    def read_stable(self, timeout: float = 3.0) -> Reading:
        """Wait up to ``timeout`` seconds for a settled weight; on timeout return the last
        (moving) reading, or ``no_answer``. Overload/underload return at once."""

    @abstractmethod
    def read_live(self) -> Reading:
        """The current weight, settled or not, for a live display."""

    @abstractmethod
    def zero(self) -> None:
        """Set zero. Raises :class:`ScaleRefused` / :class:`ScaleUnsupported`."""

    @abstractmethod
    def tare(self) -> None:
        """Tare what is on the platform. Raises :class:`ScaleRefused` / ``ScaleUnsupported``."""

    @abstractmethod
    def identify(self) -> str:
        """A line describing the scale (model, serial number when it tells)."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release the port."""

    def __enter__(self) -> Scale:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class SerialScale(Scale):
    """A scale on a pyserial port, with a byte buffer that survives split frames."""

    def __init__(
        self,
        port: str | serial.SerialBase,
        baud: int | None = None,
        *,
        framing: str | None = None,
        timeout: float = 1.0,
    ) -> None:
        if isinstance(port, str):
            try:
                self._port = open_port(
                    port, baud or self.default_baud, framing=framing or self.default_framing
                )
            except PortUnavailable as exc:
                raise ScaleDisconnected(exc.message, port=port) from exc
            self.port_name = port
        else:
            self._port = port
            self.port_name = str(getattr(port, "name", None) or getattr(port, "port", "") or "")
        self.timeout = timeout
        self._buf = bytearray()
        self.invalid_frames = 0
        self._discard_input()

    # -- port plumbing; every pyserial failure becomes ScaleDisconnected
    def close(self) -> None:
        try:
            close_port(self._port)
        except PORT_ERRORS:
            pass

    def _write(self, data: bytes) -> None:
        try:
            self._port.write(data)
            self._port.flush()
        except PORT_ERRORS as exc:
            raise ScaleDisconnected(
                tr(
                    "{port_name}: write failed: {exc}",
                    port_name=self.port_name,
                    exc=exc,
                )
            ) from exc

    def _discard_input(self) -> None:
        self._buf.clear()
        try:
            self._port.reset_input_buffer()
        except PORT_ERRORS as exc:
            raise ScaleDisconnected(
                tr(
                    "{port_name}: {exc}",
                    port_name=self.port_name,
                    exc=exc,
                )
            ) from exc

    def _fill(self, deadline: float) -> bool:
        """Wait until at least one byte arrives (or ``deadline``), then take everything that
        is waiting. Returns False on timeout (at once when ``deadline`` has passed)."""
        if time.monotonic() >= deadline:
            return False
        try:
            while True:
                first = self._port.read(1)
                if first:
                    self._buf += first
                    break
                if time.monotonic() >= deadline:
                    return False
            self._drain()
            return True
        except PORT_ERRORS as exc:
            raise ScaleDisconnected(
                tr(
                    "{port_name}: read failed: {exc}",
                    port_name=self.port_name,
                    exc=exc,
                )
            ) from exc

    def _drain(self) -> None:
        """Take what is waiting without blocking."""
        try:
            while True:
                waiting = self._port.in_waiting
                if not waiting:
                    return
                chunk = self._port.read(waiting)
                if not chunk:
                    return
                self._buf += chunk
                if len(self._buf) > 65536:  # a runaway sender: keep the newest part
                    del self._buf[:-4096]
        except PORT_ERRORS as exc:
            raise ScaleDisconnected(
                tr(
                    "{port_name}: read failed: {exc}",
                    port_name=self.port_name,
                    exc=exc,
                )
            ) from exc

    def _read_line(self, deadline: float, terminator: bytes = b"\n") -> bytes | None:
        """One line (terminator removed, CR stripped), or None at the deadline."""
        while True:
            idx = self._buf.find(terminator)
            if idx >= 0:
                line = bytes(self._buf[:idx])
                del self._buf[: idx + len(terminator)]
                return line.strip(b"\r")
            if not self._fill(deadline):
                return None


class ContinuousScale(SerialScale):
    """A scale that streams frames on its own (Toledo continuous, CAS, HID reports).

    Subclasses implement :meth:`_next_frame`, which takes one frame off ``self._buf``
    (discarding garbage before it) and returns its reading, ``None`` when no complete frame is
    there yet; an invalid frame is dropped and counted in ``invalid_frames``."""

    @abstractmethod
    def _next_frame(self) -> Reading | None: ...

    def _frames(self) -> list[Reading]:
        found: list[Reading] = []
        while True:
            before = len(self._buf)
            reading = self._next_frame()
            if reading is not None:
                found.append(reading)
            elif len(self._buf) == before:
                return found

    def _wait_frame(self, deadline: float) -> Reading | None:
        invalid_before = self.invalid_frames
        while True:
            frames = self._frames()
            if frames:
                return frames[-1]
            if not self._fill(deadline):
                if self.invalid_frames > invalid_before:
                    return Reading.error(
                        tr(
                            "{count} invalid frames (wrong checksum, baud rate or framing?)",
                            count=self.invalid_frames - invalid_before,
                        )
                    )
                return None

    def read_live(self) -> Reading:
        self._drain()
        frames = self._frames()
        if frames:
            return frames[-1]
        reading = self._wait_frame(time.monotonic() + self.timeout)
        return reading or Reading.no_answer()

    def read_stable(self, timeout: float = 3.0) -> Reading:
        deadline = time.monotonic() + timeout
        self._drain()
        self._frames()  # what was sent before the question is stale
        last: Reading | None = None
        while True:
            reading = self._wait_frame(deadline)
            if reading is None:
                return last or Reading.no_answer()
            last = reading
            if reading.stable or reading.status in (OVERLOAD, UNDERLOAD):
                return reading
            if time.monotonic() >= deadline:
                return reading

    def _await_any_frame(self) -> Reading:
        """A frame proving something is there; raises :class:`ScaleNoAnswer`."""
        reading = self._wait_frame(time.monotonic() + self.timeout)
        if reading is None or reading.status == ERROR:
            raise ScaleNoAnswer(
                tr(
                    "no valid data from the scale on {port_name}",
                    port_name=self.port_name,
                ),
                port=self.port_name,
            )
        return reading
