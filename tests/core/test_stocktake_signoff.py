"""Month-end stocktake sign-off: owner only, once, audited with the report's hash."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from station.audit import Actor
from station.errors import Conflict, NotAllowed, NotFound
from station.models import AuditEvent
from station.services import stocktake, stocktake_signoff
from station.services.integrity import verify

from .helpers import take_in

PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360606060000000050001a5f645400000000049454e44ae426082"
)


def test_owner_signs_off_the_latest_stocktake_once(
    clerk: Actor, owner: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PARCEL_STATION_DOCS", str(tmp_path / "docs"))
    with pytest.raises(NotFound):
        stocktake_signoff.sign_off(owner)
    p1 = take_in(clerk, slot="A-1", person=1).tracking
    p2 = take_in(clerk, slot="A-2", person=2).tracking
    take_in(clerk, slot="A-3", person=3)
    result = stocktake.reconcile(clerk, ["@A-1", p1, p2, "YT0000000000777"], shelf="A")
    assert result.missing and result.misplaced and result.unknown

    pending = stocktake_signoff.latest_unsigned()
    assert pending is not None and not pending.signed_off
    assert (pending.shelf, pending.expected, pending.found) == ("A", 3, 2)
    assert pending.by == "amy" and pending.missing == result.missing

    with pytest.raises(NotAllowed):
        stocktake_signoff.sign_off(clerk)
    signed = stocktake_signoff.sign_off(owner, note="月末 ok", signature_png=PNG_1PX)
    pdf = Path(signed.pdf)
    assert pdf.is_file() and pdf.parent == tmp_path / "docs" / "stocktakes"
    assert pdf.read_bytes().startswith(b"%PDF")
    assert hashlib.sha256(pdf.read_bytes()).hexdigest() == signed.sha256
    assert signed.record.signed_off and signed.record.signed_by == "boss"
    assert stocktake_signoff.latest_unsigned() is None

    event = AuditEvent.get(AuditEvent.seq == signed.seq)
    after = json.loads(event.after)
    assert event.action == "stocktake.signoff" and event.entity_id == str(pending.seq)
    assert after["sha256"] == signed.sha256 and after["note"] == "月末 ok"
    assert (after["expected"], after["found"], after["missing"]) == (3, 2, 1)
    assert after["signature"] is True

    with pytest.raises(Conflict) as refused:
        stocktake_signoff.sign_off(owner, pending.seq)
    assert refused.value.code == "already_signed"
    assert verify()["ok"]


def test_listing_and_signing_an_older_stocktake(clerk: Actor, owner: Actor, tmp_path: Path) -> None:
    p1 = take_in(clerk, slot="B-1", person=1).tracking
    first = stocktake.reconcile(clerk, [p1], shelf="B")
    stocktake.reconcile(clerk, [p1])  # the whole station
    records = stocktake_signoff.stocktakes()
    assert [r.shelf for r in records] == [None, "B"]
    assert first.found == 1
    older = records[1]
    signed = stocktake_signoff.sign_off(owner, older.seq, out_dir=tmp_path)
    assert Path(signed.pdf).parent == tmp_path
    records = stocktake_signoff.stocktakes()
    assert [r.signed_off for r in records] == [False, True]
    assert records[1].pdf == Path(signed.pdf).name
    assert stocktake_signoff.latest_unsigned() == records[0]
    with pytest.raises(NotFound):
        stocktake_signoff.get_stocktake(signed.seq)  # a sign-off is not a stocktake
