"""Scan fields that never lose a scan, and a router for scans typed into the wrong field.

:class:`ScanLineEdit` is the field a keyboard-wedge scanner types into. The input method is
off for it (a Chinese IME must not turn ``SF123`` into a candidate list), a GS the scanner
sends shows as ``␝`` and is kept, and at Enter it emits ``scanned(text)`` with the text
cleaned by :func:`~station.devices.scanner.normalize_scan_text` (full width, spaces, Caps Lock)
and clears itself. If the clerk had left stray typing in the field and then scanned, only the
scan is emitted. Enter never reaches a dialog's default button while the field has text.

:class:`ScanRouter` is an application-wide event filter: when a scanner burst (key timing, or
the configured prefix/suffix) ends with Enter in some other widget — the phone field, a
spin box, a table — it removes the burst's characters from that widget, swallows the Enter
and hands the scan to the scan handler registered for the screen that widget is on.

Times come from the key events' own timestamps, or from ``clock`` (seconds) when one is
injected — tests do that to type 500 scans at 5 ms a key without sleeping.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QInputMethodEvent, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from station.devices.scanner import GS, GS_SYMBOL, ScanBurstDetector, normalize_scan_text

Clock = Callable[[], float]


_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
_MODIFIER_KEYS = {
    Qt.Key.Key_Shift,
    Qt.Key.Key_Control,
    Qt.Key.Key_Alt,
    Qt.Key.Key_Meta,
    Qt.Key.Key_CapsLock,
    Qt.Key.Key_NumLock,
    Qt.Key.Key_AltGr,
}


def _event_time(clock: Clock | None, event: QKeyEvent) -> float:
    if clock is not None:
        return clock()
    stamp = event.timestamp()
    return stamp / 1000.0 if stamp else time.monotonic()


def _typed_text(event: QKeyEvent) -> str:
    """The text a key event types, with a GS made visible; "" for editing/shortcut keys."""
    text = event.text()
    if text == GS:
        return GS_SYMBOL
    if not text or not text.isprintable():
        return ""  # editing keys, Ctrl+letter shortcuts (their text is a control character)
    return text


def disable_input_method(widget: QWidget) -> None:
    """What every scan field needs: no IME, Latin, no prediction."""
    widget.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
    widget.setInputMethodHints(
        Qt.InputMethodHint.ImhPreferLatin
        | Qt.InputMethodHint.ImhNoPredictiveText
        | Qt.InputMethodHint.ImhLatinOnly
        | Qt.InputMethodHint.ImhNoAutoUppercase
    )


class ScanLineEdit(QLineEdit):
    """A line edit for scans. Connect to ``scanned``, not ``returnPressed``."""

    scanned = Signal(str)

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        clock: Clock | None = None,
        uppercase: bool = True,
        max_key_interval_ms: float = 40.0,
        min_length: int = 6,
        prefix: str | None = None,
        suffix: str | None = None,
        tab_submits: bool = False,
    ) -> None:
        """``uppercase=False`` for fields that take case-sensitive payloads (QR links on the
        pickup screen); ``tab_submits`` for scanners configured with a Tab suffix."""
        super().__init__(parent)
        disable_input_method(self)
        self.clock = clock
        self.uppercase = uppercase
        self.tab_submits = tab_submits
        self.prefix, self.suffix = prefix, suffix
        self.detector = ScanBurstDetector(
            clock=time.monotonic,
            max_key_interval_ms=max_key_interval_ms,
            min_length=min_length,
            prefix=prefix,
            suffix=suffix,
        )

    def submit(self, text: str) -> bool:
        """Emit ``text`` as a scan (cleaned); False if nothing is left of it."""
        if self.prefix and text.startswith(self.prefix):
            text = text[len(self.prefix) :]
        if self.suffix and text.endswith(self.suffix):
            text = text[: -len(self.suffix)]
        clean = normalize_scan_text(text, uppercase=self.uppercase)
        if clean:
            self.scanned.emit(clean)
        return bool(clean)

    def event(self, event: QEvent) -> bool:
        if (
            self.tab_submits
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Tab
        ):
            self._finish(event)
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        key = event.key()
        if key in _ENTER:
            if not self.text():
                event.ignore()  # an empty Enter may belong to the dialog
                return
            self._finish(event)
            return
        typed = _typed_text(event)
        if typed:
            self.detector.feed(typed, _event_time(self.clock, event))
            if typed == GS_SYMBOL:
                self.insert(GS_SYMBOL)
                event.accept()
                return
        elif key == Qt.Key.Key_Backspace and self.cursorPosition() == len(self.text()):
            self.detector.backspace()
        elif key not in _MODIFIER_KEYS:
            self.detector.reset()  # cursor moves, deletes, paste…: the line is no longer ours
        super().keyPressEvent(event)

    def _finish(self, event: QKeyEvent) -> None:
        result = self.detector.finish(_event_time(self.clock, event))
        raw = self.text()
        payload = result.text if result.is_scan and result.line == raw else raw
        self.clear()
        event.accept()
        self.submit(payload)

    def inputMethodEvent(self, event: QInputMethodEvent) -> None:  # noqa: N802 - Qt API
        """Should an IME get through anyway, take only what it commits, as typed keys."""
        commit = event.commitString()
        if commit:
            self.detector.feed(commit, self.clock() if self.clock else time.monotonic())
            self.insert(commit)
        event.accept()


def _address(obj: QObject) -> int:
    return int(shiboken6.getCppPointer(obj)[0])


def _same(a: QObject | None, b: QObject | None) -> bool:
    if a is None or b is None:
        return a is b
    # A wrapper whose C++ object is gone (a screen dropped at another clerk's login, the
    # inner editor of a deleted combo box) must never be dereferenced: that segfaulted.
    if not (shiboken6.isValid(a) and shiboken6.isValid(b)):
        return False
    return _address(a) == _address(b)


def _editor_of(widget: QWidget) -> QLineEdit | QPlainTextEdit | QTextEdit | None:
    if isinstance(widget, QLineEdit | QPlainTextEdit | QTextEdit):
        return widget
    if isinstance(widget, QComboBox):
        return widget.lineEdit()
    if isinstance(widget, QAbstractSpinBox):
        return widget.findChild(QLineEdit)
    return None


class _Snapshot:
    """A text widget's contents just before a possible scan burst began."""

    def __init__(self, widget: QWidget) -> None:
        self.editor = _editor_of(widget)
        self.text = ""
        self.cursor = 0
        if isinstance(self.editor, QLineEdit):
            self.text, self.cursor = self.editor.text(), self.editor.cursorPosition()
        elif self.editor is not None:
            self.text = self.editor.toPlainText()
            self.cursor = self.editor.textCursor().position()

    def restore(self) -> None:
        editor = self.editor
        if editor is None or not shiboken6.isValid(editor):
            return
        if isinstance(editor, QLineEdit):
            editor.setText(self.text)
            editor.setCursorPosition(self.cursor)
            return
        now = editor.toPlainText()
        cursor = editor.textCursor()
        end = cursor.position()
        inserted = len(now) - len(self.text)
        if (
            inserted > 0
            and end - inserted == self.cursor
            and now[: self.cursor] + now[end:] == self.text
        ):
            cursor.setPosition(self.cursor)
            cursor.setPosition(end, cursor.MoveMode.KeepAnchor)
            cursor.removeSelectedText()  # keeps the formatting of the rest
        else:
            editor.setPlainText(self.text)
            cursor = editor.textCursor()
            cursor.setPosition(min(self.cursor, len(self.text)))
            editor.setTextCursor(cursor)


