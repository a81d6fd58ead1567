"""Chinese phone numbers as found on waybills: full mobiles, landlines, privacy-masked labels
(隐私面单, "138****5678") and virtual numbers with an extension ("170…-1234", "转1234")."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import phonenumbers
from phonenumbers import PhoneNumberType

from station.errors import InvalidInput
from station.i18n import tr

_EXT_MARK = re.compile(r"(?:转|轉|分机|ext\.?|x|#|,|;)\s*(\d{1,6})\s*$", re.IGNORECASE)
_EXT_DASH = re.compile(r"^(.*?)\s*-\s*(\d{1,6})\s*$")
_SEPARATORS = re.compile(r"[\s\-.()\[\]/]")
_MASKED = re.compile(r"(\d*)(\*+)(\d{4})")
_MOBILE_TYPES = {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE}
_LANDLINE_TYPES = {PhoneNumberType.FIXED_LINE, PhoneNumberType.FIXED_LINE_OR_MOBILE}


@dataclass(frozen=True)
class Phone:
    """What is known about a recipient's number. `full` is None for a privacy label."""

    full: str | None
    last4: str
    ext: str | None = None
    # The digits a masked label shows before the stars ("170" of 170****5678): display only.
    prefix: str = field(default="", compare=False, repr=False)

    @property
    def masked(self) -> str:
        base = mask_full(self.full) if self.full else "****" + self.last4
        return f"{base}-{self.ext}" if self.ext else base

    @property
    def is_virtual(self) -> bool:
        """A privacy waybill's virtual number (隐私号): a mobile or masked number with an
        extension. Mobiles have no extensions, so the number is not the recipient's own; a
        landline with an extension is a real office phone."""
        return self.ext is not None and not (self.full or self.prefix).startswith("0")

    @property
    def real(self) -> str | None:
        """The recipient's own full number, when the text gives it."""
        return None if self.is_virtual else self.full

    @property
    def virtual(self) -> str | None:
        """The full virtual number of a privacy waybill, when the label shows it."""
        return self.full if self.is_virtual else None

    @property
    def is_label(self) -> bool:
        """The text does not give the recipient's own number (masked or virtual)."""
        return self.full is None or self.is_virtual

    @property
    def label(self) -> str:
        """The number as a privacy label shows it, masked: 170****5678-8462."""
        if self.full:
            return self.masked
        base = (self.prefix + "****" if self.prefix else "****") + self.last4
        return f"{base}-{self.ext}" if self.ext else base


def mask_full(full: str) -> str:
    """13812345678 → 138****5678; never shows more than the first 3 and last 4 digits."""
    if len(full) < 11:
        # Short numbers would give too much away with 3 + 4 visible digits.
        return "****" + full[-4:]
    return full[:3] + "*" * (len(full) - 7) + full[-4:]


def is_last4(text: str) -> bool:
    """True for exactly four digits: the clerk is searching by the last 4 phone digits."""
    return re.fullmatch(r"[0-9]{4}", unicodedata.normalize("NFKC", text).strip()) is not None


def parse_phone(text: str) -> Phone:
    """A Phone from typed, scanned or manifest text; InvalidInput with a clerk-facing reason."""
    raw = unicodedata.normalize("NFKC", text or "").strip()
    if not raw:
        raise InvalidInput(tr("Phone number is empty. Type the recipient's phone number."))
    main, ext = _split_extension(raw)
    number = _strip_country_code(_SEPARATORS.sub("", main), raw)
    if "*" in number:
        return _parse_masked(number, ext, raw)
    if ext is not None and len(number) == 4 and number.isdigit():
        # "5678-8462" from a privacy label: the last 4 digits and the extension.
        return Phone(full=None, last4=number, ext=ext)
    if not number.isdigit():
        bad = next((ch for ch in number if not ch.isdigit()), number[:1])
        raise InvalidInput(
            tr(
                "'{raw}' is not a phone number (it contains '{bad}'). Check the number "
                "and scan/type it again.",
                raw=raw,
                bad=bad,
            ),
            value=raw,
        )
    full = _validate_full(number, raw)
    return Phone(full=full, last4=full[-4:], ext=ext)


def _split_extension(raw: str) -> tuple[str, str | None]:
    marked = _EXT_MARK.search(raw)
    if marked:
        return raw[: marked.start()].strip(), marked.group(1)
    dashed = _EXT_DASH.match(raw)
    if dashed:
        # "010-12345678" has a dash too; the tail is an extension only when the head
        # is already a complete (or masked) number on its own.
        head = _SEPARATORS.sub("", dashed.group(1)).removeprefix("+86")
        if "*" in head or _is_complete(head) or (len(head) == 4 and head.isdigit()):
            return dashed.group(1), dashed.group(2)
    return raw, None


