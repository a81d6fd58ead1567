"""Keep reading a scale in a plain background thread (no Qt), and survive unplugging.

:class:`ScaleMonitor` opens the scale with the ``opener`` it was given, polls
``read_live()``, and hands every changed :class:`Reading` to ``on_reading`` (called from the
monitor thread: a GUI must hop to its own thread, see ``ui/scale_worker.py``). When the port
fails, it publishes ``no_answer`` with the reason, closes the driver and reopens it with an
exponential back-off until the scale is back. Zero and tare are queued and run on the monitor
thread so that only one thread ever touches the port; they return a
:class:`concurrent.futures.Future`.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from station.devices.scale.base import NO_ANSWER, Reading, Scale, ScaleDisconnected, ScaleError
from station.errors import StationError
from station.i18n import tr

log = logging.getLogger(__name__)


class ScaleMonitor:
    def __init__(
        self,
        opener: Callable[[], Scale],
        on_reading: Callable[[Reading], None],
        *,
        poll_interval: float = 0.15,
        min_backoff: float = 0.25,
        max_backoff: float = 5.0,
        reopen_after_silence: int = 20,
        publish_every: float | None = None,
    ) -> None:
        """``reopen_after_silence``: after that many ``no_answer`` polls in a row the port is
        reopened (a USB adapter that came back under the same name). ``publish_every``: also
        republish an unchanged reading at this interval (seconds), e.g. as a heartbeat."""
        self._opener = opener
        self._on_reading = on_reading
        self.poll_interval = poll_interval
        self.min_backoff = min_backoff
        self.max_backoff = max_backoff
        self.reopen_after_silence = reopen_after_silence
        self.publish_every = publish_every
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._jobs: queue.Queue[tuple[Callable[[Scale], Any], Future[Any]]] = queue.Queue()
        self._cond = threading.Condition()
        self._latest: Reading | None = None
        self.scale: Scale | None = None
        self.identity: str | None = None
        self.connects = 0

    # -- public ------------------------------------------------------------------------
    @property
    def latest(self) -> Reading | None:
        return self._latest

    @property
    def connected(self) -> bool:
        return self.scale is not None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        if self.running:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="scale-monitor", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 3.0) -> None:
        self._stop.set()
        with self._cond:
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout)
        self._close()
        while not self._jobs.empty():
            _, fut = self._jobs.get_nowait()
            fut.set_exception(ScaleError(tr("the scale monitor stopped")))

    def zero(self) -> Future[Any]:
        return self.submit(lambda scale: scale.zero())

    def tare(self) -> Future[Any]:
        return self.submit(lambda scale: scale.tare())

    def submit(self, job: Callable[[Scale], Any]) -> Future[Any]:
        """Run ``job(scale)`` on the monitor thread; fails if there is no scale right now."""
        fut: Future[Any] = Future()
        if not self.running:
            fut.set_exception(ScaleError(tr("the scale monitor is stopped")))
            return fut
        self._jobs.put((job, fut))
        with self._cond:
            self._cond.notify_all()
        return fut

    def wait_stable(self, timeout: float) -> Reading:
        """Block (not on a GUI thread!) until a usable reading is published or ``timeout``;
        returns the last reading then, or ``no_answer``."""
        with self._cond:
            ok = self._cond.wait_for(
                lambda: (self._latest is not None and self._latest.usable) or self._stop.is_set(),
                timeout,
            )
            if ok and self._latest is not None:
                return self._latest
            return self._latest or Reading.no_answer()

    # -- the thread ------------------------------------------------------------------------
    def _publish(self, reading: Reading, *, force: bool = False) -> bool:
        """Store ``reading``; tell the listener if it changed (or ``force``)."""
        with self._cond:
            changed = reading != self._latest
            self._latest = reading
            self._cond.notify_all()
        if not (changed or force):
            return False
        try:
            self._on_reading(reading)
        except Exception:  # a broken listener must not kill the scale thread
            log.exception("scale reading listener failed")
        return True

    def _close(self) -> None:
        if self.scale is not None:
            try:
                self.scale.close()
            except Exception:
                log.debug("closing the scale failed", exc_info=True)
            finally:
                self.scale = None

    def _sleep(self, seconds: float) -> None:
        with self._cond:
            self._cond.wait_for(lambda: self._stop.is_set() or not self._jobs.empty(), seconds)

    def _run_jobs(self) -> None:
        while not self._jobs.empty():
            job, fut = self._jobs.get_nowait()
            if not fut.set_running_or_notify_cancel():
                continue
            if self.scale is None:
                fut.set_exception(ScaleDisconnected(tr("the scale is not connected")))
                continue
            try:
                fut.set_result(job(self.scale))
            except ScaleDisconnected as exc:
                fut.set_exception(exc)
                raise
            except Exception as exc:
                fut.set_exception(exc)

    def _run(self) -> None:
        backoff = self.min_backoff
        silent = 0
        last_publish = 0.0
        while not self._stop.is_set():
            if self.scale is None:
                try:
                    self.scale = self._opener()
                except (StationError, OSError) as exc:
                    self._publish(
                        Reading.no_answer(tr("scale not connected: {reason}", reason=_reason(exc)))
                    )
                    self._run_jobs()  # fail queued jobs at once
                    self._sleep(backoff)
                    backoff = min(backoff * 2, self.max_backoff)
                    continue
                self.connects += 1
                backoff, silent = self.min_backoff, 0
            try:
                self._run_jobs()
                reading = self.scale.read_live()
            except ScaleDisconnected as exc:
                self._close()
                self._publish(
                    Reading.no_answer(tr("scale disconnected: {reason}", reason=_reason(exc)))
                )
                continue
            except ScaleError as exc:
                reading = Reading.error(_reason(exc))
            except Exception as exc:  # a driver bug or an odd OS error: start over
                log.exception("scale driver failed")
                self._close()
                self._publish(Reading.no_answer(tr("scale failed: {reason}", reason=_reason(exc))))
                self._sleep(backoff)
                backoff = min(backoff * 2, self.max_backoff)
                continue
            silent = silent + 1 if reading.status == NO_ANSWER else 0
            now = time.monotonic()
            heartbeat = self.publish_every is not None and now - last_publish >= self.publish_every
            if self._publish(reading, force=heartbeat):
                last_publish = now
            if silent >= self.reopen_after_silence:
                self._close()
                silent = 0
                self._sleep(backoff)
                continue
            self._sleep(self.poll_interval)
        self._close()


def _reason(exc: BaseException) -> str:
    return getattr(exc, "message", None) or str(exc) or type(exc).__name__
