"""The intake screen's background calls (worker thread: no widgets here)."""

from __future__ import annotations

from typing import Any

from station.services.views import ParcelView


def scan_job(actor, raw: str, weight_g: int | None, size: str, note: str | None  # noqa: ANN001
             ) -> tuple[str, Any, Any]:
    """Precheck, and take the parcel in right away when a manifest says who it is for and
    how they agreed. → (kind, precheck, ParcelView | LeftParcel | None); kind is "done",
    "duplicate", "collected" (it already left: recorded, never taken in) or "details"."""
    from station.services import intake
    from station.services.collected import note_seen_again

    pre = intake.precheck(actor, raw)
    if pre.on_shelf is not None:
        return "duplicate", pre, pre.on_shelf
    if pre.collected is not None:
        note_seen_again(actor, pre.collected, "intake")
        return "collected", pre, pre.collected
    if pre.manifest_carrier is not None and not pre.door_delivery and pre.consent is not None:
        request = intake.IntakeRequest(tracking=pre.tracking, weight_g=weight_g, size=size,
                                       damaged_note=note or None)
        return "done", pre, intake.intake(actor, request)
    return "details", pre, None


def intake_job(actor, values: dict[str, Any]) -> ParcelView:  # noqa: ANN001
    from station.services import intake

    return intake.intake(actor, intake.IntakeRequest(**values))


def undo_job(actor, tracking: str) -> ParcelView:  # noqa: ANN001
    from station.services import intake

    return intake.undo_intake(actor, tracking)
