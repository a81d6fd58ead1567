"""Scan fields and the scan router under a keyboard-wedge scanner: 500 scans at 5 ms a key
into each scan field, mixed with slow human typing elsewhere — nothing lost, nothing
doubled — and scans typed into the wrong field routed to the screen's scan action. The key
timing comes from an injected clock, so nothing sleeps."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from PySide6.QtCore import QEvent, Qt  # noqa: E402
from PySide6.QtGui import QInputMethodEvent, QKeyEvent  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QApplication,
    QDialog,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from station.devices.scanner import GS, classify_qr_payload  # noqa: E402
from ui.widgets.scan_field import ScanLineEdit, ScanRouter  # noqa: E402

SCAN_KEY = 0.005  # a scanner: 5 ms a key
HUMAN_KEY = 0.18  # a clerk typing


class FakeClock:
    def __init__(self) -> None:
        self.t = 5000.0

    def __call__(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds


def _key_code(ch: str) -> Qt.Key:
    if ch.isascii() and ch.isalnum():
        return Qt.Key(ord(ch.upper()))
    return Qt.Key.Key_unknown


def send_key(widget: QWidget, text: str, key: Qt.Key | None = None) -> bool:
    """Press and release one key through QApplication (event filters included)."""
    code = key if key is not None else _key_code(text)
    press = QKeyEvent(QEvent.Type.KeyPress, code, Qt.KeyboardModifier.NoModifier, text)
    QApplication.sendEvent(widget, press)
    release = QKeyEvent(QEvent.Type.KeyRelease, code, Qt.KeyboardModifier.NoModifier, text)
    QApplication.sendEvent(widget, release)
    return press.isAccepted()


def type_text(
    widget: QWidget,
    text: str,
    clock: FakeClock,
    per_key: float,
    *,
    enter: bool = True,
    pause: float = 0.6,
) -> None:
    clock.advance(pause)  # time since whatever came before
    for ch in text:
        clock.advance(per_key)
        send_key(widget, ch)
    if enter:
        clock.advance(per_key)
        send_key(widget, "\r", Qt.Key.Key_Return)


class Counter(QWidget):
    """Two screens as the app has them: intake (scan field, phone, weight, note) and pickup
    (a QR/code scan field, a name field)."""

    def __init__(self, clock: FakeClock) -> None:
        super().__init__()
        self.intake = QWidget()
        self.intake_scan = ScanLineEdit(clock=clock)
        self.phone = QLineEdit()
        self.weight = QSpinBox()
        self.weight.setMaximum(99999)
        self.note = QPlainTextEdit()
        col = QVBoxLayout(self.intake)
        for w in (self.intake_scan, self.phone, self.weight, self.note):
            col.addWidget(w)
        self.pickup = QWidget()
        self.pickup_scan = ScanLineEdit(clock=clock, uppercase=False)
        self.name = QLineEdit()
        col2 = QVBoxLayout(self.pickup)
        col2.addWidget(self.pickup_scan)
        col2.addWidget(self.name)
        self.outside = QLineEdit()  # on no registered screen
        row = QHBoxLayout(self)
        row.addWidget(self.intake)
        row.addWidget(self.pickup)
        row.addWidget(self.outside)
        self.intake_scans: list[str] = []
        self.pickup_scans: list[str] = []
        self.intake_scan.scanned.connect(self.intake_scans.append)
        self.pickup_scan.scanned.connect(self.pickup_scans.append)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def counter(qtbot, clock):
    window = Counter(clock)
    qtbot.addWidget(window)
    router = ScanRouter(clock=clock, current_screen=lambda: window.intake)
    router.register(window.intake, window.intake_scan)
    router.register(window.pickup, window.pickup_scan)
    router.install()
    window.show()
    window.activateWindow()
    assert QTest.qWaitForWindowActive(window)
    window.router = router
    yield window
    router.uninstall()


def focus(widget: QWidget) -> None:
    widget.setFocus()
    assert QApplication.focusWidget() is widget


def test_scan_fields_have_the_input_method_off(counter):
    for field in (counter.intake_scan, counter.pickup_scan):
        assert not field.testAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled)
        hints = field.inputMethodHints()
        for hint in (
            Qt.InputMethodHint.ImhPreferLatin,
            Qt.InputMethodHint.ImhNoPredictiveText,
            Qt.InputMethodHint.ImhLatinOnly,
        ):
            assert hints & hint


def _tracking(i: int) -> tuple[str, str]:
    """(what the scanner types, what must come out) — Caps Lock, full width, spaces, GS1."""
    kinds = i % 6
    if kinds == 0:
        return f"SF{i:013d}", f"SF{i:013d}"
    if kinds == 1:
        return f"yt{i:011d}", f"YT{i:011d}"  # Caps Lock on
    if kinds == 2:
        wide = "".join(chr(ord(c) + 0xFEE0) for c in f"JD{i:012d}")
        return wide, f"JD{i:012d}"  # the IME was in full-width mode
    if kinds == 3:
        return f" 7{i:011d} ", f"7{i:011d}"  # stray spaces
    if kinds == 4:
        return f"]C100{i:018d}{GS}42010080", f"]C100{i:018d}{GS}42010080"
    return f"zto-{i:08d}", f"ZTO-{i:08d}"


def _pickup_payload(i: int) -> tuple[str, tuple[str, str]]:
    code = f"{'ABC'[i % 3]}-{i % 9 + 1}-{i % 10000:04d}"
    payloads = [
        f"PS:{code}",
        f"https://s.example.cn/p?pickupCode={code}",
        f"https://m.example.cn/track?waybillNo=SF{i:013d}",
        code.lower(),
    ]
    payload = payloads[i % 4]
    expected = ("tracking", f"SF{i:013d}") if i % 4 == 2 else ("pickup_code", code)
    return payload, expected


def test_500_scans_per_field_mixed_with_human_typing(counter, clock):
    expected_intake: list[str] = []
    expected_pickup: list[tuple[str, str]] = []
    phone_typed = ""
    for i in range(500):
        focus(counter.intake_scan)
        typed, clean = _tracking(i)
        type_text(counter.intake_scan, typed, clock, SCAN_KEY)
        expected_intake.append(clean)

        focus(counter.pickup_scan)
        payload, meaning = _pickup_payload(i)
        type_text(counter.pickup_scan, payload, clock, SCAN_KEY)
        expected_pickup.append(meaning)

        if i % 7 == 0:  # the clerk types a phone number slowly, no Enter
            focus(counter.phone)
            digits = f"{i % 10}"
            type_text(counter.phone, digits, clock, HUMAN_KEY, enter=False)
            phone_typed += digits
        if i % 25 == 0:  # … or types a tracking number by hand into the scan field
            focus(counter.intake_scan)
            type_text(counter.intake_scan, f"sf{i:06d}", clock, HUMAN_KEY)
            expected_intake.append(f"SF{i:06d}")
        if i % 40 == 0:  # … or a name on the pickup screen, finished with Enter
            focus(counter.name)
            type_text(counter.name, "Li Lei", clock, HUMAN_KEY)
            counter.name.clear()

    assert counter.intake_scans == expected_intake  # nothing lost, nothing doubled, in order
    assert [classify_qr_payload(p) for p in counter.pickup_scans] == expected_pickup
    assert counter.phone.text() == phone_typed
    assert counter.intake_scan.text() == "" and counter.pickup_scan.text() == ""


def test_scan_into_the_wrong_field_is_routed(counter, clock):
    focus(counter.phone)
    type_text(counter.phone, "138", clock, HUMAN_KEY, enter=False)
    type_text(counter.phone, "SF1234567890123", clock, SCAN_KEY)
    assert counter.intake_scans == ["SF1234567890123"]
    assert counter.phone.text() == "138"  # the stray scan was taken back out

    focus(counter.name)  # on the pickup screen: goes to the pickup field
    type_text(counter.name, "Wang", clock, HUMAN_KEY, enter=False)
    type_text(counter.name, "PS:A-3-0127", clock, SCAN_KEY)
    assert counter.pickup_scans == ["PS:A-3-0127"]
    assert counter.name.text() == "Wang"


@pytest.mark.parametrize("field", ["weight", "note"])
def test_scan_into_spin_box_or_text_edit(counter, clock, field):
    widget = getattr(counter, field)
    focus(widget)
    type_text(widget, "12", clock, HUMAN_KEY, enter=False)
    before = widget.value() if field == "weight" else widget.toPlainText()
    type_text(widget, "YT0123456789", clock, SCAN_KEY)
    assert counter.intake_scans == ["YT0123456789"]
    if field == "weight":
        assert widget.value() == before and before in (12, 120)
    else:
        assert widget.toPlainText() == before == "12"


def test_human_enter_in_another_field_is_left_alone(counter, clock):
    pressed: list[str] = []
    counter.phone.returnPressed.connect(lambda: pressed.append(counter.phone.text()))
    focus(counter.phone)
    type_text(counter.phone, "13812345678", clock, HUMAN_KEY)
    assert pressed == ["13812345678"]
    assert counter.intake_scans == []


def test_scan_on_no_registered_screen_goes_to_the_current_screen(counter, clock):
    focus(counter.outside)
    type_text(counter.outside, "JT0009876543", clock, SCAN_KEY)
    assert counter.intake_scans == ["JT0009876543"]
    assert counter.outside.text() == ""


def test_router_with_prefix_catches_slow_scans(qtbot, clock):
    screen = QWidget()
    field = QLineEdit(screen)
    got: list[str] = []
    router = ScanRouter(clock=clock, prefix="~")
    router.register(screen, got.append)
    router.install()
    try:
        qtbot.addWidget(screen)
        screen.show()
        screen.activateWindow()
        assert QTest.qWaitForWindowActive(screen)
        focus(field)
        type_text(field, "ab~sf12", clock, 0.08)  # a slow serial-to-wedge adapter
        assert got == ["SF12"]
        assert field.text() == "ab"
    finally:
        router.uninstall()


def test_stray_typing_before_a_scan_is_dropped(counter, clock):
    focus(counter.intake_scan)
    type_text(counter.intake_scan, "12", clock, HUMAN_KEY, enter=False)
    type_text(counter.intake_scan, "SF0000000000001", clock, SCAN_KEY)
    assert counter.intake_scans == ["SF0000000000001"]


def test_group_separator_is_kept(counter, clock):
    focus(counter.intake_scan)
    clock.advance(1)
    for ch in "0100012345678905":
        clock.advance(SCAN_KEY)
        send_key(counter.intake_scan, ch)
    send_key(counter.intake_scan, GS, Qt.Key.Key_BracketRight)
    assert "\u241d" in counter.intake_scan.text()
    type_text(counter.intake_scan, "10LOT1", clock, SCAN_KEY, pause=SCAN_KEY)
    assert counter.intake_scans == ["0100012345678905" + GS + "10LOT1"]


def test_input_method_commit_is_still_taken(counter, clock):
    focus(counter.intake_scan)
    event = QInputMethodEvent("", [])
    event.setCommitString("ＳＦ１２３４５６７８９")
    QApplication.sendEvent(counter.intake_scan, event)
    clock.advance(SCAN_KEY)
    send_key(counter.intake_scan, "\r", Qt.Key.Key_Return)
    assert counter.intake_scans == ["SF123456789"]


def test_empty_enter_reaches_the_default_button(qtbot, clock):
    dialog = QDialog()
    field = ScanLineEdit(dialog, clock=clock)
    ok = QPushButton("OK", dialog)
    ok.setDefault(True)
    ok.clicked.connect(dialog.accept)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    assert QTest.qWaitForWindowActive(dialog)
    focus(field)
    scans: list[str] = []
    field.scanned.connect(scans.append)
    type_text(field, "SF0001112223", clock, SCAN_KEY)  # a scan: the dialog stays open
    assert scans == ["SF0001112223"] and dialog.isVisible()
    send_key(field, "\r", Qt.Key.Key_Return)  # an empty Enter: the default button
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_tab_suffix_scanner(qtbot, clock):
    field = ScanLineEdit(clock=clock, tab_submits=True)
    qtbot.addWidget(field)
    scans: list[str] = []
    field.scanned.connect(scans.append)
    clock.advance(1)
    for ch in "YD1234567":
        clock.advance(SCAN_KEY)
        send_key(field, ch)
    send_key(field, "\t", Qt.Key.Key_Tab)
    assert scans == ["YD1234567"]
