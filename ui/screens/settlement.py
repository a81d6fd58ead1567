"""Carrier settlement, the third tab of Reports (owner only): what each carrier owes for a
period, or one carrier day by day with its statement (XLSX, PDF); the carrier's handling fees
(per parcel, per return) are set here too."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from station import clock
from ui import workers
from ui.screens.common import carrier_text, money
from ui.screens.day_close import date_edit, fill_table, make_table, py_date, qdate
from ui.widgets.money_input import MoneyInput

if TYPE_CHECKING:
    from ui.screens.reports import ReportsScreen


def _settle_job(actor: Any, code: str | None, first: date, last: date) -> list[Any]:  # noqa: ANN401
    from station.services import dashboard, settlement

    if code:
        return [settlement.settle(actor, code, first, last)]
    return dashboard.owed_by_carrier(actor, first, last)


def _statement_job(result: Any, path: Path) -> Path:  # noqa: ANN401 - paper lane
    from station.documents import backoffice
    from station.services import settlement

    if path.suffix.lower() == ".pdf":
        return backoffice.settlement_pdf(result, path)
    return settlement.write_statement_xlsx(result, path)


class SettlementTab(QWidget):
    def __init__(self, screen: ReportsScreen) -> None:
        super().__init__()
        self.screen, self.session = screen, screen.session
        self.results: list[Any] = []
        self.fees: dict[str, tuple[int, int]] = {}
        root = QVBoxLayout(self)
        top = QHBoxLayout()
        self.carrier = QComboBox()
        self.carrier.setMinimumWidth(170)
        self.carrier.currentIndexChanged.connect(lambda _i: self._show_fees())
        today = clock.local_day()
        self.first, self.last = date_edit(today.replace(day=1)), date_edit(today)
        self.labels = [QLabel() for _ in range(3)]
        self.month_button, self.last_month_button = QPushButton(), QPushButton()
        self.month_button.clicked.connect(lambda: self._period(0))
        self.last_month_button.clicked.connect(lambda: self._period(1))
        self.go = QPushButton()
        self.go.clicked.connect(self.load)
        for w in (self.labels[0], self.carrier, self.labels[1], self.first, self.labels[2],
                  self.last, self.month_button, self.last_month_button, self.go):
            top.addWidget(w)
        top.addStretch(1)
        root.addLayout(top)
        fees = QHBoxLayout()
        self.fee_labels = [QLabel(), QLabel()]
        self.fee_parcel, self.fee_return = MoneyInput(), MoneyInput()
        self.save_fees = QPushButton()
        self.save_fees.clicked.connect(self.store_fees)
        for w in (self.fee_labels[0], self.fee_parcel, self.fee_labels[1], self.fee_return,
                  self.save_fees):
            fees.addWidget(w)
        fees.addStretch(1)
        root.addLayout(fees)
        self.owed = QLabel()
        self.owed.setWordWrap(True)
        self.owed.setStyleSheet("font-size: 14pt; font-weight: 700;")
        root.addWidget(self.owed)
        self.table = make_table(6)
        root.addWidget(self.table, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        self.xlsx, self.pdf = QPushButton(), QPushButton()
        self.xlsx.clicked.connect(lambda: self.statement("xlsx"))
        self.pdf.clicked.connect(lambda: self.statement("pdf"))
        row.addWidget(self.xlsx)
        row.addWidget(self.pdf)
        root.addLayout(row)

    def code(self) -> str | None:
        return self.carrier.currentData() or None

    def _period(self, months_back: int) -> None:
        first = clock.local_day().replace(day=1)
        if months_back:
            first = (first - timedelta(days=1)).replace(day=1)
        nxt = (first + timedelta(days=32)).replace(day=1)
        self.first.setDate(qdate(first))
        self.last.setDate(qdate(min(nxt - timedelta(days=1), clock.local_day())))
        self.load()

    def load_carriers(self) -> None:
        from station.services import carriers

        workers.run(carriers.list_carriers, owner=self, on_done=self._carriers,
                    on_error=self.screen.failed)

    def _carriers(self, views: list[Any]) -> None:
        self.fees = {v.code: (v.fee_per_parcel_fen, v.fee_per_return_fen) for v in views}
        current = self.carrier.currentData()
        self.carrier.blockSignals(True)
        self.carrier.clear()
        self.carrier.addItem(self.tr("All carriers"), "")
        for v in views:
            self.carrier.addItem(carrier_text(v.code, self.session.carriers), v.code)
        self.carrier.setCurrentIndex(max(0, self.carrier.findData(current)))
        self.carrier.blockSignals(False)
        self._show_fees()

    def _show_fees(self) -> None:
        code = self.code()
        parcel, ret = self.fees.get(code or "", (None, None))
        self.fee_parcel.set_fen(parcel)
        self.fee_return.set_fen(ret)
        for w in (self.fee_parcel, self.fee_return, self.save_fees, self.xlsx, self.pdf):
            w.setEnabled(code is not None)

    def store_fees(self) -> None:
        code, parcel, ret = self.code(), self.fee_parcel.fen(), self.fee_return.fen()
        if code is None or parcel is None or ret is None:
            self.screen.banner.show_message("warn", self.tr("Type both fees, e.g. 0.30."))
            return
        from station.services import carriers

        workers.run(carriers.update_terms, self.session.actor, code, fee_per_parcel_fen=parcel,
                    fee_per_return_fen=ret, owner=self, on_done=self._fees_saved,
                    on_error=self.screen.failed)

    def _fees_saved(self, view: Any) -> None:  # noqa: ANN401
        self.fees[view.code] = (view.fee_per_parcel_fen, view.fee_per_return_fen)
        self.screen.banner.show_message("ok", self.tr("{0}: {1} a parcel, {2} a return.").format(
            view.code, money(view.fee_per_parcel_fen), money(view.fee_per_return_fen)))
        self.load()

    def load(self) -> None:
        workers.run(_settle_job, self.session.actor, self.code(), py_date(self.first),
                    py_date(self.last), owner=self, on_done=self.show_results,
                    on_error=self.screen.failed)

    def show_results(self, results: list[Any]) -> None:
        self.results = results
        total = sum(r.owed_fen for r in results)
        names = self.session.carriers
        if self.code() and results:
            r = results[0]
            self.owed.setText(self.tr("{0} owes {1}: {2} parcels × {3} + {4} returns × {5}.")
                              .format(carrier_text(r.carrier, names), money(r.owed_fen),
                                      r.parcels, money(r.fee_per_parcel_fen), r.returns,
                                      money(r.fee_per_return_fen)))
            rows = [[d.date, f"{d.parcels:,}", f"{d.returns:,}",
                     money(d.parcels * r.fee_per_parcel_fen),
                     money(d.returns * r.fee_per_return_fen), money(d.owed_fen)]
                    for d in r.days]
            first = self.tr("Day")
        else:
            self.owed.setText(self.tr("Carriers owe {0} in all.").format(money(total)))
            rows = [[carrier_text(r.carrier, names), f"{r.parcels:,}", f"{r.returns:,}",
                     money(r.parcels_fen), money(r.returns_fen), money(r.owed_fen)]
                    for r in results]
            first = self.tr("Carrier")
        rows.append([self.tr("Total"), f"{sum(r.parcels for r in results):,}",
                     f"{sum(r.returns for r in results):,}",
                     money(sum(r.parcels_fen for r in results)),
                     money(sum(r.returns_fen for r in results)), money(total)])
        self.table.setHorizontalHeaderLabels([first, self.tr("Parcels"), self.tr("Returns"),
                                              self.tr("Parcel fees"), self.tr("Return fees"),
                                              self.tr("Owed")])
        fill_table(self.table, rows, bold_last=True)

    def statement(self, fmt: str) -> None:
        if not self.code() or len(self.results) != 1:
            return
        r = self.results[0]
        start = str(Path.home() / f"settlement-{r.carrier}-{r.date_from}-{r.date_to}.{fmt}")
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save the statement"), start,
                                              f"{fmt.upper()} (*.{fmt})")
        if path:
            target = Path(path) if path.lower().endswith(f".{fmt}") else Path(f"{path}.{fmt}")
            workers.run(_statement_job, r, target, owner=self, lane="paper",
                        on_done=lambda p: self.screen.banner.show_message(
                            "ok", self.tr("Saved: {0}").format(p)),
                        on_error=self.screen.failed)

    def retranslate(self) -> None:
        for label, text in zip(self.labels, (self.tr("Carrier:"), self.tr("From:"),
                                             self.tr("To:")), strict=True):
            label.setText(text)
        self.month_button.setText(self.tr("This month"))
        self.last_month_button.setText(self.tr("Last month"))
        self.go.setText(self.tr("Calculate"))
        self.fee_labels[0].setText(self.tr("Fee per parcel:"))
        self.fee_labels[1].setText(self.tr("Fee per return:"))
        self.save_fees.setText(self.tr("Save fees"))
        self.xlsx.setText(self.tr("Statement XLSX…"))
        self.pdf.setText(self.tr("Statement PDF…"))
        if self.carrier.count():
            self.carrier.setItemText(0, self.tr("All carriers"))
        self.show_results(self.results)
