"""Settings pages, one class per page (Picard's pattern). Each page has ``load()`` (start the
background read), ``save()`` (start the background write) and ``retranslate()``; the
SettingsScreen around them gives the page list, the banner and the Save key.

Station pages write to the database through the services (owner only, checked there too);
the counter and device pages write this PC's QSettings.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui import workers
from ui.screens.common import carrier_text
from ui.session import Session

POLICIES = ("cod", "flagged", "always")
STATION_KEYS = ("station_name", "station_address", "station_phone", "station_hours",
                "id_check_policy",
                "undo_minutes", "code_cooldown_days", "storage_free_days",
                "storage_fee_per_day_fen", "storage_fee_cap_fen",
                "hand_tick_limit", "lookup_fail_limit", "lookup_fail_minutes")


class Page(QWidget):
    """Base of a page: ``report(kind, text)`` reaches the screen's banner."""

    report = Signal(str, str)
    owner_only = True

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session

    def run(self, fn: Any, *args: Any, done: Any = None) -> None:  # noqa: ANN401
        from ui.screens.common import error_text

        workers.run(fn, *args, owner=self, on_done=done,
                    on_error=lambda e: self.report.emit("error", error_text(e)))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def load(self) -> None: ...

    def save(self) -> None: ...

    def retranslate(self) -> None: ...


def _read_station() -> dict[str, Any]:
    from station.services import settings

    return {key: settings.get(key) for key in STATION_KEYS}


def _write_station(actor, values: dict[str, Any]) -> dict[str, Any]:  # noqa: ANN001
    from station.services import settings

    changed = {}
    for key, value in values.items():
        if settings.get(key) != value:
            settings.set_value(actor, key, value)
            changed[key] = value
    return changed


class StationPage(Page):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.form = QFormLayout(self)
        self.name, self.address, self.hours = QLineEdit(), QLineEdit(), QLineEdit()
        self.phone = QLineEdit()
        self.phone.setMaxLength(30)
        self.name.setMaxLength(80)
        self.policy = QComboBox()
        for policy in POLICIES:
            self.policy.addItem(policy, policy)
        self.undo, self.cooldown = QSpinBox(), QSpinBox()
        self.undo.setRange(0, 120)
        self.cooldown.setRange(0, 60)
        from ui.widgets.money_input import MoneyInput

        self.free_days = QSpinBox()
        self.free_days.setRange(0, 60)
        self.fee_per_day, self.fee_cap = MoneyInput(), MoneyInput()
        # Pickup safety: how many parcels a clerk may tick by hand a day, and how many guessing
        # lookups (last 4 digits, name) may find nobody or several people within some minutes.
        self.hand_ticks, self.lookup_fails, self.lookup_minutes = QSpinBox(), QSpinBox(), QSpinBox()
        self.hand_ticks.setRange(0, 999)
        self.lookup_fails.setRange(0, 99)
        self.lookup_minutes.setRange(1, 240)
        self.rows = (self.name, self.address, self.phone, self.hours, self.policy, self.undo,
                     self.cooldown,
                     self.free_days, self.fee_per_day, self.fee_cap,
                     self.hand_ticks, self.lookup_fails, self.lookup_minutes)
        self.row_labels = [QLabel() for _ in self.rows]
        for label, widget in zip(self.row_labels, self.rows, strict=True):
            self.form.addRow(label, widget)
        self.retranslate()

    def load(self) -> None:
        self.run(_read_station, done=self._loaded)

    def _loaded(self, values: dict[str, Any]) -> None:
        self.name.setText(values["station_name"] or "")
        self.address.setText(values["station_address"] or "")
        self.phone.setText(values["station_phone"] or "")
        self.hours.setText(values["station_hours"] or "")
        self.policy.setCurrentIndex(max(0, self.policy.findData(values["id_check_policy"])))
        self.undo.setValue(int(values["undo_minutes"]))
        self.cooldown.setValue(int(values["code_cooldown_days"]))
        self.free_days.setValue(int(values["storage_free_days"]))
        self.fee_per_day.set_fen(int(values["storage_fee_per_day_fen"]))
        self.fee_cap.set_fen(int(values["storage_fee_cap_fen"]))
        self.hand_ticks.setValue(int(values["hand_tick_limit"]))
        self.lookup_fails.setValue(int(values["lookup_fail_limit"]))
        self.lookup_minutes.setValue(int(values["lookup_fail_minutes"]))

    def save(self) -> None:
        values = {"station_name": self.name.text().strip(),
                  "station_address": self.address.text().strip(),
                  "station_phone": self.phone.text().strip(),
                  "station_hours": self.hours.text().strip(),
                  "id_check_policy": self.policy.currentData(),
                  "undo_minutes": self.undo.value(), "code_cooldown_days": self.cooldown.value(),
                  "storage_free_days": self.free_days.value(),
                  "storage_fee_per_day_fen": self.fee_per_day.fen() or 0,
                  "storage_fee_cap_fen": self.fee_cap.fen() or 0,
                  "hand_tick_limit": self.hand_ticks.value(),
                  "lookup_fail_limit": self.lookup_fails.value(),
                  "lookup_fail_minutes": self.lookup_minutes.value()}
        self.run(_write_station, self.session.actor, values, done=self._saved)

    def _saved(self, changed: dict[str, Any]) -> None:
        if "station_name" in changed:
            self.session.station_name = changed["station_name"]
        self.report.emit("ok", self.tr("Station settings saved ({0} changed).").format(
            len(changed)))

    def retranslate(self) -> None:
        labels = (self.tr("Station name"), self.tr("Address"), self.tr("Phone"),
                  self.tr("Opening hours"),
                  self.tr("ID check"), self.tr("Undo an intake within (min)"),
                  self.tr("Reuse a pickup code after (days)"),
                  self.tr("Storage fee: free days"),
                  self.tr("Storage fee per day after that (0 = none)"),
                  self.tr("Storage fee cap per parcel (0 = none)"),
                  self.tr("Parcels a clerk may tick by hand a day (0 = no limit)"),
                  self.tr("Lookups finding nobody or several people before a pause (0 = no "
                          "limit)"),
                  self.tr("… within (min)"))
        for label, text in zip(self.row_labels, labels, strict=True):
            label.setText(text)
        texts = {"cod": self.tr("Cash on delivery, flagged parcels and proxies"),
                 "flagged": self.tr("Flagged parcels and proxies only"),
                 "always": self.tr("Every pickup")}
        for i, policy in enumerate(POLICIES):
            self.policy.setItemText(i, texts[policy])
        self.hours.setPlaceholderText("09:00-21:00")


