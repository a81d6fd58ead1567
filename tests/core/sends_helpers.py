"""Builders for the sends tests (through the services, never raw inserts)."""

from __future__ import annotations

import itertools
from dataclasses import replace
from typing import Any

from station.audit import Actor
from station.models import AuditEvent, LedgerEntry
from station.models_sends import RateCard, Send, Sender, SenderAddress
from station.services import sends_rates
from station.services.senders import SenderRequest
from station.services.sends import SendRequest, SendResult, create_send
from station.services.sends_rates import RateCardInput

# Valid resident IDs (checksums right); a sender is known by the hash of one of these.
IDS = ("11010519491231002X", "440524198001010013", "110101199003074477", "310115199003074595")
_phones = itertools.count(1)

# SF prices from 广州: 1 kg first, then per kg; remote and hmt left out on purpose.
SF_CARDS = {
    "local": (1000, 1000, 200),
    "province": (1000, 1200, 300),
    "area": (1000, 1400, 400),
    "national": (1000, 1800, 600),
}


def setup_sends(owner: Actor) -> None:
    """Origin 广州; SF cards for four zones (30 kg max, insurance 0.5 % min ¥1); ZTO national
    with an 8000 divisor."""
    sends_rates.set_origin(owner, "广东", "广州")
    for zone, (first_g, first_fen, per_kg) in SF_CARDS.items():
        sends_rates.set_rate_card(
            owner, RateCardInput("SF", zone, first_g, first_fen, per_kg, 30000)
        )
    sends_rates.set_rate_card(
        owner,
        RateCardInput(
            "ZTO", "national", 1000, 800, 400, 50000, 8000, 100, 200, max_declared_fen=2_000_000
        ),
    )


def sender(n: int = 0, name: str = "陈大文") -> SenderRequest:
    return SenderRequest(name, "13712345678", "resident_id", IDS[n])


def request(**extra: Any) -> SendRequest:
    base = SendRequest(
        carrier="SF",
        sender=sender(),
        recipient_name="欧阳娜娜",
        recipient_phone=f"1389876{next(_phones) % 10000:04d}",
        province="上海",
        city="上海",
        district="浦东新区",
        detail="张江路1号",
        contents_category="clothing",
        weight_g=1200,
        method="cash",
        tendered_fen=5000,
    )
    return replace(base, **extra)


def take(actor: Actor, **extra: Any) -> SendResult:
    return create_send(actor, request(**extra))


def counts() -> dict[str, int]:
    """Rows of every table a send can write: equal before and after a refusal."""
    return {
        "audit": AuditEvent.select().count(),
        "send": Send.select().count(),
        "sender": Sender.select().count(),
        "address": SenderAddress.select().count(),
        "ledger": LedgerEntry.select().count(),
        "rate_card": RateCard.select().count(),
    }
