"""What a scan says: cleaning the text a keyboard delivered, GS1 element strings, and the
codes a recipient shows on a phone at the pickup counter. Plain Python.

- :func:`normalize_scan_text` — full-width → ASCII, Chinese IME punctuation → ASCII, spaces
  and control characters out, upper case (Caps Lock), GS (0x1D) kept.
- :func:`parse_gs1` / :func:`extract_tracking` — GS1 element strings, raw (``]C1`` …, GS
  between variable-length fields) or bracketed (``(00)…(420)…``), and the tracking number in
  them.
- :func:`classify_qr_payload` — pickup code, tracking number or link.

``station.devices.scanner`` re-exports all of these.
"""

from __future__ import annotations

import json
import re
import unicodedata
from urllib.parse import parse_qsl, urlsplit

GS = "\x1d"
GS_SYMBOL = "\u241d"  # ␝ — how a scan field shows a GS it received

# --------------------------------------------------------------------------- normalising

# What a Chinese IME makes of ASCII punctuation keys (NFKC does not undo these).
_IME_PUNCT = str.maketrans(
    {
        "。": ".",
        "、": "/",
        "【": "[",
        "】": "]",
        "《": "<",
        "》": ">",
        "「": "[",
        "」": "]",
        "‘": "'",
        "’": "'",
        "“": '"',
        "”": '"',
        "…": "^",
        "—": "_",
        "·": "`",
        "￥": "$",
        "¥": "$",
    }
)
_SEPARATORS = "\x1c\x1d\x1e\x1f"  # str.isspace() is True for these; here they are data
_DROP_CONTROLS = {c: None for c in range(0x20) if c != 0x1D}
_DROP_CONTROLS[0x7F] = None


def normalize_scan_text(
    text: str,
    *,
    uppercase: bool = True,
    keep_gs: bool = True,
    gs_aliases: tuple[str, ...] = (GS_SYMBOL,),
) -> str:
    """Clean what a scan delivered: full-width → ASCII (NFKC), Chinese punctuation → ASCII,
    every space and control character out (GS kept unless ``keep_gs`` is False), and — for
    tracking numbers and pickup codes, which are case-free — upper case, so Caps Lock does
    not matter. Pass ``uppercase=False`` for payloads whose case matters (URLs)."""
    text = unicodedata.normalize("NFKC", text.translate(_IME_PUNCT)).translate(_IME_PUNCT)
    for alias in gs_aliases:
        text = text.replace(alias, GS)
    text = "".join(ch for ch in text if ch in _SEPARATORS or not ch.isspace())
    text = text.translate(_DROP_CONTROLS)
    if not keep_gs:
        text = text.replace(GS, "")
    return text.upper() if uppercase else text


# --------------------------------------------------------------------------- GS1

#: AI → (fixed data length or None, maximum data length). Predefined-length AIs (00-04,
#: 11-20, 31-36, 41) need no GS after them; all others end at GS or at the end of the data.
_GS1_AIS: dict[str, tuple[int | None, int]] = {
    "00": (18, 18),
    "01": (14, 14),
    "02": (14, 14),
    "03": (14, 14),
    "04": (16, 16),
    "10": (None, 20),
    "11": (6, 6),
    "12": (6, 6),
    "13": (6, 6),
    "15": (6, 6),
    "16": (6, 6),
    "17": (6, 6),
    "20": (2, 2),
    "21": (None, 20),
    "22": (None, 20),
    "235": (None, 28),
    "240": (None, 30),
    "241": (None, 30),
    "242": (None, 6),
    "250": (None, 30),
    "251": (None, 30),
    "253": (None, 30),
    "254": (None, 20),
    "30": (None, 8),
    "37": (None, 8),
    "400": (None, 30),
    "401": (None, 30),
    "402": (17, 17),
    "403": (None, 30),
    "420": (None, 20),
    "421": (None, 12),
    "422": (3, 3),
    "423": (None, 15),
    "424": (3, 3),
    "425": (None, 15),
    "426": (3, 3),
    "7003": (10, 10),
    "8003": (None, 30),
    "8004": (None, 30),
    "8006": (18, 18),
    "8007": (None, 34),
    "8008": (None, 12),
    "8017": (18, 18),
    "8018": (18, 18),
    "8020": (None, 25),
    "90": (None, 30),
}
_SYMBOLOGY_ID = re.compile(r"^\][A-Za-z][0-9A-Za-z]")
_GS1_SYMBOLOGY = {"]C1", "]E0", "]D2", "]Q3", "]J1", "]e0", "]d2"}


