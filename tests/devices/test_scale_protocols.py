"""Every scale driver against the simulator, through a real pseudo-terminal and through
pyserial's socket://: readings, units, motion, limits, noise, split and broken frames,
silence, unplug and replug."""

from __future__ import annotations

import time

import pytest

from station.devices.scale.base import ScaleDisconnected, ScaleRefused, ScaleUnsupported

PROTOCOLS = ["mt-sics", "toledo-8213", "toledo-continuous", "cas", "hid-postal"]
TRANSPORTS = ["pty", "tcp"]


def _unit(protocol: str) -> str:
    return "g" if protocol == "hid-postal" else "kg"


@pytest.fixture(params=TRANSPORTS)
def transport(request) -> str:
    return request.param


@pytest.fixture(params=PROTOCOLS)
def protocol(request) -> str:
    return request.param


@pytest.fixture
def rig(make_sim, open_driver, protocol, transport):
    sim, port = make_sim(protocol, transport, weight_g=1234, unit=_unit(protocol))
    return sim, open_driver(port, protocol), port


def test_stable_reading(rig):
    sim, scale, _ = rig
    reading = scale.read_stable(2)
    assert reading.usable and reading.weight_g == 1234
    sim.weight_g = 25_000
    assert scale.read_stable(2).weight_g == 25_000
    assert scale.identify()


def test_motion_then_settles(rig):
    sim, scale, _ = rig
    sim.motion = True
    sim.wait_next_frame()  # a live reading may be the frame sent just before the change
    live = scale.read_live()
    assert live.status == "motion" and not live.stable and not live.usable
    started = time.monotonic()
    reading = scale.read_stable(0.25)
    assert time.monotonic() - started < 1.5
    assert reading.status == "motion"
    sim.motion = False
    sim.weight_g = 800
    assert scale.read_stable(2).weight_g == 800


def test_settles_while_waiting(rig):
    sim, scale, _ = rig
    sim.motion = True
    import threading

    threading.Timer(0.25, lambda: sim.set(motion=False)).start()
    reading = scale.read_stable(3)
    assert reading.usable and reading.weight_g == 1234


def test_overload_and_underload(rig):
    sim, scale, _ = rig
    sim.overload = True
    assert scale.read_stable(1).status == "overload"
    assert scale.read_live().weight_g is None
    sim.overload, sim.underload = False, True
    assert scale.read_stable(1).status == "underload"
    sim.underload = False
    assert scale.read_stable(1).usable


def test_garbage_between_frames(rig):
    sim, scale, _ = rig
    sim.garbage = True
    for _ in range(3):
        assert scale.read_stable(2).weight_g == 1234
    sim.fault_every = 2
    assert scale.read_stable(2).weight_g == 1234


def test_split_frames(rig):
    sim, scale, _ = rig
    sim.split = True
    for weight in (1234, 56, 31_000):
        sim.weight_g = weight
        assert scale.read_stable(2).weight_g == weight


def test_broken_frames_are_never_used(rig):
    sim, scale, _ = rig
    sim.bad_checksum = True
    reading = scale.read_stable(0.3)
    assert not reading.usable
    assert reading.status in ("error", "no_answer")
    assert scale.invalid_frames > 0
    sim.fault_every = 2  # every other frame broken: the good ones still come through
    for _ in range(3):
        assert scale.read_stable(2).weight_g == 1234


def test_silent_scale_is_no_answer(rig):
    sim, scale, _ = rig
    sim.silent = True
    # A continuous scale may have frames in flight when it goes quiet; let them land and be
    # read so the check is about silence, not about a busy machine's scheduling.
    time.sleep(0.3)
    scale.read_live()
    started = time.monotonic()
    assert scale.read_live().status == "no_answer"
    assert scale.read_stable(0.3).status == "no_answer"
    assert time.monotonic() - started < 2.0
    sim.silent = False
    assert scale.read_stable(2).usable


