"""Reports (F11): the daily report and its exports (re-read, equal to the screen), the
dashboard's charts and the parcels behind a clicked bar, carrier settlement with fees and
statements; clerks are turned away."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton

from station import clock
from station.audit import Actor
from station.demo import build_demo
from station.services import carriers, dashboard
from station.services import settings as station_settings
from station.services.pickup import PickupRequest, pickup
from tests.core.helpers import take_in
from tests.ui.conftest import wait_idle
from ui.screens.reports import ReportsScreen


def day_of_business(owner: Actor, clerk: Actor) -> None:
    """Today: 5 parcels in (SF and ZTO), 3 collected (COD by cash, WeChat Pay and none)."""
    station_settings.set_value(owner, "id_check_policy", "flagged")
    views = [take_in(clerk, person=i, size="S", carrier="SF" if i % 2 else "ZTO",
                     cod_fen=[1250, 800, 0, 0, 0][i - 1]) for i in range(1, 6)]
    pickup(clerk, PickupRequest(refs=(views[0].pickup_code,), method="cash",
                                tendered_fen=1250))
    pickup(owner, PickupRequest(refs=(views[1].pickup_code,), method="wechat"))
    pickup(clerk, PickupRequest(refs=(views[2].pickup_code,)))


@pytest.fixture
def open_reports(make_window, qtbot):  # noqa: ANN001, ANN201
    def make(actor: Actor, language: str = "en") -> ReportsScreen:
        window = make_window(actor, language)
        screen = ReportsScreen(window.session)
        qtbot.addWidget(screen)
        screen.resize(1216, 700)
        screen.show()
        screen.activate()
        wait_idle(qtbot)
        return screen

    return make


def save_as(monkeypatch: pytest.MonkeyPatch, path: Path, module: str = "reports") -> None:
    monkeypatch.setattr(f"ui.screens.{module}.QFileDialog.getSaveFileName",
                        lambda *a, **k: (str(path), ""))


def export(qtbot, tab, fmt: str) -> None:  # noqa: ANN001
    qtbot.mouseClick(tab.exports[fmt], Qt.MouseButton.LeftButton)
    wait_idle(qtbot)
    qtbot.waitUntil(lambda: tab.progress is None, timeout=20_000)


def number(text: str) -> str:
    return text.replace(",", "").replace(" h", "")


def test_daily_report_on_screen_and_exports_read_back_equal(open_reports, qtbot, owner, clerk,
                                                            tmp_path, monkeypatch) -> None:
    day_of_business(owner, clerk)
    screen = open_reports(owner)
    tab = screen.daily
    values = {key: label.text() for key, label in tab.values.items()}
    assert values["received"] == "5" and values["collected"] == "3"
    assert values["on_shelf"] == "2"
    money = {tab.money.item(r, 0).text(): tab.money.item(r, 1).text()
             for r in range(tab.money.rowCount())}
    assert money == {"Cash": "¥12.50", "WeChat Pay": "¥8.00", "Alipay": "¥0.00",
                     "Card": "¥0.00", "Total": "¥20.50"}
    carriers_shown = {tab.carriers.item(r, 0).text().split()[0]: tab.carriers.item(r, 1).text()
                      for r in range(tab.carriers.rowCount())}
    assert carriers_shown == {"SF": "3", "ZTO": "2"}

    save_as(monkeypatch, tmp_path / "daily.csv")
    export(qtbot, tab, "csv")
    raw = (tmp_path / "daily.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM for Excel
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    summary = {r[2]: r[3] for r in rows if r[0] == "summary"}
    for key, text in values.items():
        if key.endswith("_fen"):
            continue  # money: checked against the sends rows below
        if text == "—":
            assert summary[key] == "", key
        else:
            assert float(summary[key]) == float(number(text)), key
    fen = {r[1]: int(r[3]) for r in rows if r[0] == "payments"}
    assert fen == {"cash": 1250, "wechat": 800, "alipay": 0, "card": 0, "total": 2050}
    by_carrier = {r[1]: r[3] for r in rows if r[0] == "carrier" and r[2] == "received"}
    assert by_carrier == carriers_shown
    assert screen.banner.kind == "ok" and "daily.csv" in screen.banner.text()

    save_as(monkeypatch, tmp_path / "daily.xlsx")
    export(qtbot, tab, "xlsx")
    book = load_workbook(tmp_path / "daily.xlsx")
    cells = {row[0]: row[1] for row in book["Summary"].iter_rows(min_row=2, values_only=True)}
    assert cells["入库 Received"] == int(values["received"])
    assert cells["出库(取件) Collected"] == int(values["collected"])
    assert cells["日终在库 At station at close"] == int(values["on_shelf"])
    pay = {row[1] or "total": row[3]
           for row in book["Payments"].iter_rows(min_row=2, values_only=True)}
    on_screen = {code: Decimal(money[name].lstrip("¥")) for code, name in (
        ("cash", "Cash"), ("wechat", "WeChat Pay"), ("alipay", "Alipay"), ("card", "Card"),
        ("total", "Total"))}
    assert {k: Decimal(str(v)) for k, v in pay.items()} == on_screen
    sheet = {row[0]: row[1] for row in book["Carriers"].iter_rows(min_row=2, values_only=True)}
    assert {k: str(v) for k, v in sheet.items()} == carriers_shown


def test_pdf_export_has_the_charts_and_can_be_cancelled(open_reports, qtbot, owner, clerk,
                                                        tmp_path, monkeypatch) -> None:
    day_of_business(owner, clerk)
    screen = open_reports(owner)
    tab = screen.daily
    save_as(monkeypatch, tmp_path / "daily.pdf")
    qtbot.mouseClick(tab.exports["pdf"], Qt.MouseButton.LeftButton)
    assert tab.progress is not None and tab.progress.isVisible()
    cancel = tab.progress.findChild(QPushButton)
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)  # before the charts are even drawn
    wait_idle(qtbot)
    assert not (tmp_path / "daily.pdf").exists()
    assert screen.banner.kind == "warn"
    export(qtbot, tab, "pdf")
    pdf = (tmp_path / "daily.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Subtype /Image") >= 4


def test_dashboard_charts_and_the_parcels_behind_a_bar(open_reports, qtbot, owner,
                                                       monkeypatch) -> None:
    build_demo(days=6, per_day=10)
    screen = open_reports(owner)
    screen.tabs.setCurrentWidget(screen.dashboard)
    wait_idle(qtbot)
    panel = screen.dashboard
    dash = panel.dash
    assert dash is not None and dash.date_to == clock.local_day().isoformat()
    charts = panel.charts
    trend = charts.trend
    received = [trend.value("received", i) for i in range(30)]
    assert received == [p.received for p in dash.days] and sum(received) > 20
    assert sum(charts.hours.value("received", h) for h in range(24)) == sum(received)
    loads = {s.shelf: s for s in dash.shelves}
    assert charts.shelves.value("S", 0) == loads[dash.shelves[0].shelf].used["S"]

    # Click the tallest "in" bar of the 30 days: its parcels are listed.
    i = max(range(30), key=lambda k: received[k])
    qtbot.mouseClick(trend.viewport(), Qt.MouseButton.LeftButton, pos=trend.bar_centre(
        "received", i))
    qtbot.waitUntil(lambda: panel.dialog is not None and panel.dialog.behind is not None)
    dialog = panel.dialog
    assert dialog.behind.total == received[i] == dialog.table.rowCount()
    assert dash.days[i].date in dialog.windowTitle()
    assert {dialog.table.item(r, 8).text()[:5] for r in range(dialog.table.rowCount())} == {
        date.fromisoformat(dash.days[i].date).strftime("%m-%d")}
    dialog.reject()

    # A stacked bar of the occupancy chart: the parcels of that shelf and size.
    shelf_i = next(k for k, s in enumerate(dash.shelves) if s.used["S"])
    shelves_chart = charts.shelves
    qtbot.mouseClick(shelves_chart.viewport(), Qt.MouseButton.LeftButton,
                     pos=shelves_chart.bar_centre("S", shelf_i))
    qtbot.waitUntil(lambda: panel.dialog is not dialog and panel.dialog.behind is not None)
    rows = panel.dialog.behind.rows
    assert len(rows) == dash.shelves[shelf_i].used["S"]
    assert all(v.size == "S" and v.slot.startswith(dash.shelves[shelf_i].shelf) for v in rows)
    panel.dialog.reject()
    # The chart drawn again for the PDF is a real picture.
    assert trend.png(600, 300).startswith(b"\x89PNG")
    behind = dashboard.parcels_behind(owner, dashboard.Bar("days", dash.days[i].date,
                                                           "received"))
    assert behind.total == received[i]


def test_settlement_fees_totals_and_statements(open_reports, qtbot, owner, clerk, tmp_path,
                                               monkeypatch) -> None:
    day_of_business(owner, clerk)
    screen = open_reports(owner)
    screen.tabs.setCurrentWidget(screen.settlement)
    wait_idle(qtbot)
    tab = screen.settlement
    assert tab.table.rowCount() == 3  # SF, ZTO and the total
    tab.carrier.setCurrentIndex(tab.carrier.findData("SF"))
    tab.fee_parcel.clear()
    qtbot.keyClicks(tab.fee_parcel, "0.50")
    tab.fee_return.clear()
    qtbot.keyClicks(tab.fee_return, "0.20")
    qtbot.mouseClick(tab.save_fees, Qt.MouseButton.LeftButton)
    wait_idle(qtbot)
    sf = carriers.get("SF")
    assert (sf.fee_per_parcel_fen, sf.fee_per_return_fen) == (50, 20)
    assert "¥1.50" in tab.owed.text()  # 3 SF parcels × ¥0.50
    last = tab.table.rowCount() - 1
    assert tab.table.item(last, 0).text() == "Total"
    assert tab.table.item(last, 5).text() == "¥1.50"

    save_as(monkeypatch, tmp_path / "sf.xlsx", "settlement")
    qtbot.mouseClick(tab.xlsx, Qt.MouseButton.LeftButton)
    wait_idle(qtbot)
    book = load_workbook(tmp_path / "sf.xlsx")
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(min_row=2, values_only=True)}
    assert summary["应付合计(分) Owed (fen)"] == 150 and summary["入库件数 Parcels"] == 3
    save_as(monkeypatch, tmp_path / "sf.pdf", "settlement")
    qtbot.mouseClick(tab.pdf, Qt.MouseButton.LeftButton)
    wait_idle(qtbot)
    assert (tmp_path / "sf.pdf").read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize("language, words", [("en", "owner only"), ("zh_CN", "站长")])
def test_clerks_see_an_owner_only_note(open_reports, clerk, language, words) -> None:
    screen = open_reports(clerk, language)
    assert screen.pages.currentWidget() is screen.owner_only
    assert words in screen.owner_only.text()
    assert screen.daily.report is None
    assert QApplication.activeModalWidget() is None


def test_the_owner_reaches_both_screens_from_the_main_window(make_window, qtbot, owner) -> None:
    from ui.screens.day_close import DayCloseScreen

    window = make_window(owner)
    qtbot.keyClick(window, Qt.Key.Key_F11)
    wait_idle(qtbot)
    reports_screen = window.stack.currentWidget()
    assert isinstance(reports_screen, ReportsScreen)
    assert reports_screen.daily.report is not None
    qtbot.keyClick(window, Qt.Key.Key_F10)
    wait_idle(qtbot)
    day_close_screen = window.stack.currentWidget()
    assert isinstance(day_close_screen, DayCloseScreen)
    assert day_close_screen.data is not None


def test_sends_counted_on_the_daily_report_screen(open_reports, qtbot, owner, clerk) -> None:
    from station.services.sends import void_send
    from tests.core.sends_helpers import setup_sends, take

    setup_sends(owner)
    kept = take(clerk, method="wechat")
    voided = take(clerk, method="cash", tendered_fen=10_000)
    void_send(clerk, voided.send.waybill_no, "sender changed their mind")
    screen = open_reports(owner)
    tab = screen.daily
    values = {key: label.text() for key, label in tab.values.items()}
    assert values["sends"] == "1" and values["sends_voided"] == "1"
    assert values["sends_handed_over"] == "0"
    assert values["sends_fen"] == f"¥{kept.send.total_fen / 100:.2f}"
    money = {tab.money.item(r, 0).text(): tab.money.item(r, 1).text()
             for r in range(tab.money.rowCount())}
    # The voided send's cash was reversed; the WeChat payment stays.
    assert money["Cash"] == "¥0.00" and money["WeChat Pay"] == f"¥{kept.paid_fen / 100:.2f}"
    assert tab.names["sends_fen"].text() == "Send revenue"
    screen.tabs.setCurrentWidget(screen.dashboard)
    wait_idle(qtbot)
    qtbot.waitUntil(lambda: "Sends: 1" in screen.dashboard.summary.text(), timeout=10_000)
    assert f"revenue ¥{kept.send.total_fen / 100:,.2f}" in screen.dashboard.summary.text()


def test_hand_ticks_and_near_misses_per_clerk_on_screen(open_reports, qtbot, owner,
                                                        clerk) -> None:
    from station.models_pickup import BY_HAND
    from station.services import pickup_lookup
    from station.services.pickup_checks import Check

    mine, other = take_in(clerk, person=1), take_in(clerk, person=2)
    pickup(clerk, PickupRequest(refs=(mine.tracking,), checks=(
        Check(mine.tracking, BY_HAND, reason="label torn off"),)))
    pickup_lookup.record_wrong_scan(clerk, other.tracking, [other.id + 100_000, mine.id])
    pickup_lookup.lookup(clerk, "0999")  # nobody: a failed lookup
    screen = open_reports(owner)
    table = screen.daily.safety
    assert table.rowCount() == 1
    row = [table.item(0, c).text() for c in range(table.columnCount())]
    assert row == ["amy", "1", "1", "0", "0", "1"]
    assert "label torn off" in table.item(0, 1).toolTip()
    assert other.tracking in table.item(0, 2).toolTip()
    header = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    assert header[1:3] == ["Ticked by hand", "Wrong parcel scanned"]
