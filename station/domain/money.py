"""Money as integer fen (分). Parsing goes through Decimal only: a float would turn 0.1 + 0.2
into a cash-drawer discrepancy."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from station.errors import InvalidInput
from station.i18n import tr

# Far above any parcel fee or COD amount; a bigger number is a typo or a scanned barcode.
MAX_YUAN = Decimal(1_000_000)
FEN_PER_YUAN = 100

_AMOUNT = re.compile(r"\+?(?:\d+(?:\.\d*)?|\.\d+)")
_CURRENCY = ("¥", "元", "RMB", "CNY")


def parse_yuan(value: str | int | Decimal) -> int:
    """An amount in yuan ("12.5", "¥12.50", "￥１２．５", 12) as integer fen (1250)."""
    if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
        raise InvalidInput(
            tr(
                "Amount must be typed as text or a whole number, not {type_name}.",
                type_name=type(value).__name__,
            ),
            value=repr(value),
        )
    amount = _to_decimal(value) if isinstance(value, str) else Decimal(value)
    if not amount.is_finite():
        raise InvalidInput(tr("Amount is not a number. Type an amount such as 12.50."))
    if amount < 0:
        raise InvalidInput(
            tr("Amount cannot be negative. Type the amount without a minus sign."),
            value=str(value),
        )
    if amount > MAX_YUAN:
        raise InvalidInput(
            tr(
                "Amount {amount} yuan is too large (limit {max_yuan:,} yuan). Check the "
                "amount and type it again.",
                amount=amount,
                max_yuan=MAX_YUAN,
            ),
            value=str(value),
        )
    fen = amount * FEN_PER_YUAN
    if fen != fen.to_integral_value():
        raise InvalidInput(
            tr(
                "Amount {value} has more than 2 decimals; money is counted to the fen (0.01).",
                value=value,
            ),
            value=str(value),
        )
    return int(fen)


def _to_decimal(text: str) -> Decimal:
    cleaned = unicodedata.normalize("NFKC", text).strip()
    # NFKC maps the full-width ￥ to ¥; a prefix or suffix currency mark is common on receipts.
    for mark in _CURRENCY:
        cleaned = cleaned.removeprefix(mark).removesuffix(mark).strip()
    if not cleaned:
        raise InvalidInput(tr("Amount is empty. Type an amount such as 12.50."))
    if cleaned.startswith("-"):
        raise InvalidInput(
            tr("Amount cannot be negative. Type the amount without a minus sign."), value=text
        )
    if "," in cleaned:
        raise InvalidInput(
            tr(
                "Amount '{text}' contains a comma. Type it without commas, e.g. 1234.50.",
                text=text,
            ),
            value=text,
        )
    if not _AMOUNT.fullmatch(cleaned):
        raise InvalidInput(
            tr(
                "'{text}' is not an amount. Type digits with an optional decimal point, "
                "e.g. 12.50.",
                text=text,
            ),
            value=text,
        )
    try:
        return Decimal(cleaned)
    except InvalidOperation as exc:  # the regex should make this unreachable
        raise InvalidInput(
            tr(
                "'{text}' is not an amount.",
                text=text,
            ),
            value=text,
        ) from exc


def format_fen(fen: int) -> str:
    """1250 → "12.50", -5 → "-0.05" (no currency mark: callers add ¥ where it fits)."""
    sign = "-" if fen < 0 else ""
    yuan, rest = divmod(abs(fen), FEN_PER_YUAN)
    return f"{sign}{yuan}.{rest:02d}"
