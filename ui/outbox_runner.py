"""Starts the recipient-message sender (station.services.outbox.OutboxWorker) for a session.

The worker is a plain daemon thread with its own database connection: it sends due messages
every ``interval`` seconds, queues reminders, and retries with backoff. Nothing here waits on
it: starting returns at once, an intake only wakes it (``parcels_changed``), and the stop
callable only asks it to end (joining for at most ``join_seconds``, at shutdown).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from ui.session import Session

log = logging.getLogger(__name__)

WORKER_ATTR = "outbox_worker"


def start_outbox_worker(
    session: Session,
    *,
    interval: float = 30.0,
    reminders_every: float | None = 900.0,
    channels: Any = None,
    join_seconds: float = 3.0,
) -> Callable[[], None]:
    """Start the sender for ``session`` (at most one per session) and return a callable that
    stops it. Never raises: a sender that cannot start means messages wait in the outbox."""
    existing = getattr(session, WORKER_ATTR, None)
    if existing is not None and existing.is_alive():
        return lambda: _stop(session, existing, join_seconds)
    try:
        from station.services.outbox import OutboxWorker

        worker = OutboxWorker(channels, interval=interval, reminders_every=reminders_every)
        worker.start()
    except Exception:  # noqa: BLE001 - optional: the counter works without it
        log.exception("the outbox sender could not start")
        return lambda: None
    setattr(session, WORKER_ATTR, worker)

    def wake() -> None:
        if worker.is_alive():
            worker.wake()  # sets an Event: never blocks

    session.parcels_changed.connect(wake)
    worker_wake = wake

    def stop() -> None:
        try:
            session.parcels_changed.disconnect(worker_wake)
        except (RuntimeError, TypeError):
            pass
        _stop(session, worker, join_seconds)

    return stop


def _stop(session: Session, worker: Any, join_seconds: float) -> None:
    worker.stop(timeout=join_seconds)
    if getattr(session, WORKER_ATTR, None) is worker:
        setattr(session, WORKER_ATTR, None)


def wake_outbox(session: Session) -> None:
    """Send now (e.g. after the owner retried a message)."""
    worker = getattr(session, WORKER_ATTR, None)
    if worker is not None and worker.is_alive():
        worker.wake()
