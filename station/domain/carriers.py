"""Carriers (快递公司) and their tracking numbers. Guessing the carrier from a number is only a
hint for the intake screen: the clerk confirms or overrides it."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from station.domain.text import normalize_scan
from station.errors import InvalidInput, StationError
from station.i18n import tr

CARRIERS_FILE = Path(__file__).resolve().parents[2] / "resources" / "carriers.json"
MIN_TRACKING, MAX_TRACKING = 6, 40
_S10 = re.compile(r"[A-Z]{2}(\d{8})(\d)[A-Z]{2}")
_S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)
_QUANTIFIER = set("?*+{")


@dataclass(frozen=True)
class CarrierSpec:
    code: str
    name_en: str
    name_zh: str
    patterns: tuple[str, ...]
    retention_days: int
    remind_days: int


def load_carriers(path: Path | None = None) -> list[CarrierSpec]:
    """The built-in carriers, in suggestion order."""
    return list(_load(path or CARRIERS_FILE))


@lru_cache(maxsize=4)
def _load(path: Path) -> tuple[CarrierSpec, ...]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        specs = tuple(_spec(item) for item in data["carriers"])
    except (OSError, ValueError, KeyError, TypeError, re.error) as exc:
        # A broken resource file is an installation problem, not a clerk's mistake.
        raise StationError(
            tr(
                "The carrier list {path} is missing or damaged ({exc}). Reinstall the program.",
                path=path,
                exc=exc,
            ),
            code="config",
        ) from exc
    codes = [spec.code for spec in specs]
    if len(set(codes)) != len(codes):
        raise StationError(
            tr(
                "The carrier list {path} repeats a carrier code.",
                path=path,
            ),
            code="config",
        )
    return specs


def _spec(item: dict) -> CarrierSpec:
    patterns = tuple(str(p) for p in item["patterns"])
    for pattern in patterns:
        re.compile(pattern)
    retention, remind = int(item["retention_days"]), int(item["remind_days"])
    if not 0 < remind <= retention:
        raise ValueError(f"{item['code']}: remind_days must be between 1 and retention_days")
    return CarrierSpec(
        code=str(item["code"]).upper(),
        name_en=str(item["name_en"]),
        name_zh=str(item["name_zh"]),
        patterns=patterns,
        retention_days=retention,
        remind_days=remind,
    )


def find_carrier(code: str, specs: Sequence[CarrierSpec] | None = None) -> CarrierSpec:
    """The spec for a carrier code (case-insensitive), or InvalidInput listing the codes."""
    specs = load_carriers() if specs is None else specs
    wanted = normalize_scan(code or "")
    for spec in specs:
        if spec.code == wanted:
            return spec
    known = ", ".join(spec.code for spec in specs)
    raise InvalidInput(
        tr(
            "Unknown carrier '{code}'. Use one of: {known}.",
            code=code,
            known=known,
        ),
        carrier=code,
    )


def normalize_tracking(text: str) -> str:
    """A scanned or typed tracking number as upper-case letters and digits."""
    tracking = normalize_scan(text or "").replace("-", "")
    if not tracking:
        raise InvalidInput(tr("Tracking number is empty: scan the barcode again."))
    for ch in tracking:
        if not ("A" <= ch <= "Z" or "0" <= ch <= "9"):
            shown = ch if ch.isprintable() else f"\\x{ord(ch):02x}"
            raise InvalidInput(
                tr(
                    "Tracking number contains '{shown}': scan the barcode again (or type "
                    "only the letters and digits).",
                    shown=shown,
                ),
                value=text,
            )
    if len(tracking) < MIN_TRACKING:
        raise InvalidInput(
            tr(
                "Tracking number is too short ({length} characters, at least "
                "{min_tracking}): scan the barcode again.",
                length=len(tracking),
                min_tracking=MIN_TRACKING,
            ),
            value=text,
        )
    if len(tracking) > MAX_TRACKING:
        raise InvalidInput(
            tr(
                "Tracking number is too long ({length} characters, at most "
                "{max_tracking}): that may be a different barcode on the label.",
                length=len(tracking),
                max_tracking=MAX_TRACKING,
            ),
            value=text,
        )
    return tracking


def s10_check_digit(serial8: str) -> int:
    """UPU S10 check digit over the 8-digit serial number."""
    if len(serial8) != 8 or not serial8.isdigit():
        raise InvalidInput(
            tr(
                "An S10 serial has 8 digits, got '{serial8}'.",
                serial8=serial8,
            )
        )
    total = sum(int(d) * w for d, w in zip(serial8, _S10_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: 0, 11: 5}.get(check, check)


def is_valid_s10(tracking: str) -> bool:
    """Postal item id such as EE123456785CN: 2 letters, 8 digits, check digit, country."""
    match = _S10.fullmatch(tracking)
    if match is None:
        return False
    return s10_check_digit(match.group(1)) == int(match.group(2))


def guess_carriers(tracking: str, specs: Sequence[CarrierSpec] | None = None) -> list[str]:
    """Carrier codes whose patterns match, most specific first; [] when nothing matches."""
    specs = load_carriers() if specs is None else specs
    try:
        number = normalize_tracking(tracking)
    except InvalidInput:
        return []
    ranked: list[tuple[tuple[int, int, int], str]] = []
    for order, spec in enumerate(specs):
        scores = [_specificity(p) for p in spec.patterns if re.fullmatch(p, number)]
        if spec.code == "EMS" and is_valid_s10(number):
            # A correct check digit is much stronger evidence than any prefix.
            scores.append((2, 99))
        if scores:
            lettered, prefix_len = max(scores)
            ranked.append(((-lettered, -prefix_len, order), spec.code))
    return [code for _, code in sorted(ranked)]


def _specificity(pattern: str) -> tuple[int, int]:
    """(1 if the pattern demands a literal prefix containing a letter, length of that prefix).

    "^SF\\d{12}" beats "^7\\d{13}", which beats "^(?:3|4)\\d{12}" and "^\\d{12}".
    """
    prefix = _literal_prefix(pattern)
    return (1 if any(ch.isalpha() for ch in prefix) else 0, len(prefix))


@lru_cache(maxsize=256)
def _literal_prefix(pattern: str) -> str:
    body = pattern.removeprefix("^")
    prefix = ""
    for i, ch in enumerate(body):
        if not ch.isalnum():
            break
        if body[i + 1 : i + 2] in _QUANTIFIER:
            break
        prefix += ch
    return prefix
