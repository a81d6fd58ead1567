"""Fixtures for the document tests: sample data for every document, offscreen Qt."""

from __future__ import annotations

import os
from datetime import date, datetime, timedelta

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from station.documents.data import (  # noqa: E402
    ManifestData,
    ManifestParcel,
    PersonDetails,
    ReceiptData,
    ReceiptLine,
    StickerData,
    WaybillData,
    ZReportData,
)

from .helpers import signature_png  # noqa: E402

AT = datetime(2024, 5, 1, 14, 3, 22)


@pytest.fixture
def sticker() -> StickerData:
    return StickerData(
        tracking="SF1234567890123",
        carrier_code="SF",
        carrier_name="顺丰速运",
        pickup_code="A-3-0127",
        slot="A-3",
        masked_phone="138****5678",
        recipient_name="张三丰",
        received_at=AT,
        cod_fen=1250,
        id_check=True,
    )


@pytest.fixture
def plain_sticker() -> StickerData:
    return StickerData(
        "773012345678", "ZTO", "中通快递", "B-12-3456", "B-12", "139****0001", "John Smith", AT
    )


@pytest.fixture
def receipt() -> ReceiptData:
    return ReceiptData(
        station_name="幸福里快递驿站",
        receipt_no="R20240501-0007",
        clerk="王小明",
        at=AT,
        lines=(
            ReceiptLine("SF1234567890123", "A-3-0127", "A-3", 1250, "顺丰"),
            ReceiptLine("773012345678", "B-12-3456", "B-12", 0, "中通"),
            ReceiptLine("YT9876543210987", "C-1-0003", "C-1", 800),
        ),
        due_fen=2050,
        paid_fen=2050,
        tendered_fen=5000,
        change_fen=2950,
        method="cash",
        proxy=PersonDetails(name="李*", masked_phone="13912341234", relation="家人 family"),
        id_check=PersonDetails(
            name="李*", id_type="居民身份证 ID card", masked_id="110***********123X"
        ),
        signature_png=signature_png(),
        station_address="北京市朝阳区幸福里小区3号楼底商",
        station_phone="010-12345678",
    )


def make_parcels(n: int) -> tuple[ManifestParcel, ...]:
    reasons = ["滞留 overdue", "拒收 refused", "地址错误 wrong address"]
    return tuple(
        ManifestParcel(
            f"SF{1402345600000 + i * 7919}",
            f"{'ABC'[i % 3]}-{i % 9 + 1}",
            reasons[i % 3],
            datetime(2024, 4, 20, 9, 15) + timedelta(hours=i),
            weight_g=1250 if i % 2 else None,
            note="外包装破损 damaged" if i % 4 == 0 else "",
        )
        for i in range(n)
    )


@pytest.fixture
def manifest() -> ManifestData:
    return ManifestData(
        "RM20240501-01",
        "顺丰速运 SF Express",
        "刘师傅",
        "幸福里快递驿站",
        datetime(2024, 5, 1, 17, 30),
        "王小明",
        make_parcels(30),
        courier_phone="13800001111",
        notes="共两袋 two bags",
    )


@pytest.fixture
def z_report() -> ZReportData:
    return ZReportData(
        date=date(2024, 5, 1),
        station_name="幸福里快递驿站",
        clerk="王小明",
        at=datetime(2024, 5, 1, 21, 5, 9),
        expected_fen={"cash": 52050, "wechat": 31000, "alipay": 12000},
        counted_fen={"cash": 51750, "wechat": 31000, "alipay": 12000},
        variance_fen=-300,
        counts={"in": 312, "out": 280, "returned": 4, "on_shelf": 1203},
        variance_reason="找零时少收三元",
        z_no="Z20240501",
    )


@pytest.fixture
def waybill() -> WaybillData:
    return WaybillData(
        "SF1402345678901",
        "顺丰速运 SF Express",
        "陈大文",
        "13712345678",
        "北京市朝阳区幸福里小区3号楼2单元501",
        "欧阳娜娜",
        "13898765432",
        "上海市浦东新区张江高科技园区碧波路690号张江微电子港3号楼5层501室（前台代收）",
        1250,
        datetime(2024, 5, 1, 10, 20),
        contents="衣服 clothes",
        price_fen=2300,
        insured_fen=200,
        destination_code="021-PD 浦东张江",
        station_name="幸福里快递驿站",
    )
