"""Messages held back until the station's details are known.

A message whose text needs the station's address is queued as usual, but while the address is
empty it is marked held (never "地址：，" on a customer's phone). Once the owner sets the
address, each held message is written again with it and goes out like any other; nothing is
lost and nothing is sent twice (the message keeps its key and row).
"""

from __future__ import annotations

import json

from station import clock
from station.i18n import tr
from station.messaging import templates as tpl
from station.models_outbox import DUE_STATUSES, OutboxMessage
from station.services import outbox, settings


def address_known() -> bool:
    return bool(str(settings.get("station_address") or "").strip())


def _held() -> list[OutboxMessage]:
    return list(
        OutboxMessage.select().where(
            OutboxMessage.status.in_(DUE_STATUSES),
            OutboxMessage.data.contains(outbox.HELD_MARK),
        )
    )


def held_count() -> int:
    return (
        OutboxMessage.select()
        .where(
            OutboxMessage.status.in_(DUE_STATUSES),
            OutboxMessage.data.contains(outbox.HELD_MARK),
        )
        .count()
    )


def held_reason(count: int) -> str:
    return tr(
        "{count} customer messages are waiting for the station's address: set it in Settings "
        "(F9) → Station, then they go out.",
        count=count,
    )


def release_held() -> int:
    """Write every held message again with the station's details; returns how many."""
    if not address_known():
        return 0
    released = 0
    for row in _held():
        data = json.loads(row.data or "{}")
        data.pop(outbox.HELD_FLAG, None)
        values: dict[str, object] = {}
        infos = outbox._parcel_infos("WHERE p.id = ?", (row.parcel_id,)) if row.parcel_id else []
        if infos:
            today = clock.local_day(row.created_at)
            values = outbox._values(infos[0], row.lang, today)
            template = outbox.get_template(row.kind, row.lang)
            changes = {
                "subject": tpl.render(template.subject, values)[:200],
                "body": tpl.render(template.text, values),
            }
        else:  # the parcel is gone: the sender cancels it on its next round
            changes = {}
        updated = (
            OutboxMessage.update(data=json.dumps(data, ensure_ascii=False), **changes)
            .where(
                OutboxMessage.id == row.id,
                OutboxMessage.status.in_(DUE_STATUSES),
                OutboxMessage.data.contains(outbox.HELD_MARK),
            )
            .execute()
        )
        released += updated
    return released
