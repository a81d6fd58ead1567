"""Pickup (F2, 取件): find the person, scan each parcel, check ID, take payment, sign, done.

The lookup takes a pickup code, a tracking number, a full phone number, or the last 4 digits
(then a name when several people share them). Once a person's parcels are listed, every scan
must be one of them: the wrong parcel is refused loudly (the commonest loss at a station is
the wrong parcel in the wrong hands at the evening rush). Esc starts over for the next person.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from station.models_pickup import BY_HAND, SCANNED
from station.services.pickup_checks import Check
from station.services.views import ParcelView
from ui import workers
from ui.screens import paper
from ui.screens import pickup_safety as safety
from ui.screens.common import error_text, money
from ui.screens.pickup_dialogs import IdCheckDialog, IdInfo
from ui.screens.pickup_parts import HandoverTable, PeopleChooser
from ui.session import Session
from ui.widgets.banner import Banner
from ui.widgets.payment_box import METHODS, PaymentBox
from ui.widgets.scan_field import ScanLineEdit
from ui.widgets.signature_pad import SignaturePad


class PickupScreen(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.policy = "cod"
        self.id_info: IdInfo | None = None
        self.busy = False
        self.last_query = ""
        self._build()
        self.retranslate()
        self.clear()

    # -- layout ----------------------------------------------------------------------------
    def _build(self) -> None:
        root = QVBoxLayout(self)
        row = QHBoxLayout()
        self.search_label = QLabel()
        self.search_label.setStyleSheet("font-size: 14pt; font-weight: 600;")
        self.scan_field = ScanLineEdit(self, uppercase=False, min_length=4)
        self.scan_field.setMinimumHeight(48)
        self.scan_field.setStyleSheet("font-size: 20pt; padding: 4px 8px;")
        self.scan_field.scanned.connect(self.on_scan)
        self.scan_field.installEventFilter(self)
        self.next_button = QPushButton()
        self.next_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.next_button.clicked.connect(self.next_person)
        row.addWidget(self.search_label)
        row.addWidget(self.scan_field, 1)
        row.addWidget(self.next_button)
        root.addLayout(row)
        self.banner = Banner(big=True)
        root.addWidget(self.banner)

        middle = QHBoxLayout()
        left = QVBoxLayout()
        self.people = PeopleChooser()
        self.people.picked.connect(self.load)
        self.people.told.connect(self.banner.show_message)
        self.name_field, self.people_list = self.people.name_field, self.people.list
        left.addWidget(self.people)
        self.who = QLabel()
        self.who.setStyleSheet("font-size: 16pt; font-weight: 700;")
        left.addWidget(self.who)
        self.table = HandoverTable(self.session)
        self.table.ticks_changed.connect(self._refresh)
        self.table.hand_tick_wanted.connect(self.tick_by_hand)
        left.addWidget(self.table, 1)
        middle.addLayout(left, 3)

        right = QVBoxLayout()
        self.id_box = QGroupBox()
        id_layout = QVBoxLayout(self.id_box)
        self.id_state = QLabel()
        self.id_state.setWordWrap(True)
        id_buttons = QHBoxLayout()
        self.id_button = QPushButton()
        self.id_button.clicked.connect(lambda: self.check_id(proxy=False))
        self.proxy_button = QPushButton()
        self.proxy_button.clicked.connect(lambda: self.check_id(proxy=True))
        for button in (self.id_button, self.proxy_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            id_buttons.addWidget(button)
        id_layout.addWidget(self.id_state)
        id_layout.addLayout(id_buttons)
        right.addWidget(self.id_box)
        self.payment = PaymentBox()
        right.addWidget(self.payment)
        self.payment.tendered.returnPressed.connect(self.complete)  # cash counted: Enter
        self.sign_box = QGroupBox()
        sign_layout = QVBoxLayout(self.sign_box)
        self.signature = SignaturePad()
        self.clear_sign = QPushButton()
        self.clear_sign.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.clear_sign.clicked.connect(self.signature.clear)
        sign_layout.addWidget(self.signature, 1)
        sign_layout.addWidget(self.clear_sign, 0, Qt.AlignmentFlag.AlignRight)
        right.addWidget(self.sign_box)
        right.addStretch(1)
        self.complete_button = QPushButton()
        self.complete_button.setMinimumHeight(52)
        self.complete_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.complete_button.setStyleSheet("QPushButton { font-size: 15pt; font-weight: 700; "
                                           "background: #16a34a; color: white; }"
                                           "QPushButton:disabled { background: #9ca3af; }")
        self.complete_button.clicked.connect(self.complete)
        right.addWidget(self.complete_button)
        middle.addLayout(right, 2)
        root.addLayout(middle, 1)

        QShortcut(QKeySequence("F12"), self).activated.connect(self.complete)
        QShortcut(QKeySequence("Esc"), self).activated.connect(self.next_person)
        QShortcut(QKeySequence("F7"), self).activated.connect(lambda: self.check_id(False))
        QShortcut(QKeySequence("F8"), self).activated.connect(lambda: self.check_id(True))
        for i, method in enumerate(METHODS):
            QShortcut(QKeySequence(f"Ctrl+{i + 1}"), self).activated.connect(
                lambda m=method: self.payment.choose(m))

    def activate(self) -> None:
        if self.people.isVisible():
            self.name_field.setFocus()
        else:
            self.scan_field.setFocus()

    def eventFilter(self, obj, event) -> bool:  # noqa: ANN001, N802 - Qt API
        # An empty Enter in the scan field finishes the hand-over once parcels are ticked.
        if (obj is self.scan_field and event.type() == QEvent.Type.KeyPress
                and isinstance(event, QKeyEvent)
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and not self.scan_field.text() and self.parcels):
            self.complete()
            return True
        return False

    # -- looking up ------------------------------------------------------------------------
    def on_scan(self, text: str) -> None:
        text = text.strip()
        if not text or self.busy:
            return
        if self.parcels:
            self._confirm(text)
            return
        self.lookup(text)

    def lookup(self, text: str, name: str | None = None) -> None:
        self.busy = True
        self.last_query = text
        self.banner.show_message("info", self.tr("Looking up {0}…").format(text))
        workers.run(safety.lookup_job, self.session.actor, text, name, owner=self,
                    on_done=self._found, on_error=self._lookup_failed)

    def _found(self, result: tuple[list[list[ParcelView]], str]) -> None:
        self.busy = False
        groups, self.policy = result
        if not groups:
            self.banner.show_message("warn", self.tr("Nothing on the shelf for {0}.").format(
                self.last_query))
            self.scan_field.setFocus()
            return
        if len(groups) == 1:
            self.load(groups[0])
            return
        self.people.offer(groups, self.last_query)
        self.banner.show_message("warn", self.tr(
            "{0} people match {1}: ask for the name, type it and press Enter (or pick one)."
        ).format(len(groups), self.last_query))

    def _lookup_failed(self, error: BaseException) -> None:
        self.busy = False
        self.banner.show_message("error", error_text(error))
        self.scan_field.setFocus()

    @property
    def parcels(self) -> list[ParcelView]:
        return self.table.parcels

    @property
    def ticked(self) -> set[int]:
        return self.table.ticked

    def load(self, group: list[ParcelView]) -> None:
        self.people.reset()
        self.id_info = None
        first = group[0]
        self.who.setText(f"{first.recipient_name or '—'}   {first.recipient_phone}")
        self.table.load(group)
        self.scan_field.setFocus()
        self.banner.show_message("info", self.tr(
            "{0}: parcels on the shelf: {1}. Fetch them and scan each barcode.").format(
            first.recipient_name or first.recipient_phone, len(group)))

    # -- confirming each parcel ---------------------------------------------------------------
    def _confirm(self, text: str) -> None:
        found = self.table.match(text)
        if found is None:
            self.banner.show_message("error", self.tr(
                "WRONG PARCEL: {0} is not for this person. Put it back! (Esc starts over for "
                "the next person.)").format(text))
            workers.run(safety.wrong_scan_job, self.session.actor, text,
                        [v.id for v in self.parcels], owner=self,
                        on_error=self._wrong_scan_unrecorded)
            return
        row, view = found
        if view.id in self.ticked:
            self.banner.show_message("info", self.tr("{0} is already checked.").format(
                view.tracking))
            return
        self.table.tick(row, Check(view.tracking, SCANNED, scanned=text))
        left = len(self.parcels) - len(self.ticked)
        if left:
            self.banner.show_message("ok", self.tr("✓ {0} ({1}). {2} more to scan.").format(
                view.tracking, view.slot, left))
        else:
            self.banner.show_message("ok", self.tr(
                "✓ All checked ({0}). Enter or F12 completes.").format(len(self.parcels)))

    def _wrong_scan_unrecorded(self, error: BaseException) -> None:
        self.banner.show_message("error", self.tr("WRONG PARCEL: put it back! It could not be "
                                                  "recorded: {0}").format(error_text(error)))

    def tick_by_hand(self, row: int) -> None:
        """A click on an empty tick box: tick only with the clerk's reason for not scanning."""
        if self.busy or not 0 <= row < len(self.parcels):
            return
        view = self.parcels[row]
        reason = safety.ask_hand_reason(self.window(), view.tracking, view.slot)
        self.window().activateWindow()
        self.scan_field.setFocus()
        if reason is None:
            self.banner.show_message("info", self.tr(
                "{0} is not ticked: scan its barcode.").format(view.tracking))
            return
        self.table.tick(row, Check(view.tracking, BY_HAND, reason=reason))
        self.banner.show_message("warn", self.tr("✓ {0} ticked by hand: {1}").format(
            view.tracking, reason))

    def next_person(self) -> None:
        """Esc / Next person: ticks not yet handed over are dropped only when the clerk says."""
        if self.busy:
            return
        if self.ticked:
            dropping = safety.ask_drop(self.window(), len(self.ticked))
            self.window().activateWindow()
            self.scan_field.setFocus()
            if not dropping:
                return
        self.clear()

    def chosen(self) -> list[ParcelView]:
        return self.table.chosen()

    def id_needed(self) -> bool:
        chosen = self.chosen() or self.parcels
        if self.policy == "always" or (self.id_info and self.id_info.proxy_name):
            return True
        return any(v.id_check or (self.policy == "cod" and v.cod_fen > 0) for v in chosen)

    def _refresh(self) -> None:
        # Cash on delivery plus any storage fee: the core asks for exactly this sum.
        self.payment.set_due(sum(v.cod_fen + v.storage_fee_fen for v in self.chosen()))
        if not self.parcels:
            self.id_state.setText(self.tr("Look up a person first."))
        elif self.id_info is not None:
            who = self.id_info.proxy_name or self.id_info.id_name
            kind = self.tr("Proxy") if self.id_info.proxy_name else self.tr("ID")
            self.id_state.setText(self.tr("✓ {0} checked: {1}").format(kind, who))
        elif self.id_needed():
            self.id_state.setText(self.tr("ID check needed (F7)."))
        else:
            self.id_state.setText(self.tr("No ID check needed."))
        ready = bool(self.ticked) and not self.busy
        self.complete_button.setEnabled(ready)

    # -- ID, completing -----------------------------------------------------------------------
    def check_id(self, proxy: bool) -> bool:
        if not self.parcels:
            return False
        # Parented to the window, not this screen: a scan typed into the dialog is not a
        # parcel confirmation.
        dialog = IdCheckDialog(self.parcels[0].recipient_name, proxy, self.id_info,
                               self.window())
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        if accepted:
            self.id_info = dialog.info()
        elif why := safety.id_mismatch(dialog):  # closed on a mismatch: a failed ID check
            workers.run(safety.id_failed_job, self.session.actor, [v.id for v in self.parcels],
                        why, owner=self)
        self.window().activateWindow()  # F12 and the other keys belong to the window again
        self._refresh()
        self.scan_field.setFocus()
        return accepted

    def complete(self) -> None:
        if self.busy or not self.parcels:
            return
        if not self.ticked:
            self.banner.show_message("error", self.tr(
                "Scan each parcel's barcode first ({0} to scan).").format(len(self.parcels)))
            return
        if len(self.ticked) < len(self.parcels):
            handing = safety.ask_partial(self.window(), len(self.ticked), len(self.parcels))
            self.window().activateWindow()
            self.scan_field.setFocus()
            if not handing:
                self.banner.show_message("info", self.tr(
                    "Scan the other parcels ({0} left), then Enter or F12.").format(
                    len(self.parcels) - len(self.ticked)))
                return
        if self.id_needed() and self.id_info is None and not self.check_id(proxy=False):
            self.banner.show_message("warn", self.tr("An ID check is needed before handing over."))
            return
        problem = self.payment.problem()
        if problem:
            self.banner.show_message("error", problem)
            return
        from station.services.pickup import PickupRequest

        info = self.id_info
        request = PickupRequest(
            refs=tuple(v.tracking for v in self.chosen()), checks=self.table.chosen_checks(),
            id_type=info.id_type if info else None, id_number=info.id_number if info else None,
            id_name=info.id_name if info else None, proxy_name=info.proxy_name if info else None,
            proxy_phone=info.proxy_phone if info else None, method=self.payment.method(),
            tendered_fen=self.payment.tendered_fen(), signature_png=self.signature.to_png())
        self.busy = True
        self._refresh()
        self.banner.show_message("info", self.tr("Handing over…"))
        workers.run(safety.pickup_job, self.session.actor, request, owner=self,
                    on_done=self._done, on_error=self._failed)

    def _done(self, result: Any) -> None:  # noqa: ANN401 - PickupResult
        self.busy = False
        left = len(self.parcels) - len(result.parcels)
        name = self.parcels[0].recipient_name if self.parcels else ""
        self.clear()
        text = self.tr("Handed over to {1}: {0} parcel(s). Receipt {2}.").format(
            len(result.parcels), name, result.receipt_no)
        if result.method == "cash" and result.change_fen:
            text += " " + self.tr("CHANGE {0}").format(money(result.change_fen))
        elif result.due_fen:
            text += " " + self.tr("Paid {0}.").format(money(result.paid_fen))
        if left:
            text += " " + self.tr("{0} not scanned stay on the shelf.").format(left)
        self.banner.show_message("ok", text)
        self.session.parcels_changed.emit()
        paper.print_receipt(self.session, self, result.receipt_no)

    def _failed(self, error: BaseException) -> None:
        self.busy = False
        if getattr(error, "code", "") in ("id_mismatch", "id_required"):
            self.id_info = None
        self._refresh()
        self.banner.show_message("error", error_text(error))
        self.scan_field.setFocus()

    def clear(self) -> None:
        """Ready for the next person."""
        self.id_info = None
        self.table.reset()
        self.people.reset()
        self.who.setText("")
        self.payment.reset()
        self.signature.clear()
        self.scan_field.clear()
        self.banner.show_message("idle", self.tr("Next person: scan or type the pickup code, "
                                                 "phone number or last 4 digits."))
        self._refresh()
        self.scan_field.setFocus()

    # -- language ------------------------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.search_label.setText(self.tr("Find (F2)"))
        self.scan_field.setPlaceholderText(self.tr("Pickup code, phone, last 4 digits or "
                                                   "tracking number, Enter"))
        self.next_button.setText(self.tr("Next person (Esc)"))
        self.id_box.setTitle(self.tr("Identity"))
        self.id_button.setText(self.tr("Check ID (F7)"))
        self.proxy_button.setText(self.tr("Proxy pickup (F8)"))
        self.sign_box.setTitle(self.tr("Signature"))
        self.signature.hint = self.tr("Sign here (mouse, pen or finger)")
        self.signature.update()
        self.clear_sign.setText(self.tr("Clear signature"))
        self.complete_button.setText(self.tr("Complete hand-over (F12)"))
        self._refresh()
