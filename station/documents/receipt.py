"""The pickup receipt (取件凭证) on an 80 mm thermal roll, as long as its content."""

from __future__ import annotations

from pathlib import Path

from station.documents import fmt
from station.documents.barcodes import MM
from station.documents.data import PersonDetails, ReceiptData
from station.documents.flow import (
    KV,
    ROLL_80,
    Block,
    Code128,
    Column,
    Flow,
    Para,
    Picture,
    Rule,
    Space,
    Table,
)
from station.errors import InvalidInput
from station.i18n import tr

ROLL_MARGINS = (3 * MM, 4 * MM, 8 * MM, 4 * MM)  # 72 mm printable, room to tear off
BODY = 8.5

COLUMNS = (
    Column("#", 0.07),
    Column("运单号 / 取件码\nTracking / Code", 0.53),
    Column("货位 Slot", 0.18),
    Column("到付 COD", 0.22, "right"),
)


def _person(label: str, p: PersonDetails) -> list[Block]:
    parts = [p.name, fmt.mask_phone(p.masked_phone) if p.masked_phone else "", p.relation]
    blocks: list[Block] = [KV(label, " · ".join(x for x in parts if x) or "—", BODY)]
    if p.id_type or p.masked_id:
        blocks.append(KV("  证件 ID", " ".join(x for x in (p.id_type, p.masked_id) if x), BODY))
    return blocks


def receipt_flow(data: ReceiptData) -> Flow:
    if not data.lines:
        raise InvalidInput(tr("A receipt needs at least one parcel."), receipt_no=data.receipt_no)
    f = Flow(ROLL_80, None, ROLL_MARGINS)
    f.add(Para(data.station_name, 12, bold=True, align="center", space_after=1))
    contact = "  ".join(x for x in (data.station_address, data.station_phone) if x)
    if contact:
        f.add(Para(contact, 7.5, align="center"))
    f.add(Space(3), Para("取件凭证 PICKUP RECEIPT", 10.5, bold=True, align="center"))
    if data.reprint:
        f.add(Space(2), Para("补打 REPRINT", 9, bold=True, align="center", inverse=True))
    if data.undone:
        f.add(Space(2), Para("已撤销 UNDONE — 包裹已退回货架", 9, bold=True, align="center",
                             inverse=True), Para(data.undone, 7.5, align="center"))
    f.add(
        Rule(),
        KV("收据号 Receipt No.", data.receipt_no, BODY),
        KV("时间 Time", fmt.when(data.at, seconds=True), BODY),
        KV("店员 Clerk", data.clerk, BODY),
        Rule(),
    )
    rows = []
    for i, line in enumerate(data.lines, start=1):
        code = f"{line.tracking}\n{line.pickup_code}"
        if line.carrier_name:
            code += f"  {line.carrier_name}"
        rows.append([str(i), code, line.slot, fmt.yuan(line.cod_fen) if line.cod_fen else "—"])
    f.add(Table(COLUMNS, rows, size=BODY, shade=False, pad=1.2), Rule())
    f.add(KV("件数 Parcels", str(len(data.lines)), BODY, bold=True))
    if data.due_fen or data.paid_fen or any(ln.cod_fen for ln in data.lines):
        f.add(
            KV("应收 Due", fmt.yuan(data.due_fen), BODY, bold=True),
            KV("实收 Paid", fmt.yuan(data.paid_fen), BODY, bold=True),
            KV("支付方式 Method", fmt.method(data.method), BODY),
        )
        if data.tendered_fen or data.method == "cash":
            f.add(
                KV("收款 Tendered", fmt.yuan(data.tendered_fen), BODY),
                KV("找零 Change", fmt.yuan(data.change_fen), BODY),
            )
    if data.proxy or data.id_check:
        f.add(Rule(dashed=True))
        if data.proxy:
            f.add(*_person("代取人 Proxy", data.proxy))
        if data.id_check:
            f.add(*_person("核验身份 ID checked", data.id_check))
    if data.signature_png:
        f.add(
            Rule(dashed=True),
            Para("签名 Signature", BODY, space_after=1),
            Picture(data.signature_png, max_height=20 * MM),
        )
    f.add(Rule(), Code128(data.receipt_no, height=9 * MM, max_module_dots=2, size=7.5))
    f.add(
        Space(2),
        Para(
            data.footer
            or "请核对包裹，妥善保管此凭证 Please check your parcels and keep this receipt",
            7.5,
            align="center",
        ),
    )
    return f


def render_receipt(data: ReceiptData, out: Path | None = None) -> bytes:
    """The pickup receipt as PDF bytes (also written to ``out`` if given)."""
    return receipt_flow(data).render(f"Receipt {data.receipt_no}", out)
