"""The courier hand-over of returns (退件交接): pick the carrier, type the courier's name, scan
each parcel as it leaves, the courier signs, complete. Only scanned parcels leave; a parcel
that is not marked for return (or is for another carrier) is refused loudly. The manifest
PDF, with the courier's signature on it, goes to the report printer (or is saved)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from station.services.views import ParcelView
from ui import workers
from ui.screens.common import carrier_text, error_text
from ui.screens.pickup_parts import scan_key
from ui.screens.report_print import print_report
from ui.session import Session
from ui.widgets.rows_table import RowsTable
from ui.widgets.signature_pad import SignaturePad

SCANNED_BG = "#dcfce7"


def _handover_job(actor, carrier: str, courier: str, trackings: list[str],  # noqa: ANN001
                  signature: bytes | None = None) -> Any:  # noqa: ANN401
    from station.services import returns

    return returns.handover(actor, carrier, courier, trackings=trackings,
                            courier_signature_png=signature)


def _unmark_job(actor, tracking: str) -> ParcelView:  # noqa: ANN001
    from station.services import returns

    return returns.unmark_return(actor, tracking)


def signed_manifest_job(result: Any, carrier_name: str, station: str, clerk: str,  # noqa: ANN401
                        signature: bytes | None) -> tuple[bytes, str]:
    """The manifest of a completed hand-over, with the courier's signature drawn on it;
    written over the service's unsigned copy (same name), the signature PNG beside it."""
    from datetime import datetime
    from pathlib import Path

    from station.documents.barcodes import MM
    from station.documents.data import ManifestData, ManifestParcel
    from station.documents.flow import Para, Picture, Signatures
    from station.documents.manifest import manifest_flow
    from station.services import paperwork

    data = ManifestData(
        manifest_no=result.manifest_no, carrier=carrier_name, courier_name=result.courier_name,
        station_name=station, at=datetime.fromisoformat(result.at) if result.at else
        datetime.now(), clerk=clerk,
        parcels=tuple(ManifestParcel(
            tracking=v.tracking, slot=v.slot or "", reason=f"滞留 overdue {v.days_on_shelf} d",
            weight_g=v.weight_g,
            received_at=datetime.fromisoformat(v.received_at) if v.received_at else None)
            for v in result.parcels))
    flow = manifest_flow(data)
    if signature:
        # The courier has signed on the pad: the drawn signature takes the courier's line.
        if flow.blocks and isinstance(flow.blocks[-1], Signatures):
            flow.blocks.pop()
        flow.add(Para(f"快递员签字 Courier's signature: {result.courier_name}  "
                      f"{data.at:%Y-%m-%d %H:%M}", 9, keep_with_next=True),
                 Picture(signature, max_height=22 * MM, max_width=80 * MM),
                 Signatures(["驿站经办 Station clerk 签字/日期 Sign/Date"]))
    folder = Path(result.pdf).parent if result.pdf else paperwork.documents_dir("manifests")
    out = folder / f"{result.manifest_no}.pdf"
    if signature:
        (folder / f"{result.manifest_no}-courier.png").write_bytes(signature)
    pdf = flow.render(f"Manifest {result.manifest_no}", out)
    return pdf, str(out)


