"""Mettler Toledo MT-SICS (Standard Interface Command Set), level 0/1.

Commands are ASCII lines ending CR LF; each answer is one line ending CR LF.

==========  ===================================================================
command     answers
==========  ===================================================================
``S``       ``S S     1.234 kg`` stable weight (the balance waits for stability);
            ``S I`` not executable now (still moving when its own timeout ran out);
            ``S +`` overload; ``S -`` underload
``SI``      immediately: ``S S …`` stable or ``S D     1.234 kg`` dynamic; ``S +``/``S -``
``Z``       ``Z A`` zeroed; ``Z I`` not now; ``Z +``/``Z -`` upper/lower limit exceeded
``T``       ``T S      0.120 kg`` tare taken; ``T I`` not now; ``T +``/``T -`` out of range
``I2``      ``I2 A "XS204 Excellence 220.0090 g"`` type, capacity
``I4``      ``I4 A "B021002593"`` serial number
(any)       ``ES`` syntax error, ``ET`` transmission error, ``EL`` logical error
==========  ===================================================================

The weight field is right-aligned in 10 characters, then a space and the unit
(``g``, ``kg``, ``mg``, ``lb``, ``oz``, ``ct`` …). Lines that answer nothing we asked (a late
answer, noise at power-up) are skipped.
"""

from __future__ import annotations

import re
import time

from station.devices.scale.base import (
    ERROR,
    MOTION,
    OVERLOAD,
    UNDERLOAD,
    Reading,
    ScaleNoAnswer,
    ScaleRefused,
    SerialScale,
    make_reading,
    to_grams,
)
from station.i18n import N_, tr

_WEIGHT = re.compile(r"^(S|T|SI)\s+([SD])\s+([-+]?\s*\d+(?:\.\d*)?)\s*([A-Za-z]+)\s*$")
_STATUS = re.compile(r"^(S|SI|Z|T|ZI|TI)\s+([IAL+-])\s*$")
_ERRORS = {
    "ES": N_("syntax error"),
    "ET": N_("transmission error"),
    "EL": N_("logical error"),
}


def format_weight(command: str, stable: bool, value: str, unit: str) -> bytes:
    """``format_weight("S", True, "1.234", "kg")`` → ``b"S S      1.234 kg\\r\\n"``."""
    return f"{command} {'S' if stable else 'D'} {value:>10} {unit}\r\n".encode("ascii")


def parse_weight_line(line: str) -> Reading | None:
    """Parse an answer to ``S``/``SI``; ``None`` when the line is not such an answer."""
    text = line.strip()
    match = _WEIGHT.match(text)
    if match and match.group(1) in ("S", "SI"):
        stable = match.group(2) == "S"
        try:
            grams = to_grams(match.group(3), match.group(4))
        except ValueError:
            return Reading.error(tr("unreadable weight {text!r}", text=text))
        return make_reading(grams, stable=stable)
    match = _STATUS.match(text)
    if match and match.group(1) in ("S", "SI"):
        code = match.group(2)
        if code == "+":
            return Reading(None, False, OVERLOAD, tr("over capacity"))
        if code == "-":
            return Reading(None, False, UNDERLOAD, tr("under zero"))
        return Reading(None, False, MOTION, tr("not stable in time"))
    if text in _ERRORS:
        return Reading(None, False, ERROR, tr("scale reports {reason}", reason=tr(_ERRORS[text])))
    return None


class MtSicsScale(SerialScale):
    protocol = "mt-sics"
    label = "Mettler Toledo MT-SICS"
    default_baud = 9600
    default_framing = "8N1"

    def _ask(self, command: str, prefixes: tuple[str, ...], timeout: float) -> str | None:
        """Send ``command`` and return the first answer line starting with one of
        ``prefixes`` (or an ``E?`` error), or None at the timeout."""
        self._discard_input()
        self._write(command.encode("ascii") + b"\r\n")
        deadline = time.monotonic() + timeout
        while True:
            raw = self._read_line(deadline)
            if raw is None:
                return None
            line = raw.decode("ascii", "replace").strip()
            head = line.split(" ", 1)[0]
            if head in prefixes or line in _ERRORS:
                return line
            self.invalid_frames += 1

    def read_live(self) -> Reading:
        line = self._ask("SI", ("S", "SI"), self.timeout)
        if line is None:
            return Reading.no_answer()
        return parse_weight_line(line) or Reading.error(tr("unexpected answer {line!r}", line=line))

    def read_stable(self, timeout: float = 3.0) -> Reading:
        deadline = time.monotonic() + timeout
        last: Reading | None = None
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return last or Reading.no_answer()
            line = self._ask("S", ("S",), left)
            if line is None:
                return last or Reading.no_answer()
            reading = parse_weight_line(line)
            if reading is None:
                self.invalid_frames += 1
                continue
            if reading.stable or reading.status in (OVERLOAD, UNDERLOAD):
                return reading
            last = reading if reading.weight_g is not None or last is None else last
            time.sleep(min(0.05, max(0.0, deadline - time.monotonic())))

    def _command(self, command: str, what: str) -> str:
        line = self._ask(command, (command,), max(self.timeout, 3.0))
        if line is None:
            raise ScaleNoAnswer(
                tr(
                    "the scale did not answer {what}",
                    what=tr(what),
                ),
                port=self.port_name,
            )
        if line in _ERRORS:
            raise ScaleRefused(
                tr(
                    "{what}: scale reports {reason}",
                    what=tr(what),
                    reason=tr(_ERRORS[line]),
                ),
                code="scale_refused",
            )
        parts = line.split()
        code = parts[1] if len(parts) > 1 else ""
        if code in ("A", "S"):
            return line
        reasons = {
            "I": N_("the scale is busy or not stable"),
            "+": N_("the weight is above the range"),
            "-": N_("the weight is below the range"),
            "L": N_("the scale cannot do that now"),
        }
        raise ScaleRefused(
            tr(
                "{what}: {reason}",
                what=tr(what),
                reason=tr(reasons[code]) if code in reasons else line,
            )
        )

    def zero(self) -> None:
        self._command("Z", N_("zero"))

    def tare(self) -> None:
        self._command("T", N_("tare"))

    def identify(self) -> str:
        info: list[str] = []
        for command in ("I2", "I4"):
            line = self._ask(command, (command,), self.timeout)
            if line is None:
                if not info:
                    raise ScaleNoAnswer(tr("the scale did not answer"), port=self.port_name)
                continue
            match = re.search(r'"([^"]*)"', line)
            if line.startswith(f"{command} A") and match:
                value = match.group(1).strip()
                info.append(value if command == "I2" else f"SN {value}")
        return " ".join(["Mettler Toledo", *info]) if info else "Mettler Toledo MT-SICS"
