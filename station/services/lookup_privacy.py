"""Finding parcels of privacy waybills (隐私面单) at the counter.

A privacy label shows a virtual number with an extension (17012345678,8462 or masked
170****5678-8462) instead of the recipient's own number. The recipient then says the
extension ("8462"), or shows the number as the label or the carrier's message displays it
("170****5678-8462", "5678-8462"). These give peewee conditions over the parcel's extension
(indexed for parcels still at the station) and the label's last 4 digits.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from station.domain.phone import parse_phone
from station.errors import StationError
from station.models import Parcel

# "5678-8462", "****5678-8462", "170****5678 转 8462", "17012345678,8462"
_LABEL = re.compile(r"^(?:\d{3,4})?\**(\d{4})(?:-|转|轉|#|,|，|;|分机|ext\.?)(\d{1,6})$",
                    re.IGNORECASE)
_DIGITS = re.compile(r"^\d{1,6}$")


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


def label_parts(text: str) -> tuple[str, str, str | None] | None:
    """(last 4 of the label's number, extension, full virtual number or None) when `text` is a
    privacy label's number with its extension ("" for a masked number without one); None for
    anything else."""
    compact = _compact(text)
    match = _LABEL.fullmatch(compact)
    if match:
        virtual = None
        head = re.split(r"[-转轉#,，;]|分机|ext", compact, maxsplit=1, flags=re.IGNORECASE)[0]
        if head.isdigit() and len(head) == 11:
            virtual = head
        return match.group(1), match.group(2), virtual
    if "*" in compact or any(ch in compact for ch in "-转#,"):
        try:
            phone = parse_phone(text)
        except StationError:
            return None
        if phone.is_virtual and phone.ext:
            return phone.last4, phone.ext, phone.virtual
        if phone.full is None and phone.ext is None:
            return phone.last4, "", None  # 138****5678: the last 4 digits, nothing more
    return None


def label_clause(text: str) -> Any | None:  # noqa: ANN401 - a peewee expression
    """The parcels whose label shows this number and extension, or None when `text` is not a
    label's number. The extension narrows through its index; the last 4 digits (of the label,
    or of the virtual number, kept even once the recipient's own number is recorded) decide."""
    parts = label_parts(text)
    if parts is None:
        return None
    last4, ext, virtual = parts
    if not ext:
        return Parcel.phone_last4 == last4
    same_number = (
        (Parcel.phone_label.endswith(f"{last4}-{ext}"))
        | (Parcel.phone_virtual.endswith(last4))
        | ((Parcel.phone_last4 == last4) & Parcel.phone_label.is_null())
    )
    if virtual:
        same_number = same_number | (Parcel.phone_virtual == virtual)
    return (Parcel.phone_ext == ext) & same_number


def by_digits(scope: Any, text: str) -> Any | None:  # noqa: ANN401 - peewee queries
    """For a few bare digits the recipient says: the last 4 digits of the phone, or the
    extension of a privacy label (both for 4 digits); None when `text` is not 1-6 digits.
    A UNION of the two, so each side keeps its own index (an OR makes SQLite walk every
    parcel at the station)."""
    digits = _compact(text)
    if not _DIGITS.fullmatch(digits):
        return None
    if len(digits) != 4:
        return scope.where(Parcel.phone_ext == digits)
    ids = scope.select(Parcel.id).where(Parcel.phone_last4 == digits) | scope.select(
        Parcel.id
    ).where(Parcel.phone_ext == digits)
    return Parcel.select().where(Parcel.id.in_(ids))


def same_label(parcel: Parcel) -> Any:  # noqa: ANN401 - a peewee expression
    """For grouping one person's parcels when only a privacy label is known: the same
    extension too (one virtual number serves many recipients, told apart by extension)."""
    if parcel.phone_ext:
        return Parcel.phone_ext == parcel.phone_ext
    return Parcel.phone_ext.is_null()
