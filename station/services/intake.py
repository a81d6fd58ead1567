"""Intake (入库): a scanned parcel gets a slot, a pickup code and a history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from station import clock
from station.audit import Actor, unit_of_work
from station.db import run_sql
from station.domain.carriers import normalize_tracking
from station.domain.phone import Phone, parse_phone
from station.domain.sizes import parse_size
from station.domain.text import clean_text
from station.errors import Duplicate, InvalidInput, NotAllowed, NotFound
from station.i18n import N_, tr
from station.models import (
    ACTIVE_STATUSES,
    MISSING,
    ON_SHELF,
    CodeReservation,
    Parcel,
    ParcelEvent,
    active_clause,
)
from station.services import carriers, outbox, settings, shelves
from station.services.collected import LeftParcel, left_parcel, note_seen_again
from station.services.views import ParcelView, parcel_view, snapshot

# "not_asked": recorded as such when a script takes a parcel in without saying (the command
# line keeps its contract); the screen always asks instead.
NOT_ASKED = "not_asked"
CONSENT_BASES = ("manifest", "phone_call", "standing", "carrier", NOT_ASKED)
# What the clerk can answer when asked how the recipient agreed to collect it here.
ASKED_BASES = ("phone_call", "carrier")
ACTIVE_SQL = "(" + ", ".join(f"'{s}'" for s in ACTIVE_STATUSES) + ")"
MAX_WEIGHT_G = 100_000
MAX_COD_FEN = 10_000_000


@dataclass(frozen=True)
class IntakeRequest:
    tracking: str
    phone: str | None = None
    name: str | None = None
    carrier: str | None = None
    weight_g: int | None = None
    size: str | None = None
    cod_fen: int | None = None
    damaged_note: str | None = None
    id_check: bool = False
    consent_basis: str | None = None
    slot: str | None = None
    # A parcel that already left (collected, returned) is taken in again only with a reason.
    again_reason: str | None = None


@dataclass(frozen=True)
class Precheck:
    """What the intake screen shows right after a scan, before anything is written."""

    tracking: str
    on_shelf: ParcelView | None
    manifest_name: str
    manifest_phone_masked: str
    manifest_cod_fen: int
    manifest_carrier: str | None
    carrier_guess: list[str]
    door_delivery: bool
    # The consent basis already known (manifest, standing consent); None: ask the clerk.
    consent: str | None = None
    # The same number already left the station (collected or returned): not taken in again.
    collected: LeftParcel | None = None


def precheck(actor: Actor, raw_tracking: str) -> Precheck:
    tracking = normalize_tracking(raw_tracking)
    active = _active(tracking)
    entry = _manifest_entry(tracking)
    door = False
    masked = ""
    consent = "manifest" if entry is not None and entry.consent else None
    if entry is not None and (entry.phone or entry.phone_last4):
        phone = _entry_phone(entry)
        masked = phone.masked
        door, standing = _recipient_flags(phone.real)
        if consent is None and standing:
            consent = "standing"
    return Precheck(
        tracking=tracking,
        on_shelf=parcel_view(active, actor) if active else None,
        manifest_name=entry.name if entry else "",
        manifest_phone_masked=masked,
        manifest_cod_fen=entry.cod_fen if entry else 0,
        manifest_carrier=entry.carrier_id if entry else None,
        carrier_guess=carriers.guess(tracking),
        door_delivery=door,
        consent=consent,
        collected=left_parcel(tracking) if active is None else None,
    )


def _active(tracking: str) -> Parcel | None:
    return Parcel.get_or_none((Parcel.tracking == tracking) & (active_clause()))


@dataclass(frozen=True)
class ManifestInfo:
    carrier_id: str
    name: str
    phone: str | None
    phone_last4: str
    phone_ext: str | None
    cod_fen: int
    consent: bool


def _manifest_entry(tracking: str) -> ManifestInfo | None:
    row = run_sql(
        "SELECT carrier_id, name, phone, phone_last4, phone_ext, cod_fen, consent "
        "FROM manifest_entry WHERE tracking = ? ORDER BY id DESC LIMIT 1",
        (tracking,),
    ).fetchone()
    if row is None:
        return None
    return ManifestInfo(row[0], row[1], row[2], row[3], row[4], int(row[5]), bool(row[6]))


def _recipient_flags(phone: str | None) -> tuple[bool, bool]:
    """(door_delivery, standing_consent) for a full phone number."""
    if not phone:
        return False, False
    row = run_sql(
        "SELECT door_delivery, standing_consent FROM recipient WHERE phone = ?", (phone,)
    ).fetchone()
    return (bool(row[0]), bool(row[1])) if row else (False, False)


def _door_delivery(phone: str | None) -> bool:
    return _recipient_flags(phone)[0]


def _entry_phone(entry: ManifestInfo) -> Phone:
    """The manifest's number as validated at import (its extension kept: a virtual number
    with an extension is not the recipient's own)."""
    if entry.phone:
        return Phone(full=entry.phone, last4=entry.phone[-4:], ext=entry.phone_ext)
    return Phone(full=None, last4=entry.phone_last4, ext=entry.phone_ext)


