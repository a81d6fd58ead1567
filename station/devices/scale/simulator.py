"""A scale simulator that speaks each protocol, for tests and demos.

It serves on a pseudo-terminal (``start_pty()`` returns the slave path, e.g. ``/dev/pts/7``;
pass ``link=`` to also get a stable symlink that survives unplug/replug) or on a TCP port
(``start_tcp()`` returns ``socket://127.0.0.1:PORT``, which pyserial opens like a port).

Everything a test needs to provoke is an attribute, changeable while it runs (or use
:meth:`ScaleSimulator.set`): ``weight_g`` (what lies on the platform), ``motion``,
``overload``, ``underload``, ``silent`` (answers nothing), ``garbage`` (noise before frames),
``split`` (frames written in small pieces), ``bad_checksum`` (corrupted frames), with
``fault_every`` = N applying the last three to every Nth frame only. :meth:`unplug` and
:meth:`replug` take the port away and bring it back.
"""

from __future__ import annotations

import os
import queue
import random
import select
import socket
import threading
import time
import tty
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from station.devices.scale.base import grams_per_unit
from station.devices.scale.simulator_devices import DEVICES, PROTOCOLS, UNITS, Response

__all__ = ["PROTOCOLS", "ScaleSimulator"]


class ScaleSimulator:
    def __init__(
        self,
        protocol: str,
        *,
        weight_g: int = 0,
        unit: str = "kg",
        interval: float = 0.1,
        link: str | None = None,
        checksum: bool = True,
        stability_wait: float = 0.3,
        seed: int = 8213,
    ) -> None:
        self._state_lock = threading.RLock()
        if protocol not in DEVICES:
            raise ValueError(f"unknown protocol {protocol!r}; one of {', '.join(PROTOCOLS)}")
        if unit not in UNITS[protocol]:
            raise ValueError(f"a {protocol} simulator speaks {', '.join(UNITS[protocol])}")
        self.protocol = protocol
        self.weight_g, self.unit, self.interval, self.link = weight_g, unit, interval, link
        self.checksum, self.stability_wait = checksum, stability_wait
        self.tare_g = self.zero_offset_g = 0
        self.motion = self.overload = self.underload = self.silent = False
        self.garbage = self.split = self.bad_checksum = False
        self.fault_every = 1
        self.rng = random.Random(seed)
        self.commands: list[str] = []
        self.port: str | None = None
        self._device = DEVICES[protocol](self)
        self._requests: queue.Queue[tuple[Callable[[], Any], threading.Event]] = queue.Queue()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._mode = ""
        self._master = self._slave = -1
        self._tcp_addr: tuple[str, int] = ("127.0.0.1", 0)
        self._listener: socket.socket | None = None
        self._client: socket.socket | None = None
        self._pending: list[tuple[float, Response]] = []
        self._sent = 0

    # -- state -------------------------------------------------------------------------
    def __setattr__(self, name: str, value: Any) -> None:
        # A frame is built and written under this lock: once `sim.motion = True` returns, no
        # frame of the old state can still be on its way (a loaded machine made tests flaky).
        lock = self.__dict__.get("_state_lock")
        if lock is None or name.startswith("_"):
            object.__setattr__(self, name, value)
            return
        with lock:
            object.__setattr__(self, name, value)

    def wait_next_frame(self, timeout: float = 2.0) -> None:
        """For a streaming scale: return once a frame sent after this call has been written, so
        a reader that drains its buffer sees the state as it is now."""
        if not self._device.continuous:
            return
        sent = self._sent
        deadline = time.monotonic() + timeout
        while self._sent == sent and time.monotonic() < deadline:
            time.sleep(0.005)

    def set(self, **changes: Any) -> None:
        for name, value in changes.items():
            if not hasattr(self, name) or name.startswith("_"):
                raise AttributeError(name)
            setattr(self, name, value)

    def shown_g(self) -> int:
        """The net weight on the display; jitters while in motion."""
        net = self.weight_g - self.zero_offset_g - self.tare_g
        return net + (self.rng.randint(-15, 15) if self.motion else 0)

    def value_text(self, grams: int) -> str:
        places = {"kg": 3, "g": 1, "lb": 4, "oz": 2}.get(self.unit, 3)
        return f"{Decimal(grams) / grams_per_unit(self.unit):.{places}f}"

    def do_zero(self) -> None:
        self.zero_offset_g, self.tare_g = self.weight_g, 0

    def do_tare(self) -> None:
        self.tare_g = self.weight_g - self.zero_offset_g

    # -- life cycle ------------------------------------------------------------------------
    def start_pty(self) -> str:
        self._mode = "pty"
        self._open_pty()
        self._start()
        assert self.port is not None
        return self.port

    def start_tcp(self, port: int = 0, host: str = "127.0.0.1") -> str:
        self._mode = "tcp"
        self._tcp_addr = (host, port)
        self._listen()
        self._start()
        assert self.port is not None
        return self.port

    def unplug(self) -> None:
        """Take the port away: the pty disappears (readers get EIO), the TCP port closes."""
        self._call(self._close_port)

    def replug(self) -> None:
        self._call(self._open_pty if self._mode == "pty" else self._listen)

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(2)
        self._close_port()

    def __enter__(self) -> ScaleSimulator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _start(self) -> None:
        self._thread = threading.Thread(target=self._serve, name="scale-sim", daemon=True)
        self._thread.start()

    def _call(self, fn: Callable[[], Any]) -> None:
        if not (self._thread and self._thread.is_alive()):
            fn()
            return
        done = threading.Event()
        self._requests.put((fn, done))
        done.wait(5)

    def _open_pty(self) -> None:
        self._master, self._slave = os.openpty()
        tty.setraw(self._slave)
        os.set_blocking(self._master, False)
        path = os.ttyname(self._slave)
        if self.link:
            if os.path.lexists(self.link):
                os.unlink(self.link)
            os.symlink(path, self.link)
        self.port = self.link or path

    def _listen(self) -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(self._tcp_addr)
        sock.listen(2)
        self._tcp_addr = sock.getsockname()[:2]
        self._listener = sock
        self.port = f"socket://{self._tcp_addr[0]}:{self._tcp_addr[1]}"

    def _close_port(self) -> None:
        for fd in (self._master, self._slave):
            if fd >= 0:
                os.close(fd)
        self._master = self._slave = -1
        if self.link and os.path.lexists(self.link):
            os.unlink(self.link)
        for sock in (self._client, self._listener):
            if sock is not None:
                sock.close()
        self._client = self._listener = None
        self._pending.clear()

    # -- the serving loop ------------------------------------------------------------------
    def _serve(self) -> None:
        next_frame = time.monotonic()
        while not self._stop.is_set():
            while not self._requests.empty():
                fn, done = self._requests.get()
                try:
                    fn()
                finally:
                    done.set()
            now = time.monotonic()
            due = [t for t, _ in self._pending] + ([next_frame] if self._device.continuous else [])
            wait = max(0.0, min([now + 0.05, *due]) - now)
            readers: list[Any] = [s for s in (self._listener, self._client) if s is not None]
            if self._master >= 0:
                readers.append(self._master)
            try:
                ready = select.select(readers, [], [], wait)[0] if readers else []
                if not readers:
                    time.sleep(wait)
                for r in ready:
                    self._readable(r)
            except (OSError, ValueError):
                continue
            now = time.monotonic()
            with self._state_lock:
                for item in [p for p in self._pending if p[0] <= now]:
                    self._pending.remove(item)
                    body = item[1]
                    self._send(body() if callable(body) else body)
                if self._device.continuous and now >= next_frame:
                    next_frame = now + self.interval
                    if not self.silent:
                        self._send(self._device.frame())

    def _readable(self, r: Any) -> None:
        if r is self._listener and self._listener is not None:
            client, _ = self._listener.accept()
            if self._client is not None:
                self._client.close()
            client.settimeout(1.0)
            self._client = client
            return
        if r is self._client and self._client is not None:
            data = self._client.recv(4096)
            if not data:
                self._client.close()
                self._client = None
                return
        else:
            try:
                data = os.read(self._master, 4096)
            except BlockingIOError:
                return
        if self.silent:
            return
        now = time.monotonic()
        for delay, response in self._device.feed(data):
            self._pending.append((now + delay, response))

    def _send(self, data: bytes) -> None:
        self._sent += 1
        faulty = self._sent % max(1, self.fault_every) == 0
        if faulty and self.bad_checksum:
            data = self._device.corrupt(data)
        if faulty and self.garbage:
            data = self._device.garbage() + data
        if faulty and self.split:
            for i in range(0, len(data), 3):
                self._write(data[i : i + 3])
                time.sleep(0.002)
        else:
            self._write(data)

    def _write(self, data: bytes) -> None:
        try:
            if self._client is not None:
                self._client.sendall(data)
            elif self._master >= 0:
                while data:
                    data = data[os.write(self._master, data) :]
        except BlockingIOError:
            pass  # nobody reads the pty: drop, as a real line would
        except OSError:
            if self._client is not None:
                self._client.close()
                self._client = None
