"""``scale read`` / ``scale simulate`` as real subprocesses: the simulator on a pty or a TCP
port, the reader printing the JSON of the CLI contract."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PREFIX = ["uv", "run", "--no-sync", "python"] if shutil.which("uv") else [sys.executable]
CLI = [*PREFIX, "-m", "station.cli_scale", "scale"]


def _run(*args: str, timeout: float = 20) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def simulate():
    procs: list[subprocess.Popen[str]] = []

    def start(*args: str) -> tuple[subprocess.Popen[str], str]:
        proc = subprocess.Popen(
            [*CLI, "simulate", *args],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        procs.append(proc)
        line = proc.stdout.readline()
        assert line, proc.stderr.read()
        return proc, json.loads(line)["port"]

    yield start
    for proc in procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        proc.stdout.close()
        proc.stderr.close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize(
    "protocol", ["mt-sics", "toledo-8213", "toledo-continuous", "cas", "hid-postal"]
)
def test_read_from_simulator_on_pty(simulate, protocol):
    _, port = simulate("--protocol", protocol, "--weight-g", "2345", "--interval", "0.02")
    assert port.startswith("/dev/")
    done = _run("read", "--port", port, "--protocol", protocol)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"weight_g": 2345, "stable": True, "status": "ok"}


@pytest.mark.parametrize("protocol", ["mt-sics", "cas"])
def test_read_from_simulator_on_tcp(simulate, protocol):
    number = _free_port()
    _, port = simulate("--protocol", protocol, "--port", f"tcp:{number}", "--weight-g", "987")
    assert port == f"socket://127.0.0.1:{number}"
    for given in (port, f"tcp:{number}"):
        done = _run("read", "--port", given, "--protocol", protocol)
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout) == {"weight_g": 987, "stable": True, "status": "ok"}


def test_moving_scale_reports_unstable(simulate):
    _, port = simulate("--protocol", "toledo-continuous", "--motion", "--interval", "0.02")
    done = _run("read", "--port", port, "--protocol", "toledo-continuous", "--timeout", "0.5")
    assert done.returncode == 0
    data = json.loads(done.stdout)
    assert data["stable"] is False and data["status"] == "motion"
    assert set(data) == {"weight_g", "stable", "status"}


def test_no_answer_is_exit_1():
    master, slave = os.openpty()  # a port where nothing answers
    try:
        done = _run(
            "read", "--port", os.ttyname(slave), "--protocol", "mt-sics", "--timeout", "0.5"
        )
    finally:
        os.close(master)
        os.close(slave)
    assert done.returncode == 1
    data = json.loads(done.stdout)
    assert data["error"] == "no_answer" and data["message"]


def test_missing_port_is_exit_1():
    done = _run("read", "--port", "/dev/no-such-scale", "--protocol", "cas")
    assert done.returncode == 1
    assert json.loads(done.stdout)["error"] == "port_unavailable"


def test_usage_errors_are_exit_2():
    assert _run("read", "--port", "x", "--protocol", "nope").returncode == 2
    assert _run("simulate", "--protocol", "cas", "--unit", "lb").returncode == 2


def test_simulator_stops_on_sigint_and_sigterm(simulate):
    for sig in (signal.SIGINT, signal.SIGTERM):
        proc, port = simulate("--protocol", "cas")
        assert os.path.exists(port)
        started = time.monotonic()
        proc.send_signal(sig)
        assert proc.wait(5) == 0
        assert time.monotonic() - started < 3


def test_in_process_main(capsys, make_sim):
    from station import cli_scale

    _, port = make_sim("mt-sics", "tcp", weight_g=42)
    assert cli_scale.main(["scale", "read", "--port", port, "--protocol", "mt-sics"]) == 0
    assert json.loads(capsys.readouterr().out) == {"weight_g": 42, "stable": True, "status": "ok"}


def test_register_into_a_bigger_parser():
    import argparse

    from station import cli_scale

    parser = argparse.ArgumentParser()
    cli_scale.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["scale", "read", "--port", "COM3", "--protocol", "cas"])
    assert args.func is cli_scale.cmd_read and args.baud is None and args.timeout == 3.0
    args = parser.parse_args(["scale", "simulate", "--protocol", "mt-sics", "--port", "tcp:5000"])
    assert args.func is cli_scale.cmd_simulate and args.weight_g == 1250
