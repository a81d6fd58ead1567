"""``label TRACKING --out FILE.pdf``: print a shelf sticker from the command line.

The main CLI (``station.cli``) mounts this with ``add_label_command(subparsers, lookup)``
where ``lookup(tracking) -> StickerData`` reads the parcel through the services. Without a
lookup (``python -m station.documents label …``) the sticker is built from the options.
Output is one JSON object on stdout; errors are ``{"error", "message"}`` with exit code 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from station.documents.data import StickerData
from station.documents.sticker import SIZES, render_sticker
from station.errors import InvalidInput, StationError
from station.i18n import tr

Lookup = Callable[[str], StickerData]


def yuan_to_fen(text: str) -> int:
    """ "12.5" → 1250 exactly (no floats); more than two decimals is refused."""
    try:
        value = Decimal(text.strip().lstrip("¥"))
    except InvalidOperation:
        raise InvalidInput(
            tr(
                "Not an amount: {text!r}",
                text=text,
            ),
            value=text,
        ) from None
    fen = value * 100
    if fen != fen.to_integral_value() or fen < 0:
        raise InvalidInput(
            tr(
                "Not an amount in yuan and fen: {text!r}",
                text=text,
            ),
            value=text,
        )
    return int(fen)


def add_label_command(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    lookup: Lookup | None = None,
) -> argparse.ArgumentParser:
    p = subparsers.add_parser("label", help="print a shelf sticker (PDF) for a parcel")
    p.add_argument("tracking", help="tracking number")
    p.add_argument("--out", required=True, type=Path, help="PDF file to write")
    p.add_argument("--size", default="60x40", choices=SIZES, help="sticker size in mm")
    p.add_argument("--reprint", action="store_true", help="mark as a reprint (补打)")
    g = p.add_argument_group("sticker data (used when the parcel is not looked up)")
    g.add_argument("--pickup-code")
    g.add_argument("--carrier", default="", help="carrier name")
    g.add_argument("--carrier-code", default="")
    g.add_argument("--slot", default="")
    g.add_argument("--phone", default="", help="recipient phone (masked on the label)")
    g.add_argument("--name", default="", help="recipient name (surname shown)")
    g.add_argument("--cod", default="0", help="cash on delivery in yuan, e.g. 12.50")
    g.add_argument("--id-check", action="store_true", help="ID must be checked at pickup")
    g.add_argument("--received", help="intake time, ISO 8601 (default: now)")
    p.set_defaults(handler=lambda args: run_label(args, lookup))
    return p


def _from_args(args: argparse.Namespace) -> StickerData:
    if not args.pickup_code:
        raise InvalidInput(tr("--pickup-code is needed when the parcel is not looked up."))
    try:
        received = datetime.fromisoformat(args.received) if args.received else datetime.now()
    except ValueError:
        raise InvalidInput(
            tr(
                "Not an ISO date/time: {received!r}",
                received=args.received,
            )
        ) from None
    return StickerData(
        tracking=args.tracking,
        carrier_code=args.carrier_code,
        carrier_name=args.carrier or args.carrier_code,
        pickup_code=args.pickup_code,
        slot=args.slot,
        masked_phone=args.phone,
        recipient_name=args.name,
        received_at=received,
        cod_fen=yuan_to_fen(args.cod),
        id_check=args.id_check,
    )


def run_label(args: argparse.Namespace, lookup: Lookup | None = None) -> dict[str, Any]:
    data = lookup(args.tracking) if lookup is not None else _from_args(args)
    if args.reprint and not data.reprint:
        data = StickerData(**{**data.__dict__, "reprint": True})
    pdf = render_sticker(data, args.out, args.size)
    return {
        "ok": True,
        "tracking": data.tracking,
        "pickup_code": data.pickup_code,
        "size": args.size,
        "out": str(args.out.resolve()),
        "bytes": len(pdf),
    }


def main(argv: Sequence[str] | None = None, lookup: Lookup | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m station.documents", description="Parcel Station documents"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    add_label_command(sub, lookup)
    args = parser.parse_args(argv)
    try:
        result = args.handler(args)
    except StationError as exc:
        print(json.dumps(exc.to_json(), ensure_ascii=False))
        return 2
    except OSError as exc:
        print(json.dumps({"error": "io", "message": str(exc)}, ensure_ascii=False))
        return 2
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
