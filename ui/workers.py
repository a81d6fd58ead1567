"""Background calls to the core services, reported back on the GUI thread (Anki's habit).

Every service call from a screen goes through :func:`run`: the call runs on a worker thread,
and ``on_done`` / ``on_error`` run later on the GUI thread, so the window never freezes on a
slow disk, a busy database or a 50 ms PIN hash.

Database work runs on ONE long-lived thread (the ``db`` lane). That keeps the calls in the
order the clerk made them (scan 1 is taken in before scan 2), gives peewee one connection
for the thread's whole life, and never has two of our own threads fighting for SQLite's write
lock. Printing and PDF rendering use a second lane (``paper``) so a slow printer never holds
up the next intake.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from station.errors import StationError

log = logging.getLogger(__name__)

Done = Callable[[Any], None]
Failed = Callable[[BaseException], None]

_pools: dict[str, QThreadPool] = {}
_live: set[_Relay] = set()  # keeps each relay alive until Qt has deleted it
_pending = 0


def pool(lane: str) -> QThreadPool:
    if lane not in _pools:
        p = QThreadPool()
        p.setMaxThreadCount(1)  # FIFO, one connection, no self-inflicted lock waits
        p.setExpiryTimeout(-1)  # keep the thread (and its database connection) alive
        _pools[lane] = p
    return _pools[lane]


class _Relay(QObject):
    """Lives on the GUI thread; the worker emits, Qt queues the call over to this thread."""

    finished = Signal(object, object)
    progressed = Signal(object)

    def __init__(self, owner: QObject | None, done: Done | None, failed: Failed | None,
                 progress: Callable[[Any], None] | None) -> None:
        super().__init__()
        self.owner, self.done, self.failed, self.progress = owner, done, failed, progress
        self.cancelled = False
        self.finished.connect(self._deliver)
        self.progressed.connect(self._progress)

    def _owner_gone(self) -> bool:
        return self.owner is not None and not shiboken6.isValid(self.owner)

    @Slot(object, object)
    def _deliver(self, result: Any, error: BaseException | None) -> None:
        global _pending
        _pending -= 1
        # Never drop the last reference inside our own slot: Qt deletes us once it is out.
        self.deleteLater()
        if self.cancelled or self._owner_gone():
            return
        try:
            if error is None:
                if self.done is not None:
                    self.done(result)
            elif self.failed is not None:
                self.failed(error)
            else:
                log.error("unhandled background error: %s", describe_error(error))
        finally:
            self.owner = self.done = self.failed = self.progress = None

    @Slot(object)
    def _progress(self, value: Any) -> None:
        if self.progress is not None and not self.cancelled and not self._owner_gone():
            self.progress(value)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self.fn, self.relay = fn, relay
        self.setAutoDelete(True)

    def run(self) -> None:  # worker thread: touch no widget here
        if self.relay.cancelled:
            self.relay.finished.emit(None, None)
            return
        try:
            result, error = self.fn(), None
        except StationError as exc:
            result, error = None, exc
        except BaseException as exc:  # a bug: keep the details in the log, not in a dialog
            log.error("background call failed:\n%s", traceback.format_exc())
            result, error = None, exc
        self.relay.finished.emit(result, error)


class Handle:
    """What :func:`run` returns: cancel() drops the answer (the call itself still finishes)."""

    def __init__(self, relay: _Relay) -> None:
        self._relay = relay

    def cancel(self) -> None:
        self._relay.cancelled = True

    @property
    def report(self) -> Callable[[Any], None]:
        """For long jobs: call from the worker to send progress to the GUI thread."""
        return self._relay.progressed.emit


def run(
    fn: Callable[..., Any],
    *args: Any,
    owner: QObject | None = None,
    on_done: Done | None = None,
    on_error: Failed | None = None,
    on_progress: Callable[[Any], None] | None = None,
    lane: str = "db",
    **kwargs: Any,
) -> Handle:
    """Run ``fn(*args, **kwargs)`` in the background. The callbacks are skipped if ``owner``
    (usually the screen) has been deleted by the time the answer comes back."""
    global _pending
    for dead in [r for r in _live if not shiboken6.isValid(r)]:
        _live.discard(dead)
    relay = _Relay(owner, on_done, on_error, on_progress)
    _live.add(relay)
    _pending += 1
    pool(lane).start(_Job(lambda: fn(*args, **kwargs), relay))
    return Handle(relay)


def pending() -> int:
    """Calls whose answer has not been delivered yet (tests wait for 0)."""
    return _pending


def idle() -> bool:
    return _pending == 0


def wait_done(lane: str | None = None, msecs: int = 30_000) -> bool:
    """Block until the lane's queue is empty (shutdown and benchmarks; never from a screen)."""
    lanes = [lane] if lane else list(_pools)
    return all(pool(name).waitForDone(msecs) for name in lanes)


def describe_error(error: BaseException) -> str:
    """The clerk-facing text of a failure: a StationError's own message; for anything else
    a short line (the traceback is in the log)."""
    if isinstance(error, StationError):
        return error.message
    return f"Unexpected problem ({type(error).__name__}): {error}"
