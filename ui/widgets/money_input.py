"""An amount in yuan typed at the counter, held as integer fen (never a float)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLineEdit, QWidget

from station.domain.money import format_fen, parse_yuan
from station.errors import StationError


class MoneyInput(QLineEdit):
    """``fen()`` is None while the field is empty, or when the text is not an amount (then
    ``error`` says why and the field turns red)."""

    fen_changed = Signal(object)  # int | None

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.error = ""
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.setPlaceholderText("0.00")
        self.setMaxLength(14)
        self.textChanged.connect(self._changed)

    def fen(self) -> int | None:
        text = self.text().strip()
        if not text:
            return None
        try:
            return parse_yuan(text)
        except StationError as exc:
            self.error = exc.message
            return None

    def set_fen(self, fen: int | None) -> None:
        self.setText("" if fen is None else format_fen(fen))

    def is_valid(self) -> bool:
        return not self.text().strip() or self.fen() is not None

    def _changed(self, _text: str) -> None:
        self.error = ""
        value = self.fen()
        bad = bool(self.text().strip()) and value is None
        self.setStyleSheet("QLineEdit { border: 2px solid #dc2626; }" if bad else "")
        self.fen_changed.emit(value)
