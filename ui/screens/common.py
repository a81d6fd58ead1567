"""What several screens show the same way: statuses, sizes, money, times, and errors.

The core speaks English with a stable error code; here each code the clerk meets at the
counter gets its translated sentence (details such as the slot are carried over), so a
Chinese screen never shows an English refusal for the everyday cases. Anything rarer falls
back to the core's own message.
"""

from __future__ import annotations

import re
from datetime import datetime

from PySide6.QtCore import QCoreApplication

from station.domain.money import format_fen
from station.errors import StationError

translate = QCoreApplication.translate  # lupdate finds translate("Context", "text") calls


def status_text(status: str) -> str:
    names = {
        "ON_SHELF": QCoreApplication.translate("Status", "On shelf"),
        "PICKED_UP": QCoreApplication.translate("Status", "Picked up"),
        "RETURN_PENDING": QCoreApplication.translate("Status", "Return pending"),
        "RETURNED": QCoreApplication.translate("Status", "Returned"),
        "MISSING": QCoreApplication.translate("Status", "Missing"),
    }
    return names.get(status, status)


def size_text(size: str) -> str:
    names = {
        "S": QCoreApplication.translate("Size", "S small"),
        "M": QCoreApplication.translate("Size", "M medium"),
        "L": QCoreApplication.translate("Size", "L large"),
        "XL": QCoreApplication.translate("Size", "XL extra large"),
    }
    return names.get(size, size)


def method_text(method: str | None) -> str:
    names = {
        "cash": QCoreApplication.translate("Payment", "Cash"),
        "wechat": QCoreApplication.translate("Payment", "WeChat Pay"),
        "alipay": QCoreApplication.translate("Payment", "Alipay"),
        "card": QCoreApplication.translate("Payment", "Card"),
    }
    return names.get(method or "", method or "")


def id_type_text(id_type: str) -> str:
    names = {
        "resident_id": QCoreApplication.translate("IdType", "Resident ID card"),
        "passport": QCoreApplication.translate("IdType", "Passport"),
        "hk_macau_permit": QCoreApplication.translate("IdType", "Hong Kong/Macau permit"),
        "taiwan_permit": QCoreApplication.translate("IdType", "Taiwan permit"),
        "other": QCoreApplication.translate("IdType", "Other document"),
    }
    return names.get(id_type, id_type)


def is_chinese() -> bool:
    # The translator answers "en" for this marker only when Chinese is installed.
    return QCoreApplication.translate("Language", "en") == "zh_CN"


def carrier_text(code: str, carriers: dict[str, tuple[str, str]] | None) -> str:
    """ "SF 顺丰" in Chinese, "SF SF Express" in English; just the code when unknown."""
    if not carriers or code not in carriers:
        return code
    en, zh = carriers[code]
    name = zh if is_chinese() and zh else en
    if not name:
        return code
    # "SF Express" already says SF; "中通快递" does not say ZTO.
    return name if name.upper().startswith(code) else f"{code} {name}"


def money(fen: int) -> str:
    return "¥" + format_fen(fen)


def short_time(iso: str | None) -> str:
    """ "2024-05-01T14:03:00+08:00" → "05-01 14:03" (the station's zone is already applied)."""
    if not iso:
        return ""
    try:
        return datetime.fromisoformat(iso).strftime("%m-%d %H:%M")
    except ValueError:
        return iso


def weight_text(weight_g: int | None) -> str:
    if not weight_g:
        return ""
    return f"{weight_g / 1000:.3f} kg" if weight_g >= 1000 else f"{weight_g} g"


def _num(pattern: str, text: str, default: str = "") -> str:
    match = re.search(pattern, text)
    return match.group(1) if match else default


def in_words(generic: str, detail: str) -> str:
    """The core's detailed English reason in English; the translated sentence otherwise."""
    return generic if is_chinese() else detail


