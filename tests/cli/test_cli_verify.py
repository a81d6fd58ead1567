"""`verify --export-head FILE` and `verify --anchor FILE` through the real program: the head
kept outside the station catches a tail cut that the database alone cannot show."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_cli import cli_db, run  # noqa: F401 - cli_db is a fixture


def _raw(db: str, *statements: str) -> None:
    from station import db as station_db

    database = station_db.open_database(db)
    try:
        for text in statements:
            database.execute_sql(text)
    finally:
        station_db.close_database()


def test_export_head_then_anchor_catches_a_tail_cut(cli_db: str, tmp_path: Path) -> None:  # noqa: F811
    code, _, err = run(
        cli_db,
        "intake",
        "SF1234567890123",
        "--consent",
        "carrier",
        "--phone",
        "13800138000",
        user="amy",
        pin="1234",
    )
    assert code == 0, err
    code, _, err = run(
        cli_db, "staff", "add", "bob", "--role", "clerk", "--pin", "5555", user="boss", pin="4321"
    )
    assert code == 0, err
    head = tmp_path / "kept" / "head.json"
    code, out, err = run(cli_db, "verify", "--export-head", str(head))
    assert code == 0 and out["ok"] is True, err
    kept = json.loads(head.read_text(encoding="utf-8"))
    assert kept["format"] == "parcel-station-chain-head" and kept["keyed"] is False
    assert (kept["seq"], kept["hash"]) == (out["head"]["seq"], out["head"]["hash"])
    assert out["exported_head"]["path"] == str(head)

    code, out, _ = run(cli_db, "verify", "--anchor", str(head))
    assert code == 0 and out["ok"] and out["anchor"]["kind"] == "holds"

    # Someone with the database file makes "staff add bob" vanish, head and all.
    seq = kept["seq"]
    _raw(
        cli_db,
        "DELETE FROM staff WHERE name = 'bob'",
        f"DELETE FROM audit_row WHERE seq = {seq}",
        f"DELETE FROM audit_event WHERE seq = {seq}",
        "UPDATE chain_head SET seq = seq - 1, hash = (SELECT hash FROM audit_event "
        f"WHERE seq = {seq - 1}) WHERE id = 1",
    )
    code, blind, _ = run(cli_db, "verify")
    assert code == 0 and blind["ok"] is True  # nothing inside the database tells
    assert any("--anchor" in item for item in blind["cannot_detect"])
    code, out, _ = run(cli_db, "verify", "--anchor", str(head))
    assert code == 0 and out["ok"] is False and out["anchor"]["kind"] == "cut"
    assert out["anchor"]["message"] in out["problems"]


def test_anchor_that_is_not_a_head(cli_db: str, tmp_path: Path) -> None:  # noqa: F811
    bogus = tmp_path / "notes.json"
    bogus.write_text("[1, 2]", encoding="utf-8")
    code, out, _ = run(cli_db, "verify", "--anchor", str(bogus))
    assert code == 1 and out["error"] == "bad_anchor"
    code, out, _ = run(cli_db, "verify", "--anchor", str(tmp_path / "missing.json"))
    assert code == 1 and out["error"] == "bad_anchor"
