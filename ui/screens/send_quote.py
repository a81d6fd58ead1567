"""The right-hand side of the Send screen: the live price (what the sender is told), the
payment (cash with change, WeChat Pay, Alipay, card) and the last waybill number, large.

The figures shown are exactly the core's Quote (integer fen and grams); nothing is computed
here except the change from the cash tendered.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QGroupBox,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from station.services.sends_quote import Quote
from ui.screens.common import money
from ui.screens.send_common import weight_kg, zone_text
from ui.widgets.payment_box import PaymentBox

MUTED = "color: #6b7280;"
PROBLEM = "color: #b91c1c; font-weight: 600;"


class QuoteBox(QGroupBox):
    """Zone, weights, freight, insurance and the total of the current form."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.quote: Quote | None = None
        grid = QGridLayout(self)
        grid.setColumnStretch(1, 1)
        self.names = [QLabel() for _ in range(6)]
        self.zone, self.weights, self.chargeable = QLabel(), QLabel(), QLabel()
        self.freight, self.insurance, self.total = QLabel(), QLabel(), QLabel()
        values = (self.zone, self.weights, self.chargeable, self.freight, self.insurance,
                  self.total)
        for row, (name, value) in enumerate(zip(self.names, values, strict=True)):
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            grid.addWidget(name, row, 0, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            grid.addWidget(value, row, 1)
        self.chargeable.setStyleSheet("font-weight: 700;")
        self.total.setStyleSheet("font-size: 24pt; font-weight: 800; color: #1d4ed8;")
        self.message = QLabel()
        self.message.setWordWrap(True)
        grid.addWidget(self.message, len(values), 0, 1, 2)
        self.retranslate()
        self.show_hint()

    def show_quote(self, quote: Quote) -> None:
        self.quote = quote
        self.zone.setText(f"{zone_text(quote.zone)} · {quote.province}"
                          f"{quote.city if quote.city != quote.province else ''}"
                          f"{quote.district}")
        volumetric = (self.tr("volumetric {0} (÷{1})").format(
            weight_kg(quote.volumetric_weight_g), quote.volumetric_divisor)
            if quote.volumetric_weight_g else self.tr("no box size"))
        self.weights.setText(self.tr("actual {0}, {1}").format(weight_kg(quote.weight_g),
                                                               volumetric))
        self.chargeable.setText(weight_kg(quote.chargeable_weight_g))
        freight = money(quote.freight_fen)
        if quote.additional_kg:
            freight += "  " + self.tr("(first {0} {1} + {2} kg × {3})").format(
                weight_kg(quote.first_weight_g), money(quote.first_price_fen),
                quote.additional_kg, money(quote.additional_per_kg_fen))
        self.freight.setText(freight)
        self.insurance.setText(
            self.tr("{0} (declared {1})").format(money(quote.insurance_fen),
                                                 money(quote.declared_value_fen))
            if quote.insured else self.tr("not insured"))
        self.total.setText(money(quote.total_fen))
        self.message.setStyleSheet(MUTED)
        self.message.setText(self.tr("Tell the sender the total; F12 takes the send."))

    def _blank(self, text: str, style: str) -> None:
        self.quote = None
        for label in (self.zone, self.weights, self.chargeable, self.freight, self.insurance):
            label.setText("—")
        self.total.setText("—")
        self.message.setStyleSheet(style)
        self.message.setText(text)

    def show_hint(self) -> None:
        self._blank(self.tr("Choose the destination and weigh the parcel: the price appears "
                            "here."), MUTED)

    def show_waiting(self) -> None:
        if self.quote is None:
            self.message.setStyleSheet(MUTED)
            self.message.setText(self.tr("Working out the price…"))

    def show_problem(self, text: str) -> None:
        self._blank(text, PROBLEM)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.setTitle(self.tr("Price"))
        for label, text in zip(self.names, (self.tr("Zone"), self.tr("Weight"),
                                            self.tr("Chargeable"), self.tr("Freight"),
                                            self.tr("Insurance"), self.tr("Total")),
                               strict=True):
            label.setText(text)
        if self.quote is not None:
            self.show_quote(self.quote)
        else:
            self.show_hint()


class SendPayment(PaymentBox):
    """How the sender pays: the pickup's payment box in its compact form."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, compact=True)


class WaybillResult(QFrame):
    """The waybill number of the send just taken, large enough to copy onto a box."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.caption, self.number, self.detail = QLabel(), QLabel("—"), QLabel()
        self.number.setObjectName("bigCode")
        for label, size, bold in ((self.caption, 12, False), (self.number, 22, True),
                                  (self.detail, 12, True)):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setWordWrap(True)
            label.setStyleSheet(f"font-size: {size}pt; font-weight: {800 if bold else 400};"
                                " border: none;")
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.addWidget(self.caption)
        layout.addWidget(self.number)
        layout.addWidget(self.detail)
        self.clear()

    def show_send(self, waybill: str, text: str) -> None:
        self.caption.setText(self.tr("Waybill"))
        self.number.setText(waybill)
        self.number.show()
        self.detail.setText(text)
        self._border("#16a34a")

    def clear(self) -> None:
        self.caption.setText(self.tr("The waybill number of the send appears here."))
        self.number.setText("—")
        self.number.hide()
        self.detail.setText("")
        self._border("#d1d5db")

    def _border(self, colour: str) -> None:
        self.setStyleSheet(f"WaybillResult {{ border: 3px solid {colour}; border-radius: 10px;"
                           " background: #ffffff; }")

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.LanguageChange and self.number.text() == "—":
            self.clear()
        super().changeEvent(event)
