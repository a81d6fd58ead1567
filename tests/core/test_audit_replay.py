"""`verify` replays the audit events against the tables (issue 12, item 7): rows written behind
the app's back are found, with the event that last wrote them; what cannot be found without an
outside anchor (a tail cut, a consistent rewrite) is found with one."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from station import audit_rows, clock
from station.audit import GENESIS, Actor, event_hash
from station.models import AuditEvent, LedgerEntry, Parcel, database_proxy
from station.services import ledger, settings, tickets
from station.services.integrity import verify
from station.services.pickup import PickupRequest, pickup

from .helpers import take_in

VALID_ID = "11010519491231002X"


def sql(text: str, params: tuple = ()) -> None:
    db = database_proxy.obj
    db.execute_sql(text.replace("?", db.param), params)


def collect_cod(clerk: Actor) -> Parcel:
    view = take_in(clerk, cod_fen=1250)
    pickup(
        clerk,
        PickupRequest(
            refs=(view.pickup_code,), id_number=VALID_ID, method="cash", tendered_fen=2000
        ),
    )
    return Parcel.get(Parcel.tracking == view.tracking)


def row_problems(report: dict, kind: str, table: str) -> list[dict]:
    return [p for p in report["row_problems"] if p["kind"] == kind and p["table"] == table]


def test_clean_station_verifies_and_covers_every_row(clerk: Actor, owner: Actor) -> None:
    collect_cod(clerk)
    take_in(clerk)
    report = verify()
    assert report["ok"] and report["rows_ok"] and report["chain_ok"], report["problems"]
    assert report["rows_checked"] > 20 and report["rows_covered_from_event"] == 1
    assert report["chain_keyed"] is False
    assert any("anchor" in item for item in report["cannot_detect"])
    assert report["head"]["seq"] == report["events"] == AuditEvent.select().count()


def test_ledger_amount_edited_behind_the_back(clerk: Actor) -> None:
    parcel = collect_cod(clerk)
    entry = LedgerEntry.get(LedgerEntry.parcel == parcel.id)
    sql("UPDATE ledger_entry SET amount_fen = 50 WHERE id = ?", (entry.id,))
    report = verify()
    assert not report["ok"] and report["chain_ok"]  # the log itself is untouched
    [found] = row_problems(report, "altered", "ledger_entry")
    assert found["row_id"] == str(entry.id) and found["columns"] == ["amount_fen"]
    assert found["action"] == "parcel.pickup" and found["seq"]
    assert any(f"ledger_entry {entry.id}" in p for p in report["problems"])


def test_parcel_row_edited_behind_the_back(clerk: Actor) -> None:
    view = take_in(clerk)
    sql(
        "UPDATE parcel SET recipient_name = ?, cod_fen = 0 WHERE tracking = ?",
        ("李四", view.tracking),
    )
    [found] = row_problems(verify(), "altered", "parcel")
    assert found["row_id"] == str(view.id) and found["action"] == "parcel.intake"
    assert "recipient_name" in found["columns"]


def test_row_inserted_behind_the_back(clerk: Actor, owner: Actor) -> None:
    parcel = collect_cod(clerk)
    sql(
        "INSERT INTO ledger_entry (at, day, kind, method, amount_fen, reason, staff_id) "
        "VALUES (?, ?, 'refund', 'cash', -5000, '', ?)",
        (clock.now(), clock.local_day(), owner.staff_id),
    )
    report = verify()
    [found] = row_problems(report, "unrecorded", "ledger_entry")
    assert found["seq"] is None and not report["ok"]
    assert parcel.id  # the genuine entry is fine
    assert not row_problems(report, "altered", "ledger_entry")


def test_row_deleted_behind_the_back(clerk: Actor) -> None:
    view = take_in(clerk)
    sql("DELETE FROM parcel_event WHERE parcel_id = ?", (view.id,))
    sql("UPDATE code_reservation SET parcel_id = NULL WHERE parcel_id = ?", (view.id,))
    sql("DELETE FROM outbox_message WHERE parcel_id = ?", (view.id,))
    sql("DELETE FROM parcel WHERE id = ?", (view.id,))
    report = verify()
    [found] = row_problems(report, "deleted", "parcel")
    assert found["row_id"] == str(view.id) and found["action"] == "parcel.intake"


def test_deleted_by_the_app_is_fine_and_coming_back_is_not(clerk: Actor, owner: Actor) -> None:
    ticket = tickets.open_ticket(owner, "complaint", "rude courier")
    reversed_entry = collect_cod(clerk)
    entry = LedgerEntry.get(LedgerEntry.parcel == reversed_entry.id)
    ledger.reverse(owner, entry.id, "wrong amount")
    assert verify()["ok"]
    sql("UPDATE ticket SET note = 'nothing happened' WHERE id = ?", (ticket.id,))
    report = verify()
    assert [p["row_id"] for p in row_problems(report, "altered", "ticket")] == [str(ticket.id)]


def test_edited_row_digest_breaks_the_chain(clerk: Actor) -> None:
    view = take_in(clerk)
    sql("UPDATE parcel SET cod_fen = 99 WHERE id = ?", (view.id,))
    # Hiding the edit: record the new content's digest in place of the old one.
    spec = audit_rows.protected()["parcel"]
    [(_, _, digest, cols)] = audit_rows.entries_for([("parcel", str(view.id))])
    seq = AuditEvent.select().where(AuditEvent.action == "parcel.intake").get().seq
    sql(
        "UPDATE audit_row SET digest = ?, cols = ? WHERE tbl = ? AND row_id = ? AND seq = ?",
        (digest, cols, spec.table, str(view.id), seq),
    )
    report = verify()
    assert report["rows_ok"] and not report["chain_ok"] and not report["ok"]
    assert any(f"recorded with event {seq} were altered" in p for p in report["problems"])


def _cut_tail() -> None:
    """Drop the newest event and everything it recorded, head put back: what someone who
    can write the database does to make a change vanish."""
    last = AuditEvent.select().order_by(AuditEvent.seq.desc()).get()
    before = AuditEvent.get(AuditEvent.seq == last.seq - 1)
    sql("DELETE FROM audit_row WHERE seq = ?", (last.seq,))
    sql("DELETE FROM audit_event WHERE seq = ?", (last.seq,))
    sql("UPDATE chain_head SET seq = ?, hash = ? WHERE id = 1", (before.seq, before.hash))


def test_tail_cut_needs_an_outside_anchor(clerk: Actor, owner: Actor, tmp_path: Path) -> None:
    take_in(clerk)
    settings.set_value(owner, "storage_fee_per_day_fen", 50)  # the change to make vanish
    head = tmp_path / "head.json"
    exported = verify(export_head=head)
    assert exported["ok"] and json.loads(head.read_text("utf-8"))["seq"] == exported["head"]["seq"]
    assert verify(anchor=head)["anchor"]["kind"] == "holds"
    sql("DELETE FROM setting WHERE key = 'storage_fee_per_day_fen'")  # row put back (absent)
    _cut_tail()
    blind = verify()
    assert blind["ok"], blind["problems"]  # undetectable without the kept head …
    anchored = verify(anchor=head)
    assert not anchored["ok"] and anchored["anchor"]["kind"] == "cut"  # … detected with it
    assert any("cut off" in p for p in anchored["problems"])


def test_tail_cut_leaving_the_rows_is_detected_without_anchor(clerk: Actor, owner: Actor) -> None:
    take_in(clerk)
    settings.set_value(owner, "storage_fee_per_day_fen", 50)
    _cut_tail()
    [found] = row_problems(verify(), "unrecorded", "setting")
    assert found["row_id"] == "storage_fee_per_day_fen"


def _rewrite_chain_from(seq: int) -> None:
    """Recompute every rows hash and event hash from `seq` on: possible because the chain is
    not keyed."""
    prev = AuditEvent.get(AuditEvent.seq == seq - 1).hash if seq > 1 else GENESIS
    for ev in AuditEvent.select().where(AuditEvent.seq >= seq).order_by(AuditEvent.seq):
        rows = audit_rows.RowsHash()
        for r in audit_rows.run_sql(
            "SELECT tbl, row_id, digest, cols FROM audit_row WHERE seq = ? ORDER BY pos", (ev.seq,)
        ).fetchall():
            rows.add(tuple(r))
        digest = event_hash(
            ev.seq,
            ev.at,
            ev.actor,
            ev.counter,
            ev.action,
            ev.entity,
            ev.entity_id,
            ev.before,
            ev.after,
            prev,
            rows.hexdigest(),
        )
        sql(
            "UPDATE audit_event SET prev_hash = ?, hash = ?, rows_hash = ? WHERE seq = ?",
            (prev, digest, rows.hexdigest(), ev.seq),
        )
        prev = digest
    sql("UPDATE chain_head SET hash = ? WHERE id = 1", (prev,))


def test_consistent_rewrite_is_caught_only_by_an_older_anchor(clerk: Actor, tmp_path: Path) -> None:
    parcel = collect_cod(clerk)
    head = tmp_path / "head.json"
    verify(export_head=head)
    take_in(clerk)
    entry = LedgerEntry.get(LedgerEntry.parcel == parcel.id)
    sql("UPDATE ledger_entry SET amount_fen = 1 WHERE id = ?", (entry.id,))
    [(_, _, digest, cols)] = audit_rows.entries_for([("ledger_entry", str(entry.id))])
    seq = AuditEvent.get(AuditEvent.action == "parcel.pickup").seq
    sql(
        "UPDATE audit_row SET digest = ?, cols = ? WHERE tbl = 'ledger_entry' AND row_id = ?",
        (digest, cols, str(entry.id)),
    )
    _rewrite_chain_from(seq)
    assert verify()["ok"]  # a full, consistent rewrite: nothing inside the database tells
    anchored = verify(anchor=head)
    assert not anchored["ok"] and anchored["anchor"]["kind"] == "rewritten"


def test_bad_anchor_file_is_refused(station: str, tmp_path: Path) -> None:
    from station.errors import InvalidInput

    bad = tmp_path / "head.json"
    bad.write_text('{"seq": 3}', encoding="utf-8")
    with pytest.raises(InvalidInput) as info:
        verify(anchor=bad)
    assert info.value.code == "bad_anchor"


def test_logins_and_app_changes_keep_verify_green(clerk: Actor, owner: Actor) -> None:
    from station.errors import NotAllowed
    from station.services import returns, shelves, staff

    view = take_in(clerk, slot="A-1")
    with pytest.raises(NotAllowed):
        staff.authenticate("amy", "0000")
    staff.authenticate("amy", "1234")
    staff.set_pin(owner, "amy", "5678")
    returns.move(clerk, view.tracking, "B-2")
    shelves.add_shelf(owner, "C", 2, {"S": 1, "M": 1, "L": 1, "XL": 0})
    shelves.rename_shelf(owner, "C", "D")
    shelves.resize_layer(owner, "D-1", {"S": 3, "M": 1, "L": 1, "XL": 0})
    shelves.remove_shelf(owner, "D")
    with clock.frozen_at(clock.now() + timedelta(days=30)):
        returns.mark_for_return(owner, [view.tracking])
        returns.handover(owner, view.carrier, "王师傅")
    report = verify()
    assert report["ok"], report["problems"]


def test_upgrade_records_the_rows_it_rewrites_but_never_whitewashes(clerk: Actor) -> None:
    from station.migrations.m0006_audit_rows import upgraded

    tampered, migrated = take_in(clerk), take_in(clerk)
    sql("UPDATE parcel SET cod_fen = 77 WHERE id = ?", (tampered.id,))  # before the upgrade

    def apply(db: object) -> None:  # a later migration that fills a column
        sql("UPDATE parcel SET damage_note = 'old label' WHERE id = ?", (migrated.id,))

    upgraded(apply)(database_proxy.obj)
    report = verify()
    assert [p["row_id"] for p in report["row_problems"]] == [str(tampered.id)]
    event = AuditEvent.select().order_by(AuditEvent.seq.desc()).get()
    assert event.action == "audit.upgrade" and json.loads(event.after) == {"rows": 1}


def test_station_from_before_row_digests_gets_a_baseline(db_url: str) -> None:
    from station import db as station_db
    from station.services import shelves, staff
    from station.services.station import init_station

    from .helpers import phone

    station_db.open_database(db_url)
    init_station(owner="boss", pin="4321", station_name="Old Station")
    boss = staff.authenticate("boss", "4321")
    shelves.add_shelf(boss, "A", 2, {"S": 5, "M": 5, "L": 1, "XL": 1})
    old = take_in(boss)
    virtual = take_in(boss, person=7)
    # Back to schema 5: no row digests, and a privacy number stored the pre-7 way.
    sql("DELETE FROM audit_row")
    _rewrite_chain_from(1)
    sql("DROP TABLE audit_row")
    sql("ALTER TABLE audit_event DROP COLUMN rows_hash")
    sql(
        "UPDATE parcel SET phone_ext = '8462', phone_virtual = NULL, recipient_phone = ? "
        "WHERE id = ?",
        (phone(7), virtual.id),
    )
    sql("UPDATE setting SET value = '5' WHERE key = 'schema_version'")
    events_before = AuditEvent.select().count()
    station_db.close_database()

    station_db.open_database(db_url)  # migrates 6 (baseline) and 7 (rewrites that parcel)
    baseline = AuditEvent.get(AuditEvent.action == "audit.baseline")
    assert baseline.seq == events_before + 1
    upgrade = AuditEvent.get(AuditEvent.action == "audit.upgrade")
    assert upgrade.entity_id == "m0007_privacy_phones"
    report = verify()
    assert report["ok"], report["problems"]
    assert report["rows_covered_from_event"] == baseline.seq
    assert f"not covered before event {baseline.seq}" in report["coverage"]
    sql("UPDATE parcel SET recipient_name = 'x' WHERE id = ?", (old.id,))
    [found] = verify()["row_problems"]
    assert found["row_id"] == str(old.id) and found["action"] == "audit.baseline"


def test_sqlite_and_postgres_values_give_one_digest() -> None:
    from datetime import date, datetime

    spec = audit_rows.protected()["ledger_entry"]
    columns = ["id", "at", "day", "kind", "amount_fen", "reverses_id", "reason"]
    sqlite_row = (7, "2026-11-25 10:00:00.250000", "2026-11-25", "cod", -1250, None, "")
    pg_row = (
        7,
        datetime(2026, 11, 25, 10, 0, 0, 250000),
        date(2026, 11, 25),
        "cod",
        -1250,
        None,
        "",
    )
    assert audit_rows.canonical(spec, columns, sqlite_row) == audit_rows.canonical(
        spec, columns, pg_row
    )
    staff = audit_rows.protected()["staff"]
    assert audit_rows.digest_of(audit_rows.canonical(staff, ["active"], (1,))) == (
        audit_rows.digest_of(audit_rows.canonical(staff, ["active"], (True,)))
    )
