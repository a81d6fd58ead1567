from datetime import timedelta

import pytest

from station import clock
from station.audit import Actor
from station.errors import Conflict, Duplicate, InvalidInput, NotAllowed, NotFound
from station.models import ON_SHELF, CodeReservation, Parcel, Recipient, Slot
from station.services import intake, manifests, settings, shelves
from station.services.intake import IntakeRequest

from .helpers import phone, take_in, tracking


def test_intake_assigns_slot_and_code(clerk: Actor) -> None:
    view = take_in(clerk, "SF1234567890123", size="S", weight_g=850)
    assert view.status == ON_SHELF
    assert view.carrier == "SF"  # guessed from the number
    assert view.slot and view.pickup_code and view.pickup_code.startswith(view.slot + "-")
    assert view.recipient_phone == "138****0001"  # clerks see masked phones
    row = Parcel.get_by_id(view.id)
    assert row.recipient_phone == "13800130001" and row.weight_g == 850
    slot = Slot.get(Slot.label == view.slot)
    assert slot.used_s == 1


def test_phone_is_normalised(clerk: Actor) -> None:
    view = intake.intake(clerk, IntakeRequest(tracking=tracking(), phone="+86 138-0013-８０００",
                                              consent_basis="phone_call"))
    assert Parcel.get_by_id(view.id).recipient_phone == "13800138000"


def test_bad_phone_is_refused_and_nothing_written(clerk: Actor) -> None:
    with pytest.raises(InvalidInput) as info:
        intake.intake(clerk, IntakeRequest(tracking=tracking(), phone="138001380"))
    assert "digits" in info.value.message
    assert Parcel.select().count() == 0


def test_phone_required_without_manifest(clerk: Actor) -> None:
    with pytest.raises(InvalidInput) as info:
        intake.intake(clerk, IntakeRequest(tracking=tracking()))
    assert info.value.code == "phone_required"


def test_duplicate_scan_changes_nothing(clerk: Actor) -> None:
    first = take_in(clerk, "YT1000000000001")
    events_before = Parcel.get_by_id(first.id).events.count()
    with pytest.raises(Duplicate) as info:
        take_in(clerk, "yt1000000000001")
    assert first.pickup_code in info.value.message
    assert Parcel.select().count() == 1
    assert Parcel.get_by_id(first.id).events.count() == events_before


def test_codes_unique_among_active(clerk: Actor) -> None:
    codes = {take_in(clerk, size="S").pickup_code for _ in range(40)}
    assert len(codes) == 40
    seqs = [p.code_seq for p in Parcel.select()]
    assert len(set(seqs)) == len(seqs)
    assert all(s < 10000 for s in seqs)  # short: four digits


def test_capacity_is_never_exceeded(clerk: Actor) -> None:
    # Shelves A and B have 3 layers each with 1 XL place: 6 XL parcels fit, the 7th does not.
    for _ in range(6):
        take_in(clerk, size="XL")
    with pytest.raises(Conflict) as info:
        take_in(clerk, size="XL")
    assert info.value.code == "shelves_full"
    assert all(s.used_xl <= s.cap_xl for s in Slot.select())


def test_manifest_fills_recipient(clerk: Actor, owner: Actor, tmp_path) -> None:
    csv = tmp_path / "m.csv"
    csv.write_text(
        "tracking,name,phone,cod\n73100000000001,李四,13900001111,12.50\n"
        "73100000000002,王五,139****2222,\n",
        encoding="utf-8",
    )
    result = manifests.import_manifest(owner, csv, "ZTO")
    assert (result.rows, result.loaded, result.rejected) == (2, 2, [])
    view = intake.intake(clerk, IntakeRequest(tracking="73100000000001"))
    assert (view.recipient_name, view.cod_fen, view.carrier) == ("李四", 1250, "ZTO")
    assert view.id_check  # COD asks for ID under the default policy
    assert view.consent_basis == "manifest"
    privacy = intake.intake(clerk, IntakeRequest(tracking="73100000000002"))
    assert privacy.recipient_phone == "****2222"


