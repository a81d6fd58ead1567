"""Exception and complaint tickets: deadlines, follow-ups, claims and roles."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from station import clock
from station.audit import Actor
from station.errors import Conflict, InvalidInput, NotAllowed, NotFound
from station.models import AuditEvent, ParcelEvent, Ticket
from station.services import tickets

from .helpers import take_in

# 10:00 in Shanghai.
MORNING = datetime(2024, 5, 1, 2, 0)


def test_open_ticket_with_parcel_and_deadlines(clerk: Actor) -> None:
    with clock.frozen_at(MORNING):
        parcel = take_in(clerk)
        view = tickets.open_ticket(
            clerk,
            "damaged",
            "box crushed  on arrival",
            parcel.tracking,
            contact="13800138000",
            claim_fen=5000,
        )
    assert view.kind == "damaged" and view.status == "open" and view.tracking == parcel.tracking
    assert view.note == "box crushed on arrival" and view.claim_fen == 5000
    assert view.contact == "138****8000"  # clerks see the number masked
    assert view.opened_by == "amy"
    assert view.ack_due == "2024-05-01T10:05:00+08:00"
    assert view.answer_due == "2024-05-04T10:00:00+08:00"
    assert not view.overdue and not view.acknowledged
    row = Ticket.get_by_id(view.id)
    assert row.contact == "13800138000"
    assert ParcelEvent.select().where(ParcelEvent.action == "ticket.open").count() == 1
    assert set(view.to_json()) >= {"id", "kind", "status", "tracking", "note", "overdue"}


def test_complaint_is_due_the_same_day(owner: Actor, clerk: Actor) -> None:
    with clock.frozen_at(MORNING):
        view = tickets.open_ticket(
            clerk, "complaint", "rude answer at the counter", contact="王女士 13800138000"
        )
    assert view.answer_due == "2024-05-02T00:00:00+08:00"
    assert tickets.get_ticket(owner, view.id).contact == "王女士 13800138000"
    assert tickets.get_ticket(clerk, view.id).contact == "王女士 138****8000"


def test_overdue_flags(clerk: Actor) -> None:
    with clock.frozen_at(MORNING):
        complaint = tickets.open_ticket(clerk, "complaint", "waited too long")
        delay = tickets.open_ticket(clerk, "delay", "parcel late")
    with clock.frozen_at(MORNING + timedelta(minutes=4)):
        assert not any(v.overdue for v in tickets.list_tickets(clerk))
    with clock.frozen_at(MORNING + timedelta(minutes=6)):
        views = {v.id: v for v in tickets.list_tickets(clerk)}
        assert views[complaint.id].overdue_reason == "acknowledge"
        tickets.update_status(clerk, delay.id, "acknowledged", "calling the carrier")
        tickets.add_followup(clerk, complaint.id, "reached", "apologised")
        views = {v.id: v for v in tickets.list_tickets(clerk)}
        assert not views[delay.id].overdue and not views[complaint.id].overdue
        assert views[complaint.id].acknowledged and views[complaint.id].status == "open"
    with clock.frozen_at(MORNING + timedelta(hours=15)):  # 01:00 the next day
        listed = tickets.list_tickets(clerk)
        assert [v.id for v in listed][0] == complaint.id  # overdue first
        assert listed[0].overdue_reason == "answer" and not listed[1].overdue
        tickets.resolve(clerk, complaint.id, "customer satisfied")
        assert not tickets.get_ticket(clerk, complaint.id).overdue


def test_status_followups_and_resolution_are_logged(clerk: Actor, owner: Actor) -> None:
    with clock.frozen_at(MORNING):
        view = tickets.open_ticket(clerk, "wrong_address", "belongs to building 5")
        events = AuditEvent.select().count()
        tickets.update_status(clerk, view.id, "in_progress", "asked the courier")
        tickets.add_followup(clerk, view.id, "no_answer")
        tickets.add_followup(clerk, view.id, "reached", "will collect tomorrow")
        done = tickets.resolve(clerk, view.id, "collected by the right person")
    assert AuditEvent.select().count() == events + 4
    assert done.status == "resolved" and done.resolution == "collected by the right person"
    assert done.resolved_at == "2024-05-01T10:00:00+08:00"
    assert done.note == "belongs to building 5"
    assert [(e["event"], e.get("outcome"), e["by"]) for e in done.log] == [
        ("status", None, "amy"),
        ("followup", "no_answer", "amy"),
        ("followup", "reached", "amy"),
        ("resolved", None, "amy"),
    ]
    assert done.log[2]["text"] == "will collect tomorrow"
    assert tickets.list_tickets(clerk) == []
    assert [v.id for v in tickets.list_tickets(clerk, include_resolved=True)] == [view.id]
    with pytest.raises(Conflict):
        tickets.resolve(owner, view.id, "again")
    # A satisfaction call after the resolution is still recorded.
    after = tickets.add_followup(clerk, view.id, "satisfied")
    assert after.log[-1]["outcome"] == "satisfied"


def test_reopen_is_for_the_owner(clerk: Actor, owner: Actor) -> None:
    view = tickets.open_ticket(clerk, "refused", "recipient refused the parcel")
    tickets.resolve(clerk, view.id, "returned to sender")
    with pytest.raises(NotAllowed):
        tickets.update_status(clerk, view.id, "open", "customer called back")
    reopened = tickets.update_status(owner, view.id, "in_progress", "customer called back")
    assert reopened.status == "in_progress" and reopened.resolved_at is None
    assert reopened.resolution == ""


def test_claims_are_for_the_owner(clerk: Actor, owner: Actor) -> None:
    parcel = take_in(clerk)
    view = tickets.open_ticket(clerk, "lost", "cannot be found", parcel.tracking, claim_fen=20000)
    with pytest.raises(NotAllowed):
        tickets.resolve(clerk, view.id, "paid")
    with pytest.raises(NotAllowed):
        tickets.set_claim(clerk, view.id, 100)
    lowered = tickets.set_claim(owner, view.id, 15000, "agreed with customer")
    assert lowered.claim_fen == 15000 and lowered.log[-1]["claim_fen"] == 15000
    assert tickets.resolve(owner, view.id, "paid ¥150").status == "resolved"
    assert Ticket.get_by_id(view.id).status == "resolved"


def test_bad_input_is_refused(clerk: Actor) -> None:
    count = Ticket.select().count()
    with pytest.raises(InvalidInput):
        tickets.open_ticket(clerk, "alien", "abducted")
    with pytest.raises(InvalidInput):
        tickets.open_ticket(clerk, "damaged", "   ")
    with pytest.raises(InvalidInput):
        tickets.open_ticket(clerk, "damaged", "x", claim_fen=-1)
    with pytest.raises(NotFound):
        tickets.open_ticket(clerk, "damaged", "x", tracking="YT9999999999999")
    assert Ticket.select().count() == count
    view = tickets.open_ticket(clerk, "delay", "late")
    with pytest.raises(InvalidInput):
        tickets.update_status(clerk, view.id, "exploded")
    with pytest.raises(InvalidInput):
        tickets.add_followup(clerk, view.id, "maybe")
    with pytest.raises(NotFound):
        tickets.resolve(clerk, 9999, "done")
    assert tickets.require_kind("Wrong-Address") == "wrong_address"


def test_list_shows_tracking_and_opener(clerk, owner) -> None:  # noqa: ANN001
    from station.services import tickets as ticket_service
    from tests.core.helpers import take_in

    view = take_in(clerk)
    ticket_service.open_ticket(clerk, "damaged", "corner crushed", tracking=view.tracking)
    ticket_service.open_ticket(clerk, "complaint", "phone complaint")
    listed = ticket_service.list_tickets(owner)
    assert {(t.tracking, t.opened_by) for t in listed} == {(view.tracking, "amy"), (None, "amy")}
