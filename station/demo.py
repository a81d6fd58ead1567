"""A believable demo station: 4 shelves, several carriers, an owner and a clerk, about 200
parcels in every state over the last 10 days, and one loaded manifest with parcels still
to arrive (scan them on the intake screen)."""

from __future__ import annotations

import random
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from station import clock
from station import db as station_db
from station.audit import SYSTEM, Actor, unit_of_work
from station.errors import StationError
from station.models import Parcel, Shelf, Staff
from station.models_pickup import SCANNED
from station.services import manifests, returns, settings, shelves, staff
from station.services.intake import IntakeRequest, intake
from station.services.pickup import PickupRequest, pickup
from station.services.pickup_checks import Check
from station.services.station import init_station

DEMO_OWNER, DEMO_OWNER_PIN = "owner", "8888"
DEMO_CLERK, DEMO_CLERK_PIN = "clerk", "1234"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "磊",
    "洋",
    "艳",
    "勇",
    "军",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀英",
    "桂英",
    "建华",
    "志强",
    "晓燕",
    "子涵",
    "浩然",
    "雨轩",
    "欣怡",
    "梓萱",
]
LATIN = ["Anna Schmidt", "John Lee", "Maria Garcia", "Ken Sato"]
CARRIER_MIX = [
    ("ZTO", 28),
    ("YTO", 18),
    ("YUNDA", 14),
    ("STO", 10),
    ("JT", 10),
    ("SF", 8),
    ("JD", 6),
    ("EMS", 4),
    ("CAINIAO", 2),
]


def demo_db_path() -> Path:
    return station_db.data_dir() / "demo.db"


def _tracking(rng: random.Random, carrier: str) -> str:
    digits = lambda n: "".join(rng.choice("0123456789") for _ in range(n))  # noqa: E731
    return {
        "SF": lambda: "SF" + digits(13),
        "ZTO": lambda: "7" + rng.choice("3578") + digits(12),
        "YTO": lambda: "YT" + digits(13),
        "YUNDA": lambda: "46" + digits(11),
        "STO": lambda: "77" + digits(11),
        "JT": lambda: "JT" + digits(13),
        "JD": lambda: "JDVA" + digits(11),
        "EMS": lambda: "1" + digits(12),
        "CAINIAO": lambda: "LP" + digits(14),
    }[carrier]()


def _person(rng: random.Random) -> tuple[str, str]:
    name = rng.choice(LATIN) if rng.random() < 0.04 else rng.choice(SURNAMES) + rng.choice(GIVEN)
    phone = rng.choice(["138", "139", "135", "150", "186", "177", "199"]) + "".join(
        rng.choice("0123456789") for _ in range(8)
    )
    return name, phone


def _accounts() -> tuple[Actor, Actor]:
    if Staff.get_or_none(Staff.name == DEMO_OWNER) is None:
        owner_exists = Staff.select().where(Staff.role == "owner").exists()
        if not owner_exists:
            staff.add_staff(Actor(None, "system", "system"), DEMO_OWNER, "owner", DEMO_OWNER_PIN)
    boss_row = Staff.get_or_none(Staff.name == DEMO_OWNER) or Staff.get(Staff.role == "owner")
    boss = Actor(boss_row.id, boss_row.name, "owner", "demo")
    if Staff.get_or_none(Staff.name == DEMO_CLERK) is None:
        staff.add_staff(boss, DEMO_CLERK, "clerk", DEMO_CLERK_PIN)
    clerk_row = Staff.get(Staff.name == DEMO_CLERK)
    return boss, Actor(clerk_row.id, clerk_row.name, "clerk", "demo")


