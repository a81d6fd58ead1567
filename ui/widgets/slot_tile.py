"""One shelf layer on the shelf map: its label and a bar per size class (used / capacity)."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QAbstractButton, QSizePolicy, QWidget

from station.domain.sizes import SIZES

BAR_H = 15


def fill_colour(used: int, cap: int) -> QColor:
    if cap <= 0:
        return QColor("#e5e7eb")
    ratio = used / cap
    if ratio >= 1:
        return QColor("#dc2626")
    if ratio >= 0.8:
        return QColor("#f59e0b")
    return QColor("#22c55e")


class SlotTile(QAbstractButton):
    def __init__(self, label: str, capacity: dict[str, int], used: dict[str, int],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = label
        self.capacity, self.used = capacity, used
        self.setCheckable(True)
        self.setAutoExclusive(False)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName(label)
        self.setToolTip(", ".join(f"{s} {used.get(s, 0)}/{capacity.get(s, 0)}" for s in SIZES))

    def sizes(self) -> list[str]:
        return [s for s in SIZES if self.capacity.get(s, 0) > 0]

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(170, 30 + (BAR_H + 4) * max(1, len(self.sizes())))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(130, self.sizeHint().height())

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt API
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(self.rect()).adjusted(1, 1, -1, -1)
        border = QColor("#2563eb") if self.isChecked() or self.hasFocus() else QColor("#d1d5db")
        p.setPen(QPen(border, 3 if self.isChecked() else 1))
        p.setBrush(QColor("#eff6ff") if self.isChecked() else QColor("#ffffff"))
        p.drawRoundedRect(rect, 6, 6)
        p.setPen(QColor("#111827"))
        font = p.font()
        font.setBold(True)
        p.setFont(font)
        p.drawText(QRectF(8, 4, rect.width() - 16, 20), Qt.AlignmentFlag.AlignLeft
                   | Qt.AlignmentFlag.AlignVCenter, self.label)
        total_used = sum(self.used.values())
        total_cap = sum(self.capacity.values())
        font.setBold(False)
        p.setFont(font)
        p.drawText(QRectF(8, 4, rect.width() - 16, 20), Qt.AlignmentFlag.AlignRight
                   | Qt.AlignmentFlag.AlignVCenter, f"{total_used}/{total_cap}")
        y = 28.0
        for size in self.sizes():
            cap, used = self.capacity[size], self.used.get(size, 0)
            bar = QRectF(34, y, rect.width() - 42, BAR_H)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor("#f3f4f6"))
            p.drawRoundedRect(bar, 3, 3)
            p.setBrush(fill_colour(used, cap))
            done = QRectF(bar.x(), bar.y(), bar.width() * min(1.0, used / cap), BAR_H)
            p.drawRoundedRect(done, 3, 3)
            p.setPen(QColor("#374151"))
            p.drawText(QRectF(8, y, 26, BAR_H), Qt.AlignmentFlag.AlignVCenter, size)
            p.setPen(QColor("#111827"))
            p.drawText(bar.adjusted(4, 0, -4, 0), Qt.AlignmentFlag.AlignVCenter
                       | Qt.AlignmentFlag.AlignRight, f"{used}/{cap}")
            y += BAR_H + 4
        p.end()
