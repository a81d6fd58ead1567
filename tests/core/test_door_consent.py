"""The door-delivery list and standing consent are kept through services (audited), and
intake asks for the consent basis when nobody has said it, instead of assuming one."""

from __future__ import annotations

import json

import pytest

from station.audit import Actor
from station.errors import Duplicate, InvalidInput, NotAllowed, NotFound
from station.models import ON_SHELF, AuditEvent, Recipient
from station.services import intake, manifests, residents
from station.services.intake import IntakeRequest

from .helpers import phone, take_in, tracking


def _last_event() -> AuditEvent:
    return AuditEvent.select().order_by(AuditEvent.seq.desc()).first()


def test_door_list_add_remove_audited(clerk: Actor, owner: Actor) -> None:
    view = residents.door_add(clerk, phone(5), name="王芳", note="3楼, 行动不便")
    assert view.door_delivery and view.door_by == "amy" and view.door_at
    assert view.phone == "138****0005"  # masked for a clerk
    event = _last_event()
    assert event.action == "recipient.door_add" and event.actor == "amy"
    assert json.loads(event.after)["phone"] == "138****0005"
    assert phone(5) not in event.after
    [listed] = residents.door_list(owner)
    assert listed.phone == phone(5) and listed.name == "王芳"  # owners see the full number
    with pytest.raises(Duplicate):
        residents.door_add(clerk, phone(5))
    # On the list: intake refuses until the clerk has called.
    with pytest.raises(NotAllowed) as info:
        take_in(clerk, person=5)
    assert info.value.code == "door_delivery"
    assert take_in(clerk, person=5, consent_basis="phone_call").status == ON_SHELF
    pre = intake.precheck(clerk, tracking())
    assert not pre.door_delivery  # (no manifest entry for a fresh number)
    removed = residents.door_remove(clerk, phone(5), note="collects herself now")
    assert not removed.door_delivery and residents.door_list(clerk) == []
    with pytest.raises(NotFound):
        residents.door_remove(clerk, phone(5))
    assert take_in(clerk, person=5).status == ON_SHELF


def test_door_list_needs_a_full_number(clerk: Actor) -> None:
    for text in ("138****0005", "17012345678,8462", "5678-8462"):
        with pytest.raises(InvalidInput) as info:
            residents.door_add(clerk, text)
        assert info.value.code == "phone_required"
    assert Recipient.select().count() == 0


def test_standing_consent_with_its_basis(clerk: Actor) -> None:
    shown = residents.get(clerk, phone(6))
    assert not shown.known and not shown.standing_consent
    with pytest.raises(InvalidInput):
        residents.consent_set(clerk, phone(6), "a feeling")
    view = residents.consent_set(clerk, phone(6), "signed_form", note="form #12")
    assert view.standing_consent and view.consent_basis == "signed_form"
    assert view.consent_by == "amy" and view.consent_at
    assert _last_event().action == "recipient.consent_set"
    # Now parcels of this recipient are taken in on that basis, without a question.
    parcel = intake.intake(clerk, IntakeRequest(tracking=tracking(), phone=phone(6)))
    assert parcel.consent_basis == "standing"
    revoked = residents.consent_revoke(clerk, phone(6))
    assert not revoked.standing_consent and revoked.consent_basis == ""
    with pytest.raises(NotFound):
        residents.consent_revoke(clerk, phone(6))
    with pytest.raises(InvalidInput) as info:
        intake.intake(clerk, IntakeRequest(tracking=tracking(), phone=phone(6)))
    assert info.value.code == "consent_required"


def test_intake_asks_for_consent_instead_of_assuming_it(clerk: Actor) -> None:
    number = tracking()
    with pytest.raises(InvalidInput) as info:
        intake.intake(clerk, IntakeRequest(tracking=number, phone=phone(7)))
    assert info.value.code == "consent_required"
    assert info.value.details["choices"] == ["phone_call", "carrier"]
    assert intake.precheck(clerk, number).consent is None
    with pytest.raises(InvalidInput) as info:  # a basis that is not true is not accepted
        intake.intake(clerk, IntakeRequest(tracking=number, phone=phone(7),
                                           consent_basis="standing"))
    assert info.value.code == "consent_required"
    with pytest.raises(InvalidInput):
        intake.intake(clerk, IntakeRequest(tracking=number, phone=phone(7),
                                           consent_basis="manifest"))
    view = intake.intake(clerk, IntakeRequest(tracking=number, phone=phone(7),
                                              consent_basis="phone_call"))
    assert view.consent_basis == "phone_call"


def test_manifest_without_consent_asks(owner: Actor, clerk: Actor, tmp_path) -> None:
    csv = tmp_path / "m.csv"
    csv.write_text("tracking,name,phone,consent\n73100000000081,李四,13900001111,no\n"
                   "73100000000082,王五,13900002222,yes\n", encoding="utf-8")
    manifests.import_manifest(owner, csv, "ZTO")
    assert intake.precheck(clerk, "73100000000081").consent is None
    assert intake.precheck(clerk, "73100000000082").consent == "manifest"
    with pytest.raises(InvalidInput) as info:
        intake.intake(clerk, IntakeRequest(tracking="73100000000081"))
    assert info.value.code == "consent_required"
    assert intake.intake(clerk, IntakeRequest(tracking="73100000000082")).consent_basis == (
        "manifest")


def test_not_asked_is_recorded_as_such_and_never_beats_what_is_known(
    clerk: Actor, owner: Actor, tmp_path
) -> None:
    # What the command line records when a script leaves --consent out.
    view = intake.intake(clerk, IntakeRequest(tracking=tracking(), phone=phone(8),
                                              consent_basis="not_asked"))
    assert view.consent_basis == "not_asked"
    residents.consent_set(clerk, phone(9), "signed_form")
    standing = intake.intake(clerk, IntakeRequest(tracking=tracking(), phone=phone(9),
                                                  consent_basis="not_asked"))
    assert standing.consent_basis == "standing"
    csv = tmp_path / "m.csv"
    csv.write_text("tracking,name,phone,consent\n73100000000083,李四,13900003333,yes\n",
                   encoding="utf-8")
    manifests.import_manifest(owner, csv, "ZTO")
    listed = intake.intake(clerk, IntakeRequest(tracking="73100000000083",
                                                consent_basis="not_asked"))
    assert listed.consent_basis == "manifest"
    residents.door_add(clerk, phone(10), name="王芳")
    with pytest.raises(NotAllowed) as info:
        intake.intake(clerk, IntakeRequest(tracking=tracking(), phone=phone(10),
                                           consent_basis="not_asked"))
    assert info.value.code == "door_delivery"
