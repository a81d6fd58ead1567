"""Privacy waybills (隐私面单): a virtual number with an extension, or a masked number, is
stored as what it is, found by the extension and by the number as displayed, and the
recipient's own number can be recorded (audited) later."""

from __future__ import annotations

import json

import pytest

from station.audit import Actor
from station.domain.phone import Phone, parse_phone
from station.errors import InvalidInput, NotFound
from station.models import AuditEvent, Parcel, ParcelEvent
from station.services import intake, lookup_privacy, manifests, parcels
from station.services.intake import IntakeRequest
from station.services.integrity import verify as verify_all

from .helpers import take_in, tracking


def _privacy(clerk: Actor, phone: str, name: str = "王芳", number: str | None = None):  # noqa: ANN202
    return intake.intake(clerk, IntakeRequest(tracking=number or tracking(), phone=phone,
                                              name=name, consent_basis="carrier"))


@pytest.mark.parametrize(
    ("text", "virtual", "label"),
    [
        ("17012345678,8462", "17012345678", "170****5678-8462"),
        ("170 1234 5678 转 8462", "17012345678", "170****5678-8462"),
        ("170****5678-8462", None, "170****5678-8462"),
        ("****5678#8462", None, "****5678-8462"),
        ("5678-8462", None, "****5678-8462"),
    ],
)
def test_parse_privacy_numbers(text: str, virtual: str | None, label: str) -> None:
    phone = parse_phone(text)
    assert phone.is_virtual and phone.real is None and phone.ext == "8462"
    assert phone.virtual == virtual and phone.label == label and phone.last4 == "5678"


def test_normal_numbers_keep_their_meaning() -> None:
    assert parse_phone("13812345678") == Phone("13812345678", "5678", None)
    assert parse_phone("13812345678").real == "13812345678"
    office = parse_phone("010-12345678-123")  # a landline's extension is the real phone's
    assert not office.is_virtual and office.real == "01012345678" and office.ext == "123"
    masked = parse_phone("138****5678")
    assert not masked.is_virtual and masked.real is None and masked.label == "138****5678"


def test_intake_stores_what_the_label_tells(clerk: Actor, owner: Actor) -> None:
    view = _privacy(clerk, "17012345678,8462")
    row = Parcel.get_by_id(view.id)
    assert row.recipient_phone is None  # the virtual number is not the recipient's own
    assert (row.phone_virtual, row.phone_ext, row.phone_label) == (
        "17012345678", "8462", "170****5678-8462")
    assert view.phone_known is False and view.phone_label == "170****5678-8462"
    assert view.recipient_phone == "170****5678-8462"
    assert parcels.show(owner, view.tracking)["recipient_phone"] == "17012345678-8462"
    masked = _privacy(clerk, "170****5678-1234", name="李娜")
    assert Parcel.get_by_id(masked.id).phone_label == "170****5678-1234"
    plain = take_in(clerk)
    assert plain.phone_known and plain.phone_label is None


def test_pickup_lookup_by_extension_and_by_number_as_displayed(clerk: Actor) -> None:
    mine = _privacy(clerk, "17012345678,8462", name="王芳")
    other = _privacy(clerk, "17012345678,1111", name="李娜")  # same virtual number
    take_in(clerk, person=8462)  # a real phone ending 8462: also found by "8462"
    for text in ("170****5678-8462", "5678-8462", "****5678-8462", "17012345678-8462",
                 "17012345678,8462", "5678 转 8462"):
        found = parcels.find(clerk, text)
        assert [v.id for v in found] == [mine.id], text
    by_ext = {v.id for v in parcels.find(clerk, "8462")}
    assert mine.id in by_ext and other.id not in by_ext and len(by_ext) == 2
    # The pickup screen's lookup: one group per person, the two behind one virtual number
    # are never one person.
    groups = parcels.collectable_for(clerk, "5678-8462")
    assert [[v.id for v in g] for g in groups] == [[mine.id]]
    groups = parcels.collectable_for(clerk, "8462")
    assert len(groups) == 2
    assert lookup_privacy.label_parts("A-3-0127") is None
    assert lookup_privacy.label_parts("138****5678") == ("5678", "", None)


def test_two_parcels_behind_one_extension_are_one_person(clerk: Actor) -> None:
    a = _privacy(clerk, "****5678-8462", name="王芳")
    b = _privacy(clerk, "****5678-8462", name="王芳")
    _privacy(clerk, "****5678-9999", name="王芳")  # another extension: another binding
    [group] = parcels.collectable_for(clerk, "8462")
    assert {v.id for v in group} == {a.id, b.id}


