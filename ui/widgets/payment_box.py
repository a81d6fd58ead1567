"""Cash on delivery at pickup: the amount due, the method, cash tendered and the change.

All amounts are integer fen. Method keys: Ctrl+1 cash, Ctrl+2 WeChat Pay, Ctrl+3 Alipay,
Ctrl+4 card (the shortcuts live on the pickup screen; this box only shows and computes).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QGroupBox,
    QLabel,
    QPushButton,
    QWidget,
)

from ui.screens.common import in_words, method_text, money
from ui.widgets.money_input import MoneyInput

METHODS = ("cash", "wechat", "alipay", "card")


class PaymentBox(QGroupBox):
    """``compact``: the Send screen's form (no due line, the method buttons in two rows, cash
    chosen, shown even before a price is known)."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None, *, compact: bool = False) -> None:
        super().__init__(parent)
        self.compact = compact
        self.due_fen = 0
        grid = QGridLayout(self)
        self.due_label = QLabel()
        self.due = QLabel()
        self.due.setStyleSheet("font-size: 22pt; font-weight: 700; color: #b45309;")
        if not compact:
            grid.addWidget(self.due_label, 0, 0)
            grid.addWidget(self.due, 0, 1, 1, 3)
        row = QGridLayout()
        self.group = QButtonGroup(self)
        self.buttons: dict[str, QPushButton] = {}
        for i, method in enumerate(METHODS):
            button = QPushButton()
            button.setCheckable(True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setStyleSheet("QPushButton:checked { background: #2563eb; color: white; "
                                 "font-weight: 700; }")
            self.group.addButton(button, i)
            self.buttons[method] = button
            row.addWidget(button, *(divmod(i, 2) if compact else (0, i)))
        self.group.buttonToggled.connect(lambda *_: self._update())
        grid.addLayout(row, 1, 0, 1, 4)
        self.tendered_label = QLabel()
        self.tendered = MoneyInput()
        self.tendered.fen_changed.connect(lambda _v: self._update())
        self.change_label = QLabel()
        self.change = QLabel()
        self.change.setStyleSheet("font-size: 18pt; font-weight: 700; color: #15803d;")
        grid.addWidget(self.tendered_label, 2, 0)
        grid.addWidget(self.tendered, 2, 1)
        grid.addWidget(self.change_label, *((3, 0) if compact else (2, 2)))
        grid.addWidget(self.change, *((3, 1) if compact else (2, 3)))
        self.retranslate()
        self.reset()

    def set_due(self, fen: int) -> None:
        self.due_fen = fen
        if not self.compact:
            self.setVisible(fen > 0)
        self._update()

    def method(self) -> str | None:
        button = self.group.checkedButton()
        return next((m for m, b in self.buttons.items() if b is button), None)

    def choose(self, method: str, focus: bool = True) -> None:
        if method in self.buttons and (self.due_fen > 0 or self.compact):
            self.buttons[method].setChecked(True)
            if method == "cash" and focus:
                self.tendered.setFocus()

    def tendered_fen(self) -> int | None:
        return self.tendered.fen() if self.method() == "cash" else None

    def change_fen(self) -> int | None:
        tendered = self.tendered_fen()
        if tendered is None:
            return 0 if self.method() == "cash" else None
        return tendered - self.due_fen

    def reset(self) -> None:
        self.group.setExclusive(False)
        for button in self.buttons.values():
            button.setChecked(False)
        self.group.setExclusive(True)
        if self.compact:
            self.buttons["cash"].setChecked(True)  # most senders pay cash at the counter
        self.tendered.clear()
        self.set_due(0)

    def problem(self) -> str | None:
        """Why the payment cannot go through yet, or None."""
        if self.due_fen <= 0:
            return None
        if self.method() is None:
            return self.tr("Choose how {0} is paid: Ctrl+1 cash, Ctrl+2 WeChat Pay, Ctrl+3 "
                           "Alipay, Ctrl+4 card.").format(money(self.due_fen))
        if self.method() == "cash":
            if not self.tendered.is_valid():
                return in_words(self.tr("Not an amount: type it like 12.50."),
                                self.tendered.error)
            change = self.change_fen()
            if change is not None and change < 0:
                return self.tr("The cash tendered is less than {0}.").format(money(self.due_fen))
        return None

    def _update(self) -> None:
        self.due.setText(money(self.due_fen))
        cash = self.method() == "cash"
        for widget in (self.tendered_label, self.tendered, self.change_label, self.change):
            widget.setVisible(cash)
        change = self.change_fen() if cash else None
        self.change.setText(money(change) if change is not None and change >= 0 else "—")
        self.changed.emit()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.setTitle(self.tr("Payment") if self.compact else self.tr("Cash on delivery"))
        self.due_label.setText(self.tr("Due"))
        for i, (method, button) in enumerate(self.buttons.items()):
            button.setText(f"{method_text(method)} (Ctrl+{i + 1})")
        self.tendered_label.setText(self.tr("Cash tendered"))
        self.tendered.setPlaceholderText(self.tr("empty = exact") if self.compact
                                         else self.tr("exact"))
        self.change_label.setText(self.tr("Change"))
