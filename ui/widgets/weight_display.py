"""The live weight, as the clerk should read it: a number only when it can be used, and the
reason in words and colour when it cannot (moving, over capacity, under zero, no scale)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QWidget

from station.devices.scale.base import (
    ERROR,
    MOTION,
    NO_ANSWER,
    OK,
    OVERLOAD,
    UNDERLOAD,
    Reading,
)

COLOURS = {
    "stable": "#1b7f3b",  # green: this weight will be used
    MOTION: "#b26a00",  # amber: wait
    OVERLOAD: "#c62828",
    UNDERLOAD: "#c62828",
    ERROR: "#c62828",
    NO_ANSWER: "#757575",  # grey: no scale
}


def format_grams(grams: int) -> str:
    """``850`` → ``"850 g"``, ``1234`` → ``"1.234 kg"``."""
    if abs(grams) >= 1000:
        sign = "-" if grams < 0 else ""
        return f"{sign}{abs(grams) // 1000}.{abs(grams) % 1000:03d} kg"
    return f"{grams} g"


class WeightDisplay(QLabel):
    """``set_reading(reading)``; ``compact=True`` for the status bar, else a large figure."""

    def __init__(self, parent: QWidget | None = None, *, compact: bool = False) -> None:
        super().__init__(parent)
        self.compact = compact
        self.reading: Reading | None = None
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.setTextFormat(Qt.TextFormat.PlainText)
        if not compact:
            font = QFont(self.font())
            font.setPointSizeF(font.pointSizeF() * 2.2)
            font.setBold(True)
            self.setFont(font)
            self.setMinimumWidth(self.fontMetrics().horizontalAdvance("88.888 kg  "))
        self.set_reading(None)

    def status_key(self) -> str:
        reading = self.reading
        if reading is None:
            return NO_ANSWER
        if reading.status == OK:
            return "stable" if reading.stable else MOTION
        return reading.status

    def describe(self, reading: Reading | None) -> tuple[str, str]:
        """(text, tooltip) for a reading."""
        if reading is None:
            return self.tr("No scale"), self.tr("No scale is connected.")
        weight = format_grams(reading.weight_g) if reading.weight_g is not None else ""
        if reading.status == OK and reading.stable:
            return weight, self.tr("Stable weight")
        if reading.status in (OK, MOTION):
            text = self.tr("{weight} moving").format(weight=weight) if weight else self.tr("Moving")
            return text.strip(), self.tr("Wait until the scale settles.")
        if reading.status == OVERLOAD:
            return self.tr("Overload"), self.tr("Too heavy for the scale.")
        if reading.status == UNDERLOAD:
            return self.tr("Under zero"), self.tr("Empty the scale and press Zero.")
        if reading.status == NO_ANSWER:
            return self.tr("No scale"), reading.message or self.tr("The scale does not answer.")
        return self.tr("Scale error"), reading.message or self.tr("The scale sent bad data.")

    def set_reading(self, reading: Reading | None) -> None:
        self.reading = reading
        text, tip = self.describe(reading)
        key = self.status_key()
        self.setText(text)
        self.setToolTip(tip)
        self.setProperty("scaleStatus", key)
        self.setStyleSheet(f"color: {COLOURS[key]};")
        self.setAccessibleDescription(tip)
