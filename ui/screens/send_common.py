"""What the Send screen (寄件) and the rate-card page share: zone and contents names in the
clerk's language, the refusals of the sends core as sentences that say what to do next, and
printing a waybill or a sender's receipt on the paper lane.

The core speaks English with stable codes (see station/services/sends*.py); as in common.py,
each code the clerk meets at the counter gets its translated sentence here, and anything rarer
falls back to common.error_text.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, QObject

from station.audit import Actor
from station.domain import prohibited
from station.errors import StationError
from ui import workers
from ui.screens import paper
from ui.screens.common import error_text, in_words, is_chinese, translate
from ui.session import Session


def zone_text(zone: str) -> str:
    names = {
        "local": QCoreApplication.translate("Zone", "same city"),
        "province": QCoreApplication.translate("Zone", "same province"),
        "area": QCoreApplication.translate("Zone", "neighbouring provinces"),
        "national": QCoreApplication.translate("Zone", "nationwide"),
        "remote": QCoreApplication.translate("Zone", "remote regions"),
        "hmt": QCoreApplication.translate("Zone", "Hong Kong, Macau, Taiwan"),
    }
    return names.get(zone, zone)


def category_label(category: prohibited.Category) -> str:
    return category.zh if is_chinese() else category.en


def category_by_key(key: str) -> prohibited.Category | None:
    return next((c for c in prohibited.categories() if c.key == key), None)


def category_reason(category: prohibited.Category) -> str:
    """Why a category is refused, in the screen's language when the core offers it."""
    if is_chinese():
        return str(getattr(category, "reason_zh", "") or "")
    return str(getattr(category, "reason_en", "") or category.reason)


def refusal_text(category: prohibited.Category, found: str = "") -> str:
    """The refusal of a prohibited item, with its reason and what to tell the sender."""
    what = f"{category_label(category)} ({found})" if found else category_label(category)
    text = translate("SendErrors", "Cannot accept this send: {0} is prohibited.").format(what)
    reason = category_reason(category)
    if reason:
        text += " " + reason
    return text + " " + translate(
        "SendErrors", "Tell the sender it cannot be sent; nothing was written.")


def weight_kg(grams: int) -> str:
    return f"{grams / 1000:.3f} kg"


def _simple(code: str) -> str | None:
    """Refusals whose sentence needs nothing from the error."""
    texts = {
        "unknown_category": translate(
            "SendErrors", "Choose what is inside from the contents list."),
        "sender_required": translate(
            "SendErrors", "Real-name sending: type the sender's phone, name and ID (type and "
            "number) first, or look up a known sender by phone."),
        "sender_name_mismatch": translate(
            "SendErrors", "This ID is registered to another name. Check the name on the ID "
            "card and type it again."),
        "origin_not_set": translate(
            "SendErrors", "The station's own province and city are not set, so there is no "
            "price. Ask the owner to set them in Settings (F9) → Sends & rate cards."),
        "payment_required": translate(
            "SendErrors", "Choose how the sender pays: Ctrl+1 cash, Ctrl+2 WeChat Pay, Ctrl+3 "
            "Alipay, Ctrl+4 card."),
        "insufficient_cash": translate(
            "SendErrors", "The cash tendered is less than the total. Take more cash or leave "
            "the field empty for the exact amount."),
        "price_changed": translate(
            "SendErrors", "The price has just changed (a rate card was edited). Show the new "
            "total to the sender and press F12 again."),
        "already_voided": translate("SendErrors", "This send is already voided."),
        "already_handed_over": translate(
            "SendErrors", "This send is already with the courier and can no longer be voided. "
            "Ask the carrier to intercept it."),
    }
    return texts.get(code)


def _detailed(code: str, msg: str, det: dict[str, Any]) -> str | None:
    """Refusals that carry a detail (which phone, which zone, which line)."""
    if code == "bad_phone":
        generic = (translate(
            "SendErrors", "The sender's phone must be a full mobile number (11 digits) the "
            "courier can call. Ask for the whole number.") if det.get("field") == "sender"
            else translate(
            "SendErrors", "The recipient's phone must be a full mobile number (11 digits) the "
            "courier can call. Ask for the whole number."))
        return in_words(generic, msg)
    if code == "invalid_id":
        return in_words(translate(
            "SendErrors", "The ID number is not valid. Check the document and type it "
            "again."), msg)
    if code == "unknown_region":
        return in_words(translate(
            "SendErrors", "This destination is not known. Choose the province, city and "
            "district from the lists."), msg)
    if code == "no_rate_card":
        return translate(
            "SendErrors", "{0} has no price for this destination ({1}). Ask the owner to add a "
            "rate card in Settings (F9) → Sends & rate cards, or choose another carrier.").format(
            det.get("carrier", ""), zone_text(str(det.get("zone", ""))))
    if code == "overweight":
        return translate(
            "SendErrors", "Too heavy for this carrier (at most {0}). Split it into several "
            "parcels or choose another carrier.").format(
            weight_kg(int(det.get("max_weight_g") or 0)))
    if code == "declared_too_high":
        return in_words(translate(
            "SendErrors", "The declared value is over this carrier's insurance limit. Lower it "
            "or choose another carrier."), msg)
    if code == "duplicate" and "aybill" in msg:
        return in_words(translate(
            "SendErrors", "This waybill number is already used by another send. Take a new "
            "waybill."), msg)
    if code == "bad_csv" and "column" in det:
        return in_words(translate(
            "SendErrors", "Line {0} of the rate file (column {1}) is wrong. Fix it and import "
            "the file again; nothing was imported.").format(
            det.get("line", "?"), det.get("column", "?")), msg)
    if code == "bad_csv" and "line" in det:
        return in_words(translate(
            "SendErrors", "Line {0} of the rate file is wrong (the first line must name the "
            "columns). Fix it and import again; nothing was imported.").format(
            det.get("line")), msg)
    if code == "bad_csv":
        return in_words(translate(
            "SendErrors", "This rate file cannot be imported (empty or unreadable). Nothing "
            "was imported."), msg)
    return None


