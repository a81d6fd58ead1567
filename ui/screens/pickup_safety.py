"""The pickup screen's safety questions: why a parcel is ticked by hand instead of scanned,
whether to hand out only the scanned parcels, whether to drop the ticks and start over.

Each answers from the keyboard (Enter takes the safe default, Esc cancels); the rules they
feed are the core's (station.services.pickup_checks)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from station.services.pickup_checks import MIN_REASON

OTHER = "other"
PRESETS = ("no_scanner", "unreadable", "no_scan", OTHER)


class HandTickDialog(QDialog):
    """Why can this parcel not be scanned? A preset reason, and free text (needed for
    "other")."""

    def __init__(self, tracking: str, slot: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tracking, self.slot = tracking, slot or ""
        self.setMinimumWidth(480)
        layout = QVBoxLayout(self)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        form = QFormLayout()
        self.preset = QComboBox()
        for key in PRESETS:
            self.preset.addItem("", key)
        self.details = QLineEdit()
        self.details.setMaxLength(150)
        self.l_preset, self.l_details = QLabel(), QLabel()
        form.addRow(self.l_preset, self.preset)
        form.addRow(self.l_details, self.details)
        layout.addLayout(form)
        self.state = QLabel()
        self.state.setWordWrap(True)
        layout.addWidget(self.state)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.preset.currentIndexChanged.connect(self.check)
        self.details.textChanged.connect(self.check)
        self.details.returnPressed.connect(self.accept)
        self.retranslate()
        self.preset.setFocus()

    def _preset_texts(self) -> dict[str, str]:
        return {
            "no_scanner": self.tr("No scanner at this counter"),
            "unreadable": self.tr("Label unreadable or torn"),
            "no_scan": self.tr("Barcode does not scan"),
            OTHER: self.tr("Other (say why below)"),
        }

    def reason(self) -> str:
        key = self.preset.currentData()
        details = " ".join(self.details.text().split())
        if key == OTHER:
            return details
        preset = self._preset_texts()[key]
        return f"{preset}: {details}" if details else preset

    def check(self) -> bool:
        ok = len(self.reason()) >= MIN_REASON
        self.state.setText("" if ok else self.tr(
            "Say why in a few words (at least {0} characters).").format(MIN_REASON))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)
        return ok

    def accept(self) -> None:
        if self.check():
            super().accept()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Tick by hand"))
        self.intro.setText(self.tr(
            "{0} ({1}) is ticked without a scan. Check the label against the list yourself, "
            "then say why it cannot be scanned. Hand ticks are counted in the daily report."
        ).format(self.tracking, self.slot))
        self.l_preset.setText(self.tr("Why not scanned"))
        self.l_details.setText(self.tr("Details"))
        for i, text in enumerate(self._preset_texts().values()):
            self.preset.setItemText(i, text)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Tick it"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        self.check()


def _ask(parent: QWidget, title: str, text: str, yes: str, no: str) -> bool:
    """Yes/No with No the default: Enter or Esc keep the safe answer."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.NoButton,
                      parent)
    yes_button = box.addButton(yes, QMessageBox.ButtonRole.YesRole)
    no_button = box.addButton(no, QMessageBox.ButtonRole.NoRole)
    box.setDefaultButton(no_button)
    box.setEscapeButton(no_button)
    box.setObjectName("pickup_question")
    box.exec()
    return box.clickedButton() is yes_button


def ask_partial(parent: QWidget, ticked: int, listed: int) -> bool:
    """Only some of the person's parcels are ticked: hand out only those?"""
    if ticked == 1 and listed == 2:
        text = QCoreApplication.translate(
            "PickupSafety",
            "Only 1 of 2 scanned — hand out only that one? The other stays on the shelf.")
    else:
        text = QCoreApplication.translate(
            "PickupSafety", "Only {0} of {1} scanned — hand out only the scanned ones? The "
            "other {2} stay on the shelf.").format(ticked, listed, listed - ticked)
    return _ask(
        parent,
        QCoreApplication.translate("PickupSafety", "Hand out only some?"),
        text,
        QCoreApplication.translate("PickupSafety", "Yes, hand out {0}").format(ticked),
        QCoreApplication.translate("PickupSafety", "No, go back and scan"),
    )


def ask_drop(parent: QWidget, ticked: int) -> bool:
    """Esc with ticks: drop them and start over for the next person?"""
    return _ask(
        parent,
        QCoreApplication.translate("PickupSafety", "Start over?"),
        QCoreApplication.translate(
            "PickupSafety", "{0} parcel(s) are ticked and not handed over yet. Drop the ticks "
            "and start over for the next person? (Put the parcels back on the shelf.)"
        ).format(ticked),
        QCoreApplication.translate("PickupSafety", "Yes, start over"),
        QCoreApplication.translate("PickupSafety", "No, keep the ticks"),
    )


def ask_hand_reason(parent: QWidget, tracking: str, slot: str | None) -> str | None:
    """The clerk's reason for a hand tick, or None when cancelled (no tick)."""
    dialog = HandTickDialog(tracking, slot, parent)
    return dialog.reason() if dialog.exec() == QDialog.DialogCode.Accepted else None


def wrong_scan_job(actor, scanned: str, handover: list[int]) -> str:  # noqa: ANN001
    """In a worker: record the wrong scan as its own audit event (see pickup_lookup)."""
    from station.services import pickup_lookup

    return pickup_lookup.record_wrong_scan(actor, scanned, handover)


def lookup_job(actor, text: str, name: str | None) -> tuple[list[list[Any]], str]:  # noqa: ANN001
    """In a worker: the pickup lookup (records misses; may refuse: the lookup limit)."""
    from station.services import pickup_lookup

    found = pickup_lookup.lookup(actor, text, name)
    return found.groups, found.policy


def pickup_job(actor, request) -> Any:  # noqa: ANN001, ANN401
    from station.services import pickup

    return pickup.pickup(actor, request)


def id_mismatch(dialog: Any) -> str | None:  # noqa: ANN401 - IdCheckDialog
    """Why a closed ID dialog is a failed check (the name on the document typed and not the
    expected one), or None (nothing typed yet, or it matched)."""
    from ui.screens.pickup_dialogs import _same_name

    typed, expected = dialog.name.text().strip(), dialog.expected_name()
    if typed and expected and dialog.number.text().strip() and not _same_name(typed, expected):
        return "name on ID does not match"
    return None


def id_failed_job(actor, parcel_ids: list[int], why: str) -> None:  # noqa: ANN001
    from station.services import pickup_lookup

    pickup_lookup.record_id_failure(actor, parcel_ids, why)
