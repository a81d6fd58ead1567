"""What the clerk sees and hears after each scan at intake: the big pickup code, the codes
just before it (so no code of a quick run of parcels goes unseen), the banner line and a
sound per outcome (ok, duplicate, cash on delivery, error)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from station.services.views import ParcelView
from ui.screens.common import carrier_text, short_time, size_text, weight_text
from ui.session import Session
from ui.sounds import Sounds
from ui.widgets.banner import Banner
from ui.widgets.big_code import BigCode

RECENT = 4  # earlier codes shown under the big one


def collected_text(info: Any) -> str:  # noqa: ANN401 - station.services.collected.LeftParcel
    """Who took a parcel that already left the station, and when; never taken in again.
    (Also said by the stocktake screen.)"""
    day, _, time = short_time(info.at).partition(" ")
    if info.status == "RETURNED":
        return QCoreApplication.translate(
            "Collected", "{0} was handed back to the {1} courier by clerk {2} at {3} on {4}; it "
            "is not taken in again. Put it aside and show it to the owner.").format(
            info.tracking, info.carrier, info.clerk, time, day)
    if info.proxy_name:
        return QCoreApplication.translate(
            "Collected", "{0} was collected by {1}'s proxy {2}, handed out by clerk {3} at {4} "
            "on {5}; it is not taken in again. Put it aside and show it to the owner: someone "
            "may have been given the wrong parcel.").format(
            info.tracking, info.recipient_name, info.proxy_name, info.clerk, time, day)
    return QCoreApplication.translate(
        "Collected", "{0} was collected by {1}, handed out by clerk {2} at {3} on {4}; it is not "
        "taken in again. Put it aside and show it to the owner: someone may have been given the "
        "wrong parcel.").format(
        info.tracking, info.collected_by or info.recipient_name, info.clerk, time, day)


class IntakeFeedback(QWidget):
    def __init__(self, session: Session, banner: Banner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.banner = banner
        self.sounds = Sounds(session.settings)
        self.codes: list[ParcelView] = []  # taken in, newest last
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.big = BigCode()
        layout.addWidget(self.big, 1)
        self.recent = QLabel()
        self.recent.setWordWrap(True)
        self.recent.setStyleSheet("font-size: 18pt; font-weight: 700; color: #1f2937;")
        self.recent.hide()
        layout.addWidget(self.recent)

    # -- outcomes -------------------------------------------------------------------------
    def taken(self, view: ParcelView) -> None:
        self.codes.append(view)
        del self.codes[: -(RECENT + 1)]
        self.big.show_code(self.tr("Put it on {0}").format(view.slot or ""),
                           view.pickup_code or "", view.slot or "", self.detail(view), "ok")
        extra = self.tr(" — marked damaged") if view.damaged else ""
        if view.cod_fen:
            extra += self.tr(" — cash on delivery")
        self.banner.show_message("ok", self.tr("Taken in: {0} → {1}, code {2}").format(
            view.tracking, view.slot or "", view.pickup_code or "") + extra)
        self._show_recent()
        self.sounds.play("cod" if view.cod_fen else "ok")

    def duplicate(self, view: ParcelView) -> None:
        self.big.show_code(self.tr("ALREADY ON THE SHELF"), view.pickup_code or "",
                           view.slot or "", self.detail(view), "warn")
        self.banner.show_message("warn", self.tr(
            "{0} is already here: {1}, pickup code {2}. Nothing was changed.").format(
            view.tracking, view.slot or "—", view.pickup_code or "—"))
        self.sounds.play("duplicate")

    def collected(self, info: Any) -> None:  # noqa: ANN401 - collected.LeftParcel
        """A number that already left the station: say who took it, never take it in."""
        text = collected_text(info)
        caption = (self.tr("ALREADY HANDED BACK") if info.status == "RETURNED"
                   else self.tr("ALREADY COLLECTED"))
        self.big.show_code(caption, "—", "", text, "error")
        self.banner.show_message("warn", text)
        self.sounds.play("error")

    def failed(self, text: str, message: str) -> None:
        self.big.show_code(self.tr("NOT TAKEN IN"), "—", "", text, "error")
        self.banner.show_message("error", message)
        self.sounds.play("error")

    def refused(self, message: str) -> None:
        """A refusal in the form (bad phone, door delivery): the form stays open."""
        self.banner.show_message("error", message)
        self.sounds.play("error")

    def question(self, message: str) -> None:
        """The clerk must answer something (how the recipient agreed) before the intake."""
        self.banner.show_message("warn", message)
        self.sounds.play("duplicate")

    def waiting(self, tracking: str) -> None:
        """The form opens for a number no manifest knows. A code just given out stays big
        (several unknown parcels in a row each show theirs) until the next one is taken in."""
        if self.big.state != "ok":
            self.big.show_code(self.tr("WHO IS IT FOR?"), "…", "", tracking, "warn")

    def undone(self, view: ParcelView) -> None:
        self.codes = [v for v in self.codes if v.tracking != view.tracking]
        self._show_recent()
        self.big.show_code(self.tr("UNDONE"), view.pickup_code or "", view.slot or "",
                           self.tr("Take {0} off the shelf and scan it again.").format(
                               view.tracking), "warn")

    # -- parts ------------------------------------------------------------------------------
    def detail(self, view: ParcelView) -> str:
        parts = [view.tracking, carrier_text(view.carrier, self.session.carriers),
                 view.recipient_name, view.recipient_phone, size_text(view.size),
                 weight_text(view.weight_g)]
        return " · ".join(p for p in parts if p)

    def _show_recent(self) -> None:
        earlier = self.codes[:-1][::-1]
        self.recent.setVisible(bool(earlier))
        self.recent.setText(self.tr("Before: {0}").format("   ".join(
            f"{v.pickup_code} ({v.slot})" for v in earlier if v.pickup_code)))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.LanguageChange:
            self._show_recent()
        super().changeEvent(event)