def _active_brief(tracking: str) -> tuple[str, str | None, str | None] | None:
    """(status, pickup_code, slot label) of the parcel with this number still here."""
    return run_sql(
        "SELECT p.status, p.pickup_code, s.label FROM parcel p "
        "LEFT JOIN slot s ON s.id = p.slot_id "
        f"WHERE p.tracking = ? AND p.status IN {ACTIVE_SQL}",
        (tracking,),
    ).fetchone()


def _check_numbers(request: IntakeRequest) -> None:
    if request.weight_g is not None and not 1 <= request.weight_g <= MAX_WEIGHT_G:
        raise InvalidInput(
            tr(
                "Weight {weight_g} g is not believable: it must be 1 g to 100 kg. Check "
                "the scale or type the weight again.",
                weight_g=request.weight_g,
            )
        )
    if request.cod_fen is not None and not 0 <= request.cod_fen <= MAX_COD_FEN:
        raise InvalidInput(tr("A cash-on-delivery amount must be between 0 and 100,000 yuan."))


def intake(actor: Actor, request: IntakeRequest) -> ParcelView:
    tracking = normalize_tracking(request.tracking)
    _check_numbers(request)
    size = parse_size(request.size)
    entry = _manifest_entry(tracking)
    again = clean_text(request.again_reason, field=N_("Reason"), max_len=200)
    left = left_parcel(tracking) if _active_brief(tracking) is None else None
    if left is not None and not again:
        note_seen_again(actor, left, "intake")
        raise left.error()

    if request.phone:
        phone = parse_phone(request.phone)
    elif entry is not None and (entry.phone or entry.phone_last4):
        phone = _entry_phone(entry)
    else:
        raise InvalidInput(
            tr(
                "This number is not in a loaded manifest: type the recipient's phone number "
                "(or the last 4 digits and extension shown on a privacy label)."
            ),
            code="phone_required",
        )
    name = clean_text(
        request.name if request.name is not None else (entry.name if entry else ""),
        field=N_("Name"),
        max_len=40,
    )
    if request.carrier:
        carrier_code = carriers.known_code(request.carrier)
    elif entry is not None:
        carrier_code = entry.carrier_id
    else:
        guesses = carriers.guess(tracking)
        carrier_code = carriers.known_code(guesses[0] if guesses else "OTHER")
    cod_fen = request.cod_fen if request.cod_fen is not None else (entry.cod_fen if entry else 0)
    damaged_note = clean_text(request.damaged_note, field=N_("Damage note"), max_len=200)

    door_delivery, standing_consent = _recipient_flags(phone.real)
    consent = _consent(request.consent_basis, entry, standing_consent, door_delivery)
    if door_delivery and consent != "phone_call":
        raise NotAllowed(
            tr(
                "This recipient asked for door delivery. Call them for consent (then record "
                "'phone call' as consent) or give the parcel back to the courier."
            ),
            code="door_delivery",
        )
    policy = settings.get("id_check_policy")
    id_check = bool(request.id_check or policy == "always" or (policy == "cod" and cod_fen > 0))
    preferred = shelves.slot_by_label(request.slot) if request.slot else None

    with unit_of_work(actor, "parcel.intake", "parcel", tracking) as change:
        existing = _active_brief(tracking)
        if existing is not None:
            status, code, where = existing[0], existing[1], existing[2] or "no slot"
            raise Duplicate(
                tr(
                    "{tracking} is already here ({status}) at {where}, pickup code {code}. "
                    "Nothing was changed.",
                    tracking=tracking,
                    status=tr(status),
                    where=existing[2] or tr("no slot"),
                    code=code,
                ),
                pickup_code=code,
                slot=where,
                status=status,
            )
        slot = shelves.take_slot(size, preferred)
        seq, code = shelves.take_code(slot)
        fields = dict(
            tracking=tracking,
            carrier_id=carrier_code,
            status=ON_SHELF,
            slot_id=slot.id,
            size=size,
            code_seq=seq,
            pickup_code=code,
            recipient_name=name,
            recipient_phone=phone.real,
            phone_last4=phone.last4,
            phone_ext=phone.ext,
            phone_virtual=phone.virtual,
            phone_label=phone.label if phone.is_label else None,
            weight_g=request.weight_g,
            cod_fen=cod_fen,
            id_check=id_check,
            damaged=bool(damaged_note),
            damage_note=damaged_note,
            consent_basis=consent,
            id_failures=0,
            received_at=clock.now(),
            received_by_id=actor.staff_id,
        )
        columns = ", ".join(fields)
        marks = ", ".join("?" * len(fields))
        parcel_id = run_sql(
            f"INSERT INTO parcel ({columns}) VALUES ({marks}) RETURNING id", tuple(fields.values())
        ).fetchone()[0]
        run_sql("UPDATE code_reservation SET parcel_id = ? WHERE seq = ?", (parcel_id, seq))
        outbox.enqueue_for_intake(parcel_id)
        parcel = Parcel(id=parcel_id, **fields)
        change.entity_id = str(parcel_id)
        change.after = snapshot(parcel) | {"carrier": carrier_code, "damaged": bool(damaged_note)}
        detail = f"{slot.label} {code}" + (" damaged" if damaged_note else "")
        if left is not None:
            change.after["again"] = {"after": left.status, "reason": again}
            detail += f" again ({left.status}): {again}"
        change.touch(parcel_id, detail)
    return parcel_view(parcel, actor, slot.label)


