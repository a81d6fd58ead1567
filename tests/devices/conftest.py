"""Fixtures for the counter-hardware tests: scale simulators on a real pty or TCP port."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from station.devices.scale.base import Scale
from station.devices.scale.registry import ScaleConfig, open_scale
from station.devices.scale.simulator import ScaleSimulator

SimFactory = Callable[..., tuple[ScaleSimulator, str]]


@pytest.fixture
def make_sim(tmp_path) -> Iterator[SimFactory]:
    """``make_sim(protocol, transport="pty"|"tcp", **options)`` → (simulator, port)."""
    sims: list[ScaleSimulator] = []

    def make(protocol: str, transport: str = "pty", **options) -> tuple[ScaleSimulator, str]:
        options.setdefault("interval", 0.02)
        options.setdefault("stability_wait", 0.1)
        if transport == "pty":
            options.setdefault("link", str(tmp_path / f"scale{len(sims)}"))
        sim = ScaleSimulator(protocol, **options)
        sims.append(sim)
        port = sim.start_pty() if transport == "pty" else sim.start_tcp()
        return sim, port

    yield make
    for sim in sims:
        sim.stop()


@pytest.fixture
def open_driver() -> Iterator[Callable[..., Scale]]:
    """``open_driver(port, protocol, **options)``; closed after the test."""
    opened: list[Scale] = []

    def opener(port: str, protocol: str, timeout: float = 0.25, **options) -> Scale:
        scale = open_scale(
            ScaleConfig(port=port, protocol=protocol, timeout=timeout, options=options)
        )
        opened.append(scale)
        return scale

    yield opener
    for scale in opened:
        scale.close()