def _lookup_ai(data: str, i: int) -> tuple[str, int | None, int]:
    head = data[i : i + 2]
    if head in ("31", "32", "33", "34", "35", "36"):
        return data[i : i + 4], 6, 6
    if head == "41":
        return data[i : i + 3], 13, 13
    if head.isdigit() and "91" <= head <= "99":
        return head, None, 90
    for size in (2, 3, 4):
        ai = data[i : i + size]
        if ai in _GS1_AIS:
            fixed, longest = _GS1_AIS[ai]
            return ai, fixed, longest
    raise ValueError(f"unknown GS1 application identifier at {data[i : i + 4]!r}")


def parse_gs1(text: str) -> dict[str, str]:
    """GS1 element string → ``{AI: value}``. Takes the raw form (``]C1``/``]d2``/``]Q3``
    symbology id optional, GS between variable-length fields) or the human-readable form
    ``(00)3401234…(420)200080``. Raises ``ValueError`` when it is not GS1."""
    data = normalize_scan_text(text, uppercase=False)
    if _SYMBOLOGY_ID.match(data):
        data = data[3:]
    result: dict[str, str] = {}
    if data.startswith("("):
        pairs = re.findall(r"\((\d{2,4})\)([^(]*)", data)
        if not pairs or "".join(f"({a}){v}" for a, v in pairs) != data:
            raise ValueError("not a bracketed GS1 string")
        for ai, value in pairs:
            _, fixed, longest = _lookup_ai(ai + "0" * 4, 0)
            value = value.replace(GS, "")
            if (fixed and len(value) != fixed) or not value or len(value) > longest:
                raise ValueError(f"GS1 ({ai}) has a wrong length")
            if ai in result:
                raise ValueError(f"GS1 ({ai}) appears twice")
            result[ai] = value
        return result
    i = 0
    while i < len(data):
        if data[i] == GS:
            i += 1
            continue
        ai, fixed, longest = _lookup_ai(data, i)
        i += len(ai)
        if fixed is not None:
            value = data[i : i + fixed]
            if len(value) != fixed or GS in value:
                raise ValueError(f"GS1 ({ai}) needs {fixed} characters")
        else:
            end = data.find(GS, i)
            value = data[i : end if end >= 0 else len(data)]
            if not value or len(value) > longest:
                raise ValueError(f"GS1 ({ai}) has a wrong length")
        if ai in result:
            raise ValueError(f"GS1 ({ai}) appears twice")
        result[ai] = value
        i += len(value)
    if not result:
        raise ValueError("empty GS1 string")
    return result


def _looks_gs1(raw: str) -> bool:
    return raw[:3] in _GS1_SYMBOLOGY or GS in raw or raw.startswith("(")


def extract_tracking(text: str) -> str:
    """The tracking number in a scan: a plain code as is (cleaned, upper case); from a GS1
    label the USPS-style ``420``+``9x`` package id, the SSCC ``(00)``, or ``8004``/``401``/
    ``402``; a non-GS1 symbology id (``]C0``) is dropped."""
    raw = normalize_scan_text(text)
    if _looks_gs1(raw) or raw.startswith("420"):
        try:
            ais = parse_gs1(raw)
        except ValueError:
            ais = {}
        company = [ai for ai in ais if len(ai) == 2 and "91" <= ai <= "99"]
        if ("420" in ais or "421" in ais) and company:
            return company[0] + ais[company[0]]
        for ai in ("00", "8004", "401", "402", "8003", "90"):
            if ai in ais:
                return ais[ai]
    if _SYMBOLOGY_ID.match(raw):
        raw = raw[3:]
    return raw.replace(GS, "")