def test_manifest_virtual_number_keeps_its_extension(owner: Actor, clerk: Actor, tmp_path) -> None:
    csv = tmp_path / "m.csv"
    csv.write_text("tracking,name,phone\n73100000000091,赵六,\"17012345678,8462\"\n",
                   encoding="utf-8")
    assert manifests.import_manifest(owner, csv, "ZTO").loaded == 1
    view = intake.intake(clerk, IntakeRequest(tracking="73100000000091"))
    row = Parcel.get_by_id(view.id)
    assert row.recipient_phone is None and row.phone_virtual == "17012345678"
    assert [v.id for v in parcels.find(clerk, "8462")] == [view.id]


def test_set_phone_records_the_real_number_audited(clerk: Actor, owner: Actor) -> None:
    view = _privacy(clerk, "17012345678,8462")
    updated = parcels.set_phone(clerk, view.tracking, "13912345678", "gave it at the counter")
    assert updated.phone_known and updated.recipient_phone == "139****5678"
    row = Parcel.get_by_id(view.id)
    assert (row.recipient_phone, row.phone_last4) == ("13912345678", "5678")
    assert row.phone_virtual == "17012345678" and row.phone_ext == "8462"  # label kept
    event = AuditEvent.select().order_by(AuditEvent.seq.desc()).first()
    assert event.action == "parcel.set_phone" and event.actor == "amy"
    assert json.loads(event.before)["phone"] == "170****5678-8462"
    after = json.loads(event.after)
    assert after["phone"] == "139****5678" and after["reason"] == "gave it at the counter"
    assert "13912345678" not in event.before + event.after  # masked, never in full
    history = ParcelEvent.select().where(ParcelEvent.parcel == view.id)
    assert "parcel.set_phone" in [e.action for e in history]
    # Still found by the label, and now by the real number too.
    assert [v.id for v in parcels.find(clerk, "5678-8462")] == [view.id]
    assert [v.id for v in parcels.find(clerk, "13912345678")] == [view.id]
    assert verify_all()["ok"]


def test_set_phone_refusals(clerk: Actor) -> None:
    view = _privacy(clerk, "138****5678")
    with pytest.raises(InvalidInput) as info:
        parcels.set_phone(clerk, view.tracking, "13912340000", "asked")
    assert info.value.code == "phone_mismatch"  # the label shows ****5678
    with pytest.raises(InvalidInput) as info:
        parcels.set_phone(clerk, view.tracking, "17012345678,8462", "asked")
    assert info.value.code == "phone_required"  # a virtual number is nobody's own
    with pytest.raises(InvalidInput) as info:
        parcels.set_phone(clerk, view.tracking, "13812345678", "  ")
    assert info.value.code == "reason_required"
    with pytest.raises(NotFound):
        parcels.set_phone(clerk, "YT9999999999999", "13812345678", "asked")
    assert parcels.set_phone(clerk, view.tracking, "13812345678", "asked").phone_known
    with pytest.raises(InvalidInput) as info:
        parcels.set_phone(clerk, view.tracking, "13812345678", "again")
    assert info.value.code == "unchanged"


def test_correcting_a_mistyped_number_cancels_its_unsent_message(clerk: Actor) -> None:
    from station.models_outbox import OutboxMessage

    view = take_in(clerk, person=1)
    assert OutboxMessage.select().where(OutboxMessage.parcel == view.id,
                                        OutboxMessage.status == "queued").count() == 1
    parcels.set_phone(clerk, view.tracking, "13900001111", "typo at intake")
    assert OutboxMessage.select().where(OutboxMessage.parcel == view.id,
                                        OutboxMessage.status == "queued").count() == 0


def test_migration_moves_old_virtual_numbers_out_of_the_recipients_phone(clerk: Actor) -> None:
    from station.migrations import m0007_privacy_phones
    from station.models import database_proxy

    view = take_in(clerk)
    # As version 6 stored "17012345678,8462": the virtual number as if it were the recipient's.
    Parcel.update(recipient_phone="17012345678", phone_last4="5678", phone_ext="8462",
                  phone_virtual=None, phone_label=None).where(Parcel.id == view.id).execute()
    office = take_in(clerk, person=2)
    Parcel.update(recipient_phone="01012345678", phone_ext="123").where(
        Parcel.id == office.id).execute()
    m0007_privacy_phones.apply(database_proxy.obj)
    m0007_privacy_phones.apply(database_proxy.obj)  # idempotent
    row = Parcel.get_by_id(view.id)
    assert row.recipient_phone is None and row.phone_virtual == "17012345678"
    assert row.phone_label == "170****5678-8462"
    assert Parcel.get_by_id(office.id).recipient_phone == "01012345678"  # a real landline
