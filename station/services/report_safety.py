"""The daily report's "hand-ticks and near-misses" section, per clerk.

Hand ticks come from pickup_check (how = 'hand', with the clerk's reason); wrong scans, failed
ID checks and failed or ambiguous lookups are audit events (see pickup_lookup), read through
the (action, at) index. A clerk with none of these does not appear.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from station import clock
from station.models import AuditEvent, Parcel, Pickup, Staff
from station.models_pickup import BY_HAND, PickupCheck
from station.services.pickup_lookup import ID_FAILED, LOOKUP_AMBIGUOUS, LOOKUP_FAILED, WRONG_SCAN

COUNTS = ("hand_ticks", "wrong_scans", "id_failures", "ambiguous_lookups", "failed_lookups")
_BY_ACTION = {
    WRONG_SCAN: "wrong_scans",
    ID_FAILED: "id_failures",
    LOOKUP_AMBIGUOUS: "ambiguous_lookups",
    LOOKUP_FAILED: "failed_lookups",
}
LABELS = {
    "hand_ticks": ("手动勾选", "Ticked by hand"),
    "wrong_scans": ("扫错件", "Wrong parcel scanned"),
    "id_failures": ("证件核验失败", "Failed ID checks"),
    "ambiguous_lookups": ("多人匹配查询", "Lookups matching several people"),
    "failed_lookups": ("查无结果", "Lookups that found nothing"),
}
UNKNOWN = "(unknown)"


def label(key: str) -> str:
    zh, en = LABELS.get(key, (key, key))
    return f"{zh} {en}"


def _clerk(table: dict[str, dict[str, Any]], name: str) -> dict[str, Any]:
    if name not in table:
        table[name] = {k: 0 for k in COUNTS} | {"hand": [], "wrong": []}
    return table[name]


def day_figures(start: datetime, end: datetime) -> dict[str, Any]:
    """{"safety": {clerk: {counts…, "hand": [{at, tracking, receipt_no, reason}],
    "wrong": [{at, scanned, scanned_parcel, recipient}]}}} for [start, end)."""
    table: dict[str, dict[str, Any]] = {}
    hand = (
        PickupCheck.select(
            PickupCheck.at, Staff.name, Parcel.tracking, Pickup.receipt_no, PickupCheck.reason
        )
        .join(Staff, on=(PickupCheck.staff == Staff.id))
        .switch(PickupCheck)
        .join(Parcel, on=(PickupCheck.parcel == Parcel.id))
        .switch(PickupCheck)
        .join(Pickup, on=(PickupCheck.pickup == Pickup.id))
        .where(PickupCheck.how == BY_HAND, PickupCheck.at >= start, PickupCheck.at < end)
        .order_by(PickupCheck.at, PickupCheck.id)
        .tuples()
    )
    for at, name, tracking, receipt_no, reason in hand:
        row = _clerk(table, name or UNKNOWN)
        row["hand_ticks"] += 1
        row["hand"].append(
            {"at": clock.iso(at), "tracking": tracking, "receipt_no": receipt_no, "reason": reason}
        )
    events = (
        AuditEvent.select(AuditEvent.at, AuditEvent.action, AuditEvent.actor, AuditEvent.after)
        .where(AuditEvent.action.in_(list(_BY_ACTION)), AuditEvent.at >= start, AuditEvent.at < end)
        .order_by(AuditEvent.seq)
        .tuples()
    )
    for at, action, actor, after in events:
        row = _clerk(table, actor or UNKNOWN)
        row[_BY_ACTION[action]] += 1
        if action == WRONG_SCAN:
            data = _json(after)
            row["wrong"].append(
                {
                    "at": clock.iso(at),
                    "scanned": data.get("scanned"),
                    "scanned_parcel": data.get("scanned_parcel"),
                    "recipient": data.get("recipient"),
                }
            )
    return {"safety": dict(sorted(table.items()))}


def _json(text: str | None) -> dict[str, Any]:
    try:
        data = json.loads(text or "null")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


# -- exports ----------------------------------------------------------------------------------


def csv_rows(safety: dict[str, dict[str, Any]]) -> list[list[Any]]:
    """Long format like the rest of the CSV: section, key, metric, value."""
    rows: list[list[Any]] = []
    for name, clerk in safety.items():
        for key in COUNTS:
            rows.append(["safety", name, key, clerk[key]])
        for h in clerk["hand"]:
            rows.append(["hand_tick", name, h["tracking"], h["reason"]])
        for w in clerk["wrong"]:
            rows.append(["wrong_scan", name, w["scanned"], w["recipient"] or ""])
    return rows


def sheet_rows(safety: dict[str, dict[str, Any]]) -> tuple[list[str], list[list[Any]]]:
    """The XLSX sheet "Safety": a count row per clerk, then a row per hand tick / wrong scan."""
    header = ["店员 Clerk", "项目 What", *[label(k) for k in COUNTS], "详情 Detail"]
    rows: list[list[Any]] = []
    for name, clerk in safety.items():
        rows.append([name, "合计 Totals", *[clerk[k] for k in COUNTS], ""])
        for h in clerk["hand"]:
            rows.append([name, label("hand_ticks"), *[""] * len(COUNTS),
                         f"{h['tracking']} {h['receipt_no']}: {h['reason']}"])
        for w in clerk["wrong"]:
            rows.append([name, label("wrong_scans"), *[""] * len(COUNTS),
                         f"{w['scanned']} → {w['recipient'] or ''}"])
    return header, rows


def pdf_rows(safety: dict[str, dict[str, Any]]) -> tuple[list[str], list[list[str]]]:
    """The PDF table: one row per clerk with the counts."""
    header = ["店员 Clerk", "手动 Hand", "扫错 Wrong", "证件 ID", "多人 Ambig.", "查无 None"]
    rows = [[name, *[str(c[k]) for k in COUNTS]] for name, c in safety.items()]
    return header, rows


def pdf_details(safety: dict[str, dict[str, Any]]) -> list[str]:
    """One line per hand tick (with its reason) and per wrong scan, for under the table."""
    lines = []
    for name, clerk in safety.items():
        for h in clerk["hand"]:
            lines.append(f"{name}  手动 hand  {h['tracking']}  {h['reason']}")
        for w in clerk["wrong"]:
            lines.append(f"{name}  扫错 wrong  {w['scanned']} → {w['recipient'] or ''}")
    return lines
