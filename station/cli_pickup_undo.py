"""CLI command to undo a hand-over on its day (owner, with a reason; JSON out like the others):

    parcel-station --user boss undo-pickup R20261203-000042 --reason "handed to the wrong person"
    parcel-station --user boss undo-pickup SF1234567890123 --reason "误拿" --dry-run
"""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    help_text = (
        "owner: undo a hand-over on its day: its parcels go back on their slots with their "
        "codes, its payments are reversed"
    )
    p = sub.add_parser("undo-pickup", help=help_text, description=help_text)
    p.add_argument("ref", metavar="RECEIPT_OR_TRACKING",
                   help="the receipt number (R20261203-000042) or a collected parcel's number")
    p.add_argument("--reason", required=True, help="why (kept with the undo)")
    p.add_argument("--dry-run", action="store_true",
                   help="only show what would be put back and refunded")
    p.set_defaults(func=cmd_undo_pickup, handler=cmd_undo_pickup)


def cmd_undo_pickup(args: argparse.Namespace, ctx: Any) -> Any:
    from station.services import pickup_undo

    if args.dry_run:
        return pickup_undo.preview(ctx.actor(), args.ref)
    return pickup_undo.undo_pickup(ctx.actor(), args.ref, args.reason)
