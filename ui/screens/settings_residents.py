"""Settings → Residents: the door-delivery list and residents' standing consent (2024 rules:
no parcel left at the station without the recipient's consent). Open to clerks too: a
resident tells the clerk at the counter. Every change is saved at once and audited with the
clerk's name (station/services/residents.py)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
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

from ui.screens.common import short_time
from ui.screens.settings_pages import Page
from ui.session import Session

BASES = ("signed_form", "phone_call", "app", "in_person")


def _residents_job(actor, action: str, *args: Any) -> tuple[Any, list[Any]]:  # noqa: ANN001, ANN401
    from station.services import residents

    calls = {"door_add": residents.door_add, "door_remove": residents.door_remove,
             "consent_set": residents.consent_set, "consent_revoke": residents.consent_revoke,
             "show": residents.get}
    result = calls[action](actor, *args) if action in calls else None
    return result, residents.door_list(actor)


class ResidentsPage(Page):
    owner_only = False

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        layout = QVBoxLayout(self)
        self.door_title = QLabel()
        self.door_title.setStyleSheet("font-weight: 700;")
        layout.addWidget(self.door_title)
        self.table = QTableWidget(0, 5)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.currentCellChanged.connect(lambda *_: self._picked())
        layout.addWidget(self.table, 1)
        form = QFormLayout()
        self.phone, self.name, self.note = QLineEdit(), QLineEdit(), QLineEdit()
        self.phone.setMaxLength(30)
        self.name.setMaxLength(40)
        self.note.setMaxLength(200)
        self.l_phone, self.l_name, self.l_note = QLabel(), QLabel(), QLabel()
        form.addRow(self.l_phone, self.phone)
        form.addRow(self.l_name, self.name)
        form.addRow(self.l_note, self.note)
        layout.addLayout(form)
        door_row = QHBoxLayout()
        self.add_button, self.remove_button = QPushButton(), QPushButton()
        self.add_button.clicked.connect(lambda: self._door("door_add"))
        self.remove_button.clicked.connect(lambda: self._door("door_remove"))
        door_row.addWidget(self.add_button)
        door_row.addWidget(self.remove_button)
        door_row.addStretch(1)
        layout.addLayout(door_row)
        self.consent_box = QGroupBox()
        consent = QVBoxLayout(self.consent_box)
        row = QHBoxLayout()
        self.basis = QComboBox()
        for basis in BASES:
            self.basis.addItem(basis, basis)
        self.consent_button, self.revoke_button = QPushButton(), QPushButton()
        self.show_button = QPushButton()
        self.consent_button.clicked.connect(self._consent)
        self.revoke_button.clicked.connect(lambda: self._run("consent_revoke", self._number(),
                                                             self.note.text()))
        self.show_button.clicked.connect(lambda: self._run("show", self._number()))
        for widget in (self.basis, self.consent_button, self.revoke_button, self.show_button):
            row.addWidget(widget)
        consent.addLayout(row)
        self.record = QLabel()
        self.record.setWordWrap(True)
        consent.addWidget(self.record)
        layout.addWidget(self.consent_box)
        self.rows: list[Any] = []
        self.retranslate()

    def title(self) -> str:
        return self.tr("Door delivery & consent")

    # -- actions ----------------------------------------------------------------------------
    def load(self) -> None:
        self.run(_residents_job, self.session.actor, "list", done=self._done)

    def save(self) -> None:
        self.report.emit("info", self.tr("Changes on this page are saved at once."))

    def _number(self) -> str:
        return self.phone.text().strip()

    def _door(self, action: str) -> None:
        if not self._number():
            self.report.emit("warn", self.tr("Type the resident's phone number first."))
            self.phone.setFocus()
            return
        if action == "door_add":
            self._run(action, self._number(), self.name.text().strip() or None, self.note.text())
        else:
            self._run(action, self._number(), self.note.text())

    def _consent(self) -> None:
        if not self._number():
            self.report.emit("warn", self.tr("Type the resident's phone number first."))
            self.phone.setFocus()
            return
        self._run("consent_set", self._number(), self.basis.currentData(), self.note.text(),
                  self.name.text().strip() or None)

    def _run(self, action: str, *args: Any) -> None:  # noqa: ANN401
        self.run(_residents_job, self.session.actor, action, *args,
                 done=lambda result, a=action: self._done(result, a))

    def _done(self, result: tuple[Any, list[Any]], action: str = "list") -> None:
        view, rows = result
        self.rows = list(rows)
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            texts = (row.phone, row.name, short_time(row.door_at), row.door_by, row.note)
            for c, text in enumerate(texts):
                self.table.setItem(r, c, QTableWidgetItem(text or ""))
        if view is None:
            return
        self.record.setText(self.describe(view))
        messages = {
            "door_add": self.tr("{0} is on the door-delivery list: their parcels are refused "
                                "at intake until you call them."),
            "door_remove": self.tr("{0} is off the door-delivery list."),
            "consent_set": self.tr("Standing consent recorded for {0}."),
            "consent_revoke": self.tr("Standing consent withdrawn for {0}: each parcel is "
                                      "asked about again."),
        }
        if action in messages:
            self.note.clear()
            self.report.emit("ok", messages[action].format(view.phone))

    def describe(self, view: Any) -> str:  # noqa: ANN401 - residents.ResidentView
        if not view.known:
            return self.tr("{0}: nothing on record (parcels are asked about at intake).").format(
                view.phone)
        consent = (self.tr("standing consent ({0}, recorded by {1} at {2})").format(
            self.basis_text(view.consent_basis), view.consent_by, short_time(view.consent_at))
            if view.standing_consent else self.tr("no standing consent"))
        door = self.tr("on the door-delivery list") if view.door_delivery else ""
        return " · ".join(p for p in (f"{view.phone} {view.name}".strip(), consent, door) if p)

    def basis_text(self, basis: str) -> str:
        return {"signed_form": self.tr("signed form"), "phone_call": self.tr("phone call"),
                "app": self.tr("in the app"), "in_person": self.tr("in person")}.get(basis, basis)

    def _picked(self) -> None:
        row = self.table.currentRow()
        if 0 <= row < len(self.rows) and self.session.is_owner:
            self.phone.setText(self.rows[row].phone)  # clerks see masked numbers only

    def retranslate(self) -> None:
        self.door_title.setText(self.tr("Residents who want their parcels brought to the door"))
        self.table.setHorizontalHeaderLabels([self.tr("Phone"), self.tr("Name"),
                                              self.tr("Since"), self.tr("By"), self.tr("Note")])
        self.l_phone.setText(self.tr("Phone"))
        self.l_name.setText(self.tr("Name"))
        self.l_note.setText(self.tr("Note"))
        self.phone.setPlaceholderText(self.tr("the resident's own full number"))
        self.note.setPlaceholderText(self.tr("optional, e.g. 3rd floor, elderly"))
        self.add_button.setText(self.tr("Add to the door-delivery list"))
        self.remove_button.setText(self.tr("Remove from the list"))
        self.consent_box.setTitle(self.tr("Standing consent to collect at the station"))
        for i, basis in enumerate(BASES):
            self.basis.setItemText(i, self.basis_text(basis))
        self.consent_button.setText(self.tr("Record consent"))
        self.revoke_button.setText(self.tr("Withdraw consent"))
        self.show_button.setText(self.tr("Look up"))
