"""The real `parcel-station` program, run as a separate process, as scripts would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

EXE = Path(sys.executable).parent / "parcel-station"


def run(
    db: str,
    *args: str,
    user: str | None = None,
    pin: str | None = None,
    env: dict[str, str] | None = None,
) -> tuple[int, Any, str]:
    command = [
        str(EXE) if EXE.exists() else sys.executable,
        *([] if EXE.exists() else ["-m", "station.cli"]),
    ]
    command += ["--db", db]
    if user:
        command += ["--user", user]
    full_env = dict(os.environ, **(env or {}))
    full_env.pop("PARCEL_STATION_PIN", None)
    if pin:
        full_env["PARCEL_STATION_PIN"] = pin
    proc = subprocess.run(
        [*command, *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    out = json.loads(proc.stdout) if proc.stdout.strip() else None
    return proc.returncode, out, proc.stderr


@pytest.fixture
def cli_db(db_url: str, tmp_path: Path) -> str:
    code, out, err = run(
        db_url, "init", "--owner", "boss", "--pin", "4321", "--station-name", "驿站"
    )
    assert code == 0, err
    assert out["schema_version"] >= 1
    code, out, _ = run(
        db_url, "staff", "add", "amy", "--role", "clerk", "--pin", "1234", user="boss", pin="4321"
    )
    assert code == 0 and out["role"] == "clerk"
    from station import db as station_db
    from station.services import shelves, staff

    station_db.open_database(db_url)
    shelves.add_shelf(
        staff.authenticate("boss", "4321"), "A", 3, {"S": 10, "M": 6, "L": 2, "XL": 1}
    )
    station_db.close_database()
    return db_url


def test_init_is_idempotent(cli_db: str) -> None:
    code, out, _ = run(cli_db, "init")
    assert code == 0 and out["staff"] == 2


def test_intake_find_show_pickup(cli_db: str, tmp_path: Path) -> None:
    code, parcel, err = run(
        cli_db,
        "intake",
        "SF1234567890123",
        "--consent", "carrier", "--phone",
        "+86 138 0013 8000",
        "--name",
        "张三",
        "--weight-g",
        "850",
        "--size",
        "s",
        "--cod",
        "12.5",
        user="amy",
        pin="1234",
    )
    assert code == 0, err
    for key in (
        "tracking",
        "carrier",
        "status",
        "pickup_code",
        "slot",
        "recipient_name",
        "recipient_phone",
        "weight_g",
        "size",
        "cod_fen",
        "received_at",
        "picked_up_at",
    ):
        assert key in parcel
    assert parcel["carrier"] == "SF" and parcel["cod_fen"] == 1250 and parcel["size"] == "S"
    assert parcel["recipient_phone"] == "138****8000"
    assert parcel["received_at"].endswith("+08:00")

    code, dup, _ = run(
        cli_db, "intake", "SF1234567890123",
        "--consent", "carrier", "--phone", "13800138000", user="amy", pin="1234"
    )
    assert code == 1 and dup["error"] == "duplicate" and parcel["pickup_code"] in dup["message"]

    code, found, _ = run(cli_db, "find", "8000")
    assert code == 0 and [p["tracking"] for p in found] == ["SF1234567890123"]
    code, owner_view, _ = run(cli_db, "find", parcel["pickup_code"], user="boss", pin="4321")
    assert owner_view[0]["recipient_phone"] == "13800138000"

    code, refused, _ = run(
        cli_db,
        "pickup",
        parcel["pickup_code"],
        "--pay",
        "cash",
        "--tendered",
        "20",
        user="amy",
        pin="1234",
    )
    assert code == 1 and refused["error"] == "id_required"
    code, result, err = run(
        cli_db,
        "pickup",
        parcel["pickup_code"],
        "--id-type",
        "resident_id",
        "--id-number",
        "11010519491231002X",
        "--pay",
        "cash",
        "--tendered",
        "20",
        user="amy",
        pin="1234",
    )
    assert code == 0, err
    assert (result["due_fen"], result["paid_fen"], result["change_fen"]) == (1250, 1250, 750)
    assert result["receipt_no"] and result["parcels"][0]["status"] == "PICKED_UP"
    assert result["parcels"][0]["picked_up_at"]

    code, again, _ = run(cli_db, "pickup", "SF1234567890123", user="amy", pin="1234")
    assert code == 1 and again["error"] in ("not_collectable", "not_found")

    code, shown, _ = run(cli_db, "show", "SF1234567890123")
    assert code == 0 and [e["action"] for e in shown["events"]] == [
        "parcel.intake",
        "parcel.pickup",
    ]

    code, verified, _ = run(cli_db, "verify")
    assert code == 0 and verified["ok"] is True and verified["events"] >= 5


def test_wrong_pin_and_missing_user(cli_db: str) -> None:
    code, out, _ = run(
        cli_db, "intake", "YT1234567890123",
        "--consent", "carrier", "--phone", "13800138000", user="amy", pin="9999"
    )
    assert code == 1 and out["error"] == "wrong_pin"
    code, out, _ = run(cli_db, "intake", "YT1234567890123",
                       "--consent", "carrier", "--phone", "13800138000")
    assert code == 1 and out["error"] == "login_required"


def test_clerk_refused_owner_commands(cli_db: str) -> None:
    code, out, _ = run(cli_db, "staff", "list", user="amy", pin="1234")
    assert code == 1 and out["error"] == "not_allowed"


def test_usage_error_exits_2(cli_db: str) -> None:
    code, _, err = run(cli_db, "intake")
    assert code == 2 and "usage" in err.lower()
    code, _, _ = run(cli_db, "intake", "X1", "--size", "HUGE", user="amy", pin="1234")
    assert code == 2


def test_bad_phone_message(cli_db: str) -> None:
    code, out, _ = run(
        cli_db, "intake", "YT1234567890123",
        "--consent", "carrier", "--phone", "1380013800", user="amy", pin="1234"
    )
    assert code == 1 and out["error"] == "invalid" and "digits" in out["message"]


def test_manifest_then_intake_fills_details(cli_db: str, tmp_path: Path) -> None:
    csv = tmp_path / "zto.csv"
    csv.write_text(
        "tracking,name,phone,cod\n73100000000001,李四,13900001111,8.5\n73100000000002,王五,bad,\n",
        encoding="utf-8",
    )
    code, out, _ = run(
        cli_db, "import-manifest", str(csv), "--carrier", "ZTO", user="amy", pin="1234"
    )
    assert code == 0 and out["rows"] == 2 and out["loaded"] == 1 and len(out["rejected"]) == 1
    code, parcel, _ = run(cli_db, "intake", "73100000000001", user="amy", pin="1234")
    assert code == 0 and parcel["recipient_name"] == "李四" and parcel["cod_fen"] == 850


def test_return_handover_overdue(cli_db: str, tmp_path: Path) -> None:
    code, parcel, _ = run(
        cli_db, "intake", "YT1000000000009",
        "--consent", "carrier", "--phone", "13800138000", user="amy", pin="1234"
    )
    code, overdue, _ = run(cli_db, "overdue")
    assert code == 0 and overdue == []
    code, marked, _ = run(cli_db, "return", "YT1000000000009", user="amy", pin="1234")
    assert code == 0 and marked[0]["status"] == "RETURN_PENDING"
    code, handed, err = run(
        cli_db,
        "handover",
        "--carrier",
        "YTO",
        user="amy",
        pin="1234",
        env={"PARCEL_STATION_DOCS": str(tmp_path)},
    )
    assert code == 0, err
    assert handed["manifest_no"] and [p["status"] for p in handed["parcels"]] == ["RETURNED"]
    assert "pdf" in handed


def test_backup_and_restore(cli_db: str, tmp_path: Path) -> None:
    if cli_db.startswith("postgresql"):
        code, out, _ = run(
            cli_db, "backup", "--out", str(tmp_path / "b.db"), user="boss", pin="4321"
        )
        assert code == 1 and out["error"] == "not_sqlite" and "pg_dump" in out["message"]
        return
    run(cli_db, "intake", "YT1000000000010",
        "--consent", "carrier", "--phone", "13800138000", user="amy", pin="1234")
    backup_file = tmp_path / "backup.db"
    code, out, _ = run(cli_db, "backup", "--out", str(backup_file), user="boss", pin="4321")
    assert code == 0 and out["parcels"] == 1 and backup_file.exists()
    run(cli_db, "intake", "YT1000000000011",
        "--consent", "carrier", "--phone", "13800138000", user="amy", pin="1234")
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"garbage" * 1000)
    code, out, _ = run(cli_db, "restore", str(bad), user="boss", pin="4321")
    assert code == 1 and out["error"] == "db_damaged"
    code, found, _ = run(cli_db, "find", "YT1000000000011")
    assert len(found) == 1  # the refused restore changed nothing
    code, out, err = run(cli_db, "restore", str(backup_file), user="boss", pin="4321")
    assert code == 0, err
    code, found, _ = run(cli_db, "find", "YT1000000000011")
    assert found == []
    code, verified, _ = run(cli_db, "verify")
    assert verified["ok"]


def test_damaged_database_message(tmp_path: Path) -> None:
    bad = tmp_path / "station.db"
    bad.write_bytes(b"not a database" * 500)
    code, out, err = run(str(bad), "find", "1234")
    assert code == 1 and out["error"] == "db_damaged" and "Traceback" not in err


def test_demo_station(tmp_path: Path) -> None:
    db = str(tmp_path / "demo.db")
    code, out, err = run(db, "init", "--demo", env={"PARCEL_STATION_DOCS": str(tmp_path)})
    assert code == 0, err
    demo = out["demo"]
    assert demo["parcels"] >= 150 and demo["manifest"]["loaded"] == 30
    # Sends at the counter too: rate cards are loaded, so a quote works on the first run.
    code, sends, _ = run(db, "send", "list", "--from", "2000-01-01", "--to", "2100-01-01")
    assert code == 0 and len(sends) == demo["sends"] >= 3
    code, quote, err = run(db, "send", "quote", "--carrier", "SF", "--to-province", "北京",
                           "--to-city", "北京", "--weight-g", "1500")
    assert code == 0, err
    assert quote["zone"] == "national" and quote["total_fen"] == 2300 + 1000
    statuses = {}
    code, parcels, _ = run(db, "find", "1", user="owner", pin="8888")
    from station import db as station_db
    from station.models import Parcel, Shelf, Staff

    station_db.open_database(db)
    try:
        for p in Parcel.select():
            statuses[p.status] = statuses.get(p.status, 0) + 1
        assert set(statuses) == {"ON_SHELF", "PICKED_UP", "RETURN_PENDING", "RETURNED", "MISSING"}
        assert Shelf.select().count() == 4
        assert {s.role for s in Staff.select()} == {"owner", "clerk"}
    finally:
        station_db.close_database()
    code, verified, _ = run(db, "verify")
    assert verified["ok"]
