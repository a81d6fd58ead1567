"""Barcode-scanner input: telling a scan from typing, cleaning what the keyboard delivered,
and understanding what was scanned. Plain Python (the Qt side is ``ui/widgets/scan_field.py``).

A keyboard-wedge scanner "types" its code a few milliseconds per key and ends with Enter. On a
Chinese counter PC that text can arrive full-width (the IME was in full-width mode), with
Chinese punctuation, inverted case (Caps Lock), stray spaces, and with GS1's group separator
(GS, 0x1D) either kept, shown as "␝", or lost. This module undoes all that:

- :class:`ScanBurstDetector` — is the line that just ended a scanner burst (key timing, or a
  configured prefix/suffix), and which part of it?
- :func:`normalize_scan_text` — full-width → ASCII, spaces out, upper case, GS kept.
- :func:`parse_gs1` / :func:`extract_tracking` — GS1 element strings (``(00)…(420)…``).
- :func:`classify_qr_payload` — a recipient's phone QR: pickup code, tracking number or URL.

(The last three live in :mod:`station.devices.scan_codes` and are re-exported here.)
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from station.devices.scan_codes import (
    GS,
    GS_SYMBOL,
    PICKUP_CODE_RE,
    TRACKING_RE,
    classify_qr_payload,
    extract_tracking,
    normalize_scan_text,
    parse_gs1,
)

__all__ = [
    "GS",
    "GS_SYMBOL",
    "PICKUP_CODE_RE",
    "TRACKING_RE",
    "ScanBurstDetector",
    "ScanResult",
    "classify_qr_payload",
    "extract_tracking",
    "normalize_scan_text",
    "parse_gs1",
]

# --------------------------------------------------------------------------- burst detection


@dataclass(frozen=True)
class ScanResult:
    """What :meth:`ScanBurstDetector.finish` decided about the line that just ended."""

    is_scan: bool
    text: str  # the scanned part (prefix/suffix removed), or the whole line when typed
    start: int  # index in ``line`` where the scanned part starts
    line: str  # every character fed since the last finish/reset


class ScanBurstDetector:
    """Feed it each typed character with its time; at Enter, :meth:`finish` says whether the
    line (or its tail) came from a scanner.

    A scan is the trailing run of at least ``min_length`` characters, each within
    ``max_key_interval_ms`` of the one before, with Enter following within twice that; or,
    when ``prefix``/``suffix`` is configured, the text after the last prefix / before the
    suffix whatever the timing. Times are seconds from ``clock`` (injectable for tests) unless
    given explicitly.
    """

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        max_key_interval_ms: float = 40.0,
        min_length: int = 6,
        prefix: str | None = None,
        suffix: str | None = None,
    ) -> None:
        self.clock = clock
        self.max_gap = max_key_interval_ms / 1000.0
        self.min_length = min_length
        self.prefix = prefix or None
        self.suffix = suffix or None
        self._chars: list[str] = []
        self._times: list[float] = []
        self._run_start = 0

    def _now(self, timestamp: float | None) -> float:
        return self.clock() if timestamp is None else timestamp

    def feed(self, char: str, timestamp: float | None = None) -> None:
        """One key's text (usually one character; an IME commit may bring several)."""
        now = self._now(timestamp)
        for ch in char:
            if self._times and not 0 <= now - self._times[-1] <= self.max_gap:
                self._run_start = len(self._chars)
            self._chars.append(ch)
            self._times.append(now)

    def backspace(self) -> None:
        if self._chars:
            self._chars.pop()
            self._times.pop()
            self._run_start = min(self._run_start, len(self._chars))

    def reset(self) -> None:
        self._chars.clear()
        self._times.clear()
        self._run_start = 0

    @property
    def line(self) -> str:
        return "".join(self._chars)

    @property
    def run_start(self) -> int:
        """Where the current fast run began (a scan under way starts here)."""
        return self._run_start

    def in_burst(self, timestamp: float | None = None) -> bool:
        """True while a scanner burst seems to be under way."""
        if len(self._chars) - self._run_start < self.min_length:
            return False
        return self._now(timestamp) - self._times[-1] <= self.max_gap * 2

    def finish(self, timestamp: float | None = None) -> ScanResult:
        """Enter was pressed: decide, and start a new line."""
        now = self._now(timestamp)
        line = self.line
        result = self._decide(line, now)
        self.reset()
        return result

    def _decide(self, line: str, now: float) -> ScanResult:
        if not line:
            return ScanResult(False, "", 0, "")
        if self.prefix and self.prefix in line:
            start = line.rindex(self.prefix)
            body = line[start + len(self.prefix) :]
            if self.suffix and body.endswith(self.suffix):
                body = body[: -len(self.suffix)]
            return ScanResult(True, body, start, line)
        if self.suffix and line.endswith(self.suffix):
            run = len(line) - self._run_start - len(self.suffix)
            start = self._run_start if run >= self.min_length and self._fast_end(now) else 0
            return ScanResult(True, line[start : -len(self.suffix)], start, line)
        if len(line) - self._run_start >= self.min_length and self._fast_end(now):
            return ScanResult(True, line[self._run_start :], self._run_start, line)
        return ScanResult(False, line, 0, line)

    def _fast_end(self, now: float) -> bool:
        return bool(self._times) and 0 <= now - self._times[-1] <= self.max_gap * 2
