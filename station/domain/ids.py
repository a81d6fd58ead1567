"""Identity documents shown at pickup (核验身份). Numbers are never stored in clear: only a keyed
hash to match them again and a masked form for screens."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import unicodedata

from stdnum.cn import ric
from stdnum.exceptions import ValidationError

from station.errors import InvalidInput
from station.i18n import tr

ID_TYPES = ("resident_id", "passport", "hk_macau_permit", "taiwan_permit", "other")

# First two digits of a resident ID: provinces, plus 81/82/83 used by the residence permits
# of Hong Kong, Macau and Taiwan residents.
_PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 "
    "50 51 52 53 54 61 62 63 64 65 71 81 82 83".split()
)
_PASSPORT = re.compile(r"[A-Z0-9]{5,17}")
# 港澳居民来往内地通行证: H/M + 8 digits (older cards: + 10 digits).
# 往来港澳通行证 for mainland residents: C + 8 digits, newer cards C + letter + 7 digits.
_HK_MACAU = re.compile(r"[HM]\d{8}(?:\d{2})?|C[A-Z0-9]\d{7}")
# 台湾居民来往大陆通行证: 8 digits (since 2015), older 10 characters (digits, maybe 1 letter);
# 大陆居民往来台湾通行证: L + 8 digits.
_TAIWAN = re.compile(r"\d{8}|[A-Z0-9]\d{9}|\d{10}[A-Z]|L\d{8}")


def normalize_id(id_type: str, number: str) -> str:
    """Upper-case, no spaces (and no brackets/dashes in permit numbers), full-width folded."""
    _check_type(id_type)
    text = "".join(unicodedata.normalize("NFKC", number or "").split()).upper()
    if id_type in ("hk_macau_permit", "taiwan_permit"):
        # Old Taiwan permits print a check letter in brackets: 1234567890(B).
        text = re.sub(r"[()\-]", "", text)
    return text


def validate_id(id_type: str, number: str) -> str:
    """The normalised number, or InvalidInput saying what is wrong with it."""
    text = normalize_id(id_type, number)
    if not text:
        raise InvalidInput(tr("ID number is empty. Type the number printed on the document."))
    if id_type == "resident_id":
        return _validate_resident(text)
    if id_type == "passport":
        if not _PASSPORT.fullmatch(text) or not any(ch.isdigit() for ch in text):
            raise InvalidInput(
                tr(
                    "Passport number '{text}' should be 5 to 17 letters and digits (e.g. "
                    "E12345678). Check the document and type the number again.",
                    text=text,
                )
            )
        return text
    if id_type == "hk_macau_permit":
        if _HK_MACAU.fullmatch(text) or _is_residence_permit(text, "81", "82"):
            return text
        raise InvalidInput(
            tr(
                "Hong Kong/Macau permit number '{text}' should be H or M followed by 8 "
                "or 10 digits (e.g. H12345678), or C followed by 8 characters. Check the "
                "document and type the number again.",
                text=text,
            )
        )
    if id_type == "taiwan_permit":
        if _TAIWAN.fullmatch(text) or _is_residence_permit(text, "83"):
            return text
        raise InvalidInput(
            tr(
                "Taiwan permit number '{text}' should be 8 digits (older permits: 10 "
                "characters). Check the document and type the number again.",
                text=text,
            )
        )
    if not 4 <= len(text) <= 32 or not text.isprintable():
        raise InvalidInput(
            tr(
                "Document number should be 4 to 32 printable characters; got {length}. "
                "Check the document and type the number again.",
                length=len(text),
            )
        )
    return text


def _validate_resident(text: str) -> str:
    if len(text) == 15 and text.isdigit():
        raise InvalidInput(
            tr("This is an old 15-digit ID number. Ask for the current 18-character ID card.")
        )
    if len(text) != 18:
        raise InvalidInput(
            tr(
                "ID number has {length} characters; a resident ID has 18. Check the "
                "document and type the number again.",
                length=len(text),
            ),
            length=len(text),
        )
    if not text[:17].isdigit() or not (text[17].isdigit() or text[17] == "X"):
        raise InvalidInput(
            tr(
                "A resident ID has 17 digits and then a digit or X. '{bad}' does not "
                "belong. Check the document and type the number again.",
                bad=_first_bad(text),
            )
        )
    if text[:2] not in _PROVINCES:
        raise InvalidInput(
            tr(
                "ID number starts with {region}, which is no region code. Check the "
                "document and type the number again.",
                region=text[:2],
            )
        )
    if ric.calc_check_digit(text) != text[17]:
        raise InvalidInput(
            tr(
                "ID number is not valid: the last character does not match: check each digit "
                "and type the number again."
            ),
            reason="checksum",
        )
    try:
        born = ric.get_birth_date(text)
    except ValidationError:
        born = None
    if born is None or born.year < 1900 or born > dt.date.today():
        raise InvalidInput(
            tr(
                "ID number has an impossible birth date ({year}-{month}-{day}, digits 7 "
                "to 14). Check the document and type the number again.",
                year=text[6:10],
                month=text[10:12],
                day=text[12:14],
            ),
            reason="birth_date",
        )
    return text


def _is_residence_permit(text: str, *regions: str) -> bool:
    # 港澳台居民居住证 use the resident-ID layout with region 810000/820000/830000.
    if len(text) != 18 or text[:2] not in regions:
        return False
    try:
        _validate_resident(text)
    except InvalidInput:
        return False
    return True


def _first_bad(text: str) -> str:
    for i, ch in enumerate(text):
        if not ch.isdigit() and not (i == 17 and ch == "X"):
            return ch
    return text[-1]


def _check_type(id_type: str) -> None:
    if id_type not in ID_TYPES:
        raise InvalidInput(
            tr(
                "Unknown ID type '{id_type}'. Use one of: {id_types}.",
                id_type=id_type,
                id_types=", ".join(ID_TYPES),
            ),
            id_type=id_type,
        )


def mask_id(number: str) -> str:
    """Stars in the middle: 110101199003071234 → 110***********1234; short numbers show at
    most the first 1 and last 2 characters."""
    text = "".join(number.split())
    size = len(text)
    if size >= 15:
        return text[:3] + "*" * (size - 7) + text[-4:]
    if size >= 5:
        return text[:1] + "*" * (size - 3) + text[-2:]
    return "*" * size


def id_hash(key: bytes, id_type: str, number: str) -> str:
    """Keyed hash (HMAC-SHA256, hex) so an ID can be matched later without storing it."""
    message = f"{id_type}:{normalize_id(id_type, number)}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def id_matches(key: bytes, id_type: str, number: str, stored_hash: str) -> bool:
    """Constant-time comparison, so timing does not reveal how much of a guess was right."""
    if id_type not in ID_TYPES:
        return False
    computed = id_hash(key, id_type, number).encode()
    return hmac.compare_digest(computed, stored_hash.strip().lower().encode())