def _is_complete(digits: str) -> bool:
    if not digits.isdigit() or len(digits) < 10:
        return False
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(digits, "CN"))
    except phonenumbers.NumberParseException:
        return False


def _strip_country_code(number: str, raw: str) -> str:
    if number.startswith("+86"):
        rest = number[3:]
    elif number.startswith("0086"):
        rest = number[4:]
    elif number.startswith("+"):
        raise InvalidInput(
            tr(
                "'{raw}' is not a Chinese number; only +86 numbers can receive pickup messages.",
                raw=raw,
            ),
            value=raw,
        )
    elif len(number) == 13 and number.startswith("861"):
        return number[2:]
    else:
        return number
    # International form drops the trunk 0 of landlines: +86 10 1234 5678 → 010 1234 5678.
    # Beijing's area code starts with 1 too, so only an 11-digit 1… number is a mobile.
    is_mobile = len(rest) == 11 and rest.startswith("1")
    if rest[:1].isdigit() and not rest.startswith("0") and not is_mobile:
        rest = "0" + rest
    return rest


def _parse_masked(number: str, ext: str | None, raw: str) -> Phone:
    match = _MASKED.fullmatch(number)
    if not match:
        raise InvalidInput(
            tr(
                "Masked number '{raw}' must end with the last 4 digits, like 138****5678 "
                "or ****5678. Check the number and scan/type it again.",
                raw=raw,
            ),
            value=raw,
        )
    prefix = match.group(1)
    total = len(number)
    if prefix.startswith("1") and total != 11 or prefix.startswith("0") and not 10 <= total <= 12:
        raise InvalidInput(
            tr(
                "Masked number '{raw}' has {total} characters; a masked mobile such as "
                "138****5678 has 11. Check the number and scan/type it again.",
                raw=raw,
                total=total,
            ),
            value=raw,
        )
    if prefix and prefix[0] not in "01":
        raise InvalidInput(
            tr(
                "Masked number '{raw}' does not start like a Chinese phone number. Check "
                "the number and scan/type it again.",
                raw=raw,
            ),
            value=raw,
        )
    return Phone(full=None, last4=match.group(3), ext=ext, prefix=prefix[:4])


def _validate_full(number: str, raw: str) -> str:
    count = len(number)
    if number.startswith("1"):
        if count != 11:
            raise InvalidInput(
                tr(
                    "Phone number has {count} digits; a mobile number has 11. Check the "
                    "number and scan/type it again.",
                    count=count,
                ),
                value=raw,
                digits=count,
            )
        if not _valid_as(number, _MOBILE_TYPES):
            raise InvalidInput(
                tr(
                    "{number} is not a valid Chinese mobile number (no mobile network uses "
                    "{prefix}). Check the number and scan/type it again.",
                    number=number,
                    prefix=number[:3],
                ),
                value=raw,
            )
        return number
    if number.startswith("0"):
        if not 10 <= count <= 12:
            raise InvalidInput(
                tr(
                    "Phone number has {count} digits; a landline with area code has 10 to 12 "
                    "(e.g. 010-12345678). Check the number and scan/type it again.",
                    count=count,
                ),
                value=raw,
                digits=count,
            )
        if not _valid_as(number, _LANDLINE_TYPES):
            raise InvalidInput(
                tr(
                    "{number} is not a valid Chinese landline number (area code and number "
                    "do not fit together). Check the number and scan/type it again.",
                    number=number,
                ),
                value=raw,
            )
        return number
    if count == 4:
        raise InvalidInput(
            tr(
                "Only 4 digits ({number}). Type the full number, or ****{number} when "
                "the label shows only the last 4 digits.",
                number=number,
            ),
            value=raw,
            digits=count,
        )
    if count in (7, 8):
        raise InvalidInput(
            tr(
                "Landline number {number} needs its area code, e.g. 010-{number}.",
                number=number,
            ),
            value=raw,
        )
    raise InvalidInput(
        tr(
            "Phone number has {count} digits; a mobile number has 11 and starts with "
            "1. Check the number and scan/type it again.",
            count=count,
        ),
        value=raw,
        digits=count,
    )


def _valid_as(number: str, types: set[int]) -> bool:
    try:
        parsed = phonenumbers.parse(number, "CN")
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(parsed) and phonenumbers.number_type(parsed) in types
