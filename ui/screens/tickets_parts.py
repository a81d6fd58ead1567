"""Parts of the tickets screen: words for kinds, statuses and outcomes; the new-ticket form;
ticket photos (files in documents/tickets/<id>/, each one noted in the ticket's log)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.screens.common import translate
from ui.widgets.money_input import MoneyInput

KINDS = ("damaged", "missing", "refused", "wrong_address", "delay", "complaint", "lost")
STATUSES = ("open", "acknowledged", "in_progress", "waiting", "resolved")
OUTCOMES = ("reached", "no_answer", "callback", "satisfied", "unsatisfied")
PHOTO_FILTER = "*.jpg *.jpeg *.png"


def kind_text(kind: str) -> str:
    return {
        "damaged": translate("Tickets", "Damaged"),
        "missing": translate("Tickets", "Missing"),
        "refused": translate("Tickets", "Refused"),
        "wrong_address": translate("Tickets", "Wrong address"),
        "delay": translate("Tickets", "Delay"),
        "complaint": translate("Tickets", "Complaint"),
        "lost": translate("Tickets", "Lost"),
    }.get(kind, kind)


def ticket_status_text(status: str) -> str:
    return {
        "open": translate("Tickets", "Open"),
        "acknowledged": translate("Tickets", "Acknowledged"),
        "in_progress": translate("Tickets", "In progress"),
        "waiting": translate("Tickets", "Waiting"),
        "resolved": translate("Tickets", "Resolved"),
    }.get(status, status)


def outcome_text(outcome: str) -> str:
    return {
        "reached": translate("Tickets", "Reached"),
        "no_answer": translate("Tickets", "No answer"),
        "callback": translate("Tickets", "Call back later"),
        "satisfied": translate("Tickets", "Satisfied"),
        "unsatisfied": translate("Tickets", "Not satisfied"),
    }.get(outcome, outcome)


def overdue_text(reason: str | None, short: bool = False) -> str:
    if reason == "acknowledge":
        if short:
            return translate("Tickets", "Ack late")
        return translate("Tickets", "Not acknowledged in time")
    if reason == "answer":
        if short:
            return translate("Tickets", "Answer late")
        return translate("Tickets", "Answer overdue")
    return ""


def due_text(iso: str | None) -> str:
    """A deadline; the end of a day reads "05-01 24:00", not "05-02 00:00"."""
    from datetime import datetime, timedelta

    from ui.screens.common import short_time

    if not iso:
        return ""
    moment = datetime.fromisoformat(iso)
    if (moment.hour, moment.minute, moment.second) == (0, 0, 0):
        return f"{moment - timedelta(days=1):%m-%d} 24:00"
    return short_time(iso)


# -- photos -------------------------------------------------------------------------------------

def photo_folder(ticket_id: int) -> Path:
    from station.services import paperwork

    folder = paperwork.documents_dir("tickets") / str(ticket_id)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def photos_of(ticket_id: int) -> list[Path]:
    from station.services import paperwork

    folder = paperwork.documents_dir("tickets") / str(ticket_id)
    return sorted(p for p in folder.glob("*") if p.is_file()) if folder.is_dir() else []


def attach_photos_job(actor, ticket_id: int, files: list[str]) -> Any:  # noqa: ANN001, ANN401
    """Copy the photos next to the ticket and note them in its log (one audited change)."""
    from station.services import tickets

    folder = photo_folder(ticket_id)
    names = []
    for i, source in enumerate(files, start=len(photos_of(ticket_id)) + 1):
        src = Path(source)
        target = folder / f"photo-{i:02d}{src.suffix.lower() or '.jpg'}"
        shutil.copyfile(src, target)
        names.append(target.name)
    view = tickets.get_ticket(actor, ticket_id)
    if not names:
        return view
    return tickets.update_status(actor, ticket_id, view.status,
                                 note="photo: " + ", ".join(names))


def open_ticket_job(actor, kind: str, note: str, tracking: str | None, contact: str,  # noqa: ANN001
                    claim_fen: int, photos: list[str]) -> Any:  # noqa: ANN401
    from station.services import tickets

    view = tickets.open_ticket(actor, kind, note, tracking=tracking, contact=contact,
                               claim_fen=claim_fen)
    return attach_photos_job(actor, view.id, photos) if photos else view


def choose_photos(parent: QWidget) -> list[str]:
    files, _ = QFileDialog.getOpenFileNames(
        parent, QCoreApplication.translate("Tickets", "Photos"), "",
        QCoreApplication.translate("Tickets", "Pictures") + f" ({PHOTO_FILTER})")
    return list(files)


class NewTicketForm(QGroupBox):
    """A new ticket, on a parcel (scan it) or without one (a phone complaint)."""

    submitted = Signal(dict)  # kind, note, tracking, contact, claim_fen, photos
    told = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.photos: list[str] = []
        form = QFormLayout(self)
        self.kind = QComboBox()
        self.tracking = QLineEdit()
        self.contact = QLineEdit()
        self.contact.setMaxLength(60)
        self.note = QLineEdit()
        self.note.setMaxLength(1000)
        self.claim = MoneyInput()
        photo_row = QHBoxLayout()
        self.photo_list = QListWidget()
        self.photo_list.setMaximumHeight(60)
        self.photo_button = QPushButton()
        self.photo_button.clicked.connect(lambda: self.add_photos(choose_photos(self)))
        photo_row.addWidget(self.photo_list, 1)
        photo_row.addWidget(self.photo_button)
        self.labels = [QLabel() for _ in range(6)]
        for label, field in zip(self.labels, (self.kind, self.tracking, self.contact, self.note,
                                              self.claim), strict=False):
            form.addRow(label, field)
        form.addRow(self.labels[5], photo_row)
        buttons = QHBoxLayout()
        self.open_button = QPushButton()
        self.open_button.setMinimumHeight(40)
        self.open_button.clicked.connect(self.submit)
        self.cancel_button = QPushButton()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.open_button)
        form.addRow(buttons)
        self.retranslate()

    def reset(self, tracking: str = "") -> None:
        self.kind.setCurrentIndex(0)
        self.tracking.setText(tracking)
        for field in (self.contact, self.note, self.claim):
            field.clear()
        self.photos = []
        self.photo_list.clear()

    def add_photos(self, files: list[str]) -> None:
        self.photos += files
        self.photo_list.addItems([Path(f).name for f in files])

    def submit(self) -> None:
        if not self.note.text().strip():
            self.told.emit("error", self.tr("Write what happened (the note)."))
            self.note.setFocus()
            return
        if not self.claim.is_valid():
            self.told.emit("error", self.tr("The claim is not an amount: type it like 12.50."))
            return
        self.submitted.emit({
            "kind": self.kind.currentData(), "note": self.note.text(),
            "tracking": self.tracking.text().strip().upper() or None,
            "contact": self.contact.text(), "claim_fen": self.claim.fen() or 0,
            "photos": list(self.photos)})

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.setTitle(self.tr("New ticket"))
        current = self.kind.currentData()
        self.kind.clear()
        for kind in KINDS:
            self.kind.addItem(kind_text(kind), kind)
        self.kind.setCurrentIndex(max(0, self.kind.findData(current)))
        for label, text in zip(self.labels, (self.tr("Kind"), self.tr("Parcel"),
                                             self.tr("Customer contact"), self.tr("What happened"),
                                             self.tr("Claim (yuan)"), self.tr("Photos")),
                               strict=True):
            label.setText(text)
        self.tracking.setPlaceholderText(self.tr("Scan the parcel, or leave empty (phone "
                                                 "complaint)"))
        self.contact.setPlaceholderText(self.tr("Name and phone number"))
        self.photo_button.setText(self.tr("Add photos…"))
        self.open_button.setText(self.tr("Open ticket"))
        self.cancel_button.setText(self.tr("Cancel"))


class LogList(QListWidget):
    """A ticket's history: status changes, follow-up calls, claims, photos."""

    def show_log(self, view: Any) -> None:  # noqa: ANN401 - TicketView
        from ui.screens.common import money, short_time

        self.clear()
        self.addItem(f"{short_time(view.opened_at)}  {view.opened_by}: {view.note}")
        for entry in view.log:
            event = entry.get("event", "")
            text = entry.get("text", "")
            if event == "status":
                what = ticket_status_text(str(entry.get("status", "")))
            elif event == "followup":
                what = self.tr("Call: {0}").format(outcome_text(str(entry.get("outcome", ""))))
            elif event == "claim":
                what = self.tr("Claim {0}").format(money(int(entry.get("claim_fen") or 0)))
            elif event == "resolved":
                what = ticket_status_text("resolved")
            else:
                what = event
            line = f"{short_time(entry.get('at'))}  {entry.get('by', '')}: {what}"
            self.addItem(line + (f" — {text}" if text else ""))
        self.scrollToBottom()


def action_row(*widgets: QWidget) -> QHBoxLayout:
    row = QHBoxLayout()
    for w in widgets:
        row.addWidget(w, 1 if isinstance(w, QLineEdit | QComboBox) else 0)
    return row


def vbox(parent: QWidget) -> QVBoxLayout:
    box = QVBoxLayout(parent)
    box.setAlignment(Qt.AlignmentFlag.AlignTop)
    return box
