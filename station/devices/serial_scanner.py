"""A barcode scanner in serial mode (RS-232, or USB "virtual COM" / CDC-ACM).

Each scan arrives as one line ending in CR, LF or CR LF. :class:`SerialScanner` reads the
port in a plain thread and calls ``on_scan(text)`` with the cleaned text (see
:func:`~station.devices.scanner.normalize_scan_text`); the callback runs on the reader thread,
so a GUI must hop to its own thread. An unplugged scanner is reopened when it comes back.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import serial

from station.devices.scale.base import PORT_ERRORS
from station.devices.scale.transport import PortUnavailable, close_port, open_port
from station.devices.scanner import normalize_scan_text
from station.i18n import tr

log = logging.getLogger(__name__)
_OPEN_ERRORS: tuple[type[BaseException], ...] = (PortUnavailable, *PORT_ERRORS)


class SerialScanner:
    def __init__(
        self,
        port: str,
        on_scan: Callable[[str], None],
        *,
        baud: int = 9600,
        framing: str = "8N1",
        uppercase: bool = True,
        encoding: str = "utf-8",
        on_state: Callable[[bool, str], None] | None = None,
        max_backoff: float = 5.0,
        line_timeout: float = 0.5,
        opener: Callable[[], serial.SerialBase] | None = None,
    ) -> None:
        """``on_state(connected, message)`` reports the port coming and going.
        ``line_timeout``: a line with no terminator is taken as complete after this long
        (scanners set to send no suffix)."""
        self.port = port
        self.on_scan = on_scan
        self.on_state = on_state
        self.uppercase = uppercase
        self.encoding = encoding
        self.max_backoff = max_backoff
        self.line_timeout = line_timeout
        self._opener = opener or (lambda: open_port(port, baud, framing=framing))
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._serial: serial.SerialBase | None = None
        self.connected = False

    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="serial-scanner", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 2.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
        self._close()

    def _close(self) -> None:
        if self._serial is not None:
            try:
                close_port(self._serial)
            except PORT_ERRORS:
                pass
            self._serial = None
        if self.connected:
            self.connected = False
            self._state(False, tr("scanner on {port} disconnected", port=self.port))

    def _state(self, connected: bool, message: str) -> None:
        if self.on_state is not None:
            try:
                self.on_state(connected, message)
            except Exception:
                log.exception("scanner state listener failed")

    def _emit(self, raw: bytes) -> None:
        text = raw.decode(self.encoding, "replace")
        clean = normalize_scan_text(text, uppercase=self.uppercase)
        if clean:
            try:
                self.on_scan(clean)
            except Exception:
                log.exception("scan listener failed")

    def _run(self) -> None:
        backoff = 0.2
        while not self._stop.is_set():
            if self._serial is None:
                try:
                    self._serial = self._opener()
                except _OPEN_ERRORS as exc:
                    log.debug("scanner port %s: %s", self.port, exc)
                    self._stop.wait(backoff)
                    backoff = min(backoff * 2, self.max_backoff)
                    continue
                backoff = 0.2
                self.connected = True
                self._state(True, tr("scanner on {port} connected", port=self.port))
            try:
                self._read_lines(self._serial)
            except PORT_ERRORS as exc:
                log.info("scanner port %s failed: %s", self.port, exc)
                self._close()

    def _read_lines(self, port: serial.SerialBase) -> None:
        buf = bytearray()
        last = time.monotonic()
        while not self._stop.is_set():
            chunk = port.read(max(1, port.in_waiting))
            now = time.monotonic()
            if chunk:
                buf += chunk
                last = now
                while True:
                    ends = [i for i in (buf.find(b"\r"), buf.find(b"\n")) if i >= 0]
                    if not ends:
                        break
                    cut = min(ends)
                    line = bytes(buf[:cut])
                    del buf[: cut + 1]
                    if line:
                        self._emit(line)
            elif buf and now - last >= self.line_timeout:
                self._emit(bytes(buf))
                buf.clear()
