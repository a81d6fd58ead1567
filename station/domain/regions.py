"""Mainland China (and Hong Kong, Macau, Taiwan) addresses for outgoing sends: provinces,
cities and districts from resources/sends/regions.json, and the default price zone between two
places. Pure: no database."""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from station.errors import InvalidInput
from station.i18n import N_, tr

REGIONS_FILE = Path(__file__).resolve().parents[2] / "resources" / "sends" / "regions.json"

LOCAL, PROVINCE, AREA, NATIONAL, REMOTE, HMT = (
    "local",
    "province",
    "area",
    "national",
    "remote",
    "hmt",
)
ZONES = (LOCAL, PROVINCE, AREA, NATIONAL, REMOTE, HMT)
ZONE_LABELS = {
    LOCAL: N_("same city"),
    PROVINCE: N_("same province"),
    AREA: N_("neighbouring provinces"),
    NATIONAL: N_("nationwide"),
    REMOTE: N_("remote regions"),
    HMT: N_("Hong Kong, Macau, Taiwan"),
}


@dataclass(frozen=True)
class Region:
    province: str
    city: str
    district: str = ""

    def text(self) -> str:
        parts = [self.province]
        if self.city != self.province:
            parts.append(self.city)
        if self.district:
            parts.append(self.district)
        return "".join(parts)


@cache
def _data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(REGIONS_FILE.read_text(encoding="utf-8"))
    return data


@cache
def _provinces() -> dict[str, dict[str, Any]]:
    return {p["name"]: p for p in _data()["provinces"]}


def _clean(text: str | None) -> str:
    return "".join(unicodedata.normalize("NFKC", text or "").split())


def provinces() -> list[str]:
    return [p["name"] for p in _data()["provinces"]]


def cities(province: str) -> list[str]:
    return [c["name"] for c in _provinces()[resolve_province(province)]["cities"]]


def districts(province: str, city: str) -> list[str]:
    entry = _city_entry(resolve_province(province), city)
    return list(entry["districts"]) if entry else []


def zone_label(zone: str) -> str:
    return tr(ZONE_LABELS.get(zone, zone))


def area_of(province: str) -> str:
    return str(_provinces()[resolve_province(province)]["area"])


def is_remote(province: str) -> bool:
    return bool(_provinces()[resolve_province(province)]["remote"])


def resolve_province(text: str | None) -> str:
    """ "广东", "广东省", "44" → "广东省"; InvalidInput(unknown_region) otherwise."""
    wanted = _clean(text)
    if not wanted:
        raise InvalidInput(
            tr("Choose the destination province (e.g. 广东省)."),
            code="unknown_region",
            field="province",
        )
    for p in _data()["provinces"]:
        if wanted in (p["name"], p["short"], p["code"]):
            return str(p["name"])
    raise InvalidInput(
        tr(
            "'{province}' is not a province of China. Choose one from the list (e.g. 广东省, "
            "北京市, 新疆维吾尔自治区).",
            province=wanted,
        ),
        code="unknown_region",
        field="province",
    )


def _municipality(province: dict[str, Any]) -> bool:
    names = province["cities"]
    return len(names) == 1 and names[0]["name"].startswith(province["short"])


def _match(wanted: str, names: list[str]) -> str | None:
    if wanted in names:
        return wanted
    # "朝阳" for 朝阳区, "浦东" for 浦东新区: a unique known name that starts with it.
    if len(wanted) >= 2:
        hits = [n for n in names if n.startswith(wanted)]
        if len(hits) == 1:
            return hits[0]
    return None


def _city_entry(province: str, city: str) -> dict[str, Any] | None:
    entries = _provinces()[province]["cities"]
    name = _match(_clean(city), [c["name"] for c in entries])
    return next((c for c in entries if c["name"] == name), None)


def resolve(province: str | None, city: str | None, district: str | None = "") -> Region:
    """A destination checked against the region data. The city is required (for a
    municipality it may be left out); the district is checked only where the data lists every
    district of the city, so a city the data does not know is taken as typed."""
    prov_name = resolve_province(province)
    prov = _provinces()[prov_name]
    city_text, district_text = _clean(city), _clean(district)
    if not city_text and _municipality(prov):
        city_text = prov["cities"][0]["name"]
    if not city_text:
        raise InvalidInput(
            tr("Type the destination city in {province}.", province=prov_name),
            code="unknown_region",
            field="city",
        )
    entry = _city_entry(prov_name, city_text)
    if entry is None and _municipality(prov):
        # "北京 朝阳区" typed as city = 朝阳区: a municipality's districts are its cities.
        entry = prov["cities"][0]
        if not district_text:
            district_text = city_text
    if entry is None:
        if len(city_text) > 30:
            raise InvalidInput(
                tr("The city name is too long; type just the city."),
                code="unknown_region",
                field="city",
            )
        return Region(prov_name, city_text, district_text[:30])
    known = list(entry["districts"])
    if district_text:
        found = _match(district_text, known)
        if found is None and entry.get("complete"):
            raise InvalidInput(
                tr(
                    "{city} has no district '{district}'. Check the spelling; its districts "
                    "are: {known}.",
                    city=entry["name"],
                    district=district_text,
                    known="、".join(known),
                ),
                code="unknown_region",
                field="district",
            )
        district_text = found or district_text[:30]
    return Region(prov_name, entry["name"], district_text)


def default_zone(origin: Region, destination: Region) -> str:
    """The zone between the station and a destination by geography: same city, same province,
    same macro-area, remote regions, Hong Kong/Macau/Taiwan, else nationwide."""
    if destination.province == origin.province:
        return LOCAL if destination.city == origin.city else PROVINCE
    dest_area = area_of(destination.province)
    if dest_area == HMT or area_of(origin.province) == HMT:
        return HMT
    if is_remote(destination.province):
        return REMOTE
    if dest_area == area_of(origin.province):
        return AREA
    return NATIONAL


def guess_origin(address: str) -> Region | None:
    """The station's province and city from the start of its address, if it names them."""
    text = _clean(address)
    for p in _data()["provinces"]:
        for head in (p["name"], p["short"]):
            if text.startswith(head):
                rest = text[len(head) :]
                for c in p["cities"]:
                    for name in (c["name"], c["name"].removesuffix("市")):
                        if name and rest.startswith(name):
                            return Region(p["name"], c["name"])
                if _municipality(p):
                    return Region(p["name"], p["cities"][0]["name"])
                capital = next((c for c in p["cities"] if c.get("capital")), None)
                return Region(p["name"], capital["name"]) if capital and not rest else None
    return None
