"""The label command and the raw ESC/POS receipt."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from station.documents.cli import main, yuan_to_fen
from station.documents.data import ReceiptData, StickerData
from station.documents.escpos import CUT, INIT, cols, receipt_escpos, wrap_cols
from station.errors import InvalidInput

from .helpers import decode_pdf, needs_poppler, needs_zbar, page_sizes, text


@needs_poppler
def test_label_command_from_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "label.pdf"
    rc = main(
        [
            "label",
            "SF1234567890123",
            "--out",
            str(out),
            "--pickup-code",
            "A-1-0001",
            "--carrier",
            "顺丰",
            "--phone",
            "13812345678",
            "--name",
            "张三",
            "--cod",
            "12.5",
            "--id-check",
            "--received",
            "2024-05-01T08:30",
        ]
    )
    result = json.loads(capsys.readouterr().out)
    assert rc == 0 and result["ok"] and Path(result["out"]) == out.resolve()
    t = text(out, tmp_path)
    assert "A-1-0001" in t and "138****5678" in t and "¥12.50" in t and "05-01 08:30" in t
    assert len(page_sizes(out, tmp_path)) == 1


@needs_zbar
@needs_poppler
def test_label_command_with_lookup(
    sticker: StickerData, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "l.pdf"
    rc = main(
        ["label", sticker.tracking, "--out", str(out), "--size", "50x30", "--reprint"],
        lookup=lambda tracking: sticker,
    )
    assert rc == 0
    assert json.loads(capsys.readouterr().out)["size"] == "50x30"
    assert "补打 REPRINT" in text(out, tmp_path)
    assert ("CODE-128", sticker.tracking) in decode_pdf(out, tmp_path, 203)


def test_label_command_errors_are_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["label", "SF1", "--out", str(tmp_path / "x.pdf")]) == 2
    assert json.loads(capsys.readouterr().out)["error"] == "invalid"
    assert main(["label", "顺丰", "--out", str(tmp_path / "x.pdf"), "--pickup-code", "A"]) == 2
    assert json.loads(capsys.readouterr().out)["error"] == "barcode"


def test_yuan_to_fen() -> None:
    assert yuan_to_fen("12.5") == 1250
    assert yuan_to_fen("¥0.01") == 1
    assert yuan_to_fen("3") == 300
    for bad in ("1.234", "-1", "abc"):
        with pytest.raises(InvalidInput):
            yuan_to_fen(bad)


def test_display_columns() -> None:
    assert cols("取件码 A-1") == 3 * 2 + 4
    assert all(cols(line) <= 10 for line in wrap_cols("北京市朝阳区幸福里小区 3 号楼", 10))


def test_escpos_receipt(receipt: ReceiptData) -> None:
    data = receipt_escpos(receipt)
    assert data.startswith(INIT + b"\x1c&") and data.endswith(CUT)
    assert "取件凭证".encode("gb18030") in data
    assert "￥20.50".encode("gb18030") in data
    assert b"\x1dk\x49" + bytes([len("R20240501-0007") + 2]) + b"{BR20240501-0007" in data
    assert b"\x1dv0\x00" in data  # the signature raster
    text_part = data.decode("gb18030", errors="ignore")
    assert "139****1234" in text_part and "13912341234" not in text_part
    for line in text_part.split("\n"):
        printable = "".join(ch for ch in line if ch.isprintable())
        assert cols(printable) <= 48 + 8  # 48 columns (+ escape-sequence bytes counted)