def test_manifest_gbk_and_rejects(owner: Actor, tmp_path) -> None:
    csv = tmp_path / "gbk.csv"
    csv.write_bytes(
        "tracking,name,phone\n73100000000003,赵六,13900003333\nBAD#,x,1\n"
        "73100000000004,钱七,12345\n".encode("gbk")
    )
    result = manifests.import_manifest(owner, csv, "ZTO")
    assert result.rows == 3 and result.loaded == 1
    assert [r["line"] for r in result.rejected] == [3, 4]


def test_manifest_header_checked(owner: Actor, tmp_path) -> None:
    csv = tmp_path / "h.csv"
    csv.write_text("number,who\n1,2\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as info:
        manifests.import_manifest(owner, csv, "ZTO")
    assert "tracking" in info.value.message


def test_door_delivery_recipient_needs_phone_consent(clerk: Actor) -> None:
    Recipient.create(phone=phone(9), door_delivery=True)
    with pytest.raises(NotAllowed) as info:
        take_in(clerk, person=9)
    assert info.value.code == "door_delivery"
    assert take_in(clerk, person=9, consent_basis="phone_call").status == ON_SHELF


def test_released_code_cools_down(clerk: Actor, owner: Actor) -> None:
    from station.services.pickup import PickupRequest, pickup

    settings.put_raw("code_next", 1)
    first = take_in(clerk)
    seq = Parcel.get_by_id(first.id).code_seq
    pickup(clerk, PickupRequest(refs=(first.pickup_code,)))
    settings.put_raw("code_next", seq)  # force the allocator back to the released number
    second = take_in(clerk)
    assert Parcel.get_by_id(second.id).code_seq != seq
    later = clock.now() + timedelta(days=settings.get("code_cooldown_days") + 1)
    settings.put_raw("code_next", seq)
    with clock.frozen_at(later):
        third = take_in(clerk)
    assert Parcel.get_by_id(third.id).code_seq == seq
    assert CodeReservation.get_by_id(seq).parcel_id == third.id


def test_weight_and_text_bounds(clerk: Actor) -> None:
    with pytest.raises(InvalidInput):
        take_in(clerk, weight_g=0)
    with pytest.raises(InvalidInput):
        take_in(clerk, name="x" * 41)
    view = take_in(clerk, name="  李   雷 ")
    assert view.recipient_name == "李 雷"


def test_damaged_note(clerk: Actor) -> None:
    view = take_in(clerk, damaged_note="corner crushed")
    assert view.damaged and view.damage_note == "corner crushed"


def test_undo_intake_same_clerk_within_minutes(clerk: Actor, owner: Actor) -> None:
    view = take_in(clerk, size="S")
    slot = Slot.get(Slot.label == view.slot)
    assert slot.used_s == 1
    intake.undo_intake(clerk, view.tracking)
    assert Parcel.select().count() == 0
    assert Slot.get_by_id(slot.id).used_s == 0
    late = take_in(clerk)
    with clock.frozen_at(clock.now() + timedelta(minutes=30)):
        with pytest.raises(NotAllowed):
            intake.undo_intake(clerk, late.tracking)


def test_chosen_slot_and_precheck(clerk: Actor) -> None:
    view = take_in(clerk, slot="B-2")
    assert view.slot == "B-2"
    check = intake.precheck(clerk, view.tracking)
    assert check.on_shelf is not None and check.on_shelf.slot == "B-2"
    fresh = intake.precheck(clerk, "SF9999999999999")
    assert fresh.on_shelf is None and fresh.carrier_guess[0] == "SF"
    with pytest.raises(NotFound):
        shelves.slot_by_label("Q-9")


def test_intake_queues_a_message_for_the_recipient(clerk: Actor) -> None:
    from station.models_outbox import OutboxMessage

    view = take_in(clerk)
    [message] = list(OutboxMessage.select().where(OutboxMessage.parcel == view.id))
    assert message.kind == "intake" and message.status == "queued"
    assert view.pickup_code in message.body
