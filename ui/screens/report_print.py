"""A4 documents of the back office (hand-over manifests, stocktake reports): render on the
paper lane, then print on the report printer, or save the PDF when there is none. Like the
stickers (ui/screens/paper.py) nothing here can hold up the counter or raise a dialog."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject

from ui import workers
from ui.screens.common import error_text
from ui.session import Session

Job = Callable[..., tuple[bytes, str]]


def print_report(session: Session, owner: QObject, job: Job, *args: Any, job_name: str,
                 on_done: Callable[[str], None] | None = None) -> None:
    """``job(*args)`` runs on the paper lane and returns (pdf bytes, saved path)."""

    def done(result: tuple[bytes, str]) -> None:
        pdf, path = result
        service = session.print_service()
        if service is None:
            session.last_print = QCoreApplication.translate("Paper", "Saved: {0}").format(path)
            session.device_changed.emit()
        else:
            from ui.printing import DocKind

            service.submit(pdf, DocKind.REPORT, job_name=job_name)
        if on_done is not None:
            on_done(path)

    def failed(error: BaseException) -> None:
        session.last_print = QCoreApplication.translate("Paper", "Not printed: {0}").format(
            error_text(error))
        session.print_jobs.render_failed(
            job_name, "report", error_text(error),
            lambda: print_report(session, session, job, *args, job_name=job_name))
        session.device_changed.emit()

    workers.run(job, *args, owner=owner, lane="paper", on_done=done, on_error=failed)


def read_pdf(path: str) -> tuple[bytes, str]:
    """A document a service has already written."""
    from pathlib import Path

    return Path(path).read_bytes(), path
