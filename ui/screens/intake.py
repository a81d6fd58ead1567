"""Intake (F1, 入库): scan, and the parcel is on the shelf.

A scan goes to the worker thread at once and the scan field is free for the next one; the
answers come back in scan order (one database lane). A manifest number is taken in on the
spot; an unknown number opens the recipient form (further scans queue behind it); a repeat
scan only shows where the parcel already is. Stickers are rendered and printed on the paper
lane, so a slow printer never holds up the queue.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from station.domain.sizes import SIZES
from station.services.views import ParcelView
from ui import workers
from ui.screens import paper
from ui.screens.common import error_text, size_text
from ui.screens.intake_feedback import IntakeFeedback
from ui.screens.intake_form import DamageDialog, Pending, RecipientForm, TakenList
from ui.screens.intake_jobs import intake_job, scan_job, undo_job
from ui.session import Session
from ui.widgets.banner import Banner
from ui.widgets.scan_field import ScanLineEdit

DEFAULT_SIZE = "M"


class IntakeScreen(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.inflight = 0  # scans sent to the worker and not answered yet
        self.waiting: list[Pending] = []  # unknown numbers behind the one in the form
        self.taken: list[ParcelView] = []  # this session's intakes, oldest first
        self.damage_note = ""
        self.print_stickers = paper.stickers_enabled(session)
        self._build()
        self.retranslate()

    # -- layout -----------------------------------------------------------------------------
    def _build(self) -> None:
        root = QVBoxLayout(self)
        scan_row = QHBoxLayout()
        self.scan_label = QLabel()
        self.scan_label.setStyleSheet("font-size: 14pt; font-weight: 600;")
        self.scan_field = ScanLineEdit(self)
        self.scan_field.setMinimumHeight(48)
        self.scan_field.setStyleSheet("font-size: 20pt; padding: 4px 8px;")
        self.scan_field.scanned.connect(self.on_scan)
        scan_row.addWidget(self.scan_label)
        scan_row.addWidget(self.scan_field, 1)
        self.size_label = QLabel()
        scan_row.addWidget(self.size_label)
        self.size_group = QButtonGroup(self)
        self.size_buttons: dict[str, QPushButton] = {}
        for i, size in enumerate(SIZES):
            button = QPushButton(size)
            button.setCheckable(True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setMinimumWidth(44)
            button.setStyleSheet("QPushButton:checked { background: #2563eb; color: white; "
                                 "font-weight: 700; }")
            self.size_group.addButton(button)
            self.size_buttons[size] = button
            scan_row.addWidget(button)
            QShortcut(QKeySequence(f"Ctrl+{i + 1}"), self).activated.connect(
                lambda s=size: self.set_size(s))
        self.size_buttons[DEFAULT_SIZE].setChecked(True)
        root.addLayout(scan_row)

        self.banner = Banner(big=True)
        root.addWidget(self.banner)
        self.feedback = IntakeFeedback(self.session, self.banner)
        self.big = self.feedback.big

        middle = QHBoxLayout()
        self.form = RecipientForm(self.session)
        self.form.submitted.connect(self.submit_form)
        self.form.cancelled.connect(self.skip_form)
        self.form.scan_typed.connect(self.on_scan)
        middle.addWidget(self.form, 5)
        right = QVBoxLayout()
        right.addWidget(self.feedback, 1)
        self.damage_chip = QLabel()
        self.damage_chip.setWordWrap(True)
        self.damage_chip.setStyleSheet("background: #fee2e2; color: #7f1d1d; border-radius: 4px;"
                                       " padding: 4px; font-weight: 600;")
        self.damage_chip.hide()
        right.addWidget(self.damage_chip)
        self.weight_box = None
        self.right = right
        self._ensure_weight_box()
        self.session.device_changed.connect(self._ensure_weight_box)
        middle.addLayout(right, 4)
        root.addLayout(middle, 3)

        tools = QHBoxLayout()
        self.count_label = QLabel()
        self.count_label.setStyleSheet("font-weight: 600;")
        tools.addWidget(self.count_label, 1)
        self.damage_button = QPushButton()
        self.damage_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.damage_button.clicked.connect(self.open_damage)
        self.undo_button = QPushButton()
        self.undo_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.undo_button.clicked.connect(self.undo_last)
        self.undo_button.setEnabled(False)
        tools.addWidget(self.damage_button)
        tools.addWidget(self.undo_button)
        root.addLayout(tools)
        QShortcut(QKeySequence("F6"), self).activated.connect(self.open_damage)
        QShortcut(QKeySequence("Ctrl+Z"), self).activated.connect(self.undo_last)
        # The scan field would take Ctrl+Z as its own text undo; at this counter it means
        # "undo the last intake" wherever the focus is.
        self.scan_field.installEventFilter(self)

        self.table = TakenList(self.session)
        root.addWidget(self.table, 2)

    def _ensure_weight_box(self) -> None:
        """The live weight under the big code, once a scale is attached."""
        if self.weight_box is not None or not self.session.has_scale:
            return
        from ui.widgets.weight_display import WeightDisplay

        self.weight_box = WeightDisplay()
        self.session.scale.reading.connect(self.weight_box.set_reading)
        self.weight_box.set_reading(getattr(self.session.scale, "latest", None))
        self.right.addWidget(self.weight_box)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if (obj is self.scan_field and event.type() == QEvent.Type.KeyPress
                and isinstance(event, QKeyEvent) and event.matches(QKeySequence.StandardKey.Undo)):
            self.undo_last()
            return True
        return False

    # -- focus -------------------------------------------------------------------------------
    def activate(self) -> None:
        if self.form.pending is None or not self.form.isEnabled():
            self.scan_field.setFocus()
        elif not self.form.isAncestorOf(self.focusWidget()):
            self.form.start()

    def set_size(self, size: str) -> None:
        self.size_buttons[size].setChecked(True)
        self.banner.show_message("info", self.tr("Size for the next scan: {0}").format(
            size_text(size)))

    def current_size(self) -> str:
        return next((s for s, b in self.size_buttons.items() if b.isChecked()), DEFAULT_SIZE)

    def take_size(self) -> str:
        """The size chosen for this scan; the next one starts from the default again (a size
        chosen for one big parcel must not stick to the forty small ones after it)."""
        size = self.current_size()
        self.size_buttons[DEFAULT_SIZE].setChecked(True)
        return size

    # -- scanning ----------------------------------------------------------------------------
    def on_scan(self, text: str) -> None:
        text = text.strip()
        if not text or self.session.actor is None:
            return
        if self._is_waiting(text):
            self.banner.show_message("warn", self.tr("{0} is already waiting for the "
                                                     "recipient's details.").format(text))
            return
        self.inflight += 1
        note, self.damage_note = self.damage_note, ""
        self._show_damage()
        size = self.take_size()
        self.banner.show_message("info", self.tr("Checking {0}…").format(text))
        workers.run(scan_job, self.session.actor, text, self.session.stable_weight(),
                    size, note or None, owner=self,
                    on_done=lambda r, note=note, size=size: self._scanned(r, note, size),
                    on_error=lambda e, t=text, note=note: self._scan_failed(e, t, note))

    def _is_waiting(self, text: str) -> bool:
        upper = text.upper()
        pending = [self.form.pending] if self.form.pending else []
        return any(p.tracking == upper for p in pending + self.waiting)

    def _scanned(self, result: tuple[str, Any, Any], note: str, size: str) -> None:
        self.inflight -= 1
        kind, pre, view = result
        if not self.session.knows_carriers(pre.carrier_guess):
            self.session.refresh_carriers()  # the list changed since this counter read it
        if kind == "done":
            self._taken_in(view)
        elif kind == "duplicate":
            self.feedback.duplicate(view)
        elif kind == "collected":
            self._keep_note(note)
            self.feedback.collected(view)
        else:
            self._keep_note(note)
            pending = Pending(pre.tracking, tuple(pre.carrier_guess), pre.manifest_name,
                              pre.manifest_phone_masked, pre.manifest_carrier,
                              pre.door_delivery, size=size, consent=pre.consent)
            if self.form.pending is None:
                self._open_form(pending)
            else:
                self.waiting.append(pending)
                self.banner.show_message("warn", self.tr(
                    "{0} needs the recipient's details: it waits behind {1} ({2} waiting)."
                ).format(pending.tracking, self.form.pending.tracking, len(self.waiting)))

    def _keep_note(self, note: str) -> None:
        """A damage note that went with a scan not taken in waits for the next one."""
        if note and not self.damage_note:
            self.damage_note = note
            self._show_damage()

    def _scan_failed(self, error: BaseException, text: str, note: str) -> None:
        self.inflight -= 1
        self._keep_note(note)
        self.feedback.failed(text, error_text(error))

    def _open_form(self, pending: Pending) -> None:
        self.form.load(pending, pending.size)
        self.form.setEnabled(True)
        if pending.manifest_carrier is not None and not pending.door_delivery:
            self.feedback.question(self.form.consent_question())
            self.form.ask_consent()
            self.feedback.waiting(pending.tracking)
            return
        if pending.door_delivery:
            self.banner.show_message("warn", self.tr(
                "{0}: the recipient asked for door delivery. Call for consent first."
            ).format(pending.tracking))
        else:
            self.banner.show_message("warn", self.tr(
                "{0} is not in a loaded manifest: type the phone number, Enter, name, Enter, "
                "size, Enter.").format(pending.tracking))
        self.feedback.waiting(pending.tracking)
        self.form.start()

    # -- the recipient form ----------------------------------------------------------------
    def submit_form(self) -> None:
        if self.form.pending is None or not self.form.isEnabled():
            return
        problem = self.form.validate()
        if problem is not None:
            widget, message = problem
            self.banner.show_message("error", message)
            widget.setFocus()
            return
        values = self.form.values()
        values["damaged_note"] = self.damage_note or None
        self.form.setEnabled(False)  # one Enter, one intake
        self.inflight += 1
        self.banner.show_message("info", self.tr("Taking in {0}…").format(values["tracking"]))
        workers.run(intake_job, self.session.actor, values, owner=self,
                    on_done=self._form_done, on_error=self._form_failed)

    def _form_done(self, view: ParcelView) -> None:
        self.inflight -= 1
        self.damage_note = ""
        self._show_damage()
        self._taken_in(view)
        self._next_form()

    def _form_failed(self, error: BaseException) -> None:
        self.inflight -= 1
        self.form.setEnabled(True)
        code = getattr(error, "code", "")
        if code == "consent_required":
            self.feedback.question(self.form.consent_question())
            self.form.ask_consent()
            return
        if code == "collected_before":
            from station.services.collected import LeftParcel

            self.feedback.collected(LeftParcel(**error.details))  # type: ignore[attr-defined]
            self._next_form()
            return
        self.feedback.refused(error_text(error))
        if code == "door_delivery":
            self.form.consent.setFocus()
        elif code == "duplicate":
            self._next_form()
        elif "phone" in getattr(error, "message", "").lower() or code == "phone_required":
            self.form.phone.setFocus()
            self.form.phone.selectAll()
        else:
            self.form.phone.setFocus()

    def skip_form(self) -> None:
        if self.form.pending is not None:
            self.banner.show_message("info", self.tr("{0} was not taken in.").format(
                self.form.pending.tracking))
        self._next_form()

    def _next_form(self) -> None:
        if self.waiting:
            self._open_form(self.waiting.pop(0))
            return
        self.form.load(None)
        self.scan_field.setFocus()

    # -- after an intake -------------------------------------------------------------------
    def _taken_in(self, view: ParcelView) -> None:
        self.taken.append(view)
        self.feedback.taken(view)
        self.table.add(view)
        self.undo_button.setEnabled(True)
        self._update_count()
        self.session.parcels_changed.emit()
        if self.print_stickers:
            paper.print_sticker(self.session, self, view.tracking)

    def _update_count(self) -> None:
        self.count_label.setText(self.tr("Taken in this session: {0}").format(
            len(self.taken)))

    # -- damage, undo ------------------------------------------------------------------------
    def open_damage(self) -> None:
        # Parented to the window, not this screen: a scan typed into the note is not an intake.
        dialog = DamageDialog(self.damage_note, self.window())
        if dialog.exec():
            self.damage_note = dialog.note()
            self._show_damage()
        self.activate()

    def _show_damage(self) -> None:
        self.damage_chip.setVisible(bool(self.damage_note))
        self.damage_chip.setText(self.tr("Damaged: {0} (goes with the next parcel)").format(
            self.damage_note))

    def undo_last(self) -> None:
        if not self.taken or self.session.actor is None:
            return
        view = self.taken[-1]
        self.undo_button.setEnabled(False)
        workers.run(undo_job, self.session.actor, view.tracking, owner=self,
                    on_done=self._undone, on_error=self._undo_failed)

    def _undone(self, view: ParcelView) -> None:
        if self.taken and self.taken[-1].tracking == view.tracking:
            self.taken.pop()
            self.table.removeRow(0)
        self.undo_button.setEnabled(bool(self.taken))
        self._update_count()
        self.feedback.undone(view)
        self.banner.show_message("warn", self.tr("Intake of {0} was undone; its slot is free "
                                                 "again.").format(view.tracking))
        self.session.parcels_changed.emit()
        self.activate()

    def _undo_failed(self, error: BaseException) -> None:
        self.undo_button.setEnabled(bool(self.taken))
        self.banner.show_message("error", error_text(error))

    # -- language --------------------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.scan_label.setText(self.tr("Scan (F1)"))
        self.scan_field.setPlaceholderText(self.tr("Scan or type the tracking number, Enter"))
        self.size_label.setText(self.tr("Size (Ctrl+1–4):"))
        self.damage_button.setText(self.tr("Damaged… (F6)"))
        self.undo_button.setText(self.tr("Undo last intake (Ctrl+Z)"))
        if self.big.state == "idle":
            self.big.clear(self.tr("Scan a parcel: its pickup code appears here"))
        self._update_count()
        self._show_damage()
