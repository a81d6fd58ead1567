"""Parts of the stocktake screen: the result of a reconcile (missing, misplaced, unknown with
"Take in", recovered) and the owner's sign-off dialog (note + signature)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui import workers
from ui.screens.common import error_text, short_time
from ui.screens.intake_feedback import collected_text
from ui.screens.report_print import print_report, read_pdf
from ui.session import Session
from ui.widgets.signature_pad import SignaturePad


def _left_job(text: str) -> Any:  # noqa: ANN401 - LeftParcel | None
    from station.domain.carriers import normalize_tracking
    from station.errors import StationError
    from station.services.collected import left_parcel

    try:
        return left_parcel(normalize_tracking(text))
    except StationError:
        return None


def _signoff_job(actor, seq: int, note: str, signature: bytes | None) -> Any:  # noqa: ANN001, ANN401
    from station.services import stocktake_signoff

    return stocktake_signoff.sign_off(actor, seq, note=note, signature_png=signature)


class ResultPanel(QGroupBox):
    """What a preview or a finished stocktake found."""

    intake_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.result: Any = None
        root = QVBoxLayout(self)
        self.headline = QLabel()
        self.headline.setWordWrap(True)
        self.headline.setStyleSheet("font-size: 12pt; font-weight: 600;")
        root.addWidget(self.headline)
        lists = QHBoxLayout()
        self.titles: dict[str, QLabel] = {}
        self.lists: dict[str, QListWidget] = {}
        for name in ("missing", "misplaced", "unknown", "recovered"):
            col = QVBoxLayout()
            title = QLabel()
            title.setStyleSheet("font-weight: 700;")
            items = QListWidget()
            items.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            col.addWidget(title)
            col.addWidget(items, 1)
            self.titles[name], self.lists[name] = title, items
            lists.addLayout(col, 1)
        root.addLayout(lists, 1)
        self.take_in_button = QPushButton()
        self.take_in_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.take_in_button.clicked.connect(self._take_in)
        self.lists["unknown"].itemDoubleClicked.connect(lambda _i: self._take_in())
        root.addWidget(self.take_in_button, 0, Qt.AlignmentFlag.AlignRight)
        self.retranslate()
        self.show_result(None)
        self.setMaximumHeight(260)

    def show_result(self, result: Any) -> None:  # noqa: ANN401 - StocktakeResult | None
        self.result = result
        for items in self.lists.values():
            items.clear()
        self.setVisible(result is not None)
        if result is None:
            self.retranslate()
            return
        self.lists["missing"].addItems(result.missing)
        for m in result.misplaced:
            where = m.found_slot or self.tr("this shelf (no slot marked)")
            if m.moved:
                what = self.tr("moved")
            elif m.found_slot and not result.applied:
                what = self.tr("will be moved")
            else:
                what = self.tr("put it back by hand")
            self.lists["misplaced"].addItem(f"{m.tracking}: {m.expected_slot or '—'} → {where}"
                                            f" ({what})")
        left = {c.tracking: c for c in getattr(result, "collected", [])}
        for tracking in result.unknown:
            info = left.get(tracking)
            item = QListWidgetItem(tracking if info is None else self.tr(
                "{0} — already left the station: do not take it in").format(tracking))
            item.setData(Qt.ItemDataRole.UserRole, "" if info else tracking)
            if info is not None:
                item.setToolTip(collected_text(info))
                item.setForeground(QColor("#b91c1c"))
            self.lists["unknown"].addItem(item)
        self.lists["recovered"].addItems(result.recovered)
        if result.applied:
            text = self.tr("Done: expected {0}, found {1}. {2} marked MISSING, {3} misplaced, "
                           "{4} unknown, {5} found again.")
        else:
            text = self.tr("Preview (nothing changed yet): expected {0}, found {1}. {2} would be "
                           "marked MISSING, {3} misplaced, {4} unknown, {5} found again.")
        text = text.format(result.expected, result.found, len(result.missing),
                           len(result.misplaced), len(result.unknown), len(result.recovered))
        self.headline.setText("\n".join([text] + [collected_text(c) for c in left.values()]))
        self.retranslate()

    def _take_in(self) -> None:
        item = self.lists["unknown"].currentItem()
        if item is None and self.lists["unknown"].count():
            item = self.lists["unknown"].item(0)
        if item is None:
            return
        tracking = item.data(Qt.ItemDataRole.UserRole)
        if tracking:
            self.intake_requested.emit(tracking)
        else:  # it already left: said in the headline, never taken in from here
            self.headline.setText(item.toolTip())

    def check_left(self, text: str, say: Any) -> None:  # noqa: ANN401
        """A scan the shelves do not know: if that number already left the station, say who
        took it and when (a warning, not "put it aside for intake")."""
        workers.run(_left_job, text, owner=self,
                    on_done=lambda info: say("warn", collected_text(info)) if info else None)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.setTitle(self.tr("Result"))
        names = {"missing": self.tr("Missing"), "misplaced": self.tr("Misplaced"),
                 "unknown": self.tr("Unknown (not at the station)"),
                 "recovered": self.tr("Found again")}
        for key, title in self.titles.items():
            title.setText(f"{names[key]} ({self.lists[key].count()})")
        self.take_in_button.setText(self.tr("Take in the selected unknown parcel…"))
        self.take_in_button.setEnabled(bool(self.result is not None and self.result.applied
                                            and self.lists["unknown"].count()))


class SignOffDialog(QDialog):
    """The owner's sign-off of a finished stocktake: a note and a signature."""

    def __init__(self, summary: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Sign off the stocktake"))
        self.setMinimumWidth(520)
        root = QVBoxLayout(self)
        info = QLabel(summary)
        info.setWordWrap(True)
        root.addWidget(info)
        root.addWidget(QLabel(self.tr("Note (optional)")))
        self.note = QLineEdit()
        self.note.setMaxLength(500)
        root.addWidget(self.note)
        self.signature = SignaturePad()
        self.signature.hint = self.tr("Owner signs here")
        root.addWidget(self.signature, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Sign off"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        root.addWidget(buttons)


class SignOffBar(QWidget):
    """The newest stocktake that waits for the owner's sign-off, and the button to do it."""

    told = Signal(str, str)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.record: Any = None  # stocktake_signoff.StocktakeRecord | None
        self.busy = False
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.button = QPushButton()
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.button.clicked.connect(lambda: self.sign_off())
        row.addWidget(self.label, 1)
        row.addWidget(self.button)
        session.actor_changed.connect(lambda _actor: self._refresh())
        self.retranslate()

    def set_record(self, record: Any) -> None:  # noqa: ANN401
        self.record = record
        self._refresh()

    def _refresh(self) -> None:
        record, owner = self.record, self.session.is_owner
        if record is None:
            self.label.setText(self.tr("Every stocktake is signed off."))
        else:
            scope = self.tr("shelf {0}").format(record.shelf) if record.shelf else \
                self.tr("the whole station")
            self.label.setText(self.tr(
                "Stocktake #{0} ({1}, {2}, by {3}) waits for the owner's sign-off.").format(
                record.seq, scope, short_time(record.at), record.by))
        self.button.setVisible(record is not None)
        self.button.setEnabled(owner and not self.busy)
        self.button.setToolTip("" if owner else self.tr("Only the owner signs off a stocktake."))

    def sign_off(self, note: str | None = None, signature: bytes | None = None) -> None:
        """Open the sign-off dialog (or, with ``note`` given, sign off directly)."""
        record = self.record
        if record is None or self.busy:
            return
        if note is None:
            dialog = SignOffDialog(self.label.text(), self.window())
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return
            note, signature = dialog.note.text(), dialog.signature.to_png()
        self.busy = True
        self._refresh()
        workers.run(_signoff_job, self.session.actor, record.seq, note, signature, owner=self,
                    on_done=self._signed, on_error=self._failed)

    def _signed(self, result: Any) -> None:  # noqa: ANN401 - SignOffResult
        self.busy = False
        self.set_record(None)
        self.told.emit("ok", self.tr("Stocktake #{0} signed off. Report: {1}").format(
            result.record.seq, result.pdf))
        print_report(self.session, self, read_pdf, result.pdf,
                     job_name=f"stocktake-{result.record.seq}")

    def _failed(self, error: BaseException) -> None:
        self.busy = False
        self._refresh()
        self.told.emit("error", error_text(error))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.button.setText(self.tr("Owner sign-off…"))
        self._refresh()
