"""Counting at day close: the cash drawer by denomination (¥100 … ¥0.1, the core's
arithmetic) and, per payment method, expected vs counted with the variance."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QSpinBox, QToolButton, QWidget

from station.services.day_close import DENOMINATIONS, MAX_PIECES, denominations_to_fen
from station.services.ledger import METHODS
from ui.screens.common import method_text, money
from ui.widgets.money_input import MoneyInput


class DenominationCounter(QWidget):
    """``counts()`` → {"100": pieces, …}; ``total_fen()``; ``total_changed(fen)`` on each change."""

    total_changed = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.boxes: dict[str, QSpinBox] = {}
        self.subtotals: dict[str, QLabel] = {}
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(3)
        self.head_note, self.head_pieces, self.head_sum = QLabel(), QLabel(), QLabel()
        for col, head in enumerate((self.head_note, self.head_pieces, self.head_sum)):
            head.setStyleSheet("color: #4b5563;")
            grid.addWidget(head, 0, col, Qt.AlignmentFlag.AlignRight if col else
                           Qt.AlignmentFlag.AlignLeft)
        for row, key in enumerate(DENOMINATIONS, start=1):
            label = QLabel(f"¥{key}")
            label.setStyleSheet("font-weight: 600;")
            box = QSpinBox()
            box.setRange(0, MAX_PIECES)
            box.setAlignment(Qt.AlignmentFlag.AlignRight)
            box.setButtonSymbols(QSpinBox.ButtonSymbols.NoButtons)
            box.setMinimumWidth(70)
            box.setAccessibleName(f"¥{key}")
            box.valueChanged.connect(self._changed)
            sub = QLabel(money(0))
            sub.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            sub.setMinimumWidth(90)
            grid.addWidget(label, row, 0)
            grid.addWidget(box, row, 1)
            grid.addWidget(sub, row, 2)
            self.boxes[key], self.subtotals[key] = box, sub
        self.total_label = QLabel()
        self.total_label.setStyleSheet("font-size: 13pt; font-weight: 700;")
        self.total_label.setAlignment(Qt.AlignmentFlag.AlignRight)
        grid.addWidget(self.total_label, len(DENOMINATIONS) + 1, 0, 1, 3)
        self.retranslate()

    def counts(self) -> dict[str, int]:
        return {key: box.value() for key, box in self.boxes.items()}

    def total_fen(self) -> int:
        return denominations_to_fen(self.counts())

    def set_counts(self, counts: dict[str, int]) -> None:
        for key, box in self.boxes.items():
            box.setValue(int(counts.get(key, 0)))

    def clear(self) -> None:
        self.set_counts({})

    def _changed(self, _value: int) -> None:
        for key, box in self.boxes.items():
            self.subtotals[key].setText(money(DENOMINATIONS[key] * box.value()))
        self._show_total()
        self.total_changed.emit(self.total_fen())

    def _show_total(self) -> None:
        self.total_label.setText(self.tr("Drawer total: {0}").format(money(self.total_fen())))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.head_note.setText(self.tr("Note / coin"))
        self.head_pieces.setText(self.tr("Pieces"))
        self.head_sum.setText(self.tr("Amount"))
        self._show_total()


class MethodCounts(QWidget):
    """Per payment method: expected (from the ledger), counted (typed; cash from the drawer
    count), variance coloured against the reason threshold, and the totals."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.expected_fen = dict.fromkeys(METHODS, 0)
        self.limit_fen = 0
        grid = QGridLayout(self)
        self.heads = [QLabel() for _ in range(4)]
        for c, head in enumerate(self.heads):
            head.setStyleSheet("color: #4b5563;")
            grid.addWidget(head, 0, c, _align(c))
        self.names: dict[str, QLabel] = {}
        self.expected: dict[str, QLabel] = {}
        self.counted: dict[str, MoneyInput] = {}
        self.variance: dict[str, QLabel] = {}
        self.copy_buttons: dict[str, QToolButton] = {}
        for r, method in enumerate(METHODS, start=1):
            self.names[method], self.expected[method] = QLabel(), QLabel(money(0))
            self.counted[method], self.variance[method] = MoneyInput(), QLabel()
            self.counted[method].setMaximumWidth(120)
            self.counted[method].textChanged.connect(lambda _t: self._recompute())
            for c, w in enumerate((self.names[method], self.expected[method],
                                   self.counted[method], self.variance[method])):
                grid.addWidget(w, r, c, _align(c) if c != 2 else Qt.AlignmentFlag(0))
            if method != "cash":  # card/app totals come from the terminal's day summary
                button = QToolButton()
                button.setText("=")
                button.clicked.connect(lambda _=False, m=method: self.copy_expected(m))
                grid.addWidget(button, r, 4)
                self.copy_buttons[method] = button
        n = len(METHODS) + 1
        self.totals = [QLabel() for _ in range(4)]
        for c, label in enumerate(self.totals):
            label.setStyleSheet("font-weight: 700;")
            grid.addWidget(label, n, c, _align(c))
        self.rule = QLabel()
        self.rule.setWordWrap(True)
        self.rule.setStyleSheet("color: #4b5563;")
        grid.addWidget(self.rule, n + 1, 0, 1, 5)
        grid.setRowStretch(n + 2, 1)
        self.retranslate()

    def set_expected(self, expected_fen: dict[str, int], limit_fen: int) -> None:
        self.expected_fen, self.limit_fen = dict(expected_fen), limit_fen
        for method in METHODS:
            self.expected[method].setText(money(expected_fen.get(method, 0)))
        self._recompute()

    def set_counted(self, counted_fen: dict[str, int] | None, read_only: bool = False) -> None:
        for method, field in self.counted.items():
            field.setReadOnly(read_only)
            if counted_fen is not None:
                field.set_fen(counted_fen.get(method, 0))
        for button in self.copy_buttons.values():
            button.setEnabled(not read_only)

    def copy_expected(self, method: str) -> None:
        if not self.counted[method].isReadOnly():
            self.counted[method].set_fen(self.expected_fen.get(method, 0))

    def counted_fen(self) -> dict[str, int] | None:
        """The counted amounts (an empty field counts 0), or None while one is not an amount."""
        if not all(field.is_valid() for field in self.counted.values()):
            return None
        return {method: field.fen() or 0 for method, field in self.counted.items()}

    def reason_required(self) -> bool:
        counted = self.counted_fen()
        return counted is not None and any(
            abs(counted[m] - self.expected_fen.get(m, 0)) > self.limit_fen for m in METHODS)

    def _recompute(self) -> None:
        counted = self.counted_fen()
        for method in METHODS:
            if counted is None:
                self.variance[method].setText("—")
                continue
            diff = counted[method] - self.expected_fen.get(method, 0)
            colour = ("#15803d" if diff == 0 else "#b91c1c" if abs(diff) > self.limit_fen
                      else "#b45309")
            self.variance[method].setText(signed(diff))
            self.variance[method].setStyleSheet(f"color: {colour}; font-weight: 600;")
        te = sum(self.expected_fen.values())
        self.totals[1].setText(money(te))
        tc = sum(counted.values()) if counted is not None else None
        self.totals[2].setText("—" if tc is None else money(tc))
        self.totals[3].setText("—" if tc is None else signed(tc - te))
        self.rule.setText(self.tr("A reason is needed when a method differs from the ledger by "
                                  "more than {0}.").format(money(self.limit_fen)))
        self.changed.emit()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        for head, text in zip(self.heads, (self.tr("Method"), self.tr("Expected"),
                                           self.tr("Counted"), self.tr("Variance")), strict=True):
            head.setText(text)
        for method in METHODS:
            self.names[method].setText(method_text(method))
        for button in self.copy_buttons.values():
            button.setToolTip(self.tr("Counted = expected (checked against the terminal's "
                                      "day summary)"))
        self.totals[0].setText(self.tr("Total"))
        self._recompute()


def _align(column: int) -> Qt.AlignmentFlag:
    return Qt.AlignmentFlag.AlignRight if column else Qt.AlignmentFlag.AlignLeft


def signed(fen: int) -> str:
    """A variance: "+¥1.50", "-¥30.00", "¥0.00"."""
    return ("+" if fen > 0 else "-" if fen < 0 else "") + money(abs(fen))
