"""CLI commands for outgoing sends (寄件), beside the inbound commands of cli_commands.

    parcel-station send quote --carrier SF --to-province 北京 --to-city 北京 --weight-g 1200
    parcel-station --user amy send create --carrier SF --sender-name 陈大文 \\
        --sender-phone 13712345678 --id-type resident_id --id-number 11010519491231002X \\
        --to-name 欧阳娜娜 --to-phone 13898765432 --to-province 上海 --to-city 上海 \\
        --to-district 浦东新区 --to-address "张江路1号" --contents clothing --weight-g 1200 \\
        --pay cash --tendered 50
    parcel-station send list --status created
    parcel-station --user boss send void SF2612030000010 --reason "sender changed their mind"
    parcel-station --user boss send rates import rates.csv
    parcel-station send waybill SF2612030000010 --out waybill.pdf
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from station.cli_commands import _add, _date  # shared argparse helpers
from station.domain.money import parse_yuan
from station.i18n import tr

METHODS = ("cash", "wechat", "alipay", "card")
ID_TYPES = ("resident_id", "passport", "hk_macau_permit", "taiwan_permit", "other")


def parse_size(text: str) -> tuple[int, int, int]:
    """ "40x30x20" (cm) → (40, 30, 20); a malformed value is a usage error (exit status 2)."""
    parts = (text or "").lower().replace("×", "x").replace("*", "x").split("x")
    if len(parts) != 3 or not all(p.strip().isdigit() for p in parts):
        raise argparse.ArgumentTypeError(
            tr(
                "'{text}' should be length x width x height in whole cm, e.g. 40x30x20.",
                text=text,
            )
        )
    a, b, c = (int(p) for p in parts)
    return a, b, c


def _parcel_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--carrier", required=True)
    p.add_argument("--to-province", required=True)
    p.add_argument("--to-city", default="")
    p.add_argument("--to-district", default="")
    p.add_argument("--weight-g", type=int, required=True)
    p.add_argument("--size", type=parse_size, help="L x W x H in cm, e.g. 40x30x20")
    p.add_argument("--declared", help="declared value, yuan")
    p.add_argument("--insured", action="store_true", help="insure at the declared value (保价)")


def register(sub: Any) -> None:
    send = sub.add_parser("send", help="outgoing sends (寄件)")
    s = send.add_subparsers(dest="send_command", required=True)

    p = _add(s, "quote", cmd_quote, "the price of a send (writes nothing)")
    _parcel_args(p)

    p = _add(s, "create", cmd_create, "take a send at the counter and book its payment")
    _parcel_args(p)
    p.add_argument("--sender-id", type=int, help="a sender checked before (see send sender)")
    p.add_argument("--sender-name")
    p.add_argument("--sender-phone")
    p.add_argument("--id-type", choices=ID_TYPES, default="resident_id")
    p.add_argument("--id-number")
    p.add_argument("--to-name", required=True)
    p.add_argument("--to-phone", required=True)
    p.add_argument("--to-address", required=True, help="street, building, room")
    p.add_argument("--contents", required=True, help="category: see `send categories`")
    p.add_argument("--note", default="", help="what is inside, in words")
    p.add_argument("--pay", choices=METHODS)
    p.add_argument("--tendered", help="cash handed over, yuan")
    p.add_argument("--waybill", help="a pre-printed waybill number (else one is made)")
    p.add_argument("--expect", help="the total (yuan) shown to the sender; refused if it differs")
    p.add_argument("--out", help="write the waybill PDF here (default: the documents folder)")

    p = _add(s, "list", cmd_list, "sends, newest first")
    p.add_argument("--status", choices=("created", "handed_over", "voided"))
    p.add_argument("--carrier")
    p.add_argument("--from", dest="date_from", type=_date)
    p.add_argument("--to", dest="date_to", type=_date)
    p.add_argument("--query", default="", help="waybill number, last 4 phone digits or a name")
    p.add_argument("--limit", type=int, default=200)

    p = _add(s, "show", cmd_show, "one send")
    p.add_argument("ref", metavar="WAYBILL_OR_ID")

    p = _add(s, "void", cmd_void, "void a send before the courier has it (ledger reversal)")
    p.add_argument("ref", metavar="WAYBILL_OR_ID")
    p.add_argument("--reason", required=True)

    p = _add(s, "waybill", cmd_waybill, "the 76x130 mm waybill as PDF")
    p.add_argument("ref", metavar="WAYBILL_OR_ID")
    p.add_argument("--out", required=True)
    p.add_argument("--reprint", action="store_true", help="a reprint (audited)")

    p = _add(s, "receipt", cmd_receipt, "the sender's 80 mm receipt as PDF")
    p.add_argument("ref", metavar="WAYBILL_OR_ID")
    p.add_argument("--out", required=True)

    rates = s.add_parser("rates", help="carriers' rate cards")
    r = rates.add_subparsers(dest="rates_command", required=True)
    p = _add(r, "list", cmd_rates_list, "rate cards")
    p.add_argument("--carrier")
    p = _add(r, "import", cmd_rates_import, "owner: load rate cards from CSV (all or nothing)")
    p.add_argument("file")
    p = _add(r, "set", cmd_rates_set, "owner: add or change one rate card")
    p.add_argument("--carrier", required=True)
    p.add_argument("--zone", required=True)
    p.add_argument("--first-weight-g", type=int, required=True)
    p.add_argument("--first-price", required=True, help="yuan")
    p.add_argument("--per-kg", required=True, help="yuan for each additional kg")
    p.add_argument("--max-weight-g", type=int, required=True)
    p.add_argument("--divisor", type=int, default=6000, help="volumetric divisor (cm³/kg)")
    p.add_argument("--insurance-rate", default="0.5", help="percent of the declared value")
    p.add_argument("--insurance-min", default="1", help="yuan")
    p.add_argument("--max-declared", default="0", help="yuan (0: no limit)")
    p = _add(r, "delete", cmd_rates_delete, "owner: remove one rate card")
    p.add_argument("--carrier", required=True)
    p.add_argument("--zone", required=True)

    p = _add(s, "origin", cmd_origin, "the station's province and city (owner sets them)")
    p.add_argument("--province")
    p.add_argument("--city")
    p = _add(s, "zones", cmd_zones, "zone overrides by destination province")
    p.add_argument("--carrier")
    p = _add(s, "zone", cmd_zone, "owner: price a province as a zone for a carrier")
    p.add_argument("carrier")
    p.add_argument("province")
    p.add_argument("zone", help="local|province|area|national|remote|hmt, or default")

    sender = s.add_parser("sender", help="real-name senders")
    ss = sender.add_subparsers(dest="sender_command", required=True)
    p = _add(ss, "register", cmd_sender_register, "check a sender's ID once")
    p.add_argument("--name", required=True)
    p.add_argument("--phone", required=True)
    p.add_argument("--id-type", choices=ID_TYPES, default="resident_id")
    p.add_argument("--id-number", required=True)
    p = _add(ss, "find", cmd_sender_find, "find senders by phone, last 4 digits or name")
    p.add_argument("query")
    p = _add(ss, "addresses", cmd_sender_addresses, "a sender's address book")
    p.add_argument("sender_id", type=int)

    _add(s, "categories", cmd_categories, "contents categories and prohibited items")
    p = _add(s, "regions", cmd_regions, "provinces, or the cities of one")
    p.add_argument("province", nargs="?")


def _quote_request(args: argparse.Namespace) -> Any:
    from station.services.sends_quote import QuoteRequest

    length, width, height = args.size or (0, 0, 0)
    return QuoteRequest(
        carrier=args.carrier,
        province=args.to_province,
        city=args.to_city,
        district=args.to_district,
        weight_g=args.weight_g,
        length_cm=length,
        width_cm=width,
        height_cm=height,
        declared_value_fen=parse_yuan(args.declared) if args.declared else 0,
        insured=args.insured,
    )


def cmd_quote(args: argparse.Namespace, ctx: Any) -> Any:
    from station.services.sends_quote import quote

    return quote(_quote_request(args))


def cmd_create(args: argparse.Namespace, ctx: Any) -> Any:
    from station.services import sends
    from station.services.senders import SenderRequest

    q = _quote_request(args)
    sender = None
    if args.sender_id is None:
        sender = SenderRequest(
            args.sender_name or "", args.sender_phone or "", args.id_type, args.id_number or ""
        )
    request = sends.SendRequest(
        carrier=q.carrier,
        sender_id=args.sender_id,
        sender=sender,
        recipient_name=args.to_name,
        recipient_phone=args.to_phone,
        province=q.province,
        city=q.city,
        district=q.district,
        detail=args.to_address,
        contents_category=args.contents,
        contents_note=args.note,
        declared_value_fen=q.declared_value_fen,
        insured=q.insured,
        weight_g=q.weight_g,
        length_cm=q.length_cm,
        width_cm=q.width_cm,
        height_cm=q.height_cm,
        method=args.pay,
        tendered_fen=parse_yuan(args.tendered) if args.tendered else None,
        waybill_no=args.waybill,
        expected_total_fen=parse_yuan(args.expect) if args.expect else None,
    )
    actor = ctx.actor()
    result = sends.create_send(actor, request)
    data = result.to_json()
    data["pdf"] = _waybill_after_commit(actor, result.send.waybill_no, args.out)
    return data


def _waybill_after_commit(actor: Any, waybill: str, out: str | None) -> str:
    """The send is taken once committed; a PDF problem must not undo it. Say so instead."""
    import sys

    from station.services import sends_docs

    try:
        return str(sends_docs.waybill_pdf(actor, waybill, Path(out) if out else None))
    except Exception as exc:  # noqa: BLE001 - any rendering/disk failure is reported
        print(
            tr(
                "The send {waybill} is recorded, but its waybill PDF could not be written "
                "({exc}). Print it again with: parcel-station send waybill {waybill} --out FILE.",
                waybill=waybill,
                exc=exc,
            ),
            file=sys.stderr,
        )
        return ""


def cmd_list(args: argparse.Namespace, ctx: Any) -> Any:
    from station.services.sends_lookup import SendFilter, list_sends

    filters = SendFilter(
        status=args.status,
        carrier=args.carrier,
        date_from=args.date_from,
        date_to=args.date_to,
        query=args.query,
        limit=args.limit,
    )
    return list_sends(ctx.viewer(), filters)


def cmd_show(args: argparse.Namespace, ctx: Any) -> Any:
    from station.services.sends_lookup import get_send

    return get_send(ctx.viewer(), args.ref)


def cmd_void(args: argparse.Namespace, ctx: Any) -> Any:
    from station.services.sends import void_send

    return void_send(ctx.actor(), args.ref, args.reason)


def cmd_waybill(args: argparse.Namespace, ctx: Any) -> Any:
    from station.services import sends_docs

    actor = ctx.actor() if args.reprint else ctx.viewer()
    return {"pdf": str(sends_docs.waybill_pdf(actor, args.ref, Path(args.out), args.reprint))}


def cmd_receipt(args: argparse.Namespace, ctx: Any) -> Any:
    from station.services import sends_docs

    return {"pdf": str(sends_docs.receipt_pdf(ctx.viewer(), args.ref, Path(args.out)))}


def cmd_rates_list(args: argparse.Namespace, ctx: Any) -> Any:
    from station.services.sends_rates import list_rate_cards

    return list_rate_cards(args.carrier)


def cmd_rates_import(args: argparse.Namespace, ctx: Any) -> Any:
    from station.services.sends_rates_csv import import_rate_cards

    return import_rate_cards(ctx.actor(), args.file)


def cmd_rates_set(args: argparse.Namespace, ctx: Any) -> Any:
    from station.services.sends_rates import RateCardInput, set_rate_card
    from station.services.sends_rates_csv import percent_to_bp

    card = RateCardInput(
        carrier=args.carrier,
        zone=args.zone,
        first_weight_g=args.first_weight_g,
        first_price_fen=parse_yuan(args.first_price),
        additional_per_kg_fen=parse_yuan(args.per_kg),
        max_weight_g=args.max_weight_g,
        volumetric_divisor=args.divisor,
        insurance_rate_bp=percent_to_bp(args.insurance_rate),
        insurance_min_fen=parse_yuan(args.insurance_min),
        max_declared_fen=parse_yuan(args.max_declared),
    )
    return set_rate_card(ctx.actor(), card)


def cmd_rates_delete(args: argparse.Namespace, ctx: Any) -> Any:
    from station.services.sends_rates import delete_rate_card

    delete_rate_card(ctx.actor(), args.carrier, args.zone)
    return {"deleted": True, "carrier": args.carrier.upper(), "zone": args.zone.lower()}


def cmd_origin(args: argparse.Namespace, ctx: Any) -> Any:
    from station.services import sends_rates

    if args.province or args.city:
        return sends_rates.set_origin(ctx.actor(), args.province or "", args.city or "")
    return sends_rates.origin()


def cmd_zones(args: argparse.Namespace, ctx: Any) -> Any:
    from station.services.sends_rates import list_region_zones

    return list_region_zones(args.carrier)


def cmd_zone(args: argparse.Namespace, ctx: Any) -> Any:
    from station.services.sends_rates import set_region_zone

    return set_region_zone(ctx.actor(), args.carrier, args.province, args.zone)


def cmd_sender_register(args: argparse.Namespace, ctx: Any) -> Any:
    from station.services.senders import SenderRequest, register_sender

    request = SenderRequest(args.name, args.phone, args.id_type, args.id_number)
    return register_sender(ctx.actor(), request)


def cmd_sender_find(args: argparse.Namespace, ctx: Any) -> Any:
    from station.services.senders import find_senders

    return find_senders(ctx.viewer(), args.query)


def cmd_sender_addresses(args: argparse.Namespace, ctx: Any) -> Any:
    from station.services.senders import list_addresses

    return list_addresses(ctx.viewer(), args.sender_id)


def cmd_categories(args: argparse.Namespace, ctx: Any) -> Any:
    from station.domain import prohibited

    return prohibited.categories()


def cmd_regions(args: argparse.Namespace, ctx: Any) -> Any:
    from station.domain import regions

    if args.province:
        name = regions.resolve_province(args.province)
        return {
            "province": name,
            "cities": {c: regions.districts(name, c) for c in regions.cities(name)},
        }
    return regions.provinces()