def _read_carriers() -> list[Any]:
    from station.services import carriers

    return carriers.list_carriers(include_inactive=True)


def _write_carriers(actor, changes: dict[str, tuple[int, int, bool]]) -> int:  # noqa: ANN001
    from station.services import carriers

    for code, (retention, remind, active) in changes.items():
        current = carriers.get(code)
        if (current.retention_days, current.remind_days) != (retention, remind):
            carriers.update_terms(actor, code, retention_days=retention, remind_days=remind)
        if bool(current.active) != active:
            carriers.set_active(actor, code, active)
    return len(changes)


class CarriersPage(Page):
    """Retention days per carrier (when a parcel becomes overdue and goes back), and which
    carriers the station works with (a switched-off carrier is not offered at intake)."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        layout = QVBoxLayout(self)
        self.table = QTableWidget(0, 4)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table)
        self.original: dict[str, tuple[int, int, bool]] = {}
        self.retranslate()

    def load(self) -> None:
        self.run(_read_carriers, done=self._loaded)

    def _loaded(self, rows: list[Any]) -> None:
        self.table.setRowCount(len(rows))
        self.original = {}
        names = {c.code: (c.name_en, c.name_zh) for c in rows}
        for row, c in enumerate(rows):
            item = QTableWidgetItem(carrier_text(c.code, names))
            item.setData(256, c.code)
            self.table.setItem(row, 0, item)
            for col, value in ((1, c.retention_days), (2, c.remind_days)):
                box = QSpinBox()
                box.setRange(0, 90)
                box.setValue(value)
                self.table.setCellWidget(row, col, box)
            works = QCheckBox()
            works.setChecked(c.active)
            self.table.setCellWidget(row, 3, works)
            self.original[c.code] = (c.retention_days, c.remind_days, c.active)

    def values(self) -> dict[str, tuple[int, int, bool]]:
        out = {}
        for row in range(self.table.rowCount()):
            code = self.table.item(row, 0).data(256)
            retention, remind = self.table.cellWidget(row, 1), self.table.cellWidget(row, 2)
            out[code] = (retention.value(), remind.value(), self.table.cellWidget(row, 3)
                         .isChecked())
        return out

    def save(self) -> None:
        changes = {k: v for k, v in self.values().items() if self.original.get(k) != v}
        self.run(_write_carriers, self.session.actor, changes, done=self._saved)

    def _saved(self, n: int) -> None:
        self.report.emit("ok", self.tr("Carrier terms saved ({0} changed).").format(n))
        self.session.refresh_carriers()
        self.load()

    def retranslate(self) -> None:
        self.table.setHorizontalHeaderLabels([self.tr("Carrier"), self.tr("Return after (days)"),
                                              self.tr("Remind after (days)"),
                                              self.tr("Works with us")])


def _staff_job(actor, action: str, *args: Any) -> Any:  # noqa: ANN001, ANN401
    from station.services import staff

    if action == "add":
        staff.add_staff(actor, *args)
    elif action == "pin":
        staff.set_pin(actor, *args)
    elif action == "active":
        staff.set_active(actor, *args)
    return staff.list_staff(actor)


class StaffPage(Page):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        layout = QVBoxLayout(self)
        self.table = QTableWidget(0, 3)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.name, self.pin = QLineEdit(), QLineEdit()
        self.name.setMaxLength(40)
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.role = QComboBox()
        self.role.addItem("clerk", "clerk")
        self.role.addItem("owner", "owner")
        self.add_button, self.pin_button = QPushButton(), QPushButton()
        self.active_button = QPushButton()
        self.add_button.clicked.connect(self.add)
        self.pin_button.clicked.connect(self.reset_pin)
        self.active_button.clicked.connect(self.toggle_active)
        self.table.currentCellChanged.connect(lambda *_: self._selection_changed())
        for widget in (self.name, self.role, self.pin, self.add_button, self.pin_button,
                       self.active_button):
            row.addWidget(widget)
        self.people: list[Any] = []
        layout.addLayout(row)
        self.retranslate()

    def load(self) -> None:
        self.run(_staff_job, self.session.actor, "list", done=self._loaded)

    def _loaded(self, people: list[Any]) -> None:
        self.people = list(people)
        self.table.setRowCount(len(people))
        for r, p in enumerate(people):
            state = self.tr("active") if p.active else self.tr("inactive")
            if p.locked_until:
                state = self.tr("locked")
            role = self.tr("owner") if p.role == "owner" else self.tr("clerk")
            for c, text in enumerate((p.name, role, state)):
                self.table.setItem(r, c, QTableWidgetItem(text))

    def add(self) -> None:
        name = self.name.text().strip()
        self.run(_staff_job, self.session.actor, "add", name, self.role.currentData(),
                 self.pin.text(), done=lambda rows: self._done(rows, self.tr(
                     "Account {0} added.").format(name)))

    def reset_pin(self) -> None:
        row = self.table.currentRow()
        name = self.table.item(row, 0).text() if row >= 0 else self.name.text().strip()
        self.run(_staff_job, self.session.actor, "pin", name, self.pin.text(),
                 done=lambda rows: self._done(rows, self.tr("New PIN set for {0}.").format(name)))

    def selected(self) -> Any:  # noqa: ANN401 - a StaffView or None
        row = self.table.currentRow()
        return self.people[row] if 0 <= row < len(self.people) else None

    def _selection_changed(self) -> None:
        person = self.selected()
        self.active_button.setEnabled(person is not None)
        self.active_button.setText(self.tr("Activate selected") if person is not None
                                   and not person.active else self.tr("Deactivate selected"))

    def toggle_active(self) -> None:
        person = self.selected()
        if person is None:
            self.report.emit("warn", self.tr("Select an account in the list first."))
            return
        want = not person.active
        message = (self.tr("{0} can log in again.") if want
                   else self.tr("{0} can no longer log in.")).format(person.name)
        self.run(_staff_job, self.session.actor, "active", person.name, want,
                 done=lambda rows: self._done(rows, message))

    def _done(self, rows: list[Any], message: str) -> None:
        self.name.clear()
        self.pin.clear()
        self._loaded(rows)
        self.report.emit("ok", message)

    def retranslate(self) -> None:
        self.table.setHorizontalHeaderLabels([self.tr("Name"), self.tr("Role"), self.tr("State")])
        self.name.setPlaceholderText(self.tr("Name"))
        self.pin.setPlaceholderText(self.tr("PIN (4+ characters)"))
        self.role.setItemText(0, self.tr("clerk"))
        self.role.setItemText(1, self.tr("owner"))
        self.add_button.setText(self.tr("Add account"))
        self.pin_button.setText(self.tr("Set new PIN for selected"))
        self._selection_changed()
