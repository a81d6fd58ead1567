"""Messages in the clerk's language, without Qt.

Every message the core shows a clerk is written as an English template with named fields,
``tr("{tracking} is not on the shelf.", tracking=t)``. In zh_CN the template is looked up in
resources/translations/station_zh_CN.json ({english: chinese}); a missing entry falls back to the
English text, so a gap in the catalogue never breaks a refusal. ``N_`` marks a template that is
stored now and passed through ``tr`` later (tables of reasons, status words).
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

LANGUAGES = ("en", "zh_CN")
CATALOGUE_DIR = Path(__file__).resolve().parent.parent / "resources" / "translations"

_language: str | None = None


def _normalise(lang: str | None) -> str:
    if not lang:
        return "en"
    lang = lang.strip().replace("-", "_")
    if lang.lower().startswith("zh"):
        return "zh_CN"
    return "en"


def set_language(lang: str | None) -> None:
    """Switch the language of messages: "zh_CN" or "en" (other values mean English); None goes
    back to the default from $PARCEL_STATION_LANG."""
    global _language
    _language = None if lang is None else _normalise(lang)


def language() -> str:
    """The current language: the last set_language, else $PARCEL_STATION_LANG, else "en"."""
    if _language is not None:
        return _language
    return _normalise(os.environ.get("PARCEL_STATION_LANG"))


@cache
def catalogue(lang: str) -> dict[str, str]:
    """{english template: translated template} for `lang`; empty when there is none."""
    if lang == "en":
        return {}
    try:
        data = json.loads((CATALOGUE_DIR / f"station_{lang}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)}


def tr(template: str, /, **values: Any) -> str:
    """`template` in the current language, formatted with `values` (str.format, named fields)."""
    text = catalogue(language()).get(template, template) if template else template
    if not values:
        return text
    try:
        return text.format(**values)
    except (KeyError, IndexError, ValueError, AttributeError, TypeError):
        if text is template:
            raise
        return template.format(**values)  # a broken translation: fall back to English


def N_(template: str, /) -> str:
    """Mark `template` for the catalogue without translating it now."""
    return template
