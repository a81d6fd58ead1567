"""CLI commands that set a station up: shelves and carriers (owner), beside `init` and `staff`.

    parcel-station --user boss shelf add A --layers 5 --capacity S=10,M=6,L=2,XL=1
    parcel-station shelf list
    parcel-station --user boss shelf remove A
    parcel-station --user boss carrier deactivate DHL
"""

from __future__ import annotations

import argparse
from typing import Any

from station.cli_commands import _add  # shared argparse helpers
from station.domain.sizes import SIZES
from station.i18n import tr


def parse_capacity(text: str) -> dict[str, int]:
    """"S=10,M=6,L=2,XL=1" → {"S": 10, "M": 6, "L": 2, "XL": 1}; sizes not named hold 0.
    Used as an argparse type, so a malformed value is a usage error (exit status 2)."""
    capacity = {size: 0 for size in SIZES}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        size, sep, amount = part.partition("=")
        size = size.strip().upper()
        if not sep or size not in SIZES or not amount.strip().isdigit():
            raise argparse.ArgumentTypeError(
                tr(
                    "'{part}' should look like S=10 (sizes S, M, L, XL; a whole number of "
                    "parcels per layer), e.g. --capacity S=10,M=6,L=2,XL=1.",
                    part=part.strip(),
                )
            )
        capacity[size] = int(amount)
    return capacity


def register(sub: Any) -> None:
    shelf = sub.add_parser("shelf", help="shelves and their layers (owner changes them)")
    shelf_sub = shelf.add_subparsers(dest="shelf_command", required=True)
    p = _add(shelf_sub, "add", cmd_shelf_add, "add a shelf with N layers of the same capacity")
    p.add_argument("name", help="1-3 letters, e.g. A")
    p.add_argument("--layers", type=int, required=True)
    p.add_argument(
        "--capacity", type=parse_capacity, required=True, help="per layer: S=10,M=6,L=2,XL=1"
    )
    _add(shelf_sub, "list", cmd_shelf_list, "shelves, layers, capacity and use")
    p = _add(shelf_sub, "remove", cmd_shelf_remove, "remove an empty shelf")
    p.add_argument("name")
    p = _add(shelf_sub, "rename", cmd_shelf_rename, "rename a shelf (codes given out stay valid)")
    p.add_argument("name")
    p.add_argument("new_name")
    p = _add(shelf_sub, "resize", cmd_shelf_resize, "change one layer's capacity")
    p.add_argument("label", help="the layer, e.g. A-3")
    p.add_argument("--capacity", type=parse_capacity, required=True, help="S=10,M=6,L=2,XL=1")

    carrier = sub.add_parser("carrier", help="carriers the station works with")
    carrier_sub = carrier.add_subparsers(dest="carrier_command", required=True)
    p = _add(carrier_sub, "list", cmd_carrier_list, "carriers (active ones unless --all)")
    p.add_argument("--all", action="store_true", dest="include_all")
    p = _add(carrier_sub, "add", cmd_carrier_add, "owner: add a carrier")
    p.add_argument("code")
    p.add_argument("--name-en", required=True)
    p.add_argument("--name-zh", default="")
    p.add_argument("--pattern", default="", help="regular expression for its tracking numbers")
    p = _add(carrier_sub, "deactivate", cmd_carrier_deactivate, "owner: stop taking its parcels")
    p.add_argument("code")
    p = _add(carrier_sub, "activate", cmd_carrier_activate, "owner: take its parcels again")
    p.add_argument("code")


def cmd_shelf_add(args: argparse.Namespace, ctx: Any) -> Any:
    from station.services import shelves

    return shelves.add_shelf(ctx.actor(), args.name, args.layers, args.capacity)


def cmd_shelf_list(args: argparse.Namespace, ctx: Any) -> Any:
    from station.services import shelves

    return shelves.list_shelves()


def cmd_shelf_remove(args: argparse.Namespace, ctx: Any) -> Any:
    from station.services import shelves

    return shelves.remove_shelf(ctx.actor(), args.name)


def cmd_shelf_rename(args: argparse.Namespace, ctx: Any) -> Any:
    from station.services import shelves

    return shelves.rename_shelf(ctx.actor(), args.name, args.new_name)


def cmd_shelf_resize(args: argparse.Namespace, ctx: Any) -> Any:
    from station.services import shelves

    return shelves.resize_layer(ctx.actor(), args.label, args.capacity)


def cmd_carrier_list(args: argparse.Namespace, ctx: Any) -> Any:
    from station.services import carriers

    return carriers.list_carriers(include_inactive=args.include_all)


def cmd_carrier_add(args: argparse.Namespace, ctx: Any) -> Any:
    from station.services import carriers

    return carriers.add_carrier(ctx.actor(), args.code, args.name_en, args.name_zh, args.pattern)


def cmd_carrier_deactivate(args: argparse.Namespace, ctx: Any) -> Any:
    from station.services import carriers

    return carriers.set_active(ctx.actor(), args.code, False)


def cmd_carrier_activate(args: argparse.Namespace, ctx: Any) -> Any:
    from station.services import carriers

    return carriers.set_active(ctx.actor(), args.code, True)
