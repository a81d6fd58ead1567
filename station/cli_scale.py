"""``parcel-station scale read|simulate`` — the scale from the command line.

``station.cli`` calls :func:`register` with its sub-parsers. Standing alone (before that
exists, or for support): ``python -m station.cli_scale scale read --port tcp:5000
--protocol mt-sics``.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from typing import Any

from station.devices.scale.base import NO_ANSWER, ScaleError
from station.devices.scale.registry import PROTOCOLS, ScaleConfig, open_scale
from station.devices.scale.simulator import ScaleSimulator
from station.devices.scale.transport import BAUD_RATES
from station.i18n import tr


def _emit(data: dict[str, Any]) -> None:
    print(json.dumps(data, ensure_ascii=False), flush=True)


def cmd_read(args: argparse.Namespace) -> int:
    config = ScaleConfig(
        port=args.port,
        protocol=args.protocol,
        baud=args.baud,
        framing=args.framing,
        timeout=min(1.0, args.timeout),
    )
    try:
        with open_scale(config) as scale:
            reading = scale.read_stable(args.timeout)
    except ScaleError as exc:
        _emit(
            {
                "error": exc.code if exc.code != "scale_disconnected" else "port_unavailable",
                "message": exc.message,
            }
        )
        return 1
    if reading.status == NO_ANSWER:
        _emit(
            {
                "error": "no_answer",
                "message": tr(
                    "no answer from a {protocol} scale on {port} within {timeout:g} s",
                    protocol=args.protocol,
                    port=args.port,
                    timeout=args.timeout,
                ),
            }
        )
        return 1
    _emit(reading.to_json())
    if reading.message:
        print(reading.message, file=sys.stderr)
    return 0


def cmd_simulate(args: argparse.Namespace) -> int:
    unit = args.unit or ("g" if args.protocol == "hid-postal" else "kg")
    try:
        sim = ScaleSimulator(
            args.protocol, weight_g=args.weight_g, unit=unit, interval=args.interval, link=args.link
        )
    except ValueError as exc:
        _emit({"error": "invalid", "message": str(exc)})
        return 2
    sim.motion = args.motion
    port = args.port
    if port:
        if not port.lower().startswith("tcp:"):
            _emit({"error": "invalid", "message": tr("--port takes tcp:PORT or tcp:HOST:PORT")})
            return 2
        host, _, num = port[4:].rpartition(":")
        try:
            url = sim.start_tcp(int(num), host or "127.0.0.1")
        except (OSError, ValueError) as exc:
            _emit(
                {
                    "error": "port_unavailable",
                    "message": tr("cannot listen on {port}: {exc}", port=port, exc=exc),
                }
            )
            return 1
    else:
        url = sim.start_pty()
    done = threading.Event()

    def _stop(signum: int, frame: object) -> None:
        done.set()

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    _emit({"port": url})
    print(
        f"simulating a {args.protocol} scale at {args.weight_g} g on {url}; Ctrl+C to stop",
        file=sys.stderr,
        flush=True,
    )
    try:
        while not done.wait(0.2):
            pass
    finally:
        sim.stop()
    return 0


def register(subparsers: Any) -> None:
    """Add ``scale read`` and ``scale simulate`` to a parser's sub-parsers."""
    scale = subparsers.add_parser("scale", help="read a scale, or run a scale simulator")
    sub = scale.add_subparsers(dest="scale_command", metavar="read|simulate", required=True)

    read = sub.add_parser("read", help="one reading from a scale, as JSON")
    read.add_argument(
        "--port",
        required=True,
        help="COM3, /dev/ttyUSB0, /dev/pts/N, socket://HOST:PORT or tcp:PORT",
    )
    read.add_argument("--protocol", required=True, choices=PROTOCOLS)
    read.add_argument(
        "--baud",
        type=int,
        choices=BAUD_RATES,
        default=None,
        help="default: the protocol's usual rate (9600)",
    )
    read.add_argument("--framing", default=None, help="8N1, 7E1 … (default per protocol)")
    read.add_argument(
        "--timeout",
        type=float,
        default=3.0,
        help="seconds to wait for a settled weight (default 3)",
    )
    read.set_defaults(func=cmd_read)

    sim = sub.add_parser("simulate", help="a simulated scale on a pseudo-terminal or TCP port")
    sim.add_argument("--protocol", required=True, choices=PROTOCOLS)
    sim.add_argument("--port", default=None, help="tcp:PORT (default: a pseudo-terminal)")
    sim.add_argument("--weight-g", type=int, default=1250, help="weight on the platform")
    sim.add_argument(
        "--unit",
        default=None,
        choices=("kg", "g", "lb", "oz"),
        help="the unit the scale speaks (default kg; g for hid-postal)",
    )
    sim.add_argument("--motion", action="store_true", help="never settle")
    sim.add_argument(
        "--interval", type=float, default=0.1, help="seconds between frames of streaming protocols"
    )
    sim.add_argument("--link", default=None, help="also make a symlink with this path to the pty")
    sim.set_defaults(func=cmd_simulate)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="parcel-station")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
