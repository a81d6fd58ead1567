"""Hand-over manifests and day-close Z-reports."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from station.documents import render_manifest, render_z_report
from station.documents.data import ManifestData, ZReportData
from station.errors import InvalidInput

from .conftest import make_parcels
from .helpers import MM, decode_pdf, fonts, needs_poppler, needs_zbar, page_sizes, text, words

pytestmark = needs_poppler
A4 = (210 * MM, 297 * MM)


def test_manifest_is_a4_and_paginates(manifest: ManifestData, tmp_path: Path) -> None:
    pdf = render_manifest(manifest)
    sizes = page_sizes(pdf, tmp_path)
    assert len(sizes) >= 2
    assert all(s == pytest.approx(A4, abs=0.01) for s in sizes)
    n = len(sizes)
    pages = text(pdf, tmp_path).split("\f")
    for i, page in enumerate(pages[:n], start=1):
        assert f"第 {i}/{n} 页 Page {i} of {n}" in page
        if "SF14023" in page:  # the table header is repeated on every page with rows
            assert "运单号 Tracking" in page
    assert "驿站经办 Station clerk" in pages[n - 1]
    assert "快递员 Courier" in pages[n - 1]


def test_manifest_text(manifest: ManifestData, tmp_path: Path) -> None:
    t = text(render_manifest(manifest), tmp_path)
    for expected in (
        "退件交接单 RETURN HAND-OVER MANIFEST",
        "RM20240501-01",
        "顺丰速运 SF Express",
        "刘师傅",
        "138****1111",
        "王小明",
        "合计 Total: 30 件 parcels",
        "滞留 overdue: 10",
        "拒收 refused: 10",
        "共两袋 two bags",
        "1.25 kg",
    ):
        assert expected in t, expected
    assert "13800001111" not in t
    send = dataclasses.replace(manifest, kind="send")
    assert "寄件交接单" in text(render_manifest(send), tmp_path)


@needs_zbar
@pytest.mark.parametrize("dpi", [203, 300])
def test_every_manifest_barcode_decodes(manifest: ManifestData, dpi: int, tmp_path: Path) -> None:
    found = decode_pdf(render_manifest(manifest), tmp_path, dpi)
    values = {v for kind, v in found if kind == "CODE-128"}
    assert values == {p.tracking for p in manifest.parcels} | {manifest.manifest_no}


def test_manifest_long_cells_stay_in_the_page(manifest: ManifestData, tmp_path: Path) -> None:
    parcels = tuple(
        dataclasses.replace(
            p,
            reason="地址错误，收件人已搬走且电话无人接听，联系寄件人后确认退回 wrong address " * 2,
        )
        for p in make_parcels(5)
    )
    pdf = render_manifest(dataclasses.replace(manifest, parcels=parcels))
    for _, word, x0, _, x1, y1 in words(pdf, tmp_path):
        assert 13 * MM <= x0 and x1 <= A4[0] - 13 * MM, word
        assert y1 <= A4[1] - 8 * MM, word


def test_manifest_needs_parcels(manifest: ManifestData) -> None:
    with pytest.raises(InvalidInput):
        render_manifest(dataclasses.replace(manifest, parcels=()))


@pytest.mark.parametrize("paper", ["A4", "80mm"])
def test_z_report(z_report: ZReportData, paper: str, tmp_path: Path) -> None:
    pdf = render_z_report(z_report, paper=paper)
    [(w, h)] = page_sizes(pdf, tmp_path)
    if paper == "A4":
        assert (w, h) == pytest.approx(A4, abs=0.01)
    else:
        assert w == pytest.approx(80 * MM, abs=0.01) and h > 80 * MM
    t = text(pdf, tmp_path, layout=True)
    for expected in (
        "日结报告 Z-REPORT",
        "2024-05-01",
        "王小明",
        "2024-05-01 21:05:09",
        "现金 Cash",
        "¥520.50",
        "¥517.50",
        "-¥3.00",
        "微信 WeChat Pay",
        "¥310.00",
        "合计 Total",
        "¥950.50",
        "¥947.50",
        "短款 Short",
        "找零时少收三元",
        "入库 In",
        "312",
        "在架 On shelf",
        "1203",
        "站长 Owner",
    ):
        assert expected in t, (paper, expected)
    assert all(f["emb"] == "yes" for f in fonts(pdf, tmp_path))


def test_balanced_day(z_report: ZReportData, tmp_path: Path) -> None:
    even = dataclasses.replace(
        z_report, counted_fen=dict(z_report.expected_fen), variance_fen=0, variance_reason=""
    )
    t = text(render_z_report(even), tmp_path)
    assert "平 Balanced" in t and "差额原因" not in t


@needs_zbar
def test_z_report_roll_barcode(z_report: ZReportData, tmp_path: Path) -> None:
    pdf = render_z_report(z_report, paper="80mm")
    for dpi in (203, 300):
        assert ("CODE-128", "Z20240501") in decode_pdf(pdf, tmp_path, dpi)


def test_z_report_paper_must_be_known(z_report: ZReportData) -> None:
    with pytest.raises(InvalidInput):
        render_z_report(z_report, paper="Letter")
