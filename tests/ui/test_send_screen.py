"""Send screen (F4, 寄件): a real-name sender, a recipient, the live price, cash with change,
the waybill printed; prohibited items and bad phones refused in place; void from today's list;
a repeat sender recalled by phone."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from station.audit import Actor
from station.domain import prohibited, regions
from station.domain.ids import mask_id
from station.models import AuditEvent
from station.services import ledger, senders, sends, sends_rates
from station.services.senders import SenderRequest
from tests.core.test_domain_ids import VALID
from tests.ui.conftest import focused, ime_commit, type_text, wait_idle
from ui.screens.common import money
from ui.screens.send_common import weight_kg, zone_text
from ui.screens.send_list import VoidDialog

SENDER_PHONE = "13812345678"
RECIPIENT_PHONE = "13912345678"


def _rates(owner: Actor) -> None:
    """Guangzhou station; SF priced in every zone (first kg, then per extra kg)."""
    sends_rates.set_origin(owner, "广东", "广州")
    prices = {"local": (800, 200), "province": (1000, 300), "area": (1200, 500),
              "national": (1500, 800), "remote": (2000, 1500), "hmt": (3000, 2500)}
    for zone in regions.ZONES:
        first, per_kg = prices[zone]
        sends_rates.set_rate_card(owner, sends_rates.RateCardInput(
            "SF", zone, 1000, first, per_kg, 30_000))


def _send_screen(window, qtbot):  # noqa: ANN001, ANN202
    qtbot.keyClick(focused() or window, Qt.Key.Key_F4)
    wait_idle(qtbot)
    assert window.current_screen_name() == "send"
    return window.screens["send"]


def _enter(qtbot) -> None:  # noqa: ANN001
    qtbot.keyClick(focused(), Qt.Key.Key_Return)


def _choose(combo, key: str) -> None:  # noqa: ANN001
    combo.setCurrentIndex(combo.findData(key))  # the clerk's arrow keys


def _new_sender(qtbot, screen) -> None:  # noqa: ANN001
    type_text(qtbot, screen.sender.phone, SENDER_PHONE, enter=True)
    wait_idle(qtbot)
    assert focused() is screen.sender.name
    ime_commit(screen.sender.name, "王芳")
    _enter(qtbot)
    assert focused() is screen.sender.id_type
    _enter(qtbot)
    assert focused() is screen.sender.id_number
    qtbot.keyClicks(screen.sender.id_number, VALID)
    _enter(qtbot)


def _recipient(qtbot, screen) -> None:  # noqa: ANN001
    r = screen.recipient
    assert focused() is r.name
    ime_commit(r.name, "李雷")
    _enter(qtbot)
    qtbot.keyClicks(r.phone, RECIPIENT_PHONE)
    _enter(qtbot)
    assert focused() is r.province
    ime_commit(r.province, "北京")
    _enter(qtbot)
    assert focused() is r.city and r.city.currentText() == "北京市"  # a municipality
    _enter(qtbot)
    ime_commit(r.district, "朝阳区")
    _enter(qtbot)
    ime_commit(r.detail, "建国路88号1201")
    _enter(qtbot)


def test_f4_opens_send_and_shelves_moved_to_alt_h(make_window, qtbot, clerk) -> None:
    window = make_window(clerk)
    screen = _send_screen(window, qtbot)
    assert focused() is screen.sender.phone
    assert window.nav_buttons["send"].text() == "F4  Send"
    assert window.nav_buttons["shelves"].text() == "Alt+H  Shelves"
    qtbot.keyClick(focused(), Qt.Key.Key_H, Qt.KeyboardModifier.AltModifier)
    assert window.current_screen_name() == "shelves"


def test_full_send_with_cash_quote_change_and_waybill(make_window, qtbot, clerk, owner) -> None:
    _rates(owner)
    window = make_window(clerk)
    printed: list = []
    window.session.print_service().finished.connect(printed.append)
    screen = _send_screen(window, qtbot)
    _new_sender(qtbot, screen)
    assert screen.sender.id_number.text() == mask_id(VALID)  # shown masked once checked
    assert "✓" in screen.sender.state.text()
    _recipient(qtbot, screen)
    p = screen.parcel
    assert focused() is p.carrier and p.carrier.currentData() == "SF"  # the priced carrier
    _enter(qtbot)
    assert focused() is p.category
    _choose(p.category, "books")
    _enter(qtbot)
    qtbot.keyClicks(p.note, "3 books")
    _enter(qtbot)
    qtbot.keyClicks(p.declared, "300")
    _enter(qtbot)
    assert focused() is p.insured
    qtbot.keyClick(p.insured, Qt.Key.Key_Space)
    _enter(qtbot)
    assert focused() is p.weight
    for box, value in ((p.weight, "2300"), (p.length, "30"), (p.width, "20"),
                       (p.height, "20")):
        assert focused() is box
        qtbot.keyClicks(box, value)
        _enter(qtbot)
    assert focused() is screen.payment.tendered  # cash is the default method
    qtbot.keyClicks(screen.payment.tendered, "50")
    qtbot.waitUntil(lambda: screen.quote_box.quote is not None, timeout=10_000)
    wait_idle(qtbot)

    core = sends.quote(sends.QuoteRequest("SF", "北京", "北京", "朝阳区", weight_g=2300,
                                          length_cm=30, width_cm=20, height_cm=20,
                                          declared_value_fen=30_000, insured=True))
    box = screen.quote_box
    assert box.total.text() == money(core.total_fen)  # what the sender is told
    assert box.chargeable.text() == weight_kg(core.chargeable_weight_g)
    assert box.freight.text().startswith(money(core.freight_fen))
    assert box.insurance.text().startswith(money(core.insurance_fen))
    assert zone_text(core.zone) in box.zone.text()
    assert screen.payment.change.text() == money(5000 - core.total_fen)

    qtbot.keyClick(focused(), Qt.Key.Key_F12)
    wait_idle(qtbot)
    result = screen.last_result
    assert result is not None, screen.banner.text()
    waybill = result.send.waybill_no
    assert screen.result.number.text() == waybill
    assert money(result.change_fen) in screen.banner.text() and result.change_fen == (
        5000 - core.total_fen)
    stored = sends.get_send(owner, waybill)
    assert stored.status == "created" and stored.total_fen == core.total_fen
    assert stored.sender_id_masked == mask_id(VALID) and stored.recipient_phone == RECIPIENT_PHONE
    assert (stored.province, stored.city, stored.district) == ("北京市", "北京市", "朝阳区")
    entry = next(e for e in ledger.entries() if e.kind == "send")
    assert (entry.method, entry.amount_fen) == ("cash", core.total_fen)
    # the waybill went to the label printer (no printer here: saved as a PDF), and a receipt
    qtbot.waitUntil(lambda: {r.job_name for r in printed} >= {
        f"waybill-{waybill}", f"send-receipt-{waybill}"}, timeout=20_000)
    label = next(r for r in printed if r.job_name == f"waybill-{waybill}")
    assert label.kind == "label" and label.saved_to.read_bytes().startswith(b"%PDF")
    # ready for the next customer, and the send is on today's list
    assert screen.sender.phone.text() == "" and focused() is screen.sender.phone
    assert screen.list.model.rows[0].waybill_no == waybill


def test_prohibited_contents_are_refused_and_nothing_is_written(make_window, qtbot, clerk,
                                                                owner) -> None:
    _rates(owner)
    window = make_window(clerk)
    screen = _send_screen(window, qtbot)
    _new_sender(qtbot, screen)
    _recipient(qtbot, screen)
    p = screen.parcel
    _enter(qtbot)  # carrier
    _choose(p.category, "knives")
    assert screen.banner.kind == "error"
    knives = next(c for c in prohibited.categories() if c.key == "knives")
    assert "prohibited" in screen.banner.text() and knives.reason in screen.banner.text()
    assert not screen.create_button.isEnabled()
    _enter(qtbot)
    assert focused() is p.category  # the form does not move on
    p.weight.setValue(800)
    qtbot.keyClick(focused(), Qt.Key.Key_F12)
    wait_idle(qtbot)
    assert screen.banner.kind == "error" and screen.last_result is None
    # a prohibited item named in the description is refused the same way
    _choose(p.category, "daily")
    p.note.setFocus()
    qtbot.keyClicks(p.note, "a lighter ")
    ime_commit(p.note, "打火机")
    _enter(qtbot)
    assert screen.banner.kind == "error" and "打火机" in screen.banner.text()
    assert focused() is p.note
    qtbot.keyClick(focused(), Qt.Key.Key_F12)
    wait_idle(qtbot)
    assert sends.list_sends(owner) == []
    assert senders.find_senders(owner, SENDER_PHONE) == []


def test_bad_phone_and_bad_id_are_refused_in_place(make_window, qtbot, clerk, owner) -> None:
    _rates(owner)
    window = make_window(clerk)
    screen = _send_screen(window, qtbot)
    type_text(qtbot, screen.sender.phone, "12345", enter=True)
    wait_idle(qtbot)
    assert screen.banner.kind == "error" and focused() is screen.sender.phone
    screen.sender.phone.clear()
    type_text(qtbot, screen.sender.phone, SENDER_PHONE, enter=True)
    wait_idle(qtbot)
    ime_commit(screen.sender.name, "王芳")
    _enter(qtbot)
    _enter(qtbot)
    qtbot.keyClicks(screen.sender.id_number, VALID[:-1] + ("0" if VALID[-1] != "0" else "1"))
    _enter(qtbot)
    assert screen.banner.kind == "error" and "ID" in screen.banner.text()
    assert focused() is screen.sender.id_number
    assert screen.sender.state.isVisible() and "not valid" in screen.sender.state.text()
    screen.sender.id_number.clear()
    qtbot.keyClicks(screen.sender.id_number, VALID)
    _enter(qtbot)
    r = screen.recipient
    ime_commit(r.name, "李雷")
    _enter(qtbot)
    qtbot.keyClicks(r.phone, "1391234")  # too short: the courier could not call it
    _enter(qtbot)
    assert screen.banner.kind == "error" and focused() is r.phone
    assert r.phone_state.isVisible() and r.phone_state.text()
    qtbot.keyClick(focused(), Qt.Key.Key_F12)
    wait_idle(qtbot)
    assert focused() is r.phone and sends.list_sends(owner) == []


def _service_send(actor: Actor, **extra) -> sends.SendResult:  # noqa: ANN003
    values = dict(
        carrier="SF", sender=SenderRequest("王芳", SENDER_PHONE, "resident_id", VALID),
        recipient_name="李雷", recipient_phone=RECIPIENT_PHONE, province="北京市", city="北京市",
        district="朝阳区", detail="建国路88号1201", contents_category="books",
        weight_g=1200, method="cash", tendered_fen=5000)
    values.update(extra)
    return sends.create_send(actor, sends.SendRequest(**values))


def test_void_from_the_list_asks_a_reason(make_window, qtbot, clerk, owner) -> None:
    _rates(owner)
    taken = _service_send(clerk)
    window = make_window(clerk)
    screen = _send_screen(window, qtbot)
    qtbot.keyClick(focused() or screen, Qt.Key.Key_L, Qt.KeyboardModifier.AltModifier)
    wait_idle(qtbot)
    page = screen.list
    assert screen.tabs.currentIndex() == 1 and page.model.rowCount() == 1
    page.select(0)
    printed: list = []
    window.session.print_service().finished.connect(printed.append)
    qtbot.keyClick(page.table, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)  # reprint
    qtbot.waitUntil(lambda: any(r.job_name == f"waybill-{taken.send.waybill_no}"
                                for r in printed), timeout=20_000)
    assert printed[0].kind == "label"
    assert AuditEvent.select().where(AuditEvent.action == "send.reprint",
                                     AuditEvent.entity_id == taken.send.waybill_no).exists()
    asked: list[str] = []

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, VoidDialog)
        asked.append(dialog.windowTitle())
        assert not dialog.ok.isEnabled()  # no reason, no void
        qtbot.keyClicks(dialog.reason, "sender changed their mind")
        dialog.ok.click()

    QTimer.singleShot(50, answer)
    page.void_button.click()
    wait_idle(qtbot)
    assert asked and taken.send.waybill_no in asked[0]
    assert page.model.rows[0].status == "voided"
    assert page.model.data(page.model.index(0, 3)) == "Voided"
    assert screen.banner.kind == "ok" and money(taken.send.total_fen) in screen.banner.text()
    stored = sends.get_send(owner, taken.send.waybill_no)
    assert stored.status == "voided" and stored.void_reason == "sender changed their mind"
    assert sum(e.amount_fen for e in ledger.entries()) == 0  # the reversal
    assert not page.void_button.isEnabled() and not page.reprint_button.isEnabled()


def test_repeat_sender_is_recalled_by_phone(make_window, qtbot, clerk, owner) -> None:
    _rates(owner)
    first = _service_send(clerk)
    window = make_window(clerk)
    screen = _send_screen(window, qtbot)
    type_text(qtbot, screen.sender.phone, SENDER_PHONE, enter=True)
    wait_idle(qtbot)
    s, r = screen.sender, screen.recipient
    assert s.known is not None and s.known.id == first.send.sender_id
    assert s.name.text() == "王芳" and s.name.isReadOnly()
    assert s.id_number.text() == mask_id(VALID) and s.id_number.isReadOnly()
    assert focused() is r.book and r.book.isVisible()
    _enter(qtbot)  # the usual recipient from the address book
    assert r.name.text() == "李雷" and r.detail.text() == "建国路88号1201"
    assert focused() is screen.parcel.category
    _choose(screen.parcel.category, "documents")
    screen.parcel.weight.setValue(400)
    qtbot.keyClick(focused(), Qt.Key.Key_F12)  # before the new price is in: it waits for it
    wait_idle(qtbot)
    second = screen.last_result
    assert second is not None, screen.banner.text()
    assert second.paid_fen == 1500 and second.send.weight_g == 400  # the price for 400 g
    assert second.send.sender_id == first.send.sender_id
    assert second.send.recipient_phone.endswith(RECIPIENT_PHONE[-4:])
    found = senders.find_senders(owner, SENDER_PHONE)
    assert len(found) == 1 and found[0].sends == 2  # no second real-name record


def test_weight_comes_from_the_scale_when_stable(make_window, qtbot, clerk, owner) -> None:
    from station.devices.scale.base import Reading
    from tests.ui.test_main_window import FakeScale

    _rates(owner)
    window = make_window(clerk)
    screen = _send_screen(window, qtbot)
    scale = FakeScale()
    window.session.use_scale(scale)
    p = screen.parcel
    scale.reading.emit(Reading(1900, False, "ok"))  # still moving: not used
    assert p.weight.value() == 0
    scale.reading.emit(Reading(1850, True, "ok"))
    assert p.weight.value() == 1850 and p.weight_state.text() == "from the scale"
    screen.recipient.province.setEditText("广东省")
    screen.recipient.city.setEditText("深圳市")
    qtbot.waitUntil(lambda: screen.quote_box.quote is not None, timeout=10_000)
    wait_idle(qtbot)
    quote = screen.quote_box.quote
    assert quote.weight_g == 1850 and quote.zone == "province"
    assert screen.quote_box.total.text() == money(1000 + 300)  # first kg + 1 extra kg
    p.weight.setValue(2500)  # typed over the scale
    assert p.weight_state.text() == "typed"
