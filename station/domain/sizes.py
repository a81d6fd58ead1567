"""Parcel size classes; shelf capacity is counted per class."""

from __future__ import annotations

import unicodedata

from station.errors import InvalidInput
from station.i18n import tr

SIZES = ("S", "M", "L", "XL")

_ALIASES = {
    "S": "S", "SMALL": "S", "小": "S", "小件": "S", "小号": "S",
    "M": "M", "MEDIUM": "M", "MED": "M", "中": "M", "中件": "M", "中号": "M",
    "L": "L", "LARGE": "L", "大": "L", "大件": "L", "大号": "L",
    "XL": "XL", "EXTRALARGE": "XL", "EXTRA-LARGE": "XL", "特大": "XL", "超大": "XL",
    "特大件": "XL", "超大件": "XL",
}  # fmt: skip


def parse_size(text: str | None, default: str = "M") -> str:
    """Size class from "s", "中", "特大" etc.; empty → default."""
    cleaned = "".join(unicodedata.normalize("NFKC", text or "").split()).upper()
    if not cleaned:
        if default not in SIZES:
            raise InvalidInput(
                tr(
                    "Default size {default!r} is not one of {sizes}.",
                    default=default,
                    sizes=", ".join(SIZES),
                )
            )
        return default
    size = _ALIASES.get(cleaned)
    if size is None:
        raise InvalidInput(
            tr(
                "Size '{text}' is unknown. Use S, M, L or XL (小/中/大/特大).",
                text=text,
            ),
            value=text,
        )
    return size
