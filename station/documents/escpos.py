"""The pickup receipt as raw ESC/POS for 80 mm receipt printers (optional path).

Text goes in GB18030 with the printer in Chinese mode (``FS &``); a line is 48 columns of
Font A (12×24 dots on a 576-dot head), a Chinese character takes two. The receipt number is
printed as the printer's own Code 128 (``GS k``), the signature as a raster image (``GS v 0``).
"""

from __future__ import annotations

import io
import unicodedata

from station.documents import fmt
from station.documents.data import PersonDetails, ReceiptData

ESC, GS, FS = b"\x1b", b"\x1d", b"\x1c"
INIT = ESC + b"@"
CHINESE_ON = FS + b"&"
CUT = GS + b"V" + bytes([66, 0])  # feed to the cutter and cut (partial)
COLUMNS = 48
HEAD_DOTS = 576


def cols(text: str) -> int:
    """Display columns: East Asian wide/full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def fit_cols(text: str, width: int) -> str:
    out, used = "", 0
    for ch in text:
        w = cols(ch)
        if used + w > width:
            break
        out, used = out + ch, used + w
    return out


def wrap_cols(text: str, width: int) -> list[str]:
    lines, line, used = [], "", 0
    for ch in text:
        w = cols(ch)
        if used + w > width:
            lines.append(line.rstrip())
            line, used = "", 0
            if ch == " ":
                continue
        line, used = line + ch, used + w
    if line.strip() or not lines:
        lines.append(line.rstrip())
    return lines


class Receipt:
    """A small ESC/POS writer."""

    def __init__(self, columns: int = COLUMNS) -> None:
        self.columns = columns
        self.buf = bytearray(INIT + CHINESE_ON)

    def raw(self, data: bytes) -> Receipt:
        self.buf += data
        return self

    def text(self, s: str) -> Receipt:
        # ¥ as the full-width ￥ (in GBK, which every Chinese receipt printer has)
        self.buf += s.replace("¥", "￥").encode("gb18030", errors="replace")
        return self

    def line(
        self, s: str = "", *, align: int = 0, bold: bool = False, big: bool = False
    ) -> Receipt:
        width = self.columns // 2 if big else self.columns
        self.raw(ESC + b"a" + bytes([align]) + ESC + b"E" + bytes([int(bold)]))
        self.raw(GS + b"!" + bytes([0x11 if big else 0]))
        for part in wrap_cols(s, width):
            self.text(part).raw(b"\n")
        return self.raw(GS + b"!" + b"\x00" + ESC + b"E\x00" + ESC + b"a\x00")

    def kv(self, key: str, value: str, bold: bool = False) -> Receipt:
        room = self.columns - cols(value) - 1
        if room < 4:
            return self.line(key, bold=bold).line(value, align=2, bold=bold)
        key_lines = wrap_cols(key, room)
        first = key_lines[0] + " " * (room - cols(key_lines[0]) + 1) + value
        self.line(first, bold=bold)
        for rest in key_lines[1:]:
            self.line(rest, bold=bold)
        return self

    def rule(self, ch: str = "-") -> Receipt:
        return self.line(ch * self.columns)

    def code128(self, value: str, height: int = 64, module: int = 2) -> Receipt:
        data = b"{B" + value.encode("ascii")
        self.raw(ESC + b"a\x01" + GS + b"h" + bytes([height]) + GS + b"w" + bytes([module]))
        self.raw(GS + b"H\x02" + GS + b"k" + bytes([73, len(data)]) + data + b"\n")
        return self.raw(ESC + b"a\x00")

    def image(self, png: bytes, max_width: int = HEAD_DOTS, max_height: int = 160) -> Receipt:
        """A PNG as a 1-bit raster (GS v 0), scaled to fit, centred."""
        from PIL import Image, ImageOps

        img = Image.open(io.BytesIO(png)).convert("L")
        img.thumbnail((max_width, max_height))
        # inverted and thresholded: a set bit is a dark pixel, rows padded to whole bytes
        mono = ImageOps.invert(img).point(lambda v: 255 if v >= 128 else 0).convert("1")
        w, h = mono.size
        wb = (w + 7) // 8
        bits = mono.tobytes()
        header = GS + b"v0\x00" + bytes([wb & 0xFF, wb >> 8, h & 0xFF, h >> 8])
        return self.raw(ESC + b"a\x01" + header + bytes(bits) + b"\n" + ESC + b"a\x00")

    def cut(self) -> bytes:
        self.raw(b"\n\n\n" + CUT)
        return bytes(self.buf)


def _person(r: Receipt, label: str, p: PersonDetails) -> None:
    parts = [p.name, fmt.mask_phone(p.masked_phone) if p.masked_phone else "", p.relation]
    r.kv(label, " ".join(x for x in parts if x) or "-")
    if p.id_type or p.masked_id:
        r.kv("  证件 ID", " ".join(x for x in (p.id_type, p.masked_id) if x))


def receipt_escpos(data: ReceiptData, columns: int = COLUMNS) -> bytes:
    """The same content as ``receipt.render_receipt`` as ESC/POS bytes."""
    r = Receipt(columns)
    r.line(data.station_name, align=1, bold=True, big=True)
    contact = "  ".join(x for x in (data.station_address, data.station_phone) if x)
    if contact:
        r.line(contact, align=1)
    r.line("取件凭证 PICKUP RECEIPT", align=1, bold=True)
    if data.reprint:
        r.line("** 补打 REPRINT **", align=1, bold=True)
    if data.undone:
        r.line("** 已撤销 UNDONE **", align=1, bold=True)
        r.line(data.undone, align=1)
    r.rule()
    r.kv("收据号 Receipt No.", data.receipt_no)
    r.kv("时间 Time", fmt.when(data.at, seconds=True))
    r.kv("店员 Clerk", data.clerk)
    r.rule()
    for i, ln in enumerate(data.lines, start=1):
        cod = fmt.yuan(ln.cod_fen) if ln.cod_fen else "-"
        r.kv(f"{i}. {ln.tracking}", cod)
        r.line(f"   取件码 {ln.pickup_code}  货位 {ln.slot}  {ln.carrier_name}".rstrip())
    r.rule()
    r.kv("件数 Parcels", str(len(data.lines)), bold=True)
    if data.due_fen or data.paid_fen or any(ln.cod_fen for ln in data.lines):
        r.kv("应收 Due", fmt.yuan(data.due_fen), bold=True)
        r.kv("实收 Paid", fmt.yuan(data.paid_fen), bold=True)
        r.kv("支付方式 Method", fmt.method(data.method))
        if data.tendered_fen or data.method == "cash":
            r.kv("收款 Tendered", fmt.yuan(data.tendered_fen))
            r.kv("找零 Change", fmt.yuan(data.change_fen))
    if data.proxy:
        _person(r, "代取人 Proxy", data.proxy)
    if data.id_check:
        _person(r, "核验身份 ID checked", data.id_check)
    if data.signature_png:
        r.line("签名 Signature:")
        r.image(data.signature_png)
    r.rule()
    r.code128(data.receipt_no)
    r.line(data.footer or "请核对包裹，妥善保管此凭证", align=1)
    return r.cut()
