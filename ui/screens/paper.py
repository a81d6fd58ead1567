"""Stickers and receipts: render the PDF on the paper lane, then hand it to the printer service
(ui/printing.py), which prints in its own thread or saves the PDF when there is no printer.

Nothing here may hold up the counter: a missing printer, a missing document module or a
rendering error ends as a line in the status bar, never as a dialog.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QObject

from station.audit import Actor
from ui import workers
from ui.screens.common import error_text
from ui.session import Session


def _sticker_job(actor, tracking: str) -> tuple[bytes, str]:  # noqa: ANN001 - paper lane
    from station.services import paperwork

    path = paperwork.sticker_pdf(actor, tracking)
    return path.read_bytes(), str(path)


def _receipt_job(receipt_no: str) -> tuple[bytes, str]:
    from station.services import paperwork

    path = paperwork.receipt_pdf(receipt_no)
    return path.read_bytes(), str(path)


def stickers_enabled(session: Session) -> bool:
    return str(session.settings.value("printing/stickers", "true")) != "false"


def print_sticker(session: Session, owner: QObject, tracking: str,
                  actor: Actor | None = None) -> None:
    job = f"sticker-{tracking}"
    actor = actor or session.actor
    # Retry belongs to the session: the screen that asked may be gone by then.
    retry = lambda: print_sticker(session, session, tracking, actor)  # noqa: E731
    workers.run(_sticker_job, actor, tracking, owner=owner, lane="paper",
                on_done=lambda r: _submit(session, r, "label", job),
                on_error=lambda e: _failed(session, e, job, "label", retry))


def print_receipt(session: Session, owner: QObject, receipt_no: str) -> None:
    job = f"receipt-{receipt_no}"
    retry = lambda: print_receipt(session, session, receipt_no)  # noqa: E731
    workers.run(_receipt_job, receipt_no, owner=owner, lane="paper",
                on_done=lambda r: _submit(session, r, "receipt", job),
                on_error=lambda e: _failed(session, e, job, "receipt", retry))


def _submit(session: Session, result: tuple[bytes, str], kind: str, job: str) -> None:
    pdf, path = result
    service = session.print_service()
    if service is None:  # no printing support in this build: the PDF file is the paper
        session.last_print = QCoreApplication.translate("Paper", "Saved: {0}").format(path)
        session.device_changed.emit()
        return
    from ui.printing import DocKind

    service.submit(pdf, DocKind(kind), job_name=job)


def _failed(session: Session, error: BaseException, job: str = "", kind: str = "label",
            retry: Callable[[], None] | None = None) -> None:
    # The parcel is on the shelf (or handed over) either way; say so, keep the job in the
    # list of what did not print (Retry there), and carry on.
    session.last_print = QCoreApplication.translate("Paper", "Not printed: {0}").format(
        error_text(error))
    session.print_jobs.render_failed(job or kind, kind, error_text(error), retry)
    session.device_changed.emit()
