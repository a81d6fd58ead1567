"""Outgoing sends: create with payment, real-name senders, the address book, void with a
ledger reversal, and refusals that write nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from station import clock
from station.audit import Actor
from station.errors import Conflict, InvalidInput, NotAllowed, NotFound, StationError
from station.models import AuditEvent, LedgerEntry, database_proxy
from station.models_sends import Send, Sender
from station.services import ledger, senders
from station.services.senders import AddressInput, SenderRequest
from station.services.sends import SendFilter, create_send, get_send, list_sends, void_send

from .sends_helpers import IDS, counts, request, sender, setup_sends, take


@pytest.fixture
def priced(owner: Actor) -> Actor:
    setup_sends(owner)
    return owner


def test_create_books_the_payment_with_change(priced: Actor, clerk: Actor) -> None:
    before = counts()
    result = take(clerk, weight_g=2300, declared_value_fen=100_000, insured=True)
    send = result.send
    assert send.status == "created" and send.zone == "national"
    assert (send.freight_fen, send.insurance_fen, send.total_fen) == (3000, 500, 3500)
    assert (result.paid_fen, result.tendered_fen, result.change_fen) == (3500, 5000, 1500)
    assert send.waybill_no.startswith("SF") and len(send.waybill_no) == 15
    assert send.sender_id_masked == "110***********002X"
    assert send.province == "上海市" and send.district == "浦东新区"
    after = counts()
    assert after["audit"] == before["audit"] + 1  # one unit of work, one event
    assert after["send"] == 1 and after["sender"] == 1 and after["address"] == 1
    event = AuditEvent.select().order_by(AuditEvent.seq.desc()).get()
    assert event.action == "send.create" and event.entity_id == send.waybill_no
    entries = [e for e in ledger.entries() if e.kind == "send"]
    assert [(e.method, e.amount_fen) for e in entries] == [("cash", 3500)]
    assert ledger.totals_by_method(clock.local_day())["cash"] == 3500
    assert send.sender_phone == "137****5678" and "****" in send.recipient_phone  # clerk
    assert get_send(priced, send.waybill_no).recipient_phone.isdigit()  # owner sees it all


@pytest.mark.parametrize("method", ["wechat", "alipay", "card"])
def test_other_methods_have_no_change(priced: Actor, clerk: Actor, method: str) -> None:
    result = take(clerk, method=method, tendered_fen=None)
    assert result.change_fen == 0 and result.send.method == method
    assert ledger.totals_by_method(clock.local_day())[method] == result.send.total_fen


def test_repeat_sender_is_checked_once(priced: Actor, clerk: Actor) -> None:
    first = take(clerk).send
    again = take(clerk, sender=None, sender_id=first.sender_id).send
    same_id = take(clerk, sender=sender(0)).send  # shows the same ID again
    assert first.sender_id == again.sender_id == same_id.sender_id
    assert Sender.select().count() == 1
    found = senders.find_senders(clerk, "5678")
    assert [s.id for s in found] == [first.sender_id] and found[0].sends == 3
    assert senders.find_senders(clerk, "13712345678")[0].name == "陈大文"
    assert senders.find_sender_by_id(clerk, "resident_id", IDS[0]).id == first.sender_id
    assert senders.find_sender_by_id(clerk, "resident_id", IDS[1]) is None
    before = counts()
    with pytest.raises(Conflict) as err:
        take(clerk, sender=sender(0, name="李四"))
    assert err.value.code == "sender_name_mismatch" and counts() == before


def test_address_book(priced: Actor, clerk: Actor) -> None:
    first = take(clerk, recipient_phone="13898765432").send
    book = senders.list_addresses(clerk, first.sender_id, "recipient")
    assert len(book) == 1 and book[0].phone == "138****5432" and book[0].city == "上海市"
    again = take(
        clerk,
        sender=None,
        sender_id=first.sender_id,
        recipient_name="",
        recipient_phone="",
        province="",
        city="",
        district="",
        detail="",
        recipient_address_id=book[0].id,
    ).send
    assert (again.recipient_name, again.detail) == ("欧阳娜娜", "张江路1号")
    assert get_send(priced, again.id).recipient_phone == "13898765432"
    assert senders.list_addresses(clerk, first.sender_id)[0].uses == 2
    own = senders.save_address(
        clerk,
        first.sender_id,
        AddressInput("sender", "陈大文", "13712345678", "广东", "广州", "天河", "体育西路1号"),
    )
    third = take(clerk, sender=None, sender_id=first.sender_id, sender_address_id=own.id).send
    assert third.sender_address == "广东省广州市天河区体育西路1号"
    other = senders.register_sender(clerk, sender(1, name="王五"))
    with pytest.raises(NotFound):
        take(clerk, sender=None, sender_id=other.id, recipient_address_id=book[0].id)
    senders.remove_address(clerk, own.id)
    assert {a.kind for a in senders.list_addresses(clerk, first.sender_id)} == {"recipient"}


BAD = [
    ({"contents_category": "knives"}, "prohibited"),
    ({"contents_category": "live_animals"}, "prohibited"),
    ({"contents_category": "cash"}, "prohibited"),
    ({"contents_category": "daily", "contents_note": "一盒打火机"}, "prohibited"),
    ({"contents_category": "daily", "contents_note": "汽 油"}, "prohibited"),
    ({"contents_category": "weapons"}, "unknown_category"),
    ({"contents_category": ""}, "unknown_category"),
    ({"province": "火星"}, "unknown_region"),
    ({"district": "朝阳区"}, "unknown_region"),  # 上海 has no 朝阳区
    ({"weight_g": 40_000}, "overweight"),
    ({"weight_g": 0}, "invalid"),
    ({"province": "西藏", "city": "拉萨", "district": ""}, "no_rate_card"),
    ({"carrier": "NOPE"}, "unknown_carrier"),
    (
        {"sender": SenderRequest("陈大文", "13712345678", "resident_id", "110105194912310021")},
        "invalid_id",
    ),
    ({"sender": SenderRequest("陈大文", "13712345678", "resident_id", "123")}, "invalid_id"),
    ({"sender": SenderRequest("陈大文", "12345", "resident_id", IDS[0])}, "bad_phone"),
    ({"sender": SenderRequest("", "13712345678", "resident_id", IDS[0])}, "invalid"),
    ({"sender": None}, "sender_required"),
    ({"sender": None, "sender_id": 999}, "not_found"),
    ({"recipient_phone": "138****5432"}, "bad_phone"),
    ({"recipient_phone": "17012345678-8462"}, "bad_phone"),
    ({"recipient_phone": ""}, "bad_phone"),
    ({"recipient_name": ""}, "invalid"),
    ({"detail": ""}, "invalid"),
    ({"method": None}, "payment_required"),
    ({"method": "bitcoin"}, "invalid"),
    ({"tendered_fen": 100}, "insufficient_cash"),
    ({"expected_total_fen": 1}, "price_changed"),
    ({"recipient_address_id": 12345}, "not_found"),
]


@pytest.mark.parametrize(("extra", "code"), BAD, ids=[f"{c}-{i}" for i, (_, c) in enumerate(BAD)])
def test_bad_input_writes_nothing(priced: Actor, clerk: Actor, extra: dict, code: str) -> None:
    before = counts()
    with pytest.raises(StationError) as err:
        create_send(clerk, request(**extra))
    assert err.value.code == code, err.value.message
    assert len(err.value.message) > 20
    assert counts() == before


def test_prohibited_says_why(priced: Actor, clerk: Actor) -> None:
    with pytest.raises(InvalidInput) as err:
        take(clerk, contents_category="flammable_explosive")
    assert "prohibited" in err.value.message and "cannot be sent" in err.value.message
    assert err.value.details["category"] == "flammable_explosive"


def test_duplicate_waybill_is_refused(priced: Actor, clerk: Actor) -> None:
    take(clerk, waybill_no="sf1234567890123")
    assert Send.get().waybill_no == "SF1234567890123"
    before = counts()
    with pytest.raises(Conflict) as err:
        take(clerk, waybill_no="SF1234567890123")
    assert err.value.code == "duplicate" and counts() == before


def test_the_id_is_never_stored_in_full(priced: Actor, clerk: Actor) -> None:
    take(clerk, sender=sender(0))
    senders.register_sender(clerk, sender(1, name="王五"))
    secrets = [IDS[0], IDS[1], IDS[0][6:14] + IDS[0][14:17]]
    db = database_proxy.obj
    for table in db.get_tables():
        for row in db.execute_sql(f'SELECT * FROM "{table}"').fetchall():
            text = " ".join(str(v) for v in row)
            for secret in secrets:
                assert secret not in text, (table, row)


def test_void_by_the_creator_reverses_the_payment(priced: Actor, clerk: Actor) -> None:
    send = take(clerk).send
    with pytest.raises(InvalidInput):
        void_send(clerk, send.waybill_no, "  ")
    before = counts()
    voided = void_send(clerk, send.waybill_no, "sender changed their mind")
    assert voided.status == "voided" and voided.voided_by == "amy"
    assert counts()["audit"] == before["audit"] + 1
    pay = LedgerEntry.get(LedgerEntry.kind == "send")
    rev = LedgerEntry.get(LedgerEntry.kind == "reversal")
    assert rev.reverses_id == pay.id and rev.amount_fen == -pay.amount_fen
    assert sum(ledger.totals_by_method(clock.local_day()).values()) == 0
    with pytest.raises(Conflict) as err:
        void_send(priced, send.waybill_no, "again")
    assert err.value.code == "already_voided"
    assert [s.waybill_no for s in list_sends(clerk, SendFilter(status="voided"))] == [
        send.waybill_no
    ]


def test_who_may_void(priced: Actor, clerk: Actor) -> None:
    from station.services import staff

    staff.add_staff(priced, "bob", "clerk", "5555")
    bob = staff.authenticate("bob", "5555")
    send = take(clerk).send
    with pytest.raises(NotAllowed):
        void_send(bob, send.id, "not mine")
    later = clock.now() + timedelta(days=1)
    with clock.frozen_at(later):
        with pytest.raises(NotAllowed):
            void_send(clerk, send.id, "next day")
        void_send(priced, send.id, "owner may")  # the owner, any day before hand-over


def test_list_filters(priced: Actor, clerk: Actor) -> None:
    a = take(clerk, recipient_phone="13811112222", recipient_name="张三").send
    b = take(clerk, carrier="ZTO", recipient_phone="13833334444").send
    assert [s.id for s in list_sends(clerk)] == [b.id, a.id]
    assert [s.id for s in list_sends(clerk, SendFilter(carrier="zto"))] == [b.id]
    assert [s.id for s in list_sends(clerk, SendFilter(query="2222"))] == [a.id]
    assert [s.id for s in list_sends(clerk, SendFilter(query="张三"))] == [a.id]
    assert [s.id for s in list_sends(clerk, SendFilter(query=a.waybill_no.lower()))] == [a.id]
    today = clock.local_day()
    assert len(list_sends(clerk, SendFilter(date_from=today, date_to=today))) == 2
    assert list_sends(clerk, SendFilter(date_to=today - timedelta(days=1))) == []
    with pytest.raises(NotFound):
        get_send(clerk, "SF0000000000000")


def test_a_waybill_number_too_long_to_print_is_refused(priced: Actor, clerk: Actor) -> None:
    before = counts()
    with pytest.raises(InvalidInput) as err:
        take(clerk, waybill_no="AB12345678901234567890")
    assert err.value.code == "waybill_too_long" and counts() == before
    assert take(clerk, carrier="ZTO").send.waybill_no.startswith("ZT")


def test_migration_4_adds_the_send_tables_to_an_older_station(station: str) -> None:
    """A station from before sends (schema 3) gets the tables when it is opened."""
    from station import db as station_db
    from station.models import Setting
    from station.models_sends import SEND_MODELS

    db = database_proxy.obj
    db.drop_tables(list(reversed(SEND_MODELS)), safe=True)
    Setting.put("schema_version", "3")
    station_db.close_database()
    db = station_db.open_database(station)
    assert all(db.table_exists(m._meta.table_name) for m in SEND_MODELS)
    assert station_db.schema_version(db) >= 4
    assert Send.select().count() == 0
