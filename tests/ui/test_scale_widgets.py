"""The scale on screen: the worker off the GUI thread, the weight display, the settings page
with its Test button — against the simulator on a real TCP port / pty."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from PySide6.QtCore import QSettings, QThread  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from station.devices.scale.base import Reading  # noqa: E402
from station.devices.scale.registry import ScaleConfig  # noqa: E402
from station.devices.scale.simulator import ScaleSimulator  # noqa: E402
from ui.scale_worker import ScaleWorker  # noqa: E402
from ui.widgets.scale_settings import (  # noqa: E402
    ScaleSettingsPage,
    load_scale_config,
    save_scale_config,
)
from ui.widgets.weight_display import COLOURS, WeightDisplay, format_grams  # noqa: E402


@pytest.fixture
def sim(tmp_path):
    simulator = ScaleSimulator(
        "mt-sics",
        weight_g=1234,
        interval=0.02,
        stability_wait=0.05,
        link=str(tmp_path / "ttyScale"),
    )
    yield simulator
    simulator.stop()


def test_format_grams():
    assert format_grams(850) == "850 g"
    assert format_grams(1234) == "1.234 kg"
    assert format_grams(25_005) == "25.005 kg"
    assert format_grams(-1500) == "-1.500 kg"


@pytest.mark.parametrize(
    ("reading", "key", "text"),
    [
        (Reading(1234, True, "ok"), "stable", "1.234 kg"),
        (Reading(1219, False, "motion"), "motion", "1.219 kg moving"),
        (Reading(None, False, "overload"), "overload", "Overload"),
        (Reading(None, False, "underload"), "underload", "Under zero"),
        (Reading(None, False, "no_answer", "gone"), "no_answer", "No scale"),
        (Reading(None, False, "error", "bad frames"), "error", "Scale error"),
        (None, "no_answer", "No scale"),
    ],
)
def test_weight_display(qtbot, reading, key, text):
    display = WeightDisplay(compact=True)
    qtbot.addWidget(display)
    display.set_reading(reading)
    assert display.text() == text
    assert display.property("scaleStatus") == key
    assert COLOURS[key] in display.styleSheet()
    assert display.toolTip()


def test_worker_reads_off_the_gui_thread_and_reconnects(qtbot, sim):
    port = sim.start_tcp()
    worker = ScaleWorker(
        ScaleConfig(port=port, protocol="mt-sics", timeout=0.2), poll_interval=0.02, max_backoff=0.1
    )
    threads: list[bool] = []
    worker.reading.connect(
        lambda r: threads.append(QThread.currentThread() is QApplication.instance().thread())
    )
    display = WeightDisplay()
    qtbot.addWidget(display)
    worker.reading.connect(display.set_reading)
    worker.start()
    try:
        qtbot.waitUntil(lambda: worker.stable_weight_g() == 1234, timeout=3000)
        assert display.text() == "1.234 kg" and worker.connected
        sim.motion = True
        qtbot.waitUntil(lambda: worker.latest.status == "motion", timeout=3000)
        assert worker.stable_weight_g() is None
        sim.motion = False
        sim.unplug()
        qtbot.waitUntil(lambda: worker.latest.status == "no_answer", timeout=3000)
        assert display.text() == "No scale" and worker.stable_weight_g() is None
        sim.weight_g = 2000
        sim.replug()
        qtbot.waitUntil(lambda: worker.stable_weight_g() == 2000, timeout=3000)
        assert all(threads)
    finally:
        worker.stop()
    assert not worker.running


def test_worker_zero_and_errors(qtbot, sim):
    port = sim.start_pty()
    worker = ScaleWorker(
        ScaleConfig(port=port, protocol="mt-sics", timeout=0.2), poll_interval=0.02
    )
    worker.start()
    try:
        qtbot.waitUntil(lambda: worker.stable_weight_g() == 1234, timeout=3000)
        with qtbot.waitSignal(worker.commandFinished, timeout=3000) as done:
            worker.zero()
        assert done.args[0] == "zero"
        qtbot.waitUntil(lambda: worker.stable_weight_g() == 0, timeout=3000)
        sim.motion = True
        with qtbot.waitSignal(worker.commandFailed, timeout=3000) as failed:
            worker.tare()
        assert failed.args[0] == "tare" and failed.args[1]
    finally:
        worker.stop()
    with qtbot.waitSignal(worker.commandFailed, timeout=1000):
        worker.zero()  # no scale running: says so, does not hang


def test_settings_round_trip(tmp_path):
    settings = QSettings(str(tmp_path / "pc.ini"), QSettings.Format.IniFormat)
    assert load_scale_config(settings) is None
    config = ScaleConfig(port="COM3", protocol="toledo-8213", baud=4800, framing="7E1")
    save_scale_config(settings, config)
    assert load_scale_config(settings) == config
    settings.setValue("scale/baud", "junk")
    assert load_scale_config(settings).baud is None
    settings.setValue("scale/protocol", "nonsense")
    assert load_scale_config(settings) is None
    save_scale_config(settings, None)
    assert not settings.contains("scale/port")


def test_settings_page_test_button_shows_the_live_weight(qtbot, tmp_path, sim):
    port = sim.start_tcp()
    page = ScaleSettingsPage(poll_interval=0.02)
    qtbot.addWidget(page)
    page.show()
    assert page.protocol.count() >= 5
    page.set_config(ScaleConfig(port=port, protocol="mt-sics", baud=9600))
    assert page.config() == ScaleConfig(port=port, protocol="mt-sics", baud=9600)
    page.test.setChecked(True)
    qtbot.waitUntil(lambda: page.display.text() == "1.234 kg", timeout=3000)
    qtbot.waitUntil(lambda: "Mettler Toledo" in page.info.text(), timeout=3000)
    sim.weight_g = 555
    qtbot.waitUntil(lambda: page.display.text() == "555 g", timeout=3000)
    page.test.setChecked(False)
    assert not page.worker.running and page.display.text() == "No scale"

    settings = QSettings(str(tmp_path / "pc.ini"), QSettings.Format.IniFormat)
    page.save(settings)
    other = ScaleSettingsPage()
    qtbot.addWidget(other)
    other.load(settings)
    assert other.config() == page.config()


def test_settings_page_without_port_refuses_to_test(qtbot):
    page = ScaleSettingsPage()
    qtbot.addWidget(page)
    page.port.setEditText("")
    page.test.setChecked(True)
    assert not page.test.isChecked() and page.info.text()
