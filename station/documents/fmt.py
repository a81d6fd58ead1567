"""Formatting shared by the documents: money, names, phones, times, payment methods."""

from __future__ import annotations

import re
from datetime import date, datetime

# Common two-character (compound) Chinese surnames: shown whole, e.g. 欧阳娜娜 → 欧阳*.
_COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 令狐 夏侯 轩辕 端木 "
    "独孤 南宫 西门 百里 呼延 澹台 公冶 申屠 太史 钟离 闻人 赫连 万俟 濮阳 单于".split()
)

METHODS = {
    "cash": "现金 Cash",
    "wechat": "微信 WeChat Pay",
    "alipay": "支付宝 Alipay",
    "card": "刷卡 Card",
    "": "—",
}

COUNT_LABELS = {
    "in": "入库 In",
    "out": "出库 Out",
    "picked_up": "出库 Picked up",
    "returned": "退回 Returned",
    "on_shelf": "在架 On shelf",
    "overdue": "滞留 Overdue",
    "missing": "丢失 Missing",
    "sends": "寄件 Sends",
    "receipts": "收据 Receipts",
    "exceptions": "异常 Exceptions",
}

_FULL_MOBILE = re.compile(r"^\+?(?:86)?(1\d{2})\d{4}(\d{4})$")


def yuan(fen: int, sign: bool = False) -> str:
    """Integer fen as yuan with two decimals: 1250 → "¥12.50", -300 → "-¥3.00"."""
    if not isinstance(fen, int) or isinstance(fen, bool):
        raise TypeError(f"money must be integer fen, got {fen!r}")
    neg = fen < 0
    whole, cents = divmod(abs(fen), 100)
    text = f"¥{whole:,}.{cents:02d}"
    if neg:
        return "-" + text
    return ("+" + text) if sign and fen > 0 else text


def surname(name: str) -> str:
    """What a sticker shows of a recipient: the surname of a Chinese name (张三 → 张*), the
    first word of a Latin name (John Smith → John*)."""
    name = " ".join(name.split())
    if not name:
        return ""
    if _is_han(name[0]):
        head = name[:2] if name[:2] in _COMPOUND_SURNAMES else name[0]
        return head + "*"
    return name.split(" ")[0] + "*"


def _is_han(ch: str) -> bool:
    o = ord(ch)
    return 0x3400 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0x20000 <= o <= 0x3FFFF


def mask_phone(phone: str) -> str:
    """Mask a full mainland mobile number (13812345678 → 138****5678); anything else (already
    masked, virtual number with extension, landline) is returned unchanged."""
    compact = re.sub(r"[\s-]", "", phone)
    m = _FULL_MOBILE.match(compact)
    return f"{m.group(1)}****{m.group(2)}" if m else phone.strip()


def when(at: datetime | date, seconds: bool = False) -> str:
    if isinstance(at, datetime):
        return at.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")
    return at.strftime("%Y-%m-%d")


def short_date(at: datetime | date) -> str:
    return at.strftime("%m-%d")


def method(code: str) -> str:
    return METHODS.get(code, code)


def count_label(key: str) -> str:
    return COUNT_LABELS.get(key, key)


def weight(grams: int | None) -> str:
    if grams is None:
        return ""
    return f"{grams / 1000:.2f} kg"
