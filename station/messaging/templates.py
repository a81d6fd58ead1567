"""Message templates: built-in texts per kind and language, safe rendering, validation.

A template is plain text with placeholders in braces, e.g. ``取件码{code}``. Write ``{{`` or
``}}`` for a literal brace. Rendering never raises: an unknown placeholder or a stray brace in
a stored template is printed as it is. Saving goes through `validate`, which refuses both, so
an owner's typo is caught when it is made and never stops a message.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import date

from station.errors import InvalidInput
from station.i18n import N_, tr

KINDS = ("intake", "reminder", "last_notice")
LANGS = ("zh_CN", "en")
PLACEHOLDERS = (
    "name",
    "code",
    "slot",
    "station",
    "address",
    "hours",
    "carrier",
    "days",
    "deadline",
)
REQUIRED = ("code",)  # a pickup message without the code is useless
MAX_TEXT = 500
MAX_SUBJECT = 150

DEFAULT_TEXTS: dict[tuple[str, str], str] = {
    ("intake", "zh_CN"): (
        "【{station}】您的{carrier}包裹已到驿站，取件码{code}。地址：{address}，"
        "营业时间{hours}。请于{deadline}前取件。"
    ),
    ("intake", "en"): (
        "{station}: your {carrier} parcel has arrived. Pickup code {code}. "
        "Address: {address}, open {hours}. Please collect it by {deadline}."
    ),
    ("reminder", "zh_CN"): (
        "【{station}】温馨提醒：您的{carrier}包裹已在驿站存放{days}天，取件码{code}。"
        "请于{deadline}前取件，逾期将退回。地址：{address}，营业时间{hours}。"
    ),
    ("reminder", "en"): (
        "{station}: reminder - your {carrier} parcel has waited {days} days. "
        "Pickup code {code}. Please collect it by {deadline}, or it goes back to the sender. "
        "Address: {address}, open {hours}."
    ),
    ("last_notice", "zh_CN"): (
        "【{station}】最后通知：您的{carrier}包裹（取件码{code}）请于{deadline}前取件，"
        "逾期将退回寄件方。地址：{address}，营业时间{hours}。"
    ),
    ("last_notice", "en"): (
        "{station}: last notice - please collect your {carrier} parcel (pickup code {code}) "
        "by {deadline}; after that it goes back to the sender. "
        "Address: {address}, open {hours}."
    ),
}

DEFAULT_SUBJECTS: dict[tuple[str, str], str] = {
    ("intake", "zh_CN"): "【{station}】取件通知 {code}",
    ("intake", "en"): "{station}: your parcel is ready for pickup ({code})",
    ("reminder", "zh_CN"): "【{station}】取件提醒 {code}",
    ("reminder", "en"): "{station}: reminder, your parcel is waiting ({code})",
    ("last_notice", "zh_CN"): "【{station}】最后取件通知 {code}",
    ("last_notice", "en"): "{station}: last notice before return ({code})",
}

_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _fields(text: str) -> tuple[list[str], str]:
    """(placeholder names, the text with escapes and placeholders removed)."""
    names: list[str] = []

    def strip(match: re.Match[str]) -> str:
        if match.group(1) is not None:
            names.append(match.group(1))
        return ""

    rest = _TOKEN.sub(strip, text)
    return names, rest


def placeholders_in(text: str) -> list[str]:
    """The placeholder names used in ``text``, in order, without repeats."""
    names, _ = _fields(text)
    return list(dict.fromkeys(names))


def render(text: str, values: Mapping[str, object]) -> str:
    """Fill the placeholders; never raises. Unknown placeholders and stray braces stay as
    written (a stored template that somehow bypassed `validate` still produces a message)."""

    def fill(match: re.Match[str]) -> str:
        token = match.group(0)
        if token == "{{":
            return "{"
        if token == "}}":
            return "}"
        name = match.group(1)
        if name in values:
            value = values[name]
            return "" if value is None else str(value)
        return token

    return _TOKEN.sub(fill, text)


def clean_template(text: str | None) -> str:
    """NFC, no control characters except newlines, trimmed lines at the ends."""
    text = unicodedata.normalize("NFC", text or "").replace("\r\n", "\n").replace("\r", "\n")
    kept = "".join(
        ch
        for ch in text
        if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co")
    )
    return kept.replace("\t", " ").strip()


def validate(
    text: str | None,
    *,
    field: str = N_("Template"),
    allowed: Iterable[str] = PLACEHOLDERS,
    required: Iterable[str] = REQUIRED,
    max_len: int = MAX_TEXT,
) -> str:
    """The cleaned template, or InvalidInput saying exactly what to fix. `field` is the
    English name, marked with N_: messages show it translated, details keep it as it is."""
    cleaned = clean_template(text)
    allowed = tuple(allowed)
    shown = " ".join("{" + a + "}" for a in allowed)
    if not cleaned:
        raise InvalidInput(
            tr("{field} is empty. Write the message text.", field=tr(field)), field=field
        )
    if len(cleaned) > max_len:
        raise InvalidInput(
            tr(
                "{field} is too long: {length} characters, the limit is {max_len}.",
                field=tr(field),
                length=len(cleaned),
                max_len=max_len,
            ),
            field=field,
            max_len=max_len,
        )
    names, rest = _fields(cleaned)
    for name in names:
        if not _NAME.fullmatch(name) or name not in allowed:
            raise InvalidInput(
                tr(
                    "{field}: {{{placeholder}}} is not a placeholder this message knows. "
                    "Use one of {shown}.",
                    field=tr(field),
                    placeholder=name,
                    shown=shown,
                ),
                field=field,
                placeholder=name,
            )
    if "{" in rest or "}" in rest:
        raise InvalidInput(
            tr(
                "{field} has a brace that is not part of a placeholder. Write {{{{ or }}}} "
                "for a literal brace.",
                field=tr(field),
            ),
            field=field,
        )
    for name in required:
        if name not in names:
            raise InvalidInput(
                tr(
                    "{field} must contain {{{placeholder}}}: the recipient needs it.",
                    field=tr(field),
                    placeholder=name,
                ),
                field=field,
                placeholder=name,
            )
    return cleaned


def validate_subject(text: str | None) -> str:
    """E-mail subject: one line, may be empty (then the built-in subject is used)."""
    cleaned = " ".join(clean_template(text).split())
    if not cleaned:
        return ""
    return validate(cleaned, field=N_("Subject"), required=(), max_len=MAX_SUBJECT)


def format_deadline(day: date, lang: str) -> str:
    if lang == "zh_CN":
        return f"{day.month}月{day.day}日"
    return f"{day.day} {day:%b} {day.year}"


def format_hours(hours: str) -> str:
    return hours or ""


def sample_values(lang: str) -> dict[str, str]:
    """Values for the owner's preview of a template."""
    zh = lang == "zh_CN"
    return {
        "name": "张三" if zh else "Zhang San",
        "code": "A-3-0127",
        "slot": "A-3",
        "station": "幸福里驿站" if zh else "Happy Lane Station",
        "address": "幸福里12号" if zh else "12 Happy Lane",
        "hours": "09:00-21:00",
        "carrier": "中通快递" if zh else "ZTO Express",
        "days": "3",
        "deadline": format_deadline(date(2024, 5, 7), lang),
    }


def default_text(kind: str, lang: str) -> str:
    return DEFAULT_TEXTS.get((kind, lang)) or DEFAULT_TEXTS[(kind, "zh_CN")]


def default_subject(kind: str, lang: str) -> str:
    return DEFAULT_SUBJECTS.get((kind, lang)) or DEFAULT_SUBJECTS[(kind, "zh_CN")]


def check_kind_lang(kind: str, lang: str) -> None:
    if kind not in KINDS:
        raise InvalidInput(
            tr(
                "Unknown message kind '{kind}'. Use one of: {kinds}.",
                kind=kind,
                kinds=", ".join(KINDS),
            )
        )
    if lang not in LANGS:
        raise InvalidInput(
            tr("Unknown language '{lang}'. Use one of: {langs}.", lang=lang, langs=", ".join(LANGS))
        )
