"""Send (F4, 寄件): a sender at the counter, a parcel going out.

Enter walks the form: sender phone (a repeat sender is recalled with the ID already checked
and their address book) → name → ID type → ID number (checked once, then shown masked) →
recipient → province → city → district → street → carrier → contents (a prohibited item is
refused at once, with the reason) → description → declared value → insurance → weight (from
the scale when stable, else typed) → L → W → H → cash tendered → the send is taken (F12 too).

The price updates as the clerk types: each change restarts a short timer, then one quote goes
to the worker; an answer to an older form is dropped. The total the clerk showed is sent with
the send, so a rate card edited in between is refused (price_changed) rather than charged.

The keyboard walk and the sender lookup are in send_flow.py; the parts of the form in
send_sender.py, send_form.py and send_quote.py; today's list in send_list.py.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ui import workers
from ui.screens.common import method_text, money
from ui.screens.send_common import (
    category_by_key,
    print_send_receipt,
    print_waybill,
    send_error_text,
)
from ui.screens.send_flow import SendFlow
from ui.screens.send_form import ParcelBox, RecipientBox
from ui.screens.send_list import SendList
from ui.screens.send_quote import QuoteBox, SendPayment, WaybillResult
from ui.screens.send_sender import SenderBox
from ui.session import Session
from ui.widgets.banner import Banner
from ui.widgets.payment_box import METHODS

QUOTE_DELAY_MS = 300


def _priced_job() -> set[str]:
    from station.services import sends_rates

    return {card.carrier for card in sends_rates.list_rate_cards()}


def _quote_job(request) -> Any:  # noqa: ANN001, ANN401
    from station.services import sends

    return sends.quote(request)


def _create_job(actor, request) -> Any:  # noqa: ANN001, ANN401
    from station.services import sends

    return sends.create_send(actor, request)


class SendScreen(SendFlow, QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.busy = False
        self.quote_generation = 0
        self.quote_inflight = False
        self.create_after_quote = False
        self.last_result: Any = None
        self._build()
        self.retranslate()
        self.clear()

    # -- layout ----------------------------------------------------------------------------
    def _build(self) -> None:
        root = QVBoxLayout(self)
        self.banner = Banner(big=True)
        root.addWidget(self.banner)
        self.tabs = QTabWidget()
        self.tabs.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        root.addWidget(self.tabs, 1)

        page = QWidget()
        page.setStyleSheet("QLineEdit, QComboBox, QSpinBox { font-size: 12pt; padding: 1px; }"
                           " QLabel, QCheckBox { font-size: 11pt; }"
                           " QGroupBox { font-size: 11pt; font-weight: 600; }")
        columns = QHBoxLayout(page)
        left, middle, right = QVBoxLayout(), QVBoxLayout(), QVBoxLayout()
        self.sender = SenderBox()
        self.recipient = RecipientBox()
        left.addWidget(self.sender)
        left.addWidget(self.recipient)
        left.addStretch(1)
        self.parcel = ParcelBox(self.session)
        self.quote_box = QuoteBox()
        middle.addWidget(self.parcel)
        middle.addWidget(self.quote_box)
        middle.addStretch(1)
        self.payment = SendPayment()
        self.create_button = QPushButton()
        self.create_button.setMinimumHeight(52)
        self.create_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.create_button.setStyleSheet("QPushButton { font-size: 15pt; font-weight: 700; "
                                         "background: #16a34a; color: white; }"
                                         "QPushButton:disabled { background: #9ca3af; }")
        self.create_button.clicked.connect(self.create)
        self.next_button = QPushButton()
        self.next_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.next_button.clicked.connect(self.next_customer)
        self.result = WaybillResult()
        right.addWidget(self.payment)
        right.addWidget(self.create_button)
        right.addWidget(self.next_button)
        right.addWidget(self.result, 1)
        columns.addLayout(left, 10)
        columns.addLayout(middle, 9)
        columns.addLayout(right, 7)
        self.form_page = page
        self.tabs.addTab(page, "")
        self.list = SendList(self.session)
        self.list.report.connect(self.banner.show_message)
        self.tabs.addTab(self.list, "")
        self.tabs.currentChanged.connect(self._tab_changed)

        self.quote_timer = QTimer(self)
        self.quote_timer.setSingleShot(True)
        self.quote_timer.setInterval(QUOTE_DELAY_MS)
        self.quote_timer.timeout.connect(self.run_quote)
        self.recipient.changed.connect(self.schedule_quote)
        self.parcel.changed.connect(self.schedule_quote)
        self.parcel.category.currentIndexChanged.connect(lambda _i: self._contents_checked())
        self.payment.changed.connect(self._refresh)
        self.scan_field = self.parcel.waybill  # stray scans on this screen: a waybill number
        self.scan_field.scanned.connect(self._waybill_scanned)
        self._scale_connected = False
        self._connect_scale()
        self.session.device_changed.connect(self._connect_scale)

        s = self.sender
        r = self.recipient
        p = self.parcel
        self.chain: list[QWidget] = [
            s.phone, s.chooser, s.name, s.id_type, s.id_number,
            r.book, r.name, r.phone, r.province, r.city, r.district, r.detail,
            p.carrier, p.category, p.note, p.declared, p.insured, p.weight,
            p.length, p.width, p.height, self.payment.tendered]
        self._editors: dict[int, QWidget] = {}
        for widget in self.chain:
            widget.installEventFilter(self)
            if isinstance(widget, QComboBox) and widget.isEditable():
                widget.lineEdit().installEventFilter(self)
                self._editors[id(widget.lineEdit())] = widget
                # With the completer's list open, Enter reaches the line edit directly.
                widget.lineEdit().returnPressed.connect(lambda w=widget: self._enter(w))
        QShortcut(QKeySequence("F12"), self).activated.connect(self.create)
        QShortcut(QKeySequence("Esc"), self).activated.connect(self.next_customer)
        QShortcut(QKeySequence("Alt+L"), self).activated.connect(lambda: self.show_tab(1))
        QShortcut(QKeySequence("Alt+N"), self).activated.connect(lambda: self.show_tab(0))
        for i, method in enumerate(METHODS):
            QShortcut(QKeySequence(f"Ctrl+{i + 1}"), self).activated.connect(
                lambda m=method: self.payment.choose(m))

    def _connect_scale(self) -> None:
        if self._scale_connected or not self.session.has_scale:
            return
        self.session.scale.reading.connect(self.parcel.scale_reading)
        self._scale_connected = True
        self.parcel.scale_reading(getattr(self.session.scale, "latest", None))

    def activate(self) -> None:
        # The owner may have added rate cards since: carriers that can price come first.
        workers.run(_priced_job, owner=self, on_done=self.parcel.set_priced)
        if self.tabs.currentIndex() == 1:
            self.list.table.setFocus()
            return
        focus = self.focusWidget()
        if focus is None or not self.form_page.isAncestorOf(focus):
            self.sender.phone.setFocus()

    def show_tab(self, index: int) -> None:
        self.tabs.setCurrentIndex(index)
        self.activate()

    def _tab_changed(self, index: int) -> None:
        if index == 1 and not self.list.model.rows:
            self.list.model.reload()

    # -- the price ---------------------------------------------------------------------------
    def schedule_quote(self) -> None:
        self.quote_generation += 1  # whatever is on its way now answers an older form
        self.quote_box.show_waiting()
        self.quote_timer.start()

    def quote_request(self) -> Any:  # noqa: ANN401 - QuoteRequest | None
        from station.services.sends import QuoteRequest

        province, city, district = self.recipient.destination()
        weight = self.parcel.weight.value()
        declared = self.parcel.declared.fen()
        carrier = self.parcel.carrier.currentData()
        if not (province and city and weight > 0 and carrier):
            return None
        length, width, height = self.parcel.dims()
        return QuoteRequest(carrier=carrier, province=province, city=city, district=district,
                            weight_g=weight, length_cm=length, width_cm=width,
                            height_cm=height, declared_value_fen=declared or 0,
                            insured=self.parcel.insured.isChecked())

    def run_quote(self) -> None:
        self.quote_timer.stop()
        request = self.quote_request()
        if not self.parcel.declared.is_valid():
            self.quote_box.show_problem(self.tr("The declared value is not an amount: type it "
                                                "like 200 or 199.50."))
            request = None
        elif request is None:
            self.quote_box.show_hint()
        if request is None:
            self.payment.set_due(0)
            self.create_after_quote = False
            self._refresh()
            return
        gen = self.quote_generation
        self.quote_inflight = True
        workers.run(_quote_job, request, owner=self,
                    on_done=lambda q, g=gen: self._quoted(q, g),
                    on_error=lambda e, g=gen: self._quote_failed(e, g))

    def _quoted(self, quote: Any, gen: int) -> None:  # noqa: ANN401
        if gen != self.quote_generation:
            return
        self.quote_inflight = False
        self.quote_box.show_quote(quote)
        self.payment.set_due(quote.total_fen)
        self._refresh()
        if self.create_after_quote:
            self.create_after_quote = False
            self.create()

    def _quote_failed(self, error: BaseException, gen: int) -> None:
        if gen != self.quote_generation:
            return
        self.quote_inflight = False
        self.quote_box.show_problem(send_error_text(error))
        self.payment.set_due(0)
        self._refresh()
        if self.create_after_quote:
            self.create_after_quote = False
            self.banner.show_message("error", send_error_text(error))

    def _quote_pending(self) -> bool:
        return self.quote_timer.isActive() or self.quote_inflight

    # -- taking the send ------------------------------------------------------------------------
    def problem(self) -> tuple[QWidget, str] | None:
        for part in (self.sender, self.recipient):
            found = part.problem()
            if found is not None:
                return found
        contents = self.contents_problem()
        if contents is not None:
            return self.parcel.category, contents
        if self.parcel.weight.value() <= 0:
            return self.parcel.weight, self.tr("Put the parcel on the scale or type its weight "
                                               "in grams.")
        return None

    def create(self) -> None:
        if self.busy or self.session.actor is None or self.tabs.currentIndex() != 0:
            return
        found = self.problem()
        if found is not None:
            widget, message = found
            self.banner.show_message("error", message)
            self._focus(widget)
            return
        if self._quote_pending():
            self.create_after_quote = True  # take it as soon as the fresh price is in
            if self.quote_timer.isActive():
                self.run_quote()
            return
        quote = self.quote_box.quote
        if quote is None:
            self.banner.show_message("error", self.quote_box.message.text())
            return
        problem = self.payment.problem()
        if problem is not None:
            self.banner.show_message("error", problem)
            return
        self.busy = True
        self._refresh()
        self.banner.show_message("info", self.tr("Taking the send…"))
        workers.run(_create_job, self.session.actor, self.send_request(quote), owner=self,
                    on_done=self._created, on_error=self._create_failed)

    def send_request(self, quote: Any) -> Any:  # noqa: ANN401 - SendRequest
        from station.services.sends import SendRequest

        sender_id, sender = self.sender.request()
        r, p = self.recipient, self.parcel
        province, city, district = r.destination()
        length, width, height = p.dims()
        return SendRequest(
            carrier=p.carrier.currentData(), sender_id=sender_id, sender=sender,
            recipient_name=r.name.text().strip(), recipient_phone=r.phone.text().strip(),
            province=province, city=city, district=district, detail=r.detail.text().strip(),
            recipient_address_id=r.address_id, contents_category=p.category.currentData(),
            contents_note=p.note.text().strip(), declared_value_fen=p.declared.fen() or 0,
            insured=p.insured.isChecked(), weight_g=p.weight.value(), length_cm=length,
            width_cm=width, height_cm=height, method=self.payment.method(),
            tendered_fen=self.payment.tendered_fen(),
            waybill_no=p.waybill.text().strip() or None, expected_total_fen=quote.total_fen)

    def _created(self, result: Any) -> None:  # noqa: ANN401 - SendResult
        self.busy = False
        self.last_result = result
        send = result.send
        if send.method == "cash" and result.change_fen:
            paid = self.tr("CHANGE {0}").format(money(result.change_fen))
        else:
            paid = self.tr("{0} paid by {1}").format(money(result.paid_fen),
                                                     method_text(send.method))
        self.result.show_send(send.waybill_no, f"{send.recipient_name} · {send.address}\n{paid}")
        self.banner.show_message("ok", self.tr(
            "Send taken: {0} to {1}. {2}. Stick the waybill on the parcel.").format(
            send.waybill_no, send.recipient_name, paid))
        self.list.model.add(send)
        self.list.update_actions()
        print_waybill(self.session, self, send.waybill_no)
        if result.receipt_no:
            print_send_receipt(self.session, self, send.waybill_no)
        self.clear(keep_message=True)

    def _create_failed(self, error: BaseException) -> None:
        self.busy = False
        self._refresh()
        self.banner.show_message("error", send_error_text(error))
        code = getattr(error, "code", "")
        details = getattr(error, "details", {}) or {}
        s, r, p = self.sender, self.recipient, self.parcel
        targets = {"invalid_id": s.id_number, "sender_name_mismatch": s.name,
                   "prohibited": p.category, "unknown_category": p.category,
                   "overweight": p.weight, "insufficient_cash": self.payment.tendered,
                   "duplicate": p.waybill, "declared_too_high": p.declared}
        widget: QWidget | None = targets.get(code)
        if code == "bad_phone":
            widget = s.phone if details.get("field") == "sender" else r.phone
        elif code == "unknown_region":
            field = details.get("field")
            widget = {"city": r.city, "district": r.district}.get(str(field), r.province)
        elif code == "price_changed":
            self.schedule_quote()
        if widget is not None:
            self._focus(widget)

    def _waybill_scanned(self, number: str) -> None:
        self.banner.show_message("info", self.tr("Pre-printed waybill {0} will be used for "
                                                 "this send.").format(number))

    def next_customer(self) -> None:
        self.clear()
        self.banner.show_message("idle", self.tr(
            "Next sender: type their phone number and press Enter."))

    def clear(self, keep_message: bool = False) -> None:
        self.create_after_quote = False
        self.sender.reset()
        self.recipient.reset()
        self.parcel.reset()
        self.payment.reset()
        self.quote_generation += 1
        self.quote_timer.stop()
        self.quote_inflight = False
        self.quote_box.show_hint()
        if not keep_message:
            self.banner.show_message("idle", self.tr(
                "Next sender: type their phone number and press Enter."))
        self._refresh()
        if self.tabs.currentIndex() == 0:
            self.sender.phone.setFocus()

    def _refresh(self) -> None:
        category = category_by_key(self.parcel.category.currentData() or "")
        refused = category is not None and category.prohibited
        self.create_button.setEnabled(not self.busy and not refused)

    # -- language ------------------------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.tabs.setTabText(0, self.tr("New send (Alt+N)"))
        self.tabs.setTabText(1, self.tr("Today's sends (Alt+L)"))
        self.create_button.setText(self.tr("Take the send (F12)"))
        self.next_button.setText(self.tr("Next sender (Esc)"))
        if self.banner.kind == "idle":
            self.banner.show_message("idle", self.tr(
                "Next sender: type their phone number and press Enter."))
