"""Opening the wire a scale (or a serial scanner) talks on.

Everything goes through :func:`serial.serial_for_url`, so one string names any of:

- a local serial port: ``COM3``, ``/dev/ttyUSB0``, ``/dev/pts/3`` (a pseudo-terminal),
- a TCP serial server (or our simulator): ``socket://127.0.0.1:5000``; the short form
  ``tcp:5000`` / ``tcp:HOST:5000`` is accepted too,
- pyserial's test loop: ``loop://``.

Framing is written the usual way, ``8N1`` / ``7E1`` (data bits, parity N/E/O/M/S, stop bits).
"""

from __future__ import annotations

import socket
from dataclasses import dataclass

import serial
from serial.tools import list_ports

from station.errors import StationError
from station.i18n import tr

BAUD_RATES = (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200)
FRAMINGS = ("8N1", "7E1", "7O1", "8E1", "8O1", "7N2", "8N2")

_PARITY = {
    "N": serial.PARITY_NONE,
    "E": serial.PARITY_EVEN,
    "O": serial.PARITY_ODD,
    "M": serial.PARITY_MARK,
    "S": serial.PARITY_SPACE,
}

#: the read timeout of an open port: short, drivers loop on it up to their own deadlines
POLL_TIMEOUT = 0.05
WRITE_TIMEOUT = 1.0


class PortUnavailable(StationError):
    """The port cannot be opened (unplugged, wrong name, in use by another program)."""

    code = "port_unavailable"


@dataclass(frozen=True)
class PortInfo:
    """One port found on this computer, for a settings combo box."""

    device: str
    description: str
    hwid: str

    @property
    def label(self) -> str:
        if self.description and self.description not in ("n/a", self.device):
            return f"{self.device} — {self.description}"
        return self.device


def normalize_port(port: str) -> str:
    """``tcp:5000`` → ``socket://127.0.0.1:5000``; ``tcp:host:5000`` → ``socket://host:5000``."""
    port = port.strip()
    if port.lower().startswith("tcp:"):
        rest = port[4:].lstrip("/")
        host, _, num = rest.rpartition(":")
        return f"socket://{host or '127.0.0.1'}:{num}"
    return port


def parse_framing(framing: str) -> tuple[int, str, float]:
    """``"7E1"`` → ``(7, "E", 1)``; raises ``ValueError`` on nonsense."""
    text = framing.strip().upper()
    if len(text) != 3 or text[0] not in "5678" or text[1] not in _PARITY or text[2] not in "12":
        raise ValueError(tr("framing must look like 8N1 or 7E1, not {framing!r}", framing=framing))
    return int(text[0]), _PARITY[text[1]], float(text[2])


def open_port(
    port: str,
    baud: int = 9600,
    *,
    framing: str = "8N1",
    timeout: float = POLL_TIMEOUT,
    write_timeout: float = WRITE_TIMEOUT,
) -> serial.SerialBase:
    """Open ``port`` (any pyserial URL, see the module doc). Raises :class:`PortUnavailable`."""
    url = normalize_port(port)
    try:
        bytesize, parity, stopbits = parse_framing(framing)
    except ValueError as exc:
        raise PortUnavailable(str(exc), code="invalid") from exc
    try:
        return serial.serial_for_url(
            url,
            baudrate=baud,
            bytesize=bytesize,
            parity=parity,
            stopbits=stopbits,
            timeout=timeout,
            write_timeout=write_timeout,
            exclusive=True if _is_local_device(url) else None,
        )
    except (serial.SerialException, OSError, ValueError) as exc:
        raise PortUnavailable(
            tr(
                "cannot open {port}: {exc}",
                port=port,
                exc=exc,
            ),
            port=port,
        ) from exc


def close_port(port: serial.SerialBase) -> None:
    """Close ``port``; for ``socket://`` without pyserial's 0.3 s pause after closing."""
    sock = getattr(port, "_socket", None)
    if isinstance(sock, socket.socket) and port.is_open:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        sock.close()
        port._socket = None  # type: ignore[attr-defined]
        port.is_open = False
        return
    port.close()


def _is_local_device(url: str) -> bool:
    return "://" not in url


def list_serial_ports() -> list[PortInfo]:
    """The serial ports this computer has now (USB adapters included), sorted by name."""
    found = [
        PortInfo(device=p.device, description=p.description or "", hwid=p.hwid or "")
        for p in list_ports.comports()
    ]
    return sorted(found, key=lambda p: p.device)
