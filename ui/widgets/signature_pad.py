"""A pad to sign on with a mouse, a pen or a finger; the result is a PNG for the receipt."""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QImage,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QTabletEvent,
    QTouchEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

PEN_WIDTH = 2.5


class SignaturePad(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents, True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(240, 110)
        self.setMaximumHeight(260)  # a signature line, not a canvas
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.strokes: list[QPainterPath] = []
        self._current: QPainterPath | None = None
        self.hint = ""

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(360, 150)

    # -- input: mouse, tablet pen, touch all end in the same three calls -----------------
    def _begin(self, pos: QPointF) -> None:
        self._current = QPainterPath(pos)
        self._current.lineTo(pos + QPointF(0.1, 0.1))  # a dot is a stroke too
        self.strokes.append(self._current)
        self.update()

    def _extend(self, pos: QPointF) -> None:
        if self._current is not None:
            self._current.lineTo(pos)
            self.update()

    def _end(self) -> None:
        if self._current is not None:
            self._current = None
            self.changed.emit()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton:
            self._begin(event.position())

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.buttons() & Qt.MouseButton.LeftButton:
            self._extend(event.position())

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        self._end()

    def tabletEvent(self, event: QTabletEvent) -> None:  # noqa: N802
        kind = event.type()
        if kind == QTabletEvent.Type.TabletPress:
            self._begin(event.position())
        elif kind == QTabletEvent.Type.TabletMove and event.pressure() > 0:
            self._extend(event.position())
        elif kind == QTabletEvent.Type.TabletRelease:
            self._end()
        event.accept()  # no synthesized mouse events on top of the pen's

    def event(self, event) -> bool:  # noqa: ANN001
        kind = event.type()
        if isinstance(event, QTouchEvent) and event.points():
            pos = event.points()[0].position()
            if kind == QTouchEvent.Type.TouchBegin:
                self._begin(pos)
            elif kind == QTouchEvent.Type.TouchUpdate:
                self._extend(pos)
            elif kind in (QTouchEvent.Type.TouchEnd, QTouchEvent.Type.TouchCancel):
                self._end()
            event.accept()
            return True
        return super().event(event)

    # -- output -----------------------------------------------------------------------------
    def is_empty(self) -> bool:
        return not self.strokes

    def clear(self) -> None:
        self.strokes.clear()
        self._current = None
        self.update()
        self.changed.emit()

    def _paint(self, painter: QPainter) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pen = QPen(QColor("#111827"), PEN_WIDTH, Qt.PenStyle.SolidLine,
                   Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin)
        painter.setPen(pen)
        for path in self.strokes:
            painter.drawPath(path)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#ffffff"))
        painter.setPen(QPen(QColor("#9ca3af"), 1, Qt.PenStyle.DashLine))
        base = self.height() - 28
        painter.drawLine(16, base, self.width() - 16, base)
        painter.drawRect(self.rect().adjusted(0, 0, -1, -1))
        if self.is_empty() and self.hint:
            painter.setPen(QColor("#9ca3af"))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.hint)
        self._paint(painter)
        painter.end()

    def to_image(self) -> QImage:
        image = QImage(self.size(), QImage.Format.Format_ARGB32)
        image.fill(QColor("#ffffff"))
        painter = QPainter(image)
        self._paint(painter)
        painter.end()
        return image

    def to_png(self) -> bytes | None:
        """The signature as PNG bytes, or None when nothing was drawn."""
        if self.is_empty():
            return None
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        self.to_image().save(buffer, "PNG")
        buffer.close()
        return bytes(data.data())
