"""The JSON commands of ../shared/CLI.md, each a thin call into one service."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from station.domain.money import parse_yuan
from station.errors import InvalidInput
from station.i18n import tr


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date like 2026-11-25") from exc


def _add(sub: Any, name: str, handler: Any, help_text: str) -> argparse.ArgumentParser:
    parser = sub.add_parser(name, help=help_text, description=help_text)
    parser.set_defaults(func=handler, handler=handler)
    return parser


def register(sub: Any) -> None:
    p = _add(sub, "init", cmd_init, "create or upgrade the database (idempotent)")
    p.add_argument("--demo", action="store_true", dest="demo_data")
    p.add_argument("--owner")
    p.add_argument("--pin")
    p.add_argument("--station-name")
    p.add_argument("--station-address")
    p.add_argument("--station-phone")

    staff = sub.add_parser("staff", help="owner: staff accounts")
    staff_sub = staff.add_subparsers(dest="staff_command", required=True)
    p = _add(staff_sub, "add", cmd_staff_add, "add a staff account")
    p.add_argument("name")
    p.add_argument("--role", choices=("clerk", "owner"), required=True)
    p.add_argument("--pin", required=True)
    _add(staff_sub, "list", cmd_staff_list, "list staff accounts")
    p = _add(staff_sub, "deactivate", cmd_staff_deactivate, "stop an account from logging in")
    p.add_argument("name")
    p = _add(staff_sub, "activate", cmd_staff_activate, "let a deactivated account log in again")
    p.add_argument("name")

    p = _add(sub, "intake", cmd_intake, "intake one parcel onto a shelf slot")
    p.add_argument("tracking")
    p.add_argument("--phone")
    p.add_argument("--name")
    p.add_argument("--carrier")
    p.add_argument("--weight-g", type=int)
    p.add_argument("--size", type=str.upper, choices=("S", "M", "L", "XL"))
    p.add_argument("--cod", help="cash on delivery, yuan")
    p.add_argument("--damaged", metavar="NOTE")
    p.add_argument("--id-check", action="store_true", help="always ask for ID at pickup")
    p.add_argument(
        "--consent",
        choices=("manifest", "phone_call", "standing", "carrier"),
        help="how the recipient agreed; left out: the manifest's or standing consent, else "
        "recorded as not_asked",
    )
    p.add_argument("--slot", help="put it in this slot (e.g. A-3) instead of the suggested one")
    p.add_argument("--again", metavar="REASON", help="take in a parcel that already left")

    p = _add(sub, "find", cmd_find, "search parcels")
    p.add_argument("query")
    p.add_argument("--all", action="store_true", dest="include_all")

    p = _add(sub, "show", cmd_show, "one parcel with its events")
    p.add_argument("tracking")

    p = _add(sub, "pickup", cmd_pickup, "hand over parcels to one person")
    p.add_argument("refs", nargs="+", metavar="CODE_OR_TRACKING")
    p.add_argument(
        "--id-type",
        choices=("resident_id", "passport", "hk_macau_permit", "taiwan_permit", "other"),
    )
    p.add_argument("--id-number")
    p.add_argument("--id-name", help="name printed on the ID (checked against the recipient)")
    p.add_argument("--proxy-name")
    p.add_argument("--proxy-phone")
    p.add_argument("--pay", choices=("cash", "wechat", "alipay", "card"))
    p.add_argument("--tendered", help="cash handed over, yuan")

    _add(sub, "overdue", cmd_overdue, "parcels past their retention days")

    p = _add(sub, "return", cmd_return, "mark parcels for return to the carrier")
    p.add_argument("trackings", nargs="+", metavar="TRACKING")

    p = _add(sub, "handover", cmd_handover, "hand parcels marked for return to the courier")
    p.add_argument("--carrier", required=True)
    p.add_argument("--courier", default="", help="courier's name")

    p = _add(sub, "move", cmd_move, "move a parcel to another slot")
    p.add_argument("tracking")
    p.add_argument("slot")

    p = _add(sub, "missing", cmd_missing, "mark a parcel missing")
    p.add_argument("tracking")
    p.add_argument("--note", default="")

    p = _add(sub, "found", cmd_found, "a missing parcel was found")
    p.add_argument("tracking")
    p.add_argument("--slot")

    report = sub.add_parser("report", help="owner: reports")
    report_sub = report.add_subparsers(dest="report_command", required=True)
    p = _add(report_sub, "daily", cmd_report_daily, "the daily report")
    p.add_argument("--date", type=_date)
    p.add_argument("--out")

    p = _add(sub, "label", cmd_label, "the parcel's shelf sticker as PDF")
    p.add_argument("tracking")
    p.add_argument("--out", required=True)
    p.add_argument("--size", default="60x40", choices=("60x40", "50x30", "40x30"))

    p = _add(sub, "import-manifest", cmd_import_manifest, "load a carrier's pre-advice CSV")
    p.add_argument("file")
    p.add_argument("--carrier", required=True)

    p = _add(sub, "backup", cmd_backup, "online backup of the whole station")
    p.add_argument("--out", required=True)
    p = _add(sub, "restore", cmd_restore, "restore the station from a backup file")
    p.add_argument("file")

    p = _add(sub, "close-day", cmd_close_day, "owner: close a day against the counted drawer")
    p.add_argument("--date", type=_date)
    p.add_argument("--counted", required=True, help="cash=YUAN[,wechat=YUAN,...]")
    p.add_argument("--reason", default="")

    p = _add(sub, "settle", cmd_settle, "owner: what a carrier owes for handling")
    p.add_argument("--carrier", required=True)
    p.add_argument("--from", dest="date_from", type=_date, required=True)
    p.add_argument("--to", dest="date_to", type=_date, required=True)
    p.add_argument("--out", help="also write a statement (.xlsx)")

    p = _add(sub, "stocktake", cmd_stocktake, "reconcile scanned tracking numbers")
    p.add_argument("--shelf")
    p.add_argument("--scans", required=True)

    ticket = sub.add_parser("ticket", help="exceptions and complaints")
    ticket_sub = ticket.add_subparsers(dest="ticket_command", required=True)
    p = _add(ticket_sub, "open", cmd_ticket_open, "open a ticket")
    p.add_argument("tracking", nargs="?")
    p.add_argument("--kind", required=True)
    p.add_argument("--note", required=True)
    p.add_argument("--contact", default="")
    p.add_argument("--claim", help="claim amount, yuan")
    p = _add(ticket_sub, "list", cmd_ticket_list, "open tickets")
    p.add_argument("--all", action="store_true", dest="include_all")
    p = _add(ticket_sub, "resolve", cmd_ticket_resolve, "resolve a ticket")
    p.add_argument("id", type=int)
    p.add_argument("--note", required=True)

    p = _add(sub, "verify", cmd_verify, "database integrity, audit chain and tables replayed")
    p.add_argument("--export-head", metavar="FILE", help="write the chain head to keep elsewhere")
    p.add_argument("--anchor", metavar="FILE", help="check the chain still holds this head")


# -- handlers -------------------------------------------------------------------------------


def cmd_init(args: argparse.Namespace, ctx: Any) -> Any:
    from station.errors import NotAllowed
    from station.services import settings
    from station.services.station import init_station, is_new

    if bool(args.owner) != bool(args.pin):
        raise InvalidInput(
            tr("Give both --owner and --pin to create the owner account."), code="usage"
        )
    actor = ctx.actor(required=False)
    if args.demo_data and not is_new() and not settings.get("demo_station"):
        raise NotAllowed(
            tr(
                "The demo adds accounts with well-known PINs, so it only goes into a new, "
                "empty database: give another file, e.g. --db demo.db init --demo."
            ),
            code="not_a_demo_station",
        )
    station_name = args.station_name or ("演示驿站 Demo Station" if args.demo_data else None)
    result = init_station(
        owner=args.owner,
        pin=args.pin,
        station_name=station_name,
        actor=actor,
        address=args.station_address,
        phone=args.station_phone,
    )
    if args.demo_data:
        from station.demo import build_demo

        result = result | {"demo": build_demo()}
    return result


def cmd_staff_add(args: argparse.Namespace, ctx: Any) -> Any:
    from station.services import staff

    return staff.add_staff(ctx.actor(), args.name, args.role, args.pin)


def cmd_staff_list(args: argparse.Namespace, ctx: Any) -> Any:
    from station.services import staff

    return staff.list_staff(ctx.actor())


def cmd_staff_deactivate(args: argparse.Namespace, ctx: Any) -> Any:
    from station.services import staff

    return staff.set_active(ctx.actor(), args.name, False)


def cmd_staff_activate(args: argparse.Namespace, ctx: Any) -> Any:
    from station.services import staff

    return staff.set_active(ctx.actor(), args.name, True)


def cmd_intake(args: argparse.Namespace, ctx: Any) -> Any:
    from station.services.intake import NOT_ASKED, IntakeRequest, intake

    request = IntakeRequest(
        tracking=args.tracking,
        phone=args.phone,
        name=args.name,
        carrier=args.carrier,
        weight_g=args.weight_g,
        size=args.size,
        cod_fen=parse_yuan(args.cod) if args.cod else None,
        damaged_note=args.damaged,
        id_check=args.id_check,
        consent_basis=args.consent or NOT_ASKED,
        slot=args.slot,
        again_reason=args.again,
    )
    return intake(ctx.actor(), request)


def cmd_find(args: argparse.Namespace, ctx: Any) -> Any:
    from station.services.parcels import find

    return find(ctx.viewer(), args.query, include_all=args.include_all)


def cmd_show(args: argparse.Namespace, ctx: Any) -> Any:
    from station.services.parcels import show

    return show(ctx.viewer(), args.tracking)


def cmd_pickup(args: argparse.Namespace, ctx: Any) -> Any:
    from station.services.pickup import PickupRequest, pickup
    from station.services.pickup_checks import from_refs

    request = PickupRequest(
        refs=tuple(args.refs),
        # A tracking number given is the parcel's barcode; a pickup code alone is a hand tick
        # with the reason "command line" (counted against the clerk's daily limit).
        checks=from_refs(args.refs),
        id_type=args.id_type,
        id_number=args.id_number,
        id_name=args.id_name,
        proxy_name=args.proxy_name,
        proxy_phone=args.proxy_phone,
        method=args.pay,
        tendered_fen=parse_yuan(args.tendered) if args.tendered else None,
    )
    return pickup(ctx.actor(), request)


def cmd_overdue(args: argparse.Namespace, ctx: Any) -> Any:
    from station.services.returns import overdue

    return overdue(ctx.viewer())


def cmd_return(args: argparse.Namespace, ctx: Any) -> Any:
    from station.services.returns import mark_for_return

    return mark_for_return(ctx.actor(), args.trackings)


def cmd_handover(args: argparse.Namespace, ctx: Any) -> Any:
    from station.services.returns import handover

    return handover(ctx.actor(), args.carrier, args.courier)


def cmd_move(args: argparse.Namespace, ctx: Any) -> Any:
    from station.services.returns import move

    return move(ctx.actor(), args.tracking, args.slot)


def cmd_missing(args: argparse.Namespace, ctx: Any) -> Any:
    from station.services.returns import mark_missing

    return mark_missing(ctx.actor(), args.tracking, args.note)


def cmd_found(args: argparse.Namespace, ctx: Any) -> Any:
    from station.services.returns import mark_found

    return mark_found(ctx.actor(), args.tracking, args.slot)


def cmd_report_daily(args: argparse.Namespace, ctx: Any) -> Any:
    from station.services import reports

    report = reports.daily(ctx.actor(), args.date)
    data = report.to_json()
    if args.out:
        out = Path(args.out)
        writers = {
            ".pdf": reports.write_pdf,
            ".csv": reports.write_csv,
            ".xlsx": reports.write_xlsx,
        }
        writer = writers.get(out.suffix.lower())
        if writer is None:
            raise InvalidInput(tr("--out must end in .pdf, .csv or .xlsx."), code="usage")
        writer(report, out)
        data["out"] = str(out)
    return data


def cmd_label(args: argparse.Namespace, ctx: Any) -> Any:
    from station.services import paperwork

    return {
        "pdf": str(paperwork.sticker_pdf(ctx.viewer(), args.tracking, Path(args.out), args.size))
    }


def cmd_import_manifest(args: argparse.Namespace, ctx: Any) -> Any:
    from station.services.manifests import import_manifest

    return import_manifest(ctx.actor(), args.file, args.carrier)


def cmd_backup(args: argparse.Namespace, ctx: Any) -> Any:
    from station.services.backup import backup

    return backup(ctx.actor(), args.out)


def cmd_restore(args: argparse.Namespace, ctx: Any) -> Any:
    from station.services.backup import owner_from_backup, restore
    from station.services.station import is_new

    if is_new():
        # A new machine: nobody here yet, so the owner proves themselves with the account
        # and PIN kept inside the backup being restored.
        name = ctx.user_name()
        if not name:
            raise InvalidInput(
                tr(
                    "Give --user NAME of an owner account in the backup (its PIN from "
                    "PARCEL_STATION_PIN) to restore it onto this machine."
                ),
                code="login_required",
            )
        return restore(owner_from_backup(args.file, name, ctx.pin_for(name)), args.file)
    return restore(ctx.actor(), args.file)


def parse_counted(text: str) -> dict[str, int]:
    counted: dict[str, int] = {}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        method, sep, amount = part.partition("=")
        if not sep:
            raise InvalidInput(
                tr(
                    "'{part}' should look like cash=1234.50.",
                    part=part,
                ),
                code="usage",
            )
        counted[method.strip().lower()] = parse_yuan(amount)
    return counted


def cmd_close_day(args: argparse.Namespace, ctx: Any) -> Any:
    from station import clock
    from station.services import day_close

    day = args.date or clock.local_day()
    return day_close.close_day(ctx.actor(), day, parse_counted(args.counted), args.reason)


def cmd_settle(args: argparse.Namespace, ctx: Any) -> Any:
    from station.services import settlement

    result = settlement.settle(ctx.actor(), args.carrier, args.date_from, args.date_to)
    data = result.to_json()
    if args.out:
        settlement.write_statement_xlsx(result, Path(args.out))
        data["out"] = args.out
    return data


def cmd_stocktake(args: argparse.Namespace, ctx: Any) -> Any:
    from station.services import stocktake

    try:
        lines = Path(args.scans).read_text(encoding="utf-8-sig").splitlines()
    except OSError as exc:
        raise InvalidInput(
            tr(
                "Cannot read the scans file {scans}: {reason}.",
                scans=args.scans,
                reason=exc.strerror,
            )
        ) from exc
    return stocktake.reconcile(ctx.actor(), lines, shelf=args.shelf)


def cmd_ticket_open(args: argparse.Namespace, ctx: Any) -> Any:
    from station.services import tickets

    return tickets.open_ticket(
        ctx.actor(),
        args.kind,
        args.note,
        tracking=args.tracking,
        contact=args.contact,
        claim_fen=parse_yuan(args.claim) if args.claim else 0,
    )


def cmd_ticket_list(args: argparse.Namespace, ctx: Any) -> Any:
    from station.services import tickets

    return tickets.list_tickets(ctx.viewer(), include_resolved=args.include_all)


def cmd_ticket_resolve(args: argparse.Namespace, ctx: Any) -> Any:
    from station.services import tickets

    return tickets.resolve(ctx.actor(), args.id, args.note)


def cmd_verify(args: argparse.Namespace, ctx: Any) -> Any:
    from station.services.integrity import verify

    return verify(anchor=args.anchor, export_head=args.export_head)
