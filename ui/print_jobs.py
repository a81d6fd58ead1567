"""What became of each sticker, receipt and report that did not reach paper.

A failed print used to be one status-bar line that vanished after eight seconds. Now every
failure stays in a list until it is printed again or dismissed: the status bar shows
"Not printed: N" and opens the list, where Retry sends the job again (the saved PDF, or the
render job itself when rendering failed). A counter with no printer set is told so once, in
plain words; after that its PDFs are simply saved, which is what it asked for.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Signal

MAX_KEPT = 200  # a printer that is off all day must not grow the list without end


@dataclass
class PrintTrouble:
    job: str  # e.g. "sticker-SF1400000000001"
    kind: str  # label / receipt / report
    message: str
    saved_to: Path | None = None
    retry: Callable[[], None] | None = None
    at: datetime = field(default_factory=datetime.now)


class PrintJobs(QObject):
    changed = Signal()  # the list of troubles grew or shrank
    notice = Signal(str)  # something the clerk must read once (no printer set)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.troubles: list[PrintTrouble] = []
        self._told_no_printer = False
        self.resubmit: Callable[[bytes, str, str], None] | None = None  # (pdf, kind, job)

    def count(self) -> int:
        return len(self.troubles)

    # -- what comes back from the printer service -----------------------------------------
    def result(self, result: Any) -> None:
        """A PrintResult from ui.printing.PrintService."""
        if result.printed or not result.printer:
            self._forget(result.job_name)
        if result.printed:
            return
        if not result.printer:
            if not self._told_no_printer:
                self._told_no_printer = True
                folder = result.saved_to.parent if result.saved_to else ""
                self.notice.emit(QCoreApplication.translate(
                    "PrintJobs",
                    "No printer is set up on this counter, so stickers and receipts are saved "
                    "as PDF files in {0}. To print them, choose the printers in Settings (F9) "
                    "→ This counter.").format(folder))
            return
        retry = None
        if result.saved_to is not None:
            saved, kind, job = Path(result.saved_to), result.kind, result.job_name
            retry = lambda: self._print_again(saved, kind, job)  # noqa: E731
        self._add(PrintTrouble(result.job_name, result.kind, result.message,
                               result.saved_to, retry))

    def render_failed(self, job: str, kind: str, message: str,
                      retry: Callable[[], None] | None) -> None:
        """Rendering the PDF itself failed: Retry runs the whole job again."""
        self._add(PrintTrouble(job, kind, message, None, retry))

    # -- the clerk's answers ---------------------------------------------------------------
    def retry(self, index: int) -> None:
        trouble = self.troubles.pop(index)
        self.changed.emit()
        if trouble.retry is not None:
            trouble.retry()

    def retry_all(self) -> None:
        for _ in range(len(self.troubles)):
            self.retry(0)

    def dismiss(self, index: int) -> None:
        del self.troubles[index]
        self.changed.emit()

    # -- inside --------------------------------------------------------------------------
    def _print_again(self, saved: Path, kind: str, job: str) -> None:
        try:
            pdf = saved.read_bytes()
        except OSError as exc:
            self._add(PrintTrouble(job, kind, str(exc), None, None))
            return
        if self.resubmit is not None:
            self.resubmit(pdf, kind, job)

    def _add(self, trouble: PrintTrouble) -> None:
        self.troubles = [t for t in self.troubles if t.job != trouble.job]
        self.troubles.append(trouble)
        del self.troubles[:-MAX_KEPT]
        self.changed.emit()

    def _forget(self, job: str) -> None:
        before = len(self.troubles)
        self.troubles = [t for t in self.troubles if t.job != job]
        if len(self.troubles) != before:
            self.changed.emit()
