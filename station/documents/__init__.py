"""Printed documents: shelf stickers, pickup receipts, hand-over manifests, Z-reports and
waybills as PDF (reportlab + python-barcode), with embedded Chinese fonts and barcodes whose
modules are whole 203 dpi printer dots. Plain Python: nothing here imports Qt."""

from station.documents.barcodes import BarcodeError
from station.documents.data import (
    ManifestData,
    ManifestParcel,
    PersonDetails,
    ReceiptData,
    ReceiptLine,
    StickerData,
    WaybillData,
    ZReportData,
)
from station.documents.manifest import render_manifest
from station.documents.receipt import render_receipt
from station.documents.sticker import SIZES as STICKER_SIZES
from station.documents.sticker import render_sticker, render_stickers
from station.documents.waybill import render_waybill
from station.documents.z_report import render_z_report

__all__ = [
    "STICKER_SIZES",
    "BarcodeError",
    "ManifestData",
    "ManifestParcel",
    "PersonDetails",
    "ReceiptData",
    "ReceiptLine",
    "StickerData",
    "WaybillData",
    "ZReportData",
    "render_manifest",
    "render_receipt",
    "render_sticker",
    "render_stickers",
    "render_waybill",
    "render_z_report",
]
