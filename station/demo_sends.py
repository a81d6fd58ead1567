"""Outgoing sends for the demo station: its origin, rate cards for the carriers that take
sends, and a few days of sends at the counter, so the Send screen, the daily report and the
courier hand-over show something on the first run."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from station import clock
from station.audit import Actor
from station.errors import StationError
from station.services import sends_rates
from station.services.senders import SenderRequest
from station.services.sends import SendRequest, create_send
from station.services.sends_rates import RateCardInput

# Per zone: first kg, each further kg (fen); the carriers' published counter prices, rounded.
PRICES = {
    "SF": {
        "local": (1200, 200),
        "province": (1300, 300),
        "area": (1800, 600),
        "national": (2300, 1000),
        "remote": (3000, 1800),
        "hmt": (4800, 2000),
    },
    "ZTO": {
        "local": (800, 100),
        "province": (1000, 200),
        "area": (1200, 400),
        "national": (1500, 600),
        "remote": (2000, 1200),
    },
    "YTO": {
        "local": (800, 100),
        "province": (1000, 200),
        "area": (1200, 400),
        "national": (1500, 600),
        "remote": (2000, 1200),
    },
}
DESTINATIONS = [
    ("广东", "广州", "天河区", "天河路385号"),
    ("广东", "深圳", "南山区", "科技园南区8栋"),
    ("上海", "上海", "浦东新区", "张江路1号"),
    ("北京", "北京", "朝阳区", "建国路88号"),
    ("四川", "成都", "武侯区", "人民南路四段12号"),
    ("新疆", "乌鲁木齐", "天山区", "解放北路1号"),
]
CONTENTS = [
    ("clothing", "衣服两件"),
    ("books", "书3本"),
    ("documents", "合同"),
    ("daily", "保温杯"),
    ("electronics", "手机壳"),
]


def build_demo_sends(
    rng: random.Random, boss: Actor, clerk: Actor, days: int, id_for: object
) -> int:
    """→ how many sends were taken. `id_for(rng)` makes a valid demo ID number."""
    sends_rates.set_origin(boss, "广东", "广州")
    for carrier, zones in PRICES.items():
        for zone, (first, per_kg) in zones.items():
            sends_rates.set_rate_card(
                boss, RateCardInput(carrier, zone, 1000, first, per_kg, 30_000)
            )
    senders = [
        SenderRequest(name, f"1371234{n:04d}", "resident_id", id_for(rng))  # type: ignore[operator]
        for n, name in enumerate(("陈大文", "林小红", "赵强", "孙丽"))
    ]
    taken = 0
    today = clock.local_day()
    for back in range(days, -1, -1):
        moment: datetime = clock.day_bounds(today - timedelta(days=back))[0]
        moment += timedelta(hours=10)
        for _ in range(rng.randint(1, 3)):
            moment += timedelta(minutes=rng.randint(20, 140))
            if back == 0 and moment > clock.now():
                break
            province, city, district, detail = rng.choice(DESTINATIONS)
            category, note = rng.choice(CONTENTS)
            request = SendRequest(
                carrier=rng.choice(list(PRICES)),
                sender=rng.choice(senders),
                recipient_name=rng.choice(("欧阳娜娜", "王建国", "李梅", "张伟")),
                recipient_phone=f"1389876{rng.randint(0, 9999):04d}",
                province=province,
                city=city,
                district=district,
                detail=detail,
                contents_category=category,
                contents_note=note,
                weight_g=rng.randint(300, 6000),
                method=rng.choice(("cash", "wechat", "wechat", "alipay")),
            )
            with clock.frozen_at(moment):
                try:
                    create_send(clerk, request)
                except StationError:
                    continue
            taken += 1
    return taken
