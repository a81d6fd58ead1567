"""A real station getting going from the command line, through the real program: `init`
without shelves, `shelf add/list/rename/resize/remove`, `init` refused on an existing station
without its owner, staff and carriers switched off, and a backup restored onto a new machine
with the backup's own owner account."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.test_cli import run


@pytest.fixture
def new_db(tmp_path: Path) -> str:
    return str(tmp_path / "fresh.db")


def _init(db: str) -> None:
    code, out, err = run(db, "init", "--owner", "wang", "--pin", "8642", "--station-name",
                         "幸福里驿站", "--station-address", "幸福里12号楼",
                         "--station-phone", "010-62345678")
    assert code == 0, err
    assert out["station_address"] == "幸福里12号楼"


def test_intake_before_any_shelf_says_add_a_shelf_with_the_command(new_db: str) -> None:
    _init(new_db)
    code, out, _ = run(new_db, "intake", "SF1400000000001",
                       "--consent", "carrier", "--phone", "13812345678",
                       "--name", "王芳", user="wang", pin="8642")
    assert code != 0 and out["error"] == "no_shelves"
    assert "shelf add A --layers 5 --capacity S=10,M=6,L=2,XL=1" in out["message"]
    assert "no room" not in out["message"].lower()


def test_shelf_commands_end_to_end(new_db: str) -> None:
    _init(new_db)
    owner = {"user": "wang", "pin": "8642"}
    code, out, err = run(new_db, "shelf", "add", "A", "--layers", "3", "--capacity",
                         "S=10,M=6,L=2,XL=1", **owner)
    assert code == 0, err
    assert out["name"] == "A" and [s["label"] for s in out["slots"]] == ["A-1", "A-2", "A-3"]
    assert out["slots"][0]["capacity"] == {"S": 10, "M": 6, "L": 2, "XL": 1}
    code, out, err = run(new_db, "shelf", "add", "B", "--layers", "2", "--capacity", "M=4",
                         **owner)
    assert code == 0, err
    code, listed, _ = run(new_db, "shelf", "list")
    assert code == 0
    by_name = {s["name"]: s for s in listed}
    assert set(by_name) == {"A", "B"} and len(by_name["A"]["slots"]) == 3
    # A parcel now finds a place; the pickup code names the shelf.
    code, out, err = run(new_db, "intake", "SF1400000000002",
                         "--consent", "carrier", "--phone", "13812345678",
                         "--name", "王芳", **owner)
    assert code == 0, err
    assert out["pickup_code"][0] in "AB"
    # Bad capacity: a usage error (exit 2) that shows the right form, nothing added.
    code, _, err = run(new_db, "shelf", "add", "C", "--layers", "2", "--capacity", "M=lots",
                       **owner)
    assert code == 2 and "S=10,M=6,L=2,XL=1" in err
    code, listed, _ = run(new_db, "shelf", "list")
    assert {s["name"] for s in listed} == {"A", "B"}
    # A clerk may not change shelves.
    assert run(new_db, "staff", "add", "amy", "--role", "clerk", "--pin", "1234", **owner)[0] == 0
    code, out, _ = run(new_db, "shelf", "add", "D", "--layers", "1", "--capacity", "S=1",
                       user="amy", pin="1234")
    assert code != 0 and out["error"] == "not_allowed"
    code, out, err = run(new_db, "shelf", "rename", "B", "E", **owner)
    assert code == 0, err
    code, out, err = run(new_db, "shelf", "resize", "E-1", "--capacity", "M=8,L=1", **owner)
    assert code == 0, err
    code, out, err = run(new_db, "shelf", "remove", "E", **owner)
    assert code == 0, err
    code, listed, _ = run(new_db, "shelf", "list")
    assert {s["name"] for s in listed} == {"A"}


def test_init_on_an_existing_station_needs_its_owner(new_db: str) -> None:
    _init(new_db)
    code, out, _ = run(new_db, "init", "--owner", "intruder", "--pin", "9999")
    assert code != 0 and out["error"] == "owner_login_required"
    code, out, _ = run(new_db, "init", "--station-name", "hacked")
    assert code != 0 and out["error"] == "owner_login_required"
    code, out, _ = run(new_db, "staff", "list", user="wang", pin="8642")
    assert [p["name"] for p in out] == ["wang"]
    # The owner, logged in, may rename the station.
    code, out, err = run(new_db, "init", "--station-name", "新名字", user="wang", pin="8642")
    assert code == 0, err
    assert out["station_name"] == "新名字"
    # --demo never lands in a real station.
    code, out, _ = run(new_db, "init", "--demo")
    assert code != 0 and out["error"] == "not_a_demo_station"


def test_deactivated_clerk_and_carrier_are_refused(new_db: str) -> None:
    _init(new_db)
    owner = {"user": "wang", "pin": "8642"}
    assert run(new_db, "shelf", "add", "A", "--layers", "2", "--capacity", "S=5,M=5",
               **owner)[0] == 0
    assert run(new_db, "staff", "add", "amy", "--role", "clerk", "--pin", "1234", **owner)[0] == 0
    code, out, err = run(new_db, "staff", "deactivate", "amy", **owner)
    assert code == 0, err
    code, out, _ = run(new_db, "intake", "SF1400000000003",
                       "--consent", "carrier", "--phone", "13812345678",
                       user="amy", pin="1234")
    assert code != 0
    code, out, err = run(new_db, "staff", "activate", "amy", **owner)
    assert code == 0, err
    code, out, err = run(new_db, "carrier", "deactivate", "SF", **owner)
    assert code == 0, err
    code, listed, _ = run(new_db, "carrier", "list")
    assert "SF" not in {c["code"] for c in listed}
    code, out, _ = run(new_db, "intake", "SF1400000000004",
                       "--consent", "carrier", "--phone", "13812345678",
                       "--carrier", "SF", user="amy", pin="1234")
    assert code != 0 and out["error"] == "carrier_inactive"
    assert "Settings" in out["message"]


def test_restore_onto_a_new_machine_with_the_backups_owner(new_db: str, tmp_path: Path) -> None:
    _init(new_db)
    owner = {"user": "wang", "pin": "8642"}
    assert run(new_db, "shelf", "add", "A", "--layers", "2", "--capacity", "S=5,M=5",
               **owner)[0] == 0
    assert run(new_db, "intake", "SF1400000000005",
               "--consent", "carrier", "--phone", "13812345678", "--name",
               "王芳", **owner)[0] == 0
    backup_file = tmp_path / "backup.db"
    code, out, err = run(new_db, "backup", "--out", str(backup_file), **owner)
    assert code == 0, err
    other_machine = str(tmp_path / "elsewhere" / "station.db")
    Path(other_machine).parent.mkdir()
    code, out, _ = run(other_machine, "restore", str(backup_file))
    assert code != 0 and "--user" in out["message"]
    code, out, _ = run(other_machine, "restore", str(backup_file), user="wang", pin="0000")
    assert code != 0 and "wrong PIN" in out["message"]
    code, out, err = run(other_machine, "restore", str(backup_file), **owner)
    assert code == 0, err
    code, shown, err = run(other_machine, "show", "SF1400000000005", **owner)
    assert code == 0, err
    assert shown["status"] == "ON_SHELF"