# --------------------------------------------------------------------------- QR payloads

PICKUP_CODE_RE = re.compile(r"(?:[A-Z]{1,3}\d{0,2}|\d{1,3})-\d{1,3}-\d{3,5}")
TRACKING_RE = re.compile(r"[A-Z0-9][A-Z0-9-]{5,39}")  # and at least 5 digits
_PICKUP_KEYS = {
    "code",
    "pickupcode",
    "pickup_code",
    "pickup",
    "takecode",
    "take_code",
    "qjm",
    "getcode",
    "fetchcode",
    "pcode",
    "qhm",
}
_TRACKING_KEYS = {
    "tracking",
    "trackingno",
    "tracking_no",
    "trackingnumber",
    "tracking_number",
    "waybill",
    "waybillno",
    "waybill_no",
    "mailno",
    "mail_no",
    "billcode",
    "bill_code",
    "expressno",
    "express_no",
    "logisticcode",
    "nu",
    "no",
    "num",
}
_PICKUP_PREFIX = re.compile(r"^(?:PS|PICKUP|PICKUPCODE|QJM|取件码)[:=](.+)$", re.I)
_TRACKING_PREFIX = re.compile(r"^(?:TRACKING|WAYBILL|YDH|运单号)[:=](.+)$", re.I)


def _from_keys(pairs: list[tuple[str, str]]) -> tuple[str, str] | None:
    for key, value in pairs:
        if key.strip().lower() in _PICKUP_KEYS and value.strip():
            return "pickup_code", normalize_scan_text(value)
    for key, value in pairs:
        if key.strip().lower() in _TRACKING_KEYS and value.strip():
            return "tracking", extract_tracking(value)
    return None


def classify_qr_payload(text: str) -> tuple[str, str]:
    """What a code shown at the pickup counter means.

    Returns ``("pickup_code", "A-3-0127")`` (``PS:A-3-0127``, ``取件码:…``, a bare code, a URL
    or JSON with ``code``/``pickupCode``…), ``("tracking", "SF1234567890123")`` (a URL or JSON
    with ``tracking``/``waybillNo``/``mailNo``…, a bare or GS1 tracking number),
    ``("url", URL)`` for any other link, or ``("unknown", TEXT)``. Case does not matter (Caps
    Lock), full-width input is fine."""
    raw = normalize_scan_text(text, uppercase=False, keep_gs=True)
    if not raw:
        return "unknown", ""
    if raw.startswith("{"):
        try:
            obj = json.loads(raw)
        except ValueError:
            obj = None
        if isinstance(obj, dict):
            found = _from_keys([(str(k), str(v)) for k, v in obj.items()])
            if found:
                return found
        return "unknown", raw
    match = _PICKUP_PREFIX.match(raw)
    if match:
        return "pickup_code", normalize_scan_text(match.group(1))
    match = _TRACKING_PREFIX.match(raw)
    if match:
        return "tracking", extract_tracking(match.group(1))
    if re.match(r"^[a-z][a-z0-9+.-]*://", raw, re.I) or raw.lower().startswith("www."):
        parts = urlsplit(raw if "://" in raw else "https://" + raw)
        pairs = parse_qsl(parts.query, keep_blank_values=False)
        if "?" in parts.fragment:
            pairs += parse_qsl(parts.fragment.split("?", 1)[1])
        found = _from_keys(pairs)
        if found:
            return found
        last = (parts.path.rstrip("/").rsplit("/", 1)[-1]).upper()
        if PICKUP_CODE_RE.fullmatch(last):
            return "pickup_code", last
        return "url", raw
    upper = raw.upper()
    if PICKUP_CODE_RE.fullmatch(upper):
        return "pickup_code", upper
    tracking = extract_tracking(raw)
    if TRACKING_RE.fullmatch(tracking) and sum(ch.isdigit() for ch in tracking) >= 5:
        return "tracking", tracking
    return "unknown", raw
