"""The waybill of a real send: 76×130 mm, Chinese embedded, Code 128 that zbar reads at the
label printer's 203 dpi, phones masked (隐私面单); the sender's receipt."""

from __future__ import annotations

from pathlib import Path

import pytest

from station.audit import Actor
from station.errors import Conflict
from station.models import AuditEvent
from station.services import sends_docs, sends_rates
from station.services.sends import void_send
from station.services.sends_rates import RateCardInput

from ..core.sends_helpers import setup_sends, take
from .helpers import MM, decode_pdf, fonts, needs_poppler, needs_zbar, page_sizes, text


@pytest.fixture
def priced(owner: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Actor:
    monkeypatch.setenv("PARCEL_STATION_DOCS", str(tmp_path / "docs"))
    setup_sends(owner)
    sends_rates.set_rate_card(owner, RateCardInput("YUNDA", "national", 1000, 900, 400, 30000))
    return owner


@needs_poppler
@needs_zbar
@pytest.mark.parametrize("carrier", ["SF", "YUNDA"])
def test_waybill_decodes_at_203_dpi(
    priced: Actor, clerk: Actor, tmp_path: Path, carrier: str
) -> None:
    send = take(
        clerk,
        carrier=carrier,
        recipient_phone="13898765432",
        declared_value_fen=50_000,
        insured=carrier == "SF",
        contents_note="冬季外套",
    ).send
    pdf = sends_docs.waybill_pdf(clerk, send.waybill_no, tmp_path / "w.pdf")
    assert page_sizes(pdf, tmp_path) == [pytest.approx((76 * MM, 130 * MM), abs=0.05)]
    found = decode_pdf(pdf, tmp_path, 203)
    assert ("CODE-128", send.waybill_no) in found
    dots = 203 / 25.4  # per mm
    stub = (0, int(113 * dots), int(54 * dots), int(16 * dots))  # the sender's tear-off
    assert ("CODE-128", send.waybill_no) in decode_pdf(pdf, tmp_path, 203, crop=stub)
    assert ("QR-Code", send.waybill_no) in found
    assert all(f["emb"] == "yes" for f in fonts(pdf, tmp_path))
    words = text(pdf, tmp_path)
    assert "欧阳娜娜" in words and "陈大文" in words and "上海" in words and "浦东新区" in words
    assert "138****5432" in words and "13898765432" not in words
    assert "137****5678" in words and "13712345678" not in words
    assert "服装鞋帽 冬季外套" in words
    assert f"¥{send.total_fen // 100}.{send.total_fen % 100:02d}" in words
    assert "1.20 kg" in words


@needs_poppler
def test_reprint_is_audited_and_void_refuses(priced: Actor, clerk: Actor, tmp_path: Path) -> None:
    send = take(clerk).send
    before = AuditEvent.select().count()
    first = sends_docs.waybill_pdf(clerk, send.id)
    assert AuditEvent.select().count() == before and first.name == f"{send.waybill_no}.pdf"
    again = sends_docs.waybill_pdf(clerk, send.id, reprint=True)
    event = AuditEvent.select().order_by(AuditEvent.seq.desc()).get()
    assert again.name.endswith("-reprint.pdf") and event.action == "send.reprint"
    receipt = sends_docs.receipt_pdf(clerk, send.id)
    words = text(receipt, tmp_path)
    assert "寄件凭证" in words and send.waybill_no in words and "138****" in words
    void_send(clerk, send.id, "wrong box")
    with pytest.raises(Conflict):
        sends_docs.waybill_pdf(clerk, send.id)
    assert "已作废" in text(sends_docs.receipt_pdf(clerk, send.id), tmp_path)
