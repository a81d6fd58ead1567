"""The background monitor: publishes readings, reconnects after unplug/replug."""

from __future__ import annotations

import threading
import time

import pytest

from station.devices.scale.base import Reading, ScaleUnsupported
from station.devices.scale.monitor import ScaleMonitor
from station.devices.scale.registry import ScaleConfig, open_scale


class Collector:
    def __init__(self) -> None:
        self.readings: list[Reading] = []
        self.lock = threading.Lock()

    def __call__(self, reading: Reading) -> None:
        with self.lock:
            self.readings.append(reading)

    def wait_for(self, predicate, timeout: float = 4.0) -> Reading:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                for reading in reversed(self.readings):
                    if predicate(reading):
                        return reading
            time.sleep(0.01)
        raise AssertionError(f"no such reading in {self.readings[-5:]}")


def _monitor(port: str, protocol: str, sink, **kwargs) -> ScaleMonitor:
    config = ScaleConfig(port=port, protocol=protocol, timeout=0.2)
    kwargs.setdefault("poll_interval", 0.02)
    kwargs.setdefault("min_backoff", 0.02)
    kwargs.setdefault("max_backoff", 0.1)
    return ScaleMonitor(lambda: open_scale(config), sink, **kwargs)


@pytest.mark.parametrize(
    ("protocol", "transport"),
    [("mt-sics", "pty"), ("cas", "tcp"), ("toledo-continuous", "pty"), ("toledo-8213", "tcp")],
)
def test_publishes_changes_and_survives_unplug(make_sim, protocol, transport):
    sim, port = make_sim(protocol, transport, weight_g=500)
    sink = Collector()
    monitor = _monitor(port, protocol, sink)
    monitor.start()
    try:
        assert monitor.wait_stable(3).weight_g == 500
        sim.motion = True
        sink.wait_for(lambda r: r.status == "motion")
        sim.motion = False
        sim.weight_g = 650
        sink.wait_for(lambda r: r.usable and r.weight_g == 650)
        sim.unplug()
        gone = sink.wait_for(lambda r: r.status == "no_answer")
        assert "disconnect" in gone.message or "not connected" in gone.message
        assert not monitor.connected or monitor.latest.status == "no_answer"
        time.sleep(0.15)
        sim.weight_g = 900
        sim.replug()
        sink.wait_for(lambda r: r.usable and r.weight_g == 900)
        assert monitor.connects >= 2
    finally:
        monitor.stop()
    assert not monitor.running


def test_only_changes_are_published(make_sim):
    sim, port = make_sim("mt-sics", "pty", weight_g=100)
    sink = Collector()
    monitor = _monitor(port, "mt-sics", sink)
    monitor.start()
    try:
        sink.wait_for(lambda r: r.weight_g == 100)
        time.sleep(0.2)  # ~10 polls of the same weight
        assert len([r for r in sink.readings if r.weight_g == 100]) == 1
    finally:
        monitor.stop()


def test_starts_without_a_scale_and_finds_it(tmp_path, make_sim):
    sink = Collector()
    link = str(tmp_path / "later")
    monitor = _monitor(link, "cas", sink)
    monitor.start()
    try:
        sink.wait_for(lambda r: r.status == "no_answer")
        make_sim("cas", "pty", weight_g=321, link=link)
        sink.wait_for(lambda r: r.usable and r.weight_g == 321)
    finally:
        monitor.stop()


def test_zero_and_tare_run_on_the_monitor_thread(make_sim):
    sim, port = make_sim("mt-sics", "tcp", weight_g=70)
    sink = Collector()
    monitor = _monitor(port, "mt-sics", sink)
    monitor.start()
    try:
        monitor.wait_stable(3)
        assert monitor.zero().result(3) is None
        sink.wait_for(lambda r: r.usable and r.weight_g == 0)
        sim.weight_g = 120
        monitor.tare().result(3)
        sink.wait_for(lambda r: r.usable and r.weight_g == 0)
        assert sim.tare_g == 50
        assert monitor.submit(lambda s: s.identify()).result(3).startswith("Mettler Toledo")
    finally:
        monitor.stop()


def test_command_errors_come_back_in_the_future(make_sim):
    _, port = make_sim("cas", "pty", weight_g=70)
    monitor = _monitor(port, "cas", Collector())
    monitor.start()
    try:
        monitor.wait_stable(3)
        with pytest.raises(ScaleUnsupported):
            monitor.zero().result(3)
    finally:
        monitor.stop()
    with pytest.raises(Exception, match="stopped|not connected"):
        monitor.zero().result(1)


def test_listener_errors_do_not_stop_the_monitor(make_sim):
    sim, port = make_sim("cas", "pty", weight_g=10)
    calls: list[Reading] = []

    def bad(reading: Reading) -> None:
        calls.append(reading)
        raise RuntimeError("listener bug")

    monitor = _monitor(port, "cas", bad)
    monitor.start()
    try:
        monitor.wait_stable(3)
        sim.weight_g = 20
        deadline = time.monotonic() + 3
        while not any(r.weight_g == 20 for r in calls) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert any(r.weight_g == 20 for r in calls)
        assert monitor.running
    finally:
        monitor.stop()


def test_wait_stable_times_out_while_moving(make_sim):
    sim, port = make_sim("toledo-continuous", "pty", weight_g=10)
    sim.motion = True
    monitor = _monitor(port, "toledo-continuous", Collector())
    monitor.start()
    try:
        started = time.monotonic()
        reading = monitor.wait_stable(0.3)
        assert not reading.usable
        assert time.monotonic() - started < 1.0
    finally:
        monitor.stop()
