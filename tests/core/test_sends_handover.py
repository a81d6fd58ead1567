"""Sends leave with the courier in the hand-over batch, and the settlement, the daily report,
the dashboard and the Z-report count them."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from station import clock
from station.audit import Actor
from station.errors import Conflict, NotFound
from station.models_sends import Send
from station.services import dashboard, reports, returns, settlement
from station.services.sends import void_send

from .helpers import take_in
from .sends_helpers import setup_sends, take


@pytest.fixture
def priced(owner: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Actor:
    monkeypatch.setenv("PARCEL_STATION_DOCS", str(tmp_path / "docs"))
    setup_sends(owner)
    return owner


def _pdf_text(path: str) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils not installed")
    return subprocess.run(
        ["pdftotext", path, "-"], capture_output=True, text=True, check=True
    ).stdout


def test_handover_takes_returns_and_sends(priced: Actor, clerk: Actor) -> None:
    parcel = take_in(clerk, "SF1000000000001", carrier="SF")
    returns.mark_for_return(clerk, [parcel.tracking])
    a, b = take(clerk).send, take(clerk).send
    voided = take(clerk).send
    void_send(clerk, voided.id, "wrong address")
    zto = take(clerk, carrier="ZTO").send
    result = returns.handover(clerk, "SF", "刘师傅", courier_signature_png=b"\x89PNG fake")
    assert [p.tracking for p in result.parcels] == [parcel.tracking]
    assert [s.waybill_no for s in result.sends] == [a.waybill_no, b.waybill_no]
    assert all(
        s.status == "handed_over" and s.manifest_no == result.manifest_no for s in result.sends
    )
    data = result.to_json()
    assert data["sends"][0]["waybill_no"] == a.waybill_no and data["pdf"]
    text = _pdf_text(result.pdf)
    assert a.waybill_no in text and parcel.tracking in text and "寄件" in text
    assert Send.get_by_id(voided.id).status == "voided"
    assert Send.get_by_id(zto.id).status == "created"
    with pytest.raises(Conflict) as err:
        void_send(priced, a.id, "too late")
    assert err.value.code == "already_handed_over"
    with pytest.raises(NotFound) as nothing:
        returns.handover(clerk, "SF")
    assert nothing.value.code == "nothing_to_hand_over"


def test_handover_of_sends_only_and_scanned_ones(priced: Actor, clerk: Actor) -> None:
    a, b, c = (take(clerk).send for _ in range(3))
    result = returns.handover(clerk, "SF", trackings=[a.waybill_no.lower(), c.waybill_no])
    assert result.parcels == [] and [s.id for s in result.sends] == [a.id, c.id]
    assert "寄件交接单" in _pdf_text(result.pdf)
    assert Send.get_by_id(b.id).status == "created"
    with pytest.raises(Conflict) as err:  # already handed over: not in this batch
        returns.handover(clerk, "SF", trackings=[a.waybill_no])
    assert err.value.code == "not_waiting"
    zto = take(clerk, carrier="ZTO").send
    with pytest.raises(Conflict):  # another carrier's send
        returns.handover(clerk, "SF", trackings=[zto.waybill_no])
    with pytest.raises(NotFound):
        returns.handover(clerk, "SF", trackings=[])


def test_settlement_counts_sends_handed_over(priced: Actor, clerk: Actor) -> None:
    today = clock.local_day()
    take_in(clerk, "SF1000000000002", carrier="SF")
    a, b = take(clerk).send, take(clerk).send
    before = settlement.settle(priced, "SF", today, today)
    assert (before.parcels, before.sends, before.sends_fen) == (1, 0, 0)
    returns.handover(clerk, "SF", trackings=[a.waybill_no, b.waybill_no])
    after = settlement.settle(priced, "SF", today, today)
    assert (after.sends, after.sends_fen) == (2, a.total_fen + b.total_fen)
    assert after.net_fen == after.owed_fen - after.sends_fen
    data = after.to_json()
    assert data["sends"] == 2 and data["net_fen"] == after.net_fen
    assert data["days"][0]["sends"] == 2
    summary = {r.carrier: r for r in dashboard.owed_by_carrier(priced, today, today)}
    assert (summary["SF"].sends, summary["SF"].sends_fen) == (2, after.sends_fen)


def test_daily_report_and_dashboard_count_sends(
    priced: Actor, clerk: Actor, tmp_path: Path
) -> None:
    today = clock.local_day()
    a = take(clerk).send
    b = take(clerk, carrier="ZTO", method="wechat", tendered_fen=None).send
    gone = take(clerk).send
    void_send(clerk, gone.id, "mistake")
    returns.handover(clerk, "SF", trackings=[a.waybill_no])
    report = reports.daily(priced, today)
    assert (report.sends, report.sends_voided, report.sends_handed_over) == (2, 1, 1)
    assert report.sends_fen == a.total_fen + b.total_fen
    assert report.sends_by_carrier == {
        "SF": {"sends": 1, "sends_fen": a.total_fen},
        "ZTO": {"sends": 1, "sends_fen": b.total_fen},
    }
    assert report.sends_by_clerk == {"amy": 2}
    assert report.collected_fen["cash"] == a.total_fen  # the voided one reversed
    assert report.collected_fen["wechat"] == b.total_fen
    data = report.to_json()
    assert data["sends"] == 2 and data["sends_fen"] == report.sends_fen
    rows = reports.write_csv(report, tmp_path / "d.csv").read_text(encoding="utf-8-sig")
    assert f"sends,total,fen,{report.sends_fen}" in rows and "summary,,sends,2" in rows
    reports.write_pdf(report, tmp_path / "d.pdf")
    assert "寄件" in _pdf_text(str(tmp_path / "d.pdf"))
    board = dashboard.dashboard(priced, days=7)
    assert (board.sends, board.sends_fen) == (2, report.sends_fen)
    assert board.days[-1].sends == 2 and board.days[-1].sends_fen == report.sends_fen
    assert sum(d.sends for d in board.days[:-1]) == 0


def test_every_row_a_send_writes_replays_in_verify(priced: Actor, clerk: Actor) -> None:
    """The audit replay (verify) finds every send, sender, address, rate card and ledger row
    as the events that wrote them recorded it: creates, updates, voids and the hand-over."""
    from station.services import senders, sends_rates
    from station.services.integrity import verify
    from station.services.senders import AddressInput

    a = take(clerk).send
    take(clerk, sender=None, sender_id=a.sender_id, recipient_phone="13898760000")
    b = take(clerk, sender=None, sender_id=a.sender_id, recipient_phone="13898760000").send
    senders.save_address(
        clerk,
        a.sender_id,
        AddressInput("sender", "陈大文", "13712345678", "广东", "广州", "", "1号"),
    )
    void_send(clerk, b.id, "changed")
    sends_rates.set_region_zone(priced, "SF", "新疆", "national")
    sends_rates.set_region_zone(priced, "SF", "新疆", "default")
    returns.handover(clerk, "SF")
    result = verify()
    assert result["ok"], result["problems"]
    assert result["rows_ok"] and result["rows_checked"] > 10
