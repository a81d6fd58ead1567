"""CLI commands for residents' wishes and recipients' numbers (JSON out, like the others):

    parcel-station door list
    parcel-station --user amy door add 13800138000 --name 王芳 --note "3rd floor, elderly"
    parcel-station --user amy door remove 13800138000 --note "collects herself now"
    parcel-station --user amy consent set 13800138000 --basis signed_form
    parcel-station consent show 13800138000
    parcel-station --user amy consent revoke 13800138000
    parcel-station --user amy parcel phone SF1234567890123 13800138000 --reason "gave it"
"""

from __future__ import annotations

import argparse
from typing import Any

from station.cli_commands import _add  # shared argparse helpers
from station.services.residents import STANDING_BASES


def register(sub: Any) -> None:
    door = sub.add_parser("door", help="the door-delivery list (residents who want no station)")
    door_sub = door.add_subparsers(dest="door_command", required=True)
    _add(door_sub, "list", cmd_door_list, "residents on the door-delivery list")
    p = _add(door_sub, "add", cmd_door_add, "put a resident on the door-delivery list")
    p.add_argument("phone")
    p.add_argument("--name")
    p.add_argument("--note", default="")
    p = _add(door_sub, "remove", cmd_door_remove, "take a resident off the door-delivery list")
    p.add_argument("phone")
    p.add_argument("--note", default="")

    consent = sub.add_parser("consent", help="residents' standing consent to collect here")
    consent_sub = consent.add_subparsers(dest="consent_command", required=True)
    p = _add(consent_sub, "set", cmd_consent_set, "record a resident's standing consent")
    p.add_argument("phone")
    p.add_argument("--basis", choices=STANDING_BASES, required=True, help="how they agreed")
    p.add_argument("--name")
    p.add_argument("--note", default="")
    p = _add(consent_sub, "revoke", cmd_consent_revoke, "the resident withdrew consent")
    p.add_argument("phone")
    p.add_argument("--note", default="")
    p = _add(consent_sub, "show", cmd_consent_show, "what is on record for a number")
    p.add_argument("phone")

    parcel = sub.add_parser("parcel", help="change one parcel's record")
    parcel_sub = parcel.add_subparsers(dest="parcel_command", required=True)
    p = _add(parcel_sub, "phone", cmd_parcel_phone, "record or correct the recipient's phone")
    p.add_argument("tracking")
    p.add_argument("phone")
    p.add_argument("--reason", required=True)


def cmd_door_list(args: argparse.Namespace, ctx: Any) -> Any:
    from station.services import residents

    return residents.door_list(ctx.viewer())


def cmd_door_add(args: argparse.Namespace, ctx: Any) -> Any:
    from station.services import residents

    return residents.door_add(ctx.actor(), args.phone, args.name, args.note)


def cmd_door_remove(args: argparse.Namespace, ctx: Any) -> Any:
    from station.services import residents

    return residents.door_remove(ctx.actor(), args.phone, args.note)


def cmd_consent_set(args: argparse.Namespace, ctx: Any) -> Any:
    from station.services import residents

    return residents.consent_set(ctx.actor(), args.phone, args.basis, args.note, args.name)


def cmd_consent_revoke(args: argparse.Namespace, ctx: Any) -> Any:
    from station.services import residents

    return residents.consent_revoke(ctx.actor(), args.phone, args.note)


def cmd_consent_show(args: argparse.Namespace, ctx: Any) -> Any:
    from station.services import residents

    return residents.get(ctx.viewer(), args.phone)


def cmd_parcel_phone(args: argparse.Namespace, ctx: Any) -> Any:
    from station.services import parcels

    return parcels.set_phone(ctx.actor(), args.tracking, args.phone, args.reason)