def error_text(error: BaseException) -> str:
    """The sentence to show in place for a refusal or failure, in the current language."""
    if not isinstance(error, StationError):
        return QCoreApplication.translate(
            "Errors", "Unexpected problem: {0}. Nothing further was changed; please report it."
        ).format(f"{type(error).__name__}: {error}")
    msg, det = error.message, error.details
    code = error.code
    if code == "wrong_pin":
        left = _num(r"\((\d+) tries left", msg)
        if left:
            return translate(
                "Errors", "Wrong PIN ({0} tries left before the account locks)."
            ).format(left)
        return translate("Errors", "Unknown user name or wrong PIN.")
    if code == "locked":
        minutes = str(det.get("minutes_left") or _num(r"(\d+) min", msg, "?"))
        return translate(
            "Errors",
            "This account is locked after too many wrong PINs. Try again in {0} min, or "
            "ask the owner to reset the PIN.",
        ).format(minutes)
    if code == "duplicate" and "pickup_code" in det:
        return translate(
            "Errors", "{0} is already here: {1}, pickup code {2} ({3}). Nothing was changed."
        ).format(
            _num(r"^(\S+)", msg),
            det.get("slot", ""),
            det.get("pickup_code", ""),
            status_text(str(det.get("status", ""))),
        )
    if code == "phone_required":
        return translate(
            "Errors",
            "This number is not in a loaded manifest: type the recipient's phone number "
            "(or the last 4 digits and extension from a privacy label).",
        )
    if code == "door_delivery":
        return translate(
            "Errors",
            "This recipient asked for door delivery. Call them and choose 'Phone call: "
            "they agreed' under Consent, or give the parcel back to the courier.",
        )
    if code == "consent_required":
        return translate(
            "Errors",
            "Nobody has said yet that the recipient agreed to collect this parcel here. Ask "
            "the courier or call the recipient, then choose how they agreed.",
        )
    if code == "collected_before":
        return translate(
            "Errors", "{0} already left the station; it is not taken in again. Put it aside "
            "and show it to the owner."
        ).format(det.get("tracking", ""))
    if code == "shelves_full":
        return translate(
            "Errors",
            "No shelf has room for a size-{0} parcel. Free some space, add a layer or "
            "shelf, or choose another size.",
        ).format(_num(r"size-(\w+)", msg))
    if code == "id_required":
        return translate(
            "Errors",
            "An ID check is needed for this pickup (cash on delivery, proxy pickup or "
            "station policy): enter the ID type and number.",
        )
    if code == "id_mismatch" and "does not match" in msg:
        return translate(
            "Errors", "The name on the ID does not match. Do not hand over the parcel."
        )
    if code == "id_mismatch":
        return in_words(translate("Errors", "The ID number is not valid. Check the document "
                                            "and type it again."), msg)
    if code == "id_locked":
        return translate(
            "Errors",
            "Too many failed ID checks for this parcel. Only the owner can hand it over now.",
        )
    if code == "payment_required":
        return translate(
            "Errors", "Cash on delivery is due: choose cash, WeChat Pay, Alipay or card."
        )
    if code == "insufficient_cash":
        return translate("Errors", "The cash tendered is less than the amount due.")
    if code == "different_people":
        return translate(
            "Errors", "These parcels belong to different people. Hand them over separately."
        )
    if code == "not_collectable":
        return translate("Errors", "{0} cannot be handed out: it is {1}.").format(
            _num(r"^(\S+)", msg), status_text(str(det.get("status", "")))
        )
    if code == "already_collected":
        return translate(
            "Errors",
            "Another counter has just handed out one of these parcels. Look them up again.",
        )
    if code == "db_locked":
        return translate("Errors", "The station database is busy. Wait a moment and try again.")
    if code in ("db_unavailable", "db_damaged", "newer_schema", "bad_url", "db_error"):
        return translate("Errors", "The station database cannot be used: {0}").format(msg)
    if code == "not_allowed" and msg.startswith("Only the station owner"):
        return translate("Errors", "Only the station owner can do this. Ask the owner to log in.")
    if code == "not_found" and msg.startswith("No parcel"):
        return translate("Errors", "No such parcel at this station: {0}").format(
            _num(r"(\S+?)[.:]?$", msg)
        )
    if code == "conflict" and "full for size" in msg:
        return translate("Errors", "{0} is full for this size: choose another slot.").format(
            _num(r"^(\S+)", msg)
        )
    if code == "conflict" and "still holds" in msg:
        return translate("Errors", "Shelf {0} still holds {1} parcels: move them first.").format(
            _num(r"Shelf (\S+)", msg), _num(r"holds (\d+)", msg)
        )
    return _invalid_input(code, msg)


def _invalid_input(code: str, msg: str) -> str:
    """Refusals of what was typed or scanned: the reason in the clerk's language (in English
    the core's own, more detailed sentence)."""
    if code == "invalid" and msg.startswith("Tracking number"):
        return in_words(translate("Errors", "This is not a tracking number: scan the barcode "
                                            "again."), msg)
    if code == "invalid" and "phone" in msg.lower():
        return in_words(translate("Errors", "This phone number cannot be used. Check it and "
                                            "type it again."), msg)
    if code == "invalid" and msg.startswith("Amount"):
        return in_words(translate("Errors", "Not an amount: type it like 12.50."), msg)
    if code == "not_found" and msg.startswith("There is no"):
        return in_words(translate("Errors", "There is no such shelf or slot. Slots are named "
                                            "like A-3 (shelf-layer)."), msg)
    if code == "invalid" and msg.startswith(("A shelf", "Capacity", "A layer")):
        return in_words(translate("Errors", "A shelf is named with 1-3 letters and has 1-20 "
                                            "layers; capacities are 0-999 per size."), msg)
    if code == "duplicate":
        return in_words(translate("Errors", "That name is already taken."), msg)
    if code == "invalid" and msg.startswith("A PIN"):
        return in_words(translate("Errors", "A PIN needs 4 to 64 characters."), msg)
    if code in ("invalid", "conflict", "not_found", "not_allowed"):
        return in_words(translate("Errors", "Refused: {0}").format(msg), msg)
    return msg
