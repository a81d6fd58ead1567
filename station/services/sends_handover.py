"""Sends in the courier hand-over batch (returns.handover), and the figures of sends that the
daily report, the dashboard and the carrier settlement count.

A send counts on the day it was taken (created_at) unless voided; its revenue is its total.
For the carrier settlement a send counts when it is handed to the carrier's courier.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from peewee import fn

from station.domain.carriers import normalize_tracking
from station.errors import Conflict
from station.i18n import N_, tr
from station.models import Handover
from station.models_sends import CREATED, HANDED_OVER, VOIDED, Send


def rows(query: Any) -> Iterator[tuple[Any, ...]]:
    """A query's rows as plain tuples (no model instances: cheaper, and typed)."""
    return iter(query.tuples())


STATUS_LABELS = {
    CREATED: N_("waiting for the courier"),
    HANDED_OVER: N_("handed over to the courier"),
    VOIDED: N_("voided"),
}


def split_scans(
    carrier_code: str, trackings: list[str] | None
) -> tuple[list[Send], list[str] | None]:
    """→ (sends waiting for this carrier's courier, the scans that are not sends). Without
    scans, every waiting send of the carrier goes."""
    query = Send.select().where(Send.status == CREATED, Send.carrier == carrier_code)
    if trackings is None:
        return list(query.order_by(Send.id)), None
    numbers = {normalize_tracking(t): t for t in trackings if t and t.strip()}
    found = {
        s.waybill_no: s for s in Send.select().where(Send.waybill_no.in_(list(numbers) or [""]))
    }
    for number, send in found.items():
        if send.status != CREATED or send.carrier_id != carrier_code:
            raise Conflict(
                tr(
                    "Send {waybill} is {status} ({carrier}): it cannot go with this {code} "
                    "hand-over. Take it out of the batch.",
                    waybill=number,
                    status=tr(STATUS_LABELS.get(send.status, send.status)),
                    carrier=send.carrier_id,
                    code=carrier_code,
                ),
                code="not_waiting",
            )
    rest = [original for number, original in numbers.items() if number not in found]
    return sorted(found.values(), key=lambda s: s.id), rest


def attach(record: Handover, sends: list[Send], now: datetime, change: Any) -> None:
    """Inside the hand-over's unit of work: these sends leave with the courier."""
    if not sends:
        return
    ids = [s.id for s in sends]
    n = (
        Send.update(status=HANDED_OVER, handover=record.id, handed_over_at=now)
        .where(Send.id.in_(ids), Send.status == CREATED)
        .execute()
    )
    if n != len(ids):
        raise Conflict(tr("Another counter changed these sends; start the hand-over again."))
    for send_id in ids:
        change.track("send", send_id)


# -- figures ----------------------------------------------------------------------------------


def day_figures(start: datetime, end: datetime) -> dict[str, Any]:
    """Sends taken in [start, end): counts, revenue, by carrier and by clerk; hand-overs."""
    from station.models import Staff

    names: dict[int, str] = dict(rows(Staff.select(Staff.id, Staff.name)))
    taken = voided = revenue = 0
    by_carrier: dict[str, Counter[str]] = {}
    by_clerk: Counter[str] = Counter()
    query = Send.select(Send.carrier, Send.status, Send.total_fen, Send.created_by).where(
        Send.created_at >= start, Send.created_at < end
    )
    for carrier, status, total, staff_id in rows(query):
        if status == VOIDED:
            voided += 1
            continue
        taken += 1
        revenue += total
        c = by_carrier.setdefault(carrier, Counter())
        c["sends"] += 1
        c["sends_fen"] += total
        by_clerk[names.get(staff_id, "(unknown)")] += 1
    handed = Send.select().where(Send.handed_over_at >= start, Send.handed_over_at < end).count()
    return {
        "sends": taken,
        "sends_voided": voided,
        "sends_fen": revenue,
        "sends_handed_over": handed,
        "sends_by_carrier": {
            code: {"sends": c["sends"], "sends_fen": c["sends_fen"]}
            for code, c in sorted(by_carrier.items())
        },
        "sends_by_clerk": dict(sorted(by_clerk.items())),
    }


def taken_at(start: datetime, end: datetime) -> list[tuple[datetime, int]]:
    """(created_at, total_fen) of every non-voided send taken in [start, end)."""
    query = Send.select(Send.created_at, Send.total_fen).where(
        Send.created_at >= start, Send.created_at < end, Send.status != VOIDED
    )
    return [(at, total) for at, total in rows(query)]


def handed_over(carrier_code: str, start: datetime, end: datetime) -> list[tuple[datetime, int]]:
    """(handed_over_at, total_fen) of the carrier's sends handed to its courier in [start, end)."""
    query = Send.select(Send.handed_over_at, Send.total_fen).where(
        Send.handed_over_at >= start, Send.handed_over_at < end, Send.carrier == carrier_code
    )
    return [(at, total) for at, total in rows(query)]


def handed_over_by_carrier(start: datetime, end: datetime) -> dict[str, tuple[int, int]]:
    """{carrier: (sends, total fen)} handed to couriers in [start, end)."""
    query = (
        Send.select(Send.carrier, fn.COUNT(Send.id), fn.SUM(Send.total_fen))
        .where(Send.handed_over_at >= start, Send.handed_over_at < end)
        .group_by(Send.carrier)
    )
    return {code: (int(n), int(total or 0)) for code, n, total in rows(query)}


def rows_of(send_ids: list[int]) -> list[Send]:
    return list(Send.select().where(Send.id.in_(send_ids or [0])).order_by(Send.id))


def views_of(send_ids: list[int], actor: Any) -> list[Any]:
    from station.services.sends_views import send_views

    return send_views(rows_of(send_ids), actor) if send_ids else []
