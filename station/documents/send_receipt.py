"""The sender's receipt (寄件凭证) on the 80 mm roll: waybill, destination, weight, price
parts and payment. Phones arrive masked or are masked here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from station.documents import fmt
from station.documents.barcodes import MM
from station.documents.flow import KV, ROLL_80, Code128, Flow, Para, Rule, Space
from station.documents.receipt import BODY, ROLL_MARGINS


@dataclass(frozen=True)
class SendReceiptData:
    station_name: str
    receipt_no: str
    waybill_no: str
    carrier_name: str
    clerk: str
    at: datetime
    sender_name: str
    recipient_name: str
    recipient_phone: str
    destination: str
    contents: str
    weight_g: int
    chargeable_weight_g: int
    freight_fen: int
    insurance_fen: int
    total_fen: int
    method: str
    tendered_fen: int = 0
    change_fen: int = 0
    declared_value_fen: int = 0
    station_address: str = ""
    voided: bool = False


def send_receipt_flow(data: SendReceiptData) -> Flow:
    f = Flow(ROLL_80, None, ROLL_MARGINS)
    f.add(Para(data.station_name, 12, bold=True, align="center", space_after=1))
    if data.station_address:
        f.add(Para(data.station_address, 7.5, align="center"))
    f.add(Space(3), Para("寄件凭证 SEND RECEIPT", 10.5, bold=True, align="center"))
    if data.voided:
        f.add(Space(2), Para("已作废 VOID", 9, bold=True, align="center", inverse=True))
    f.add(
        Rule(),
        KV("收据号 Receipt No.", data.receipt_no, BODY),
        KV("时间 Time", fmt.when(data.at, seconds=True), BODY),
        KV("店员 Clerk", data.clerk, BODY),
        Rule(),
        KV("快递 Carrier", data.carrier_name, BODY),
        KV("运单号 Waybill", data.waybill_no, BODY, bold=True),
        KV("寄件人 Sender", fmt.surname(data.sender_name), BODY),
        KV(
            "收件人 Recipient",
            f"{fmt.surname(data.recipient_name)} {fmt.mask_phone(data.recipient_phone)}",
            BODY,
        ),
        KV("目的地 To", data.destination, BODY),
        KV("物品 Contents", data.contents or "—", BODY),
        KV("实重 Weight", fmt.weight(data.weight_g), BODY),
        KV("计费重 Chargeable", fmt.weight(data.chargeable_weight_g), BODY),
        Rule(),
        KV("运费 Freight", fmt.yuan(data.freight_fen), BODY),
    )
    if data.insurance_fen:
        f.add(
            KV("保价金额 Declared", fmt.yuan(data.declared_value_fen), BODY),
            KV("保价费 Insurance", fmt.yuan(data.insurance_fen), BODY),
        )
    f.add(
        KV("合计 Total", fmt.yuan(data.total_fen), BODY, bold=True),
        KV("支付方式 Method", fmt.method(data.method), BODY),
    )
    if data.method == "cash":
        f.add(
            KV("收款 Tendered", fmt.yuan(data.tendered_fen), BODY),
            KV("找零 Change", fmt.yuan(data.change_fen), BODY),
        )
    f.add(Rule(), Code128(data.waybill_no, height=9 * MM, max_module_dots=2, size=7.5))
    f.add(
        Space(2),
        Para("请保管此凭证以便查询 Keep this receipt to track your parcel", 7.5, align="center"),
    )
    return f


def render_send_receipt(data: SendReceiptData, out: Path | None = None) -> bytes:
    return send_receipt_flow(data).render(f"Send receipt {data.receipt_no}", out)
