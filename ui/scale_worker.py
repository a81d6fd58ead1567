"""The scale, off the GUI thread: a Qt face for :class:`station.devices.scale.monitor.ScaleMonitor`.

The monitor polls the scale in its own thread and reconnects when the scale comes back;
this wrapper re-emits each changed reading as ``reading(Reading)`` on the GUI thread, so the
status bar and the intake screen just connect to it::

    worker = ScaleWorker(ScaleConfig(port="COM3", protocol="mt-sics"))
    worker.reading.connect(weight_display.set_reading)
    worker.start()
    ...
    grams = worker.stable_weight_g()   # None unless the scale is settled on a weight
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

from station.devices.scale.base import Reading, Scale
from station.devices.scale.monitor import ScaleMonitor
from station.devices.scale.registry import ScaleConfig, open_scale


class ScaleWorker(QObject):
    reading = Signal(object)  # Reading, on the GUI thread
    connectedChanged = Signal(bool)  # noqa: N815 - Qt naming
    commandFinished = Signal(str, object)  # noqa: N815 - (command, result) of zero/tare/identify
    commandFailed = Signal(str, str)  # noqa: N815 - (command, message for the clerk)

    _relay = Signal(object, object)  # (the monitor it came from, Reading)
    _job_done = Signal(str, object, object)

    def __init__(
        self,
        config: ScaleConfig | None = None,
        parent: QObject | None = None,
        *,
        opener: Callable[[], Scale] | None = None,
        poll_interval: float = 0.15,
        max_backoff: float = 5.0,
    ) -> None:
        """``opener`` replaces ``open_scale(config)`` (tests, odd set-ups)."""
        super().__init__(parent)
        self.config = config
        self._opener = opener
        self.poll_interval = poll_interval
        self.max_backoff = max_backoff
        self._monitor: ScaleMonitor | None = None
        self._latest: Reading | None = None
        self._connected = False
        self._relay.connect(self._on_relay)
        self._job_done.connect(self._on_job_done)

    # -- state -------------------------------------------------------------------------
    @property
    def latest(self) -> Reading | None:
        return self._latest

    @property
    def running(self) -> bool:
        return self._monitor is not None and self._monitor.running

    @property
    def connected(self) -> bool:
        return self._connected

    def stable_weight_g(self) -> int | None:
        """The weight to record now, or None (moving, no scale, overload …)."""
        latest = self._latest
        return latest.weight_g if latest is not None and latest.usable else None

    # -- control ---------------------------------------------------------------------------
    def configure(self, config: ScaleConfig | None) -> None:
        """Use another port/protocol; restarts if running. ``None`` means no scale."""
        was_running = self.running
        self.stop()
        self.config = config
        if was_running and config is not None:
            self.start()

    def start(self) -> None:
        if self.running:
            return
        opener = self._opener
        if opener is None:
            if self.config is None:
                return
            config = self.config
            opener = lambda: open_scale(config)  # noqa: E731
        holder: list[ScaleMonitor] = []
        self._monitor = ScaleMonitor(
            opener,
            lambda reading: self._relay.emit(holder[0] if holder else None, reading),
            poll_interval=self.poll_interval,
            max_backoff=self.max_backoff,
        )
        holder.append(self._monitor)
        self._monitor.start()

    def stop(self) -> None:
        monitor, self._monitor = self._monitor, None
        if monitor is not None:
            monitor.stop()
        if self._connected:
            self._connected = False
            self.connectedChanged.emit(False)

    def zero(self) -> None:
        self._submit("zero", lambda scale: scale.zero())

    def tare(self) -> None:
        self._submit("tare", lambda scale: scale.tare())

    def identify(self) -> None:
        self._submit("identify", lambda scale: scale.identify())

    def _submit(self, name: str, job: Callable[[Scale], Any]) -> None:
        if self._monitor is None:
            self.commandFailed.emit(name, self.tr("No scale is set up."))
            return
        future = self._monitor.submit(job)
        future.add_done_callback(lambda fut: self._job_done.emit(name, fut, None))

    # -- GUI-thread slots ------------------------------------------------------------------
    @Slot(object, object)
    def _on_relay(self, monitor: ScaleMonitor | None, reading: Reading) -> None:
        if self._monitor is None or monitor is not self._monitor:
            return  # from a monitor stopped (or replaced) while the reading was on its way
        self._latest = reading
        connected = self._monitor.connected
        if connected != self._connected:
            self._connected = connected
            self.connectedChanged.emit(connected)
        self.reading.emit(reading)

    @Slot(str, object, object)
    def _on_job_done(self, name: str, future: Future[Any], _unused: object) -> None:
        exc = future.exception()
        if exc is None:
            self.commandFinished.emit(name, future.result())
        else:
            message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
            self.commandFailed.emit(name, message)
