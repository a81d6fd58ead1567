"""Small builders shared by core tests (through the services, never raw inserts)."""

from __future__ import annotations

import itertools

from station.audit import Actor
from station.services.intake import IntakeRequest, intake
from station.services.views import ParcelView

_counter = itertools.count(1)


def tracking() -> str:
    return f"YT{next(_counter):013d}"


def phone(n: int) -> str:
    return f"1380013{n:04d}"


def take_in(
    actor: Actor, number: str | None = None, *, person: int = 1, name: str = "张三", **extra: object
) -> ParcelView:
    # The courier said the recipient agreed (intake asks when nobody has said).
    extra.setdefault("consent_basis", "carrier")
    return intake(
        actor, IntakeRequest(tracking=number or tracking(), phone=phone(person), name=name, **extra)
    )  # type: ignore[arg-type]
