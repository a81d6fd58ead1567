import pytest

from station.audit import Actor
from station.errors import Conflict, InvalidInput, NotAllowed, NotFound
from station.models import PICKED_UP, LedgerEntry, Parcel, Pickup, Slot
from station.services import parcels, settings
from station.services.pickup import PickupRequest, pickup

from .helpers import take_in

VALID_ID = "11010519491231002X"


def test_single_pickup_by_code(clerk: Actor) -> None:
    view = take_in(clerk, size="S")
    result = pickup(clerk, PickupRequest(refs=(view.pickup_code,)))
    assert result.parcels[0].status == PICKED_UP and result.due_fen == 0
    row = Parcel.get_by_id(view.id)
    assert row.status == PICKED_UP and row.picked_up_at is not None and row.left_at is not None
    assert Slot.get(Slot.label == view.slot).used_s == 0
    assert result.receipt_no.startswith("R")


def test_collected_parcel_cannot_be_collected_again(clerk: Actor) -> None:
    view = take_in(clerk)
    pickup(clerk, PickupRequest(refs=(view.tracking,)))
    with pytest.raises((Conflict, NotFound)):
        pickup(clerk, PickupRequest(refs=(view.tracking,)))
    with pytest.raises(NotFound):
        pickup(clerk, PickupRequest(refs=(view.pickup_code,)))  # code no longer active
    assert Pickup.select().count() == 1


def test_combined_pickup_of_one_persons_parcels(clerk: Actor) -> None:
    views = [take_in(clerk, person=5) for _ in range(3)]
    groups = parcels.collectable_for(clerk, "0005")
    assert len(groups) == 1 and {v.id for v in groups[0]} == {v.id for v in views}
    result = pickup(clerk, PickupRequest(refs=tuple(v.pickup_code for v in views)))
    assert len(result.parcels) == 3
    assert Pickup.select().count() == 1


def test_last4_shared_by_two_people_gives_two_groups(clerk: Actor) -> None:
    take_in(clerk, "YT7000000000001", person=7, name="张三")
    from station.services.intake import IntakeRequest, intake

    intake(clerk, IntakeRequest(tracking="YT7000000000002", phone="13912340007", name="李四",
                                consent_basis="carrier"))
    groups = parcels.collectable_for(clerk, "0007")
    assert len(groups) == 2
    assert len(parcels.collectable_for(clerk, "0007", name="李四")) == 1


def test_different_people_refused(clerk: Actor) -> None:
    a, b = take_in(clerk, person=1), take_in(clerk, person=2)
    with pytest.raises(Conflict) as info:
        pickup(clerk, PickupRequest(refs=(a.pickup_code, b.pickup_code)))
    assert info.value.code == "different_people"
    assert Parcel.select().where(Parcel.status == PICKED_UP).count() == 0


def test_cod_needs_id_and_payment_and_gives_change(clerk: Actor) -> None:
    view = take_in(clerk, cod_fen=1250)
    with pytest.raises(NotAllowed) as info:
        pickup(clerk, PickupRequest(refs=(view.pickup_code,), method="cash", tendered_fen=2000))
    assert info.value.code == "id_required"
    with pytest.raises(InvalidInput) as info:
        pickup(
            clerk,
            PickupRequest(
                refs=(view.pickup_code,),
                id_type="resident_id",
                id_number=VALID_ID,
                method="cash",
                tendered_fen=1000,
            ),
        )
    assert info.value.code == "insufficient_cash"
    result = pickup(
        clerk,
        PickupRequest(
            refs=(view.pickup_code,),
            id_type="resident_id",
            id_number=VALID_ID,
            id_name="张三",
            method="cash",
            tendered_fen=2000,
        ),
    )
    assert (result.due_fen, result.paid_fen, result.change_fen) == (1250, 1250, 750)
    assert result.id_masked == "110***********002X"
    record = Pickup.get(Pickup.receipt_no == result.receipt_no)
    assert VALID_ID not in (record.id_masked + record.id_hash)  # never stored in full
    entries = list(LedgerEntry.select())
    assert [(e.kind, e.method, e.amount_fen) for e in entries] == [("cod", "cash", 1250)]


def test_wrong_id_checksum_and_name_mismatch_are_counted_and_limited(
    clerk: Actor, owner: Actor
) -> None:
    view = take_in(clerk, cod_fen=500)
    with pytest.raises(InvalidInput) as info:
        pickup(
            clerk,
            PickupRequest(
                refs=(view.pickup_code,), id_number="110105194912310021", method="wechat"
            ),
        )
    assert info.value.code == "id_mismatch"
    for _ in range(2):
        with pytest.raises(NotAllowed) as info:
            pickup(
                clerk,
                PickupRequest(
                    refs=(view.pickup_code,), id_number=VALID_ID, id_name="王五", method="wechat"
                ),
            )
        assert info.value.code == "id_mismatch"
    assert Parcel.get_by_id(view.id).id_failures == 3
    with pytest.raises(NotAllowed) as info:  # limit reached: the clerk is stopped
        pickup(
            clerk,
            PickupRequest(
                refs=(view.pickup_code,), id_number=VALID_ID, id_name="张三", method="wechat"
            ),
        )
    assert info.value.code == "id_locked"
    result = pickup(
        owner,
        PickupRequest(
            refs=(view.pickup_code,), id_number=VALID_ID, id_name="张三", method="wechat"
        ),
    )
    assert result.paid_fen == 500 and result.change_fen == 0