class HandoverPanel(QWidget):
    told = Signal(str, str)  # (banner kind, text)
    handed_over = Signal(object)  # HandoverResult
    changed = Signal()  # the list of parcels marked for return changed

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.pending: list[ParcelView] = []
        self.scanned: set[str] = set()  # tracking numbers
        self.busy = False
        root = QHBoxLayout(self)
        left = QVBoxLayout()
        form = QFormLayout()
        self.carrier = QComboBox()
        self.carrier.currentIndexChanged.connect(lambda _i: self._show())
        self.courier = QLineEdit()
        self.courier.setMaxLength(40)
        self.carrier_label, self.courier_label = QLabel(), QLabel()
        form.addRow(self.carrier_label, self.carrier)
        form.addRow(self.courier_label, self.courier)
        left.addLayout(form)
        self.count = QLabel()
        self.count.setStyleSheet("font-size: 14pt; font-weight: 700;")
        left.addWidget(self.count)
        self.table = RowsTable()
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        left.addWidget(self.table, 1)
        self.unmark_button = QPushButton()
        self.unmark_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.unmark_button.clicked.connect(self.unmark)
        left.addWidget(self.unmark_button, 0, Qt.AlignmentFlag.AlignLeft)
        root.addLayout(left, 3)

        right = QVBoxLayout()
        self.sign_box = QGroupBox()
        sign = QVBoxLayout(self.sign_box)
        self.signature = SignaturePad()
        self.clear_sign = QPushButton()
        self.clear_sign.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.clear_sign.clicked.connect(self.signature.clear)
        sign.addWidget(self.signature, 1)
        sign.addWidget(self.clear_sign, 0, Qt.AlignmentFlag.AlignRight)
        right.addWidget(self.sign_box)
        right.addStretch(1)
        self.complete_button = QPushButton()
        self.complete_button.setMinimumHeight(52)
        self.complete_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.complete_button.setStyleSheet(
            "QPushButton { font-size: 15pt; font-weight: 700; background: #16a34a; "
            "color: white; } QPushButton:disabled { background: #9ca3af; }")
        self.complete_button.clicked.connect(self.complete)
        right.addWidget(self.complete_button)
        root.addLayout(right, 2)
        self.retranslate()

    # -- data --------------------------------------------------------------------------------
    def load(self, pending: list[ParcelView]) -> None:
        self.pending = pending
        present = {v.tracking for v in pending}
        self.scanned &= present
        counts = Counter(v.carrier for v in pending)
        chosen = self.carrier_code()
        self.carrier.blockSignals(True)
        self.carrier.clear()
        for code in sorted(counts):
            self.carrier.addItem(f"{carrier_text(code, self.session.carriers)} ({counts[code]})",
                                 code)
        index = self.carrier.findData(chosen)
        self.carrier.setCurrentIndex(index if index >= 0 else 0)
        self.carrier.blockSignals(False)
        self._show()

    def carrier_code(self) -> str:
        return str(self.carrier.currentData() or "")

    def for_carrier(self) -> list[ParcelView]:
        code = self.carrier_code()
        return [v for v in self.pending if v.carrier == code]

    def scanned_here(self) -> list[str]:
        return [v.tracking for v in self.for_carrier() if v.tracking in self.scanned]

    def _show(self) -> None:
        views = self.for_carrier()
        rows = [[v.tracking, v.slot or "", v.pickup_code or "", str(v.days_on_shelf),
                 "✓" if v.tracking in self.scanned else ""] for v in views]
        self.table.set_rows(rows, [v.tracking for v in views],
                            colours=[SCANNED_BG if v.tracking in self.scanned else None
                                     for v in views])
        self._refresh()

    def _refresh(self) -> None:
        here, total = len(self.scanned_here()), len(self.for_carrier())
        self.count.setText(self.tr("Scanned {0} of {1}").format(here, total))
        self.complete_button.setEnabled(here > 0 and not self.busy)
        self.unmark_button.setEnabled(bool(self.for_carrier()) and not self.busy)

    # -- scanning ------------------------------------------------------------------------
    def on_scan(self, text: str) -> None:
        key = scan_key(text)
        view = next((v for v in self.pending if key in (v.tracking, v.pickup_code)), None)
        if view is None:
            self.told.emit("error", self.tr(
                "NOT FOR RETURN: {0} is not marked for return. Keep it on the shelf!").format(text))
            return
        if view.carrier != self.carrier_code():
            if self.scanned_here():
                self.told.emit("error", self.tr(
                    "WRONG COURIER: {0} goes back with {1}, not with this courier. Keep it "
                    "for the {1} courier!").format(
                    view.tracking, carrier_text(view.carrier, self.session.carriers)))
                return
            self.carrier.setCurrentIndex(self.carrier.findData(view.carrier))
        if view.tracking in self.scanned:
            self.told.emit("info", self.tr("{0} is already scanned.").format(view.tracking))
            return
        self.scanned.add(view.tracking)
        self._show()
        self.table.scroll_to(view.tracking)
        left = len(self.for_carrier()) - len(self.scanned_here())
        self.told.emit("ok", self.tr("✓ {0} ({1}) leaves. {2} more marked for this carrier.")
                       .format(view.tracking, view.slot or "—", left))

    # -- actions -------------------------------------------------------------------------
    def unmark(self) -> None:
        tracking = self.table.current_key()
        if tracking is None or self.busy:
            self.told.emit("warn", self.tr("Select a parcel in the list first."))
            return
        self.busy = True
        workers.run(_unmark_job, self.session.actor, str(tracking), owner=self,
                    on_done=self._unmarked, on_error=self._failed)

    def _unmarked(self, view: ParcelView) -> None:
        self.busy = False
        self.scanned.discard(view.tracking)
        self.told.emit("ok", self.tr("{0} stays on the shelf (no longer marked for return).")
                       .format(view.tracking))
        self.changed.emit()

    def complete(self) -> None:
        if self.busy:
            return
        trackings = self.scanned_here()
        if not trackings:
            self.told.emit("error", self.tr("Scan each parcel as it leaves first."))
            return
        courier = self.courier.text().strip()
        if not courier:
            self.told.emit("error", self.tr("Type the courier's name."))
            self.courier.setFocus()
            return
        if self.signature.is_empty():
            self.told.emit("error", self.tr("The courier signs on the pad first."))
            return
        self.busy = True
        self._refresh()
        self.told.emit("info", self.tr("Handing over…"))
        workers.run(_handover_job, self.session.actor, self.carrier_code(), courier, trackings,
                    self.signature.to_png(), owner=self, on_done=self._done,
                    on_error=self._failed)

    def _done(self, result: Any) -> None:  # noqa: ANN401 - HandoverResult
        self.busy = False
        left = len(self.for_carrier()) - len(result.parcels)
        signature = self.signature.to_png()
        self.scanned -= {v.tracking for v in result.parcels}
        self.signature.clear()
        self.courier.clear()
        text = self.tr("Handed over to {0}: {1} parcel(s), manifest {2}.").format(
            result.courier_name, len(result.parcels), result.manifest_no)
        if left:
            text += " " + self.tr("{0} not scanned stay on the shelf.").format(left)
        self.told.emit("ok", text)
        actor = self.session.actor
        print_report(self.session, self, signed_manifest_job, result,
                     carrier_text(result.carrier, self.session.carriers),
                     self.session.station_name, actor.name if actor else "", signature,
                     job_name=f"manifest-{result.manifest_no}")
        self.handed_over.emit(result)
        self.changed.emit()

    def _failed(self, error: BaseException) -> None:
        self.busy = False
        self._refresh()
        self.told.emit("error", error_text(error))

    # -- language ------------------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.carrier_label.setText(self.tr("Carrier"))
        self.courier_label.setText(self.tr("Courier's name"))
        self.courier.setPlaceholderText(self.tr("As on the courier's badge"))
        self.table.set_headers([self.tr("Tracking number"), self.tr("Slot"),
                                self.tr("Pickup code"), self.tr("Days"), self.tr("Scanned")])
        self.unmark_button.setText(self.tr("Keep on shelf (cancel return)"))
        self.sign_box.setTitle(self.tr("Courier's signature"))
        self.signature.hint = self.tr("Courier signs here")
        self.signature.update()
        self.clear_sign.setText(self.tr("Clear signature"))
        self.complete_button.setText(self.tr("Complete hand-over (F12)"))
        self._refresh()