def test_unplug_and_replug(make_sim, open_driver, protocol, transport):
    sim, port = make_sim(protocol, transport, weight_g=1234, unit=_unit(protocol))
    scale = open_driver(port, protocol)
    assert scale.read_stable(2).weight_g == 1234
    sim.unplug()
    with pytest.raises(ScaleDisconnected):
        for _ in range(5):  # a socket may take one more write to notice
            scale.read_live()
    scale.close()
    with pytest.raises(ScaleDisconnected):
        open_driver(port, protocol)
    sim.weight_g = 4321
    sim.replug()
    assert open_driver(port, protocol).read_stable(2).weight_g == 4321


@pytest.mark.parametrize(
    ("protocol", "unit", "weight_g", "tolerance", "options"),
    [
        ("mt-sics", "g", 1234, 0, {}),
        ("mt-sics", "lb", 1000, 1, {}),
        ("mt-sics", "oz", 1000, 1, {}),
        ("toledo-8213", "lb", 5597, 3, {"unit": "lb"}),  # 8213 does not say its unit
        ("toledo-continuous", "lb", 1134, 3, {}),
        ("toledo-continuous", "g", 777, 0, {}),
        ("cas", "g", 1250, 0, {}),
        ("hid-postal", "oz", 349, 3, {}),
    ],
)
def test_units_are_converted_to_grams(
    make_sim, open_driver, protocol, unit, weight_g, tolerance, options
):
    _, port = make_sim(protocol, "pty", weight_g=weight_g, unit=unit)
    reading = open_driver(port, protocol, **options).read_stable(2)
    assert reading.usable
    assert abs(reading.weight_g - weight_g) <= tolerance


@pytest.mark.parametrize("protocol", ["mt-sics", "toledo-8213", "toledo-continuous"])
def test_zero(make_sim, open_driver, protocol, transport):
    sim, port = make_sim(protocol, transport, weight_g=40)
    scale = open_driver(port, protocol)
    assert scale.read_stable(2).weight_g == 40
    scale.zero()
    deadline = time.monotonic() + 2
    while scale.read_stable(1).weight_g != 0 and time.monotonic() < deadline:
        pass
    assert scale.read_stable(1).weight_g == 0
    assert "Z" in sim.commands


@pytest.mark.parametrize("protocol", ["mt-sics", "toledo-continuous"])
def test_tare(make_sim, open_driver, protocol):
    sim, port = make_sim(protocol, "tcp", weight_g=300)
    scale = open_driver(port, protocol)
    scale.tare()
    sim.weight_g = 1300
    deadline = time.monotonic() + 2
    while scale.read_stable(1).weight_g != 1000 and time.monotonic() < deadline:
        pass
    assert scale.read_stable(1).weight_g == 1000
    assert sim.tare_g == 300


def test_mt_sics_refuses_zero_while_moving(make_sim, open_driver):
    sim, port = make_sim("mt-sics", "pty", weight_g=10)
    sim.motion = True
    with pytest.raises(ScaleRefused):
        open_driver(port, "mt-sics").zero()


@pytest.mark.parametrize(
    ("protocol", "action"),
    [("cas", "zero"), ("cas", "tare"), ("hid-postal", "zero"), ("toledo-8213", "tare")],
)
def test_unsupported_commands_say_so(make_sim, open_driver, protocol, action):
    _, port = make_sim(protocol, "pty", unit=_unit(protocol))
    with pytest.raises(ScaleUnsupported):
        getattr(open_driver(port, protocol), action)()


def test_toledo_continuous_without_checksum(make_sim, open_driver):
    sim, port = make_sim("toledo-continuous", "pty", weight_g=2500, checksum=False)
    scale = open_driver(port, "toledo-continuous")
    assert scale.read_stable(2).weight_g == 2500
    sim.garbage, sim.fault_every = True, 3  # noise after some frames, no checksum to help
    for _ in range(3):
        assert scale.read_stable(2).weight_g == 2500
    assert "no checksum" in scale.identify()


def test_continuous_reading_is_fresh(make_sim, open_driver):
    """Frames buffered while nobody asked must not be taken for the weight now."""
    sim, port = make_sim("cas", "pty", weight_g=100)
    scale = open_driver(port, "cas")
    assert scale.read_stable(2).weight_g == 100
    time.sleep(0.2)  # ~10 frames of 100 g pile up
    sim.weight_g = 900
    time.sleep(0.05)
    assert scale.read_stable(2).weight_g == 900