def test_proxy_pickup_needs_proxy_id(clerk: Actor) -> None:
    view = take_in(clerk)
    with pytest.raises(NotAllowed):
        pickup(
            clerk,
            PickupRequest(refs=(view.pickup_code,), proxy_name="李雷", proxy_phone="13700001111"),
        )
    result = pickup(
        clerk,
        PickupRequest(
            refs=(view.pickup_code,),
            proxy_name="李雷",
            proxy_phone="13700001111",
            id_number=VALID_ID,
            id_name="李雷",
        ),
    )
    assert result.proxy_name == "李雷" and result.proxy_phone_masked == "137****1111"


def test_policy_always_asks_for_id(clerk: Actor, owner: Actor) -> None:
    settings.set_value(owner, "id_check_policy", "always")
    view = take_in(clerk)
    with pytest.raises(NotAllowed):
        pickup(clerk, PickupRequest(refs=(view.pickup_code,)))


def test_clerk_cannot_change_policy(clerk: Actor) -> None:
    with pytest.raises(NotAllowed):
        settings.set_value(clerk, "id_check_policy", "always")


def test_find_variants(clerk: Actor, owner: Actor) -> None:
    view = take_in(clerk, "SF5555555555555", person=42, name="韩梅梅")
    for query in (
        "SF5555555555555",
        "sf5555555555555",
        view.pickup_code,
        "0042",
        "13800130042",
        "韩梅梅",
    ):
        found = parcels.find(clerk, query)
        assert [v.tracking for v in found] == ["SF5555555555555"], query
    assert parcels.find(clerk, "13800130042")[0].recipient_phone == "138****0042"
    assert parcels.find(owner, "13800130042")[0].recipient_phone == "13800130042"
    pickup(clerk, PickupRequest(refs=(view.pickup_code,)))
    assert parcels.find(clerk, "0042") == []
    assert len(parcels.find(clerk, "0042", include_all=True)) == 1
    shown = parcels.show(clerk, "SF5555555555555")
    assert [e["action"] for e in shown["events"]] == ["parcel.intake", "parcel.pickup"]


def test_find_by_qr_payloads_from_a_phone(clerk: Actor) -> None:
    view = take_in(clerk, "SF6666666666666", person=66)
    for payload in (
        f"PS:{view.pickup_code}",
        f"https://pick.example.cn/p?code={view.pickup_code}",
        "https://carrier.example.cn/track?trackingNo=SF6666666666666",
        "HTTPS://CARRIER.EXAMPLE.CN/TRACK?TRACKINGNO=SF6666666666666",
    ):
        assert [v.tracking for v in parcels.find(clerk, payload)] == ["SF6666666666666"], payload


def test_storage_fee_after_free_days_is_collected_at_pickup(clerk: Actor, owner: Actor) -> None:
    from datetime import timedelta

    from station import clock
    from station.services import settings as station_settings

    station_settings.set_value(owner, "storage_fee_per_day_fen", 100)
    station_settings.set_value(owner, "storage_free_days", 2)
    station_settings.set_value(owner, "storage_fee_cap_fen", 1000)
    with clock.frozen_at(clock.now() - timedelta(days=5)):
        old = take_in(clerk, person=77)
    with clock.frozen_at(clock.now() - timedelta(days=30)):
        ancient = take_in(clerk, person=78)
    fresh = take_in(clerk, person=79)
    assert parcels.find(clerk, old.pickup_code)[0].storage_fee_fen == 300  # 5 days - 2 free
    assert parcels.find(clerk, ancient.pickup_code)[0].storage_fee_fen == 1000  # capped
    assert parcels.find(clerk, fresh.pickup_code)[0].storage_fee_fen == 0
    with pytest.raises(InvalidInput) as info:
        pickup(clerk, PickupRequest(refs=(old.pickup_code,)))
    assert info.value.code == "payment_required"
    result = pickup(clerk, PickupRequest(refs=(old.pickup_code,), method="cash",
                                         tendered_fen=500))
    assert (result.due_fen, result.storage_fen, result.change_fen) == (300, 300, 200)
    assert [(e.kind, e.amount_fen) for e in LedgerEntry.select()] == [("storage", 300)]
    assert parcels.find(clerk, old.tracking, include_all=True)[0].storage_fee_fen == 0
