"""Cleaning free text typed by clerks and text sent by barcode scanners."""

from __future__ import annotations

import unicodedata

from station.errors import InvalidInput
from station.i18n import tr

# Invisible format characters that arrive with pasted text; bidi overrides can also make a
# name display differently from what is stored.
_INVISIBLE = frozenset(
    "\u200b\u200e\u200f\u2060\ufeff\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
_GS = "\x1d"  # GS1 group separator: meaningful inside scanned GS1 barcodes, so kept


def _is_control(ch: str) -> bool:
    return unicodedata.category(ch) == "Cc" or ch in _INVISIBLE


def clean_text(value: str | None, *, field: str, max_len: int, required: bool = False) -> str:
    """Trimmed text with single spaces and no control characters; "" when empty and allowed.

    `field` is the English name of the field, marked with N_ by the caller: the message
    shows it in the clerk's language, the error's details keep the English name."""
    text = unicodedata.normalize("NFC", value or "")
    # Tabs and newlines separate words, other control characters are junk.
    text = "".join(
        " " if ch.isspace() else ch for ch in text if ch.isspace() or not _is_control(ch)
    )
    text = " ".join(text.split())
    if not text and required:
        raise InvalidInput(
            tr(
                "{field} is required.",
                field=tr(field),
            ),
            field=field,
        )
    if len(text) > max_len:
        raise InvalidInput(
            tr(
                "{field} is too long: {length} characters, the limit is {max_len}. Shorten it.",
                field=tr(field),
                length=len(text),
                max_len=max_len,
            ),
            field=field,
            max_len=max_len,
        )
    return text


def normalize_scan(text: str) -> str:
    """Scanner or keyboard input as plain upper-case ASCII where possible.

    Scanners in a Chinese IME may send full-width characters; keyboard wedges add Enter/Tab.
    """
    text = unicodedata.normalize("NFKC", text)
    # str.isspace() is True for GS (\x1c-\x1f count as separators), hence the explicit check.
    kept = (
        ch
        for ch in text
        if ch == _GS or not (ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F or ch in _INVISIBLE)
    )
    return "".join(kept).upper()
