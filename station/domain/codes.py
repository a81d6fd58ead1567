"""Pickup codes (取件码) such as A-3-0127: shelf letters, layer, sequence. Short enough to say
aloud; accepted back in the forms people actually present them (spoken, typed, QR, link)."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import parse_qs, urlsplit

from station.errors import InvalidInput
from station.i18n import tr

MAX_LAYER = 99
MAX_SEQ = 99_999
_SHELF = re.compile(r"[A-Z]{1,3}")
_SEP = r"[\s\-_/.–—]"
# Shelf letters, then either "layer SEP seq" (A-3-0127, A 3 0127) or one run of digits
# (A30127, A-30127). The sequence always has 4–5 digits, so a spoken "A 3 127" is not a code.
_CODE = re.compile(rf"([A-Z]{{1,3}}){_SEP}*(\d+)(?:{_SEP}+(\d+))?")
_QR_PREFIX = "PS:"


def format_pickup_code(shelf: str, layer: int, seq: int) -> str:
    """("A", 3, 127) → "A-3-0127"; sequences from 10000 print 5 digits."""
    name = (shelf or "").strip().upper()
    if not _SHELF.fullmatch(name):
        raise InvalidInput(
            tr(
                "Shelf name '{shelf}' must be 1 to 3 letters A–Z, e.g. A or BC.",
                shelf=shelf,
            )
        )
    if not 0 <= layer <= MAX_LAYER:
        raise InvalidInput(
            tr(
                "Layer {layer} is out of range (0 to {max_layer}).",
                layer=layer,
                max_layer=MAX_LAYER,
            )
        )
    if not 0 <= seq <= MAX_SEQ:
        raise InvalidInput(
            tr(
                "Sequence {seq} is out of range (0 to {max_seq}).",
                seq=seq,
                max_seq=MAX_SEQ,
            )
        )
    return f"{name}-{layer}-{seq:04d}"


def parse_pickup_code(text: str) -> tuple[str, int, int] | None:
    """(shelf, layer, seq) from a typed, spoken or scanned code, or None if it is not one."""
    cleaned = unicodedata.normalize("NFKC", text or "").strip()
    cleaned = _from_url(cleaned)
    cleaned = cleaned.upper()
    cleaned = cleaned.removeprefix(_QR_PREFIX).strip()
    match = _CODE.fullmatch(cleaned)
    if not match:
        return None
    shelf, first, second = match.groups()
    if second is not None:
        parts = _layer_seq(first, second, compact=False)
    else:
        # "A120127" could be layer 1 + 20127 or layer 12 + 0127: prefer the 4-digit sequence,
        # the common case; 5-digit sequences are always readable in the dashed form.
        parts = _layer_seq(first[:-4], first[-4:], compact=True) or _layer_seq(
            first[:-5], first[-5:], compact=True
        )
    return (shelf, *parts) if parts else None


def _layer_seq(layer: str, seq: str, *, compact: bool) -> tuple[int, int] | None:
    if not 1 <= len(layer) <= 2 or not layer.isdigit():
        return None
    if compact and len(layer) == 2 and layer.startswith("0"):
        return None
    # format_pickup_code pads to 4 digits only, so "01270" is a typo, not a code.
    if len(seq) == 5 and seq.startswith("0") or not 4 <= len(seq) <= 5:
        return None
    return int(layer), int(seq)


def _from_url(text: str) -> str:
    if "=" not in text:
        return text
    # A QR code may carry a link to the station's pickup page: https://…/pickup?code=A-3-0127
    query = urlsplit(text).query if "?" in text else text
    for key, values in parse_qs(query).items():
        if key.lower() == "code" and values:
            return values[0]
    return text


def code_digits(text: str | None) -> int | None:
    """The sequence number when the clerk typed only its 4–5 digits ("0127" → 127)."""
    cleaned = unicodedata.normalize("NFKC", text or "").strip()
    if re.fullmatch(r"[0-9]{4,5}", cleaned):
        return int(cleaned)
    return None