def _other(code: str, msg: str, det: dict[str, Any]) -> str | None:
    if code == "unknown_zone":
        return in_words(translate("SendErrors", "Unknown zone: choose one from the list."), msg)
    if code == "not_allowed" and "void" in msg:
        return translate(
            "SendErrors", "Only the owner, or the clerk who took the send today, can void it. "
            "Ask the owner to log in.")
    if code == "not_found" and msg.startswith("No sender"):
        return translate(
            "SendErrors", "This sender is not known any more: look the sender up again by "
            "phone.")
    if code == "not_found" and "send" in msg.lower():
        return in_words(translate(
            "SendErrors", "No send with this waybill number. Check the number."), msg)
    if code == "invalid" and "Insurance" in msg:
        return translate(
            "SendErrors", "Insurance needs a declared value: ask the sender what the contents "
            "are worth.")
    if code == "invalid" and det.get("field") in _MEASURES:
        return in_words(translate(
            "SendErrors", "Check the weight (whole grams) and the box size (whole centimetres, "
            "all three or none)."), msg)
    if code == "invalid" and "dimensions" in msg:
        return translate(
            "SendErrors", "Give all three box dimensions (length, width, height) or none.")
    return None


_MEASURES = ("Weight (g)", "Length (cm)", "Width (cm)", "Height (cm)")


def send_error_text(error: BaseException) -> str:
    """The sentence for a refused quote, sender check, send, void or rate import."""
    if not isinstance(error, StationError):
        return error_text(error)
    code, msg, det = error.code, error.message, error.details
    if code == "prohibited":
        category = category_by_key(str(det.get("category", "")))
        if category is not None:
            return refusal_text(category)
        return in_words(translate(
            "SendErrors", "Cannot accept this send: the contents are prohibited. Tell the "
            "sender it cannot be sent; nothing was written."), msg)
    return (_simple(code) or _detailed(code, msg, det) or _other(code, msg, det)
            or error_text(error))


# -- paper ---------------------------------------------------------------------------------


def _waybill_job(actor: Actor, ref: str, reprint: bool) -> tuple[bytes, str]:
    from station.services import sends_docs

    path = sends_docs.waybill_pdf(actor, ref, reprint=reprint)
    return path.read_bytes(), str(path)


def _receipt_job(actor: Actor, ref: str) -> tuple[bytes, str]:
    from station.services import sends_docs

    path = sends_docs.receipt_pdf(actor, ref)
    return path.read_bytes(), str(path)


def print_waybill(session: Session, owner: QObject, waybill: str, reprint: bool = False,
                  actor: Actor | None = None) -> None:
    """Render the 76×130 mm waybill on the paper lane and send it to the label printer."""
    actor = actor or session.actor
    job = f"waybill-{waybill}"
    retry = lambda: print_waybill(session, session, waybill, reprint, actor)  # noqa: E731
    workers.run(_waybill_job, actor, waybill, reprint, owner=owner, lane="paper",
                on_done=lambda r: paper._submit(session, r, "label", job),  # noqa: SLF001
                on_error=lambda e: paper._failed(session, e, job, "label", retry))  # noqa: SLF001


def print_send_receipt(session: Session, owner: QObject, waybill: str,
                       actor: Actor | None = None) -> None:
    actor = actor or session.actor
    job = f"send-receipt-{waybill}"
    retry = lambda: print_send_receipt(session, session, waybill, actor)  # noqa: E731
    workers.run(_receipt_job, actor, waybill, owner=owner, lane="paper",
                on_done=lambda r: paper._submit(session, r, "receipt", job),  # noqa: SLF001
                on_error=lambda e: paper._failed(session, e, job, "receipt", retry))  # noqa: SLF001