def build_demo(seed: int = 20261125, days: int = 10, per_day: int = 20) -> dict[str, Any]:
    """Fill the open station with demo data. Refuses to touch a station that has parcels."""
    if Parcel.select().exists():
        return {"skipped": "the station already has parcels"}
    rng = random.Random(seed)
    with unit_of_work(SYSTEM, "station.demo", "station") as change:
        # Marks the well-known demo PINs: `init --demo` may fill this database, not a real one.
        settings.put_raw("demo_station", True)
        change.track("setting", "demo_station")
    boss, clerk = _accounts()
    if not Shelf.select().exists():
        for name, caps in (
            ("A", {"S": 14, "M": 8, "L": 2, "XL": 0}),
            ("B", {"S": 14, "M": 8, "L": 2, "XL": 0}),
            ("C", {"S": 8, "M": 8, "L": 4, "XL": 1}),
            ("D", {"S": 0, "M": 4, "L": 4, "XL": 2}),
        ):
            shelves.add_shelf(boss, name, 5, caps)
    carriers = [c for c, w in CARRIER_MIX for _ in range(w)]
    today = clock.local_day()
    people = [_person(rng) for _ in range(120)]
    counts = {"intake": 0, "pickup": 0, "returned": 0, "missing": 0}
    on_shelf: list[tuple[str, str, int]] = []  # (tracking, pickup_code, cod)
    for back in range(days, -1, -1):
        day_start, _ = clock.day_bounds(today - timedelta(days=back))
        moment = day_start + timedelta(hours=9)  # 09:00 local
        for _ in range(per_day if back else per_day // 2):
            moment += timedelta(minutes=rng.randint(3, 25))
            if back == 0 and moment > clock.now():
                break
            name, phone = rng.choice(people)
            carrier = rng.choice(carriers)
            cod = rng.choice([0] * 8 + [500, 1200, 2350])
            request = IntakeRequest(
                tracking=_tracking(rng, carrier),
                phone=phone,
                name=name,
                carrier=carrier,
                weight_g=rng.randint(80, 6000),
                size=rng.choice("SSSSMMML"),
                cod_fen=cod,
                damaged_note="外箱压损 box crushed" if rng.random() < 0.03 else None,
                consent_basis="carrier",  # the courier confirmed the residents agreed
            )
            with clock.frozen_at(moment):
                try:
                    view = intake(clerk, request)
                except StationError:
                    continue
            counts["intake"] += 1
            on_shelf.append((view.tracking, view.pickup_code or "", cod))
        _collect_some(rng, clerk, on_shelf, day_start + timedelta(hours=15), back, counts)
    _return_overdue(boss, day_start=clock.day_bounds(today)[0], counts=counts)
    if on_shelf:
        tracking = rng.choice(on_shelf)[0]
        try:
            returns.mark_missing(clerk, tracking, "盘点未找到 not found at stocktake")
            counts["missing"] += 1
        except StationError:
            pass
    manifest = _demo_manifest(rng, boss, people)
    from station.demo_sends import build_demo_sends

    counts["sends"] = build_demo_sends(rng, boss, clerk, min(days, 3), _demo_id)
    return {
        "parcels": Parcel.select().count(),
        **counts,
        "manifest": manifest,
        "logins": {DEMO_OWNER: DEMO_OWNER_PIN, DEMO_CLERK: DEMO_CLERK_PIN},
    }


def _collect_some(
    rng: random.Random,
    clerk: Actor,
    on_shelf: list[tuple[str, str, int]],
    evening: datetime,
    back: int,
    counts: dict[str, int],
) -> None:
    if back == 0:
        evening = min(evening, clock.now() - timedelta(minutes=1))
    rng.shuffle(on_shelf)
    keep: list[tuple[str, str, int]] = []
    for item in on_shelf:
        tracking, code, cod = item
        abandoned = sum(map(ord, tracking)) % 6 == 0  # some people never come
        if not abandoned and rng.random() < 0.35:
            evening += timedelta(minutes=rng.randint(1, 20))
            request = PickupRequest(
                refs=(code,),
                # The resident says the code; the clerk scans the parcel's own barcode.
                checks=(Check(code, SCANNED, scanned=tracking),),
                method=rng.choice(["cash", "wechat", "alipay"]) if cod else None,
                tendered_fen=((cod // 1000) + 1) * 1000 if cod else None,
                id_type="resident_id" if cod else None,
                id_number=_demo_id(rng) if cod else None,
            )
            with clock.frozen_at(min(evening, clock.now())):
                try:
                    pickup(clerk, request)
                    counts["pickup"] += 1
                    continue
                except StationError:
                    pass
        keep.append(item)
    on_shelf[:] = keep


def _demo_id(rng: random.Random) -> str:
    body = (
        "110105"
        + f"{rng.randint(1960, 2004)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
        + f"{rng.randint(0, 999):03d}"
    )
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(d) * w for d, w in zip(body, weights, strict=True))
    return body + "10X98765432"[total % 11]


def _return_overdue(boss: Actor, day_start: datetime, counts: dict[str, int]) -> None:
    late = returns.overdue(boss)
    if not late:
        return
    by_carrier: dict[str, list[str]] = {}
    for view in late:
        by_carrier.setdefault(view.carrier, []).append(view.tracking)
    handed = 0
    for carrier, trackings in sorted(by_carrier.items()):
        returns.mark_for_return(boss, trackings)
        if handed == 0:  # one carrier's courier already came; the rest still wait
            returns.handover(boss, carrier, "王师傅")
            counts["returned"] += len(trackings)
            handed += 1


def _demo_manifest(
    rng: random.Random, boss: Actor, people: list[tuple[str, str]]
) -> dict[str, Any]:
    folder = Path(tempfile.mkdtemp(prefix="parcel-demo-"))
    path = folder / "zto-preadvice.csv"
    lines = ["tracking,name,phone,cod"]
    for _ in range(30):
        name, phone = rng.choice(people)
        cod = rng.choice(["", "", "", "8.50"])
        lines.append(f"{_tracking(rng, 'ZTO')},{name},{phone},{cod}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = manifests.import_manifest(boss, path, "ZTO")
    return {
        "file": path.name,
        "rows": result.rows,
        "loaded": result.loaded,
        "waiting": [line.split(",")[0] for line in lines[1:6]],
    }


def ensure_demo(url: str | None = None) -> str:
    """Open (creating on first use) the demo station; returns its URL."""
    url = url or str(demo_db_path())
    station_db.open_database(url)
    init_station(station_name="演示驿站 Demo Station", actor=SYSTEM)
    build_demo()
    return url
