"""The pickup code and slot, printed large enough to read from a step away."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

BORDERS = {"idle": "#d1d5db", "ok": "#16a34a", "warn": "#d97706", "error": "#dc2626"}


class BigCode(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.caption = QLabel()
        self.code = QLabel("—")
        self.slot = QLabel()
        self.detail = QLabel()
        for label, size, bold in ((self.caption, 13, False), (self.code, 54, True),
                                  (self.slot, 30, True), (self.detail, 13, False)):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setStyleSheet(f"font-size: {size}pt; font-weight: {700 if bold else 400};"
                                " border: none;")
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.setWordWrap(True)
        self.code.setObjectName("bigCode")
        layout = QVBoxLayout(self)
        layout.addWidget(self.caption)
        layout.addWidget(self.code)
        layout.addWidget(self.slot)
        layout.addWidget(self.detail)
        self.set_state("idle")

    def show_code(self, caption: str, code: str, slot: str, detail: str = "",
                  state: str = "ok") -> None:
        self.caption.setText(caption)
        self.code.setText(code or "—")
        self.slot.setText(slot)
        self.detail.setText(detail)
        self.set_state(state)

    def clear(self, caption: str = "") -> None:
        self.show_code(caption, "—", "", "", "idle")

    def set_state(self, state: str) -> None:
        self.state = state
        color = BORDERS.get(state, BORDERS["idle"])
        self.setStyleSheet(f"BigCode {{ border: 3px solid {color}; border-radius: 10px; "
                           "background: #ffffff; }")