def _consent(
    asked: str | None, entry: ManifestInfo | None, standing: bool, door_delivery: bool
) -> str:
    """The parcel's consent basis: what the clerk said, else what the manifest or the
    recipient's standing consent says. Never a default: unknown raises consent_required
    (the screen turns it into a question, the CLI asks for --consent)."""
    if asked in (None, NOT_ASKED):
        if entry is not None and entry.consent:
            return "manifest"
        if standing:
            return "standing"
        if door_delivery:
            return ""  # the door-delivery refusal below says what to do
        if asked == NOT_ASKED:
            return NOT_ASKED
        raise InvalidInput(
            tr(
                "Nobody has said yet that the recipient agreed to collect this parcel here. Ask "
                "the courier or call the recipient, then record how they agreed: by phone "
                "call, or the courier confirmed it (on the command line: --consent phone_call "
                "or --consent carrier)."
            ),
            code="consent_required",
            choices=list(ASKED_BASES),
        )
    if asked not in CONSENT_BASES:
        raise InvalidInput(
            tr(
                "Consent basis must be one of: {consent_bases}.",
                consent_bases=", ".join(CONSENT_BASES),
            )
        )
    if asked == "manifest" and not (entry is not None and entry.consent):
        raise InvalidInput(
            tr(
                "No loaded manifest says this recipient agreed. Call the recipient or ask the "
                "courier, and record that instead."
            ),
            code="consent_required",
            choices=list(ASKED_BASES),
        )
    if asked == "standing" and not standing:
        raise InvalidInput(
            tr(
                "This recipient has no standing consent on file. Call them or ask the courier, "
                "and record that instead (or record their standing consent first)."
            ),
            code="consent_required",
            choices=list(ASKED_BASES),
        )
    return asked


def undo_intake(actor: Actor, tracking: str) -> ParcelView:
    """Take back a mistaken intake: same clerk (or an owner), within a few minutes."""
    tracking = normalize_tracking(tracking)
    with unit_of_work(actor, "parcel.intake_undo", "parcel", tracking) as change:
        parcel = _active(tracking)
        if parcel is None:
            raise NotFound(
                tr(
                    "{tracking} is not on the shelf.",
                    tracking=tracking,
                )
            )
        limit = timedelta(minutes=int(settings.get("undo_minutes")))
        if not actor.is_owner:
            if parcel.received_by_id != actor.staff_id:
                raise NotAllowed(
                    tr("Only the clerk who took the parcel in (or the owner) can undo it.")
                )
            if clock.now() - parcel.received_at > limit:
                raise NotAllowed(tr("Too late to undo this intake; ask the owner."))
        if (
            parcel.status == MISSING
            or ParcelEvent.select()
            .where(ParcelEvent.parcel == parcel, ParcelEvent.action != "parcel.intake")
            .exists()
        ):
            raise NotAllowed(tr("This parcel has been handled since intake; it cannot be undone."))
        change.entity_id = str(parcel.id)
        change.before = snapshot(parcel)
        view = parcel_view(parcel, actor)
        shelves.release_slot(parcel.slot_id, parcel.size)
        # A message with this code may already be out: let it cool down like any other.
        shelves.release_code(parcel.code_seq)
        CodeReservation.update(parcel=None).where(CodeReservation.seq == parcel.code_seq).execute()
        ParcelEvent.delete().where(ParcelEvent.parcel == parcel).execute()
        outbox.cancel_for_parcel(parcel.id, "intake undone")
        parcel.delete_instance()
    return view
