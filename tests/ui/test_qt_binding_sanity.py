"""PySide6 6.12.0 on CPython 3.11 drops a reference to None on every void Qt call; a clerk's
morning of scans then aborts the app ("none_dealloc"). pyproject excludes that release; this
test fails if any Qt binding we install brings the leak back."""

import sys

from PySide6.QtWidgets import QLabel


def test_void_qt_calls_do_not_leak_references_to_none(qtbot) -> None:
    label = QLabel()
    qtbot.addWidget(label)
    for _ in range(50):  # warm up caches
        label.setText("x")
    before = sys.getrefcount(None)
    for _ in range(2000):
        label.setText("x")
        label.setFocus()
    assert abs(sys.getrefcount(None) - before) < 100
