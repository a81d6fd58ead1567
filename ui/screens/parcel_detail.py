"""The Parcels screen's right-hand pane: one parcel, its history, and what may be done to it
in its current state (move, return, missing, found)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui import workers
from ui.screens.common import (
    carrier_text,
    error_text,
    money,
    short_time,
    size_text,
    status_text,
    weight_text,
)
from ui.screens.pickup_undo_dialog import UndoPickupPanel
from ui.session import Session
from ui.widgets.banner import Banner

# Audit actions as the clerk reads them.
ACTIONS = ("parcel.intake", "parcel.pickup", "parcel.move", "parcel.mark_return",
           "parcel.unmark_return", "parcel.handover", "parcel.missing", "parcel.found",
           "pickup.id_failed", "parcel.reprint_sticker", "pickup.reprint_receipt",
           "parcel.set_phone", "parcel.seen_after_leaving", "pickup.undo")


def _show_job(actor, tracking: str) -> dict[str, Any]:  # noqa: ANN001
    from station.services import parcels

    return parcels.show(actor, tracking)


def _reprint_job(actor, what: str, key: str) -> bytes:  # noqa: ANN001
    from station.services import paperwork

    if what == "sticker":
        return paperwork.reprint_sticker(actor, key).read_bytes()
    return paperwork.reprint_receipt(actor, key).read_bytes()


def _phone_job(actor, tracking: str, phone: str, reason: str) -> Any:  # noqa: ANN001, ANN401
    from station.services import parcels

    return parcels.set_phone(actor, tracking, phone, reason)


def _action_job(actor, action: str, tracking: str, slot: str) -> Any:  # noqa: ANN001, ANN401
    from station.services import returns

    if action == "move":
        return returns.move(actor, tracking, slot)
    if action == "return":
        return returns.mark_for_return(actor, [tracking])[0]
    if action == "unreturn":
        return returns.unmark_return(actor, tracking)
    if action == "missing":
        return returns.mark_missing(actor, tracking)
    if action == "found":
        return returns.mark_found(actor, tracking, slot or None)
    raise ValueError(action)


class ParcelDetail(QWidget):
    changed = Signal(object)  # the ParcelView after an action

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.data: dict[str, Any] | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 0, 0)
        self.title = QLabel()
        self.title.setStyleSheet("font-size: 15pt; font-weight: 700;")
        layout.addWidget(self.title)
        self.form = QFormLayout()
        self.keys = ("status", "pickup_code", "slot", "recipient", "carrier", "size", "weight",
                     "cod", "received", "picked", "days", "damage")
        self.labels = {k: QLabel() for k in self.keys}
        self.values = {k: QLabel() for k in self.keys}
        for key in self.keys:
            self.values[key].setWordWrap(True)
            self.form.addRow(self.labels[key], self.values[key])
        layout.addLayout(self.form)
        self.actions = QGroupBox()
        box = QVBoxLayout(self.actions)
        move_row = QHBoxLayout()
        self.slot_field = QLineEdit()
        self.slot_field.setMaxLength(12)
        self.slot_field.returnPressed.connect(lambda: self.act("move"))
        self.move_button = QPushButton()
        self.move_button.clicked.connect(lambda: self.act("move"))
        move_row.addWidget(self.slot_field, 1)
        move_row.addWidget(self.move_button)
        box.addLayout(move_row)
        phone_row = QHBoxLayout()  # record or correct the recipient's own number
        self.phone_field, self.phone_reason = QLineEdit(), QLineEdit()
        self.phone_field.setMaxLength(30)
        self.phone_reason.setMaxLength(200)
        self.phone_reason.returnPressed.connect(self.correct_phone)
        self.phone_button = QPushButton()
        self.phone_button.clicked.connect(self.correct_phone)
        phone_row.addWidget(self.phone_field, 2)
        phone_row.addWidget(self.phone_reason, 3)
        phone_row.addWidget(self.phone_button)
        box.addLayout(phone_row)
        row = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for action in ("return", "unreturn", "missing", "found"):
            button = QPushButton()
            button.clicked.connect(lambda _=False, a=action: self.act(a))
            self.buttons[action] = button
            row.addWidget(button)
        box.addLayout(row)
        paper_row = QHBoxLayout()
        for what in ("sticker", "receipt"):
            button = QPushButton()
            button.clicked.connect(lambda _=False, w=what: self.reprint(w))
            self.buttons[what] = button
            paper_row.addWidget(button)
        box.addLayout(paper_row)
        self.undo = UndoPickupPanel(session)  # owner, on the day: undo the whole hand-over
        self.undo.undone.connect(self._undone)
        box.addWidget(self.undo)
        layout.addWidget(self.actions)
        self.banner = Banner(auto_hide=True)
        layout.addWidget(self.banner)
        self.events = QTableWidget(0, 3)
        self.events.verticalHeader().hide()
        self.events.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.events.horizontalHeader().setStretchLastSection(True)
        self.events.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.history_label = QLabel()
        layout.addWidget(self.history_label)
        layout.addWidget(self.events, 1)
        self.retranslate()
        self.show_parcel(None)

    def load(self, tracking: str) -> None:
        workers.run(_show_job, self.session.actor, tracking, owner=self,
                    on_done=self.show_parcel, on_error=self._failed)

    def show_parcel(self, data: dict[str, Any] | None) -> None:
        self.data = data
        self.actions.setVisible(data is not None)
        self.undo.show_for(data)
        if data is None:
            self.title.setText(self.tr("Select a parcel to see its history."))
            for value in self.values.values():
                value.clear()
            self.events.setRowCount(0)
            return
        self.title.setText(data["tracking"])
        v = self.values
        v["status"].setText(status_text(data["status"]))
        v["pickup_code"].setText(data["pickup_code"] or "")
        v["slot"].setText(data["slot"] or "")
        v["recipient"].setText(f"{data['recipient_name']}  {data['recipient_phone']}" + (
            "" if data.get("phone_known", True) else "  " + self.tr("(own number not known)")))
        v["carrier"].setText(carrier_text(data["carrier"], self.session.carriers))
        v["size"].setText(size_text(data["size"]))
        v["weight"].setText(weight_text(data["weight_g"]))
        v["cod"].setText(money(data["cod_fen"]) if data["cod_fen"] else "")
        v["received"].setText(short_time(data["received_at"]))
        v["picked"].setText(short_time(data["picked_up_at"] or data.get("returned_at")))
        v["days"].setText(str(data["days_on_shelf"]))
        v["damage"].setText(data["damage_note"] if data["damaged"] else "")
        events = data.get("events", [])
        self.events.setRowCount(len(events))
        for row, ev in enumerate(reversed(events)):
            for col, text in enumerate((short_time(ev["at"]), self.action_text(ev["action"]),
                                        f"{ev['actor']}  {ev['detail']}")):
                self.events.setItem(row, col, QTableWidgetItem(text))
        status = data["status"]
        active = status in ("ON_SHELF", "RETURN_PENDING", "MISSING")
        self.slot_field.setEnabled(active)
        self.move_button.setEnabled(active)
        for widget in (self.phone_field, self.phone_reason, self.phone_button):
            widget.setEnabled(active)
        self.buttons["return"].setEnabled(status == "ON_SHELF")
        self.buttons["unreturn"].setEnabled(status == "RETURN_PENDING")
        self.buttons["missing"].setEnabled(status in ("ON_SHELF", "RETURN_PENDING"))
        self.buttons["found"].setEnabled(status == "MISSING")
        self.buttons["sticker"].setEnabled(bool(data.get("pickup_code")))
        self.buttons["receipt"].setEnabled(bool(data.get("receipt_no")))

    def reprint(self, what: str) -> None:
        """Reprint from the parcel's history: the copy opens in the print preview, where the
        clerk prints it (or saves the PDF)."""
        if self.data is None or self.session.actor is None:
            return
        key = self.data["tracking"] if what == "sticker" else self.data.get("receipt_no")
        if not key:
            return
        workers.run(_reprint_job, self.session.actor, what, key, owner=self, lane="paper",
                    on_done=lambda pdf: self._preview(what, key, pdf), on_error=self._failed)

    def _preview(self, what: str, key: str, pdf: bytes) -> None:
        from ui.printing import DocKind, PrintPreviewDialog

        service = self.session.print_service()
        kind = DocKind("label" if what == "sticker" else "receipt")
        self.preview = PrintPreviewDialog(pdf, kind, service, job_name=f"{what}-{key}",
                                          parent=self)
        self.preview.setModal(True)
        self.preview.open()
        self.load(self.data["tracking"] if self.data else key)

    def act(self, action: str) -> None:
        if self.data is None or self.session.actor is None:
            return
        slot = self.slot_field.text().strip().upper()
        if action == "move" and not slot:
            self.banner.show_message("warn", self.tr("Type the slot to move to, e.g. B-2."))
            self.slot_field.setFocus()
            return
        workers.run(_action_job, self.session.actor, action, self.data["tracking"], slot,
                    owner=self, on_done=self._acted, on_error=self._failed)

    def correct_phone(self) -> None:
        """The recipient's own number, given at the counter (a privacy waybill) or put right
        (a typo at intake); audited with the reason."""
        if self.data is None or self.session.actor is None:
            return
        phone, reason = self.phone_field.text().strip(), self.phone_reason.text().strip()
        if not phone:
            self.banner.show_message("warn", self.tr("Type the recipient's own full number."))
            self.phone_field.setFocus()
            return
        if not reason:
            self.banner.show_message("warn", self.tr("Say why (e.g. 'recipient gave it')."))
            self.phone_reason.setFocus()
            return
        workers.run(_phone_job, self.session.actor, self.data["tracking"], phone, reason,
                    owner=self, on_done=self._phone_set, on_error=self._failed)

    def _phone_set(self, view: Any) -> None:  # noqa: ANN401
        self.phone_field.clear()
        self.phone_reason.clear()
        self.banner.show_message("ok", self.tr("{0}: phone is now {1}.").format(
            view.tracking, view.recipient_phone))
        self.changed.emit(view)
        self.load(view.tracking)

    def _acted(self, view: Any) -> None:  # noqa: ANN401
        self.slot_field.clear()
        self.banner.show_message("ok", self.tr("{0}: now {1}, {2}.").format(
            view.tracking, status_text(view.status), view.slot or "—"))
        self.changed.emit(view)
        self.load(view.tracking)

    def _undone(self, result: Any) -> None:  # noqa: ANN401
        self.banner.show_message("ok", self.tr("Pickup {0} undone: {1}").format(
            result.receipt_no, "; ".join(f"{p.tracking} → {p.slot} {p.pickup_code}"
                                         for p in result.parcels)))
        self.session.parcels_changed.emit()
        if self.data is not None:
            self.load(self.data["tracking"])

    def _failed(self, error: BaseException) -> None:
        self.banner.show_message("error", error_text(error))

    def action_text(self, action: str) -> str:
        names = {
            "parcel.intake": self.tr("Taken in"), "parcel.pickup": self.tr("Picked up"),
            "parcel.move": self.tr("Moved"), "parcel.mark_return": self.tr("Marked for return"),
            "parcel.unmark_return": self.tr("Return cancelled"),
            "parcel.handover": self.tr("Handed to courier"),
            "parcel.missing": self.tr("Marked missing"), "parcel.found": self.tr("Found"),
            "pickup.id_failed": self.tr("ID check failed"),
            "parcel.reprint_sticker": self.tr("Sticker reprinted"),
            "pickup.reprint_receipt": self.tr("Receipt reprinted"),
            "parcel.set_phone": self.tr("Phone recorded or corrected"),
            "parcel.seen_after_leaving": self.tr("Scanned again after it left"),
            "pickup.undo": self.tr("Pickup undone"),
        }
        return names.get(action, action)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        texts = (self.tr("Status"), self.tr("Pickup code"), self.tr("Slot"),
                 self.tr("Recipient"), self.tr("Carrier"), self.tr("Size"), self.tr("Weight"),
                 self.tr("COD"), self.tr("Received"), self.tr("Left"), self.tr("Days here"),
                 self.tr("Damage"))
        for key, text in zip(self.keys, texts, strict=True):
            self.labels[key].setText(text)
        self.actions.setTitle(self.tr("Actions"))
        self.slot_field.setPlaceholderText(self.tr("New slot, e.g. B-2"))
        self.move_button.setText(self.tr("Move"))
        self.phone_field.setPlaceholderText(self.tr("Recipient's own phone"))
        self.phone_reason.setPlaceholderText(self.tr("Why (e.g. recipient gave it)"))
        self.phone_button.setText(self.tr("Correct phone"))
        self.buttons["return"].setText(self.tr("Mark for return"))
        self.buttons["unreturn"].setText(self.tr("Cancel return"))
        self.buttons["missing"].setText(self.tr("Mark missing"))
        self.buttons["found"].setText(self.tr("Found"))
        self.buttons["sticker"].setText(self.tr("Reprint sticker…"))
        self.buttons["receipt"].setText(self.tr("Reprint receipt…"))
        self.history_label.setText(self.tr("History"))
        self.events.setHorizontalHeaderLabels([self.tr("When"), self.tr("What"),
                                               self.tr("Who / detail")])
        if self.data is not None:
            self.show_parcel(self.data)
        else:
            self.title.setText(self.tr("Select a parcel to see its history."))
