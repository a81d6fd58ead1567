"""`parcel-station`: the desktop app (no command) and a JSON command line over the services.

Exit status: 0 success, 1 refused by the station ({"error", "message"} on stdout), 2 usage.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

from station import db as station_db
from station.audit import Actor
from station.errors import InvalidInput, NotAllowed, StationError
from station.i18n import set_language, tr

Handler = Callable[[argparse.Namespace, "Context"], Any]


class Context:
    """What a command needs: the open database and, lazily, the acting staff member."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self._actor: Actor | None = None

    def open(self) -> None:
        station_db.open_database(self.args.db)
        from station.services.station import apply_zone

        apply_zone()

    def actor(self, required: bool = True) -> Actor | None:
        if self._actor is not None:
            return self._actor
        name = self.user_name()
        if not name:
            if required:
                raise NotAllowed(
                    tr(
                        "This command changes the station: give --user NAME (the PIN comes from "
                        "PARCEL_STATION_PIN or is asked for)."
                    ),
                    code="login_required",
                )
            return None
        pin = self.pin_for(name)
        from station.services import staff

        self._actor = staff.authenticate(
            name, pin, counter=os.environ.get("PARCEL_STATION_COUNTER", "cli")
        )
        return self._actor

    def user_name(self) -> str | None:
        return self.args.user or os.environ.get("PARCEL_STATION_USER")

    def pin_for(self, name: str) -> str:
        pin = os.environ.get("PARCEL_STATION_PIN")
        if pin is None:
            if not sys.stdin.isatty():
                raise NotAllowed(
                    tr("No PIN: set PARCEL_STATION_PIN or run on a terminal."), code="wrong_pin"
                )
            pin = getpass.getpass(tr("PIN for {name}: ", name=name))
        return pin

    def viewer(self) -> Actor:
        """For read-only commands: the logged-in user if given, else a clerk-level viewer."""
        actor = self.actor(required=False)
        return actor or Actor(None, "cli", "clerk", "cli")


def emit(data: Any) -> None:
    sys.stdout.write(json.dumps(_plain(data), ensure_ascii=False, indent=2) + "\n")
    sys.stdout.flush()


def _plain(data: Any) -> Any:
    if hasattr(data, "to_json"):
        return data.to_json()
    if isinstance(data, list | tuple):
        return [_plain(item) for item in data]
    if isinstance(data, dict):
        return {k: _plain(v) for k, v in data.items()}
    return data


def build_parser() -> argparse.ArgumentParser:
    from station import cli_commands

    parser = argparse.ArgumentParser(
        prog="parcel-station",
        description="Parcel Station: counter software for a parcel pickup station.",
    )
    parser.add_argument("--db", help="SQLite path, sqlite:///PATH or postgresql://… URL")
    parser.add_argument("--user", help="staff account a changing command acts as")
    parser.add_argument("--lang", choices=("zh_CN", "en"), help="language of messages")
    parser.add_argument("--demo", action="store_true", help="open the app on the demo station")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    cli_commands.register(sub)
    from station import cli_station

    cli_station.register(sub)
    from station import cli_sends

    cli_sends.register(sub)
    from station import cli_residents

    cli_residents.register(sub)
    from station import cli_pickup_undo

    cli_pickup_undo.register(sub)
    try:
        from station import cli_scale

        cli_scale.register(sub)
    except ImportError:  # the scale drivers are optional in stripped builds
        pass
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.lang:
        os.environ["PARCEL_STATION_LANG"] = args.lang
        set_language(args.lang)
    if args.command is None:
        from ui.app import run_app

        return run_app(args)
    func = getattr(args, "func", None)
    if func is None:
        parser.parse_args([args.command, "--help"])
        return 2
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:  # subcommands that print their own output (scale)
        return int(func(args))
    ctx = Context(args)
    try:
        if not getattr(args, "no_db", False):
            ctx.open()
        result = handler(args, ctx)
    except StationError as exc:
        emit(exc.to_json())
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug, not a refusal: say so plainly, keep details on stderr
        import traceback

        traceback.print_exc(file=sys.stderr)
        emit(
            {
                "error": "internal",
                "message": tr(
                    "Unexpected problem ({kind}): {exc}. "
                    "Nothing further was changed; please report it.",
                    kind=type(exc).__name__,
                    exc=exc,
                ),
            }
        )
        return 1
    finally:
        station_db.close_database()
    if result is not None:
        emit(result)
    return 0


def usage_error(message: str) -> InvalidInput:
    return InvalidInput(message, code="usage")


if __name__ == "__main__":
    sys.exit(main())
