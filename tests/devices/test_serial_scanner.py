"""Serial (virtual COM) scanners: lines from a real pty and from socket://, reconnects."""

from __future__ import annotations

import os
import queue
import socket
import threading
import time
import tty

import pytest

from station.devices.serial_scanner import SerialScanner


class Pty:
    """A pty pair whose slave is reachable by a stable symlink (like /dev/ttyACM0)."""

    def __init__(self, link: str) -> None:
        self.link = link
        self.plug()

    def plug(self) -> None:
        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)
        if os.path.lexists(self.link):
            os.unlink(self.link)
        os.symlink(os.ttyname(self.slave), self.link)

    def unplug(self) -> None:
        os.unlink(self.link)
        os.close(self.master)
        os.close(self.slave)

    def send(self, data: bytes) -> None:
        os.write(self.master, data)


@pytest.fixture
def pty_scanner(tmp_path):
    device = Pty(str(tmp_path / "ttyACM0"))
    scans: queue.Queue[str] = queue.Queue()
    states: list[bool] = []
    scanner = SerialScanner(
        device.link,
        scans.put,
        max_backoff=0.1,
        line_timeout=0.2,
        on_state=lambda up, _msg: states.append(up),
    )
    scanner.start()
    deadline = time.monotonic() + 3
    while not scanner.connected and time.monotonic() < deadline:
        time.sleep(0.01)
    yield device, scanner, scans, states
    scanner.stop()
    try:
        device.unplug()
    except OSError:
        pass


def _take(scans: queue.Queue[str], n: int) -> list[str]:
    return [scans.get(timeout=3) for _ in range(n)]


def test_lines_with_any_terminator(pty_scanner):
    device, _, scans, _ = pty_scanner
    device.send(b"sf1234567890\r\nYT0001\rJD 0002\n")
    assert _take(scans, 3) == ["SF1234567890", "YT0001", "JD0002"]


def test_split_lines_and_unterminated_tail(pty_scanner):
    device, _, scans, _ = pty_scanner
    for piece in (b"ZT", b"O12", b"34\r", b"\n", b"NOEND42"):
        device.send(piece)
        time.sleep(0.01)
    assert _take(scans, 2) == ["ZTO1234", "NOEND42"]
    assert scans.empty()


def test_gs1_and_full_width(pty_scanner):
    device, _, scans, _ = pty_scanner
    device.send(b"]C100340123450000000017\x1d42010080\r\n")
    device.send("ＳＦ１２３\r\n".encode())
    assert _take(scans, 2) == ["]C100340123450000000017\x1d42010080", "SF123"]


def test_reconnects_after_unplug(pty_scanner):
    device, scanner, scans, states = pty_scanner
    device.send(b"FIRST1\r")
    assert _take(scans, 1) == ["FIRST1"]
    device.unplug()
    deadline = time.monotonic() + 3
    while scanner.connected and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not scanner.connected
    device.plug()
    deadline = time.monotonic() + 3
    while not scanner.connected and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.05)
    device.send(b"SECOND2\r")
    assert _take(scans, 1) == ["SECOND2"]
    assert states[:3] == [True, False, True]


def test_socket_scanner():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]
    scans: queue.Queue[str] = queue.Queue()

    def serve() -> None:
        conn, _ = server.accept()
        with conn:
            time.sleep(0.1)  # pyserial flushes what arrives while it connects
            conn.sendall(b"TCP0001\r\ntcp0002\r\n")
            time.sleep(0.3)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    scanner = SerialScanner(f"socket://127.0.0.1:{port}", scans.put, uppercase=False)
    scanner.start()
    try:
        assert _take(scans, 2) == ["TCP0001", "tcp0002"]
    finally:
        scanner.stop()
        server.close()
