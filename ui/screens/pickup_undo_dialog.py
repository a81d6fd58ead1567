"""Undo a pickup from a collected parcel's detail (owner, on the day of the hand-over).

The panel sits in the parcel detail: a button and a line saying why it cannot be used (a clerk,
another day). The dialog shows the whole hand-over the undo puts back (every parcel of the
receipt, the money to give back), asks for the reason, runs the undo in a worker and then says
where each parcel goes (slot and code) and what to give back. The core checks everything again.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from station import clock
from ui import workers
from ui.screens.common import error_text, method_text, money, short_time
from ui.session import Session

HINT_STYLE = "color: #6b7280;"
DONE_STYLE = "color: #15803d; font-weight: 700;"
BAD_STYLE = "color: #b91c1c; font-weight: 700;"


def _preview_job(actor, receipt_no: str) -> Any:  # noqa: ANN001, ANN401
    from station.services import pickup_undo

    return pickup_undo.preview(actor, receipt_no)


def _undo_job(actor, receipt_no: str, reason: str) -> Any:  # noqa: ANN001, ANN401
    from station.services import pickup_undo

    return pickup_undo.undo_pickup(actor, receipt_no, reason)


class UndoPickupDialog(QDialog):
    """Asks for the reason, undoes the hand-over, shows where the parcels go back."""

    undone = Signal(object)  # the UndoResult

    def __init__(self, session: Session, preview: Any, parent: QWidget | None = None) -> None:  # noqa: ANN401
        super().__init__(parent)
        self.session, self.preview, self.result = session, preview, None
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        self.reason = QLineEdit()
        self.reason.setMaxLength(200)
        self.reason.textChanged.connect(self._update)
        self.reason.returnPressed.connect(self.confirm)
        layout.addWidget(self.reason)
        self.outcome = QLabel()
        self.outcome.setWordWrap(True)
        layout.addWidget(self.outcome)
        self.buttons = QDialogButtonBox()
        self.undo_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.AcceptRole)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.undo_button.clicked.connect(self.confirm)
        self.close_button.clicked.connect(self.reject)
        layout.addWidget(self.buttons)
        self.retranslate()
        self._update()

    def _update(self) -> None:
        busy = self.result is not None or not self.reason.isEnabled()
        self.undo_button.setEnabled(bool(self.reason.text().strip()) and not busy)

    def confirm(self) -> None:
        reason = self.reason.text().strip()
        if self.result is not None or not reason or self.session.actor is None:
            return
        self.reason.setEnabled(False)
        self._update()
        self.outcome.setStyleSheet(HINT_STYLE)
        self.outcome.setText(self.tr("Undoing…"))
        workers.run(_undo_job, self.session.actor, self.preview.receipt_no, reason, owner=self,
                    on_done=self._done, on_error=self._failed)

    def _done(self, result: Any) -> None:  # noqa: ANN401
        self.result = result
        lines = [self.tr("Hand-over {0} is undone.").format(result.receipt_no)]
        for p in result.parcels:
            lines.append(self.tr("Put {0} back on {1}, pickup code {2}.").format(
                p.tracking, p.slot, p.pickup_code))
            if p.code_changed:
                lines.append(self.tr("{0} has a new code: print a new sticker and tell the "
                                     "recipient.").format(p.tracking))
            if p.over_capacity:
                lines.append(self.tr("{0} was full: it now holds one parcel more than it "
                                     "should. Move one if it does not fit.").format(p.slot))
        if result.refund_fen:
            lines.append(self.tr("Give {0} back to the customer ({1}).").format(
                money(result.refund_fen), method_text(result.method)))
        self.outcome.setStyleSheet(DONE_STYLE)
        self.outcome.setText("\n".join(lines))
        self.close_button.setText(self.tr("Close"))
        self._update()
        self.adjustSize()
        self.undone.emit(result)

    def _failed(self, error: BaseException) -> None:
        self.outcome.setStyleSheet(BAD_STYLE)
        self.outcome.setText(error_text(error))
        self.reason.setEnabled(True)
        self._update()
        self.adjustSize()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        p = self.preview
        self.setWindowTitle(self.tr("Undo pickup {0}").format(p.receipt_no))
        text = self.tr("Hand-over {0} ({1}, by {2}): {3} parcel(s) go back on the shelf: "
                       "{4}.").format(p.receipt_no, short_time(p.at), p.clerk, len(p.parcels),
                                      ", ".join(p.parcels))
        if p.refund_fen:
            text += " " + self.tr("{0} is reversed in the ledger and goes back to the "
                                  "customer ({1}).").format(money(p.refund_fen),
                                                            method_text(p.method))
        self.intro.setText(text)
        self.reason.setPlaceholderText(self.tr("Why? (e.g. handed to the wrong person)"))
        self.undo_button.setText(self.tr("Undo pickup"))
        if self.result is None:
            self.close_button.setText(self.tr("Cancel"))


class UndoPickupPanel(QWidget):
    """The button in the parcel detail, with the reason it cannot be used when it cannot."""

    undone = Signal(object)  # the UndoResult

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.data: dict[str, Any] | None = None
        self.dialog: UndoPickupDialog | None = None
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.button = QPushButton()
        self.button.clicked.connect(self.start)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet(HINT_STYLE)
        row.addWidget(self.button)
        row.addWidget(self.hint, 1)
        self.retranslate()
        self.show_for(None)

    def show_for(self, data: dict[str, Any] | None) -> None:
        self.data = data
        collected = bool(data and data.get("status") == "PICKED_UP" and data.get("receipt_no"))
        self.setVisible(collected)
        why = self.why_not() if collected else ""
        self.button.setEnabled(collected and not why)
        self.hint.setText(why)
        self.hint.setStyleSheet(HINT_STYLE)
        self.hint.setVisible(bool(why))

    def why_not(self) -> str:
        actor = self.session.actor
        if actor is None or not actor.is_owner:
            return self.tr("Only the owner can undo a pickup. Ask the owner to log in.")
        day = str((self.data or {}).get("picked_up_at") or "")[:10]
        if day != clock.local_day().isoformat():
            return self.tr("Collected on {0}: only a pickup of today can be undone. If the "
                           "parcel came back, take it in again.").format(day)
        return ""

    def start(self) -> None:
        if self.data is None or self.session.actor is None or self.why_not():
            return
        self.button.setEnabled(False)
        workers.run(_preview_job, self.session.actor, self.data["receipt_no"], owner=self,
                    on_done=self._open, on_error=self._failed)

    def _open(self, preview: Any) -> None:  # noqa: ANN401
        self.button.setEnabled(True)
        self.dialog = UndoPickupDialog(self.session, preview, parent=self)
        self.dialog.undone.connect(self.undone.emit)
        self.dialog.setModal(True)
        self.dialog.open()
        self.dialog.reason.setFocus()

    def _failed(self, error: BaseException) -> None:
        self.button.setEnabled(True)
        self.hint.setText(error_text(error))
        self.hint.setStyleSheet(BAD_STYLE)
        self.hint.setVisible(True)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.button.setText(self.tr("Undo pickup…"))
        if self.data is not None:
            self.show_for(self.data)
