"""Settings → Sends & rate cards (owner): import a CSV (all or nothing, the bad line named in
the banner), edit a row, set the station's origin."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from station.services import sends_rates
from tests.ui.conftest import wait_idle
from ui.screens import settings_sends
from ui.screens.common import money
from ui.screens.settings_sends import RateCardsPage

GOOD = """carrier,zone,first_weight_g,first_price,additional_per_kg,max_weight_g,insurance_rate
SF,local,1000,8,2,30000,0.5
SF,province,1000,10,3,30000,0.5
SF,national,1000,15,8,30000,1
"""
BAD = """carrier,zone,first_weight_g,first_price,additional_per_kg,max_weight_g
SF,local,1000,8,2,30000
SF,province,1000,ten,3,30000
"""


def _page(window, qtbot):  # noqa: ANN001, ANN202
    screen = window.show_screen("settings")
    page = next(p for p in screen.pages if isinstance(p, RateCardsPage))
    screen.list.setCurrentRow(screen.pages.index(page))
    wait_idle(qtbot)
    assert page.isEnabled()
    return screen, page


def _import(qtbot, monkeypatch, page, path: Path) -> None:  # noqa: ANN001
    monkeypatch.setattr(settings_sends.QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(path), "")))
    qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot)


def test_import_good_csv_shows_the_rows(make_window, qtbot, owner, tmp_path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    window = make_window(owner)
    screen, page = _page(window, qtbot)
    assert page.model.rowCount() == 0
    path = tmp_path / "rates.csv"
    path.write_text(GOOD, encoding="utf-8")
    _import(qtbot, monkeypatch, page, path)
    assert screen.banner.kind == "ok" and "3" in screen.banner.text()
    assert page.model.rowCount() == 3
    zones = [page.model.card_at(i).zone for i in range(3)]
    assert zones == ["local", "province", "national"]  # near to far
    assert page.model.data(page.model.index(2, 3)) == money(1500)
    assert page.model.data(page.model.index(2, 7)) == "1 %"
    assert len(sends_rates.list_rate_cards("SF")) == 3


def test_bad_csv_names_the_line_and_imports_nothing(make_window, qtbot, owner, tmp_path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    window = make_window(owner)
    screen, page = _page(window, qtbot)
    path = tmp_path / "bad.csv"
    path.write_text(BAD, encoding="utf-8")
    _import(qtbot, monkeypatch, page, path)
    assert screen.banner.kind == "error"
    assert "Line 3" in screen.banner.text() and "first_price" in screen.banner.text()
    assert sends_rates.list_rate_cards() == []
    assert page.model.rowCount() == 0


def test_edit_a_row_and_set_the_origin(make_window, qtbot, owner, tmp_path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "rates.csv"
    path.write_text(GOOD, encoding="utf-8")
    window = make_window(owner)
    screen, page = _page(window, qtbot)
    assert "Not set" in page.origin_note.text()  # the test station's address names no city
    _import(qtbot, monkeypatch, page, path)
    page.table.selectRow(1)  # SF, same province
    assert page.zone.currentData() == "province" and page.first_price.text() == "10.00"
    page.first_price.setText("11.50")
    page.province.setEditText("广东省")
    page.city.setEditText("深圳市")
    qtbot.keyClick(page.first_price, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot)
    card = next(c for c in sends_rates.list_rate_cards("SF") if c.zone == "province")
    assert card.first_price_fen == 1150
    assert sends_rates.origin() == sends_rates.Origin("广东省", "深圳市")
    assert page.model.data(page.model.index(1, 3)) == money(1150)


def test_a_clerk_cannot_change_rate_cards(make_window, qtbot, clerk) -> None:
    window = make_window(clerk)
    screen = window.show_screen("settings")
    page = next(p for p in screen.pages if isinstance(p, RateCardsPage))
    screen.list.setCurrentRow(screen.pages.index(page))
    assert not page.isEnabled() and screen.owner_note.isVisible()
