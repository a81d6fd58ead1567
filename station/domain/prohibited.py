"""Contents categories of outgoing sends and the prohibited-items check (禁寄物品), from
resources/sends/prohibited.json. Pure: no database."""

from __future__ import annotations

import json
import unicodedata
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from typing import Any

from station.errors import InvalidInput
from station.i18n import language, tr

PROHIBITED_FILE = Path(__file__).resolve().parents[2] / "resources" / "sends" / "prohibited.json"


@dataclass(frozen=True)
class Category:
    key: str
    zh: str
    en: str
    prohibited: bool = False
    reason: str = ""  # in the current language
    keywords: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return self.zh if language() == "zh_CN" else self.en

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("keywords")
        return data


@cache
def _raw() -> list[dict[str, Any]]:
    data = json.loads(PROHIBITED_FILE.read_text(encoding="utf-8"))
    return list(data["categories"])


def _category(raw: dict[str, Any]) -> Category:
    reason = raw.get("reason_zh", "") if language() == "zh_CN" else raw.get("reason", "")
    return Category(
        key=raw["key"],
        zh=raw["zh"],
        en=raw["en"],
        prohibited=bool(raw.get("prohibited")),
        reason=reason or raw.get("reason", ""),
        keywords=tuple(_fold(k) for k in raw.get("keywords", ())),
    )


def categories() -> list[Category]:
    """Every category, the allowed ones first (the order of the file)."""
    return [_category(raw) for raw in _raw()]


def allowed_keys() -> list[str]:
    return [c.key for c in categories() if not c.prohibited]


def _fold(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split()).casefold()


def _refuse(category: Category, found: str = "") -> InvalidInput:
    message = (
        tr(
            "Cannot accept this send: the contents ({found}) are prohibited. {reason} "
            "Tell the sender it cannot be sent.",
            found=found,
            reason=category.reason,
        )
        if found
        else tr(
            "Cannot accept this send: {category} is prohibited. {reason} Tell the sender it "
            "cannot be sent.",
            category=category.label,
            reason=category.reason,
        )
    )
    return InvalidInput(message, code="prohibited", category=category.key, reason=category.reason)


def check(category_key: str, note: str = "") -> Category:
    """The chosen category, or InvalidInput: `prohibited` (a prohibited category, or a
    prohibited item named in the note) or `unknown_category`."""
    key = (category_key or "").strip().lower()
    by_key = {c.key: c for c in categories()}
    chosen = by_key.get(key)
    if chosen is None:
        raise InvalidInput(
            tr(
                "Choose what is inside from the list: {keys}.",
                keys=", ".join(allowed_keys()),
            ),
            code="unknown_category",
        )
    if chosen.prohibited:
        raise _refuse(chosen)
    folded = _fold(note or "")
    if folded:
        for c in by_key.values():
            for word in c.keywords:
                if word and word in folded:
                    raise _refuse(c, word)
    return chosen
