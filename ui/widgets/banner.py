"""The line at the top of a screen that says what just happened, in colour.

Green: done. Amber: look (a repeat scan, something waiting). Red: refused, with a beep and a
short flash, because at the evening rush the clerk looks at the parcel, not the screen.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QSizePolicy, QWidget

STYLES = {
    "idle": ("#f3f4f6", "#374151", "#d1d5db"),
    "info": ("#e0f2fe", "#075985", "#7dd3fc"),
    "ok": ("#dcfce7", "#14532d", "#22c55e"),
    "warn": ("#fef3c7", "#78350f", "#f59e0b"),
    "error": ("#fee2e2", "#7f1d1d", "#ef4444"),
}
FLASH = "#ef4444"


class Banner(QLabel):
    def __init__(self, parent: QWidget | None = None, big: bool = False,
                 auto_hide: bool = False) -> None:
        """``auto_hide``: take no room while there is nothing to say (side panels)."""
        super().__init__(parent)
        self.kind = "idle"
        self.auto_hide = auto_hide
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        self.setMinimumHeight(44 if big else 34)
        self._big = big
        self._flashes = 0
        self._timer = QTimer(self)
        self._timer.setInterval(120)
        self._timer.timeout.connect(self._flash_step)
        self._apply()
        if auto_hide:
            self.hide()

    def show_message(self, kind: str, text: str) -> None:
        self.kind = kind if kind in STYLES else "info"
        self.setText(text)
        self.setAccessibleDescription(self.kind)
        if self.auto_hide:
            self.setVisible(bool(text))
        self._apply()
        if self.kind == "error":
            QApplication.beep()
            self._flashes = 6
            self._timer.start()

    def clear_message(self) -> None:
        self.show_message("idle", "")

    def _flash_step(self) -> None:
        self._flashes -= 1
        self._apply(flash=self._flashes % 2 == 1)
        if self._flashes <= 0:
            self._timer.stop()
            self._apply()

    def _apply(self, flash: bool = False) -> None:
        bg, fg, border = STYLES[self.kind]
        if flash:
            bg, fg = FLASH, "#ffffff"
        size = 15 if self._big else 13
        self.setStyleSheet(
            f"QLabel {{ background: {bg}; color: {fg}; border: 2px solid {border}; "
            f"border-radius: 6px; padding: 6px 10px; font-size: {size}pt; font-weight: 600; }}"
        )


class NoticeBar(Banner):
    """A window-wide notice (no printer set, …) that leaves each screen's own banner to the
    scan in hand: it stays until clicked, or for ``seconds``."""

    def __init__(self, parent: QWidget | None = None, seconds: int = 90) -> None:
        super().__init__(parent, auto_hide=True)
        self._expire = QTimer(self)
        self._expire.setSingleShot(True)
        self._expire.setInterval(seconds * 1000)
        self._expire.timeout.connect(self.clear_message)
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def show_message(self, kind: str, text: str) -> None:
        super().show_message(kind, text)
        if text:
            self._expire.start()

    def mousePressEvent(self, event) -> None:  # noqa: ANN001, N802 - Qt API
        self.clear_message()
        super().mousePressEvent(event)