ScanHandler = Callable[[str], object]


class ScanRouter(QObject):
    """Routes scans that land in the wrong widget to the screen's scan handler."""

    routed = Signal(str, QObject)  # the scan, and the widget it was typed into

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        clock: Clock | None = None,
        max_key_interval_ms: float = 40.0,
        min_length: int = 6,
        prefix: str | None = None,
        suffix: str | None = None,
        uppercase: bool = True,
        current_screen: Callable[[], QWidget | None] | None = None,
    ) -> None:
        """``current_screen`` (e.g. the main window's stacked widget ``currentWidget``) is
        asked when the widget that got the scan is on no registered screen."""
        super().__init__(parent)
        self.clock = clock
        self.uppercase = uppercase
        self.current_screen = current_screen
        self.detector = ScanBurstDetector(
            clock=time.monotonic,
            max_key_interval_ms=max_key_interval_ms,
            min_length=min_length,
            prefix=prefix,
            suffix=suffix,
        )
        self._screens: list[tuple[QWidget, ScanHandler | ScanLineEdit]] = []
        # The widget the current key burst is landing in, by address only: holding the
        # wrapper would outlive the widget when its screen is dropped.
        self._target_address: int | None = None
        self._snapshots: dict[int, _Snapshot] = {}  # line index → the field before that key
        self._app: QApplication | None = None

    # -- set-up ------------------------------------------------------------------------
    def install(self, app: QApplication | None = None) -> None:
        self._app = app or QApplication.instance()  # type: ignore[assignment]
        if self._app is not None:
            self._app.installEventFilter(self)

    def uninstall(self) -> None:
        if self._app is not None:
            self._app.removeEventFilter(self)
            self._app = None

    def register(self, screen: QWidget, handler: ScanHandler | ScanLineEdit) -> None:
        """Scans typed anywhere on ``screen`` go to ``handler`` (a callable taking the text,
        or the screen's :class:`ScanLineEdit`, which then emits ``scanned``)."""
        self.unregister(screen)
        self._screens.append((screen, handler))

    def unregister(self, screen: QWidget) -> None:
        self._screens = [
            (s, h) for s, h in self._screens if shiboken6.isValid(s) and not _same(s, screen)
        ]
        self._target_address = None
        self._reset()  # a snapshot may hold an editor of the screen going away

    def handler_for(self, widget: QWidget) -> ScanHandler | ScanLineEdit | None:
        candidates: list[QWidget | None] = []
        node: QWidget | None = widget
        while node is not None:
            candidates.append(node)
            node = node.parentWidget()
        if self.current_screen is not None:
            candidates.append(self.current_screen())
        for candidate in candidates:
            for screen, handler in self._screens:
                if shiboken6.isValid(screen) and _same(screen, candidate):
                    return handler
        return None

    # -- the filter ------------------------------------------------------------------------
    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() != QEvent.Type.KeyPress or not isinstance(obj, QWidget):
            return False
        if isinstance(obj, ScanLineEdit) or isinstance(obj.parentWidget(), ScanLineEdit):
            return False
        focus = QApplication.focusWidget()
        if focus is not None and not _same(obj, focus):
            return False  # the same event travelling up to the parents
        if focus is None and _editor_of(obj) is None:
            return False
        assert isinstance(event, QKeyEvent)
        handler = self.handler_for(obj)
        if handler is None:
            return False
        if _address(obj) != self._target_address:
            self._target_address = _address(obj)
            self._reset()
        key = event.key()
        if key in _ENTER:
            return self._enter(obj, event, handler)
        typed = _typed_text(event)
        if typed:
            if _editor_of(obj) is not None:  # the field as it is before this key lands
                self._snapshots[len(self.detector.line)] = _Snapshot(obj)
            self.detector.feed(typed, _event_time(self.clock, event))
        elif key == Qt.Key.Key_Backspace:
            self.detector.backspace()
            self._snapshots.pop(len(self.detector.line), None)
        elif key not in _MODIFIER_KEYS:
            self._reset()
        return False

    def _reset(self) -> None:
        self.detector.reset()
        self._snapshots.clear()

    def _enter(self, obj: QWidget, event: QKeyEvent, handler: ScanHandler | ScanLineEdit) -> bool:
        result = self.detector.finish(_event_time(self.clock, event))
        snapshot = self._snapshots.get(result.start)
        self._reset()
        if not result.is_scan or not result.text:
            return False
        if snapshot is not None:
            snapshot.restore()  # take the scan back out of the wrong field
        if isinstance(handler, ScanLineEdit):
            handler.submit(result.text)
        else:
            text = normalize_scan_text(result.text, uppercase=self.uppercase)
            if not text:
                return False
            handler(text)
        self.routed.emit(result.text, obj)
        event.accept()
        return True
