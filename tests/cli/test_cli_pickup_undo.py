"""The real program: `undo-pickup` (issue 12 item 2), owner only, with a reason, JSON out."""

from __future__ import annotations

from tests.cli.test_cli import cli_db, run  # noqa: F401 - the fixture is used by name

AMY = {"user": "amy", "pin": "1234"}
BOSS = {"user": "boss", "pin": "4321"}
VALID_ID = "11010519491231002X"


def test_undo_pickup_command(cli_db: str) -> None:  # noqa: F811
    code, parcel, err = run(cli_db, "intake", "SF1234567890123", "--phone", "13800138000",
                            "--name", "张三", "--cod", "12.50", "--consent", "carrier", **AMY)
    assert code == 0, err
    code, done, err = run(cli_db, "pickup", parcel["pickup_code"], "--id-type", "resident_id",
                          "--id-number", VALID_ID, "--pay", "cash", "--tendered", "20", **AMY)
    assert code == 0, err
    receipt = done["receipt_no"]

    code, out, _ = run(cli_db, "undo-pickup", receipt, "--reason", "wrong person", **AMY)
    assert code == 1 and out["error"] == "not_allowed" and "owner" in out["message"]
    code, out, _ = run(cli_db, "undo-pickup", receipt, **BOSS)
    assert code == 2  # --reason is required
    code, out, _ = run(cli_db, "undo-pickup", receipt, "--reason", " . ", **BOSS)
    assert code == 1 and out["error"] in ("invalid", "reason_required")
    code, out, _ = run(cli_db, "undo-pickup", receipt, "--reason", "wrong person")
    assert code == 1 and out["error"] == "login_required"
    code, out, _ = run(cli_db, "undo-pickup", "R20000101-000001", "--reason", "x y", **BOSS)
    assert code == 1 and out["error"] == "no_receipt"

    code, out, err = run(cli_db, "undo-pickup", "SF1234567890123", "--reason", "wrong person",
                         "--dry-run", **BOSS)
    assert code == 0, err
    assert out["receipt_no"] == receipt and out["parcels"] == ["SF1234567890123"]
    assert out["refund_fen"] == 1250 and out["clerk"] == "amy"

    code, out, err = run(cli_db, "undo-pickup", receipt, "--reason", "handed to the wrong person",
                         **BOSS)
    assert code == 0, err
    assert out["receipt_no"] == receipt and out["refund_fen"] == 1250
    assert out["method"] == "cash" and len(out["reversals"]) == 1
    [back] = out["parcels"]
    assert back["tracking"] == "SF1234567890123" and back["status"] == "ON_SHELF"
    assert (back["slot"], back["pickup_code"]) == (parcel["slot"], parcel["pickup_code"])
    assert "¥12.50" in out["message"] and parcel["pickup_code"] in out["message"]

    code, out, _ = run(cli_db, "undo-pickup", receipt, "--reason", "again", **BOSS)
    assert code == 1 and out["error"] == "already_undone"
    code, shown, _ = run(cli_db, "show", "SF1234567890123")
    assert shown["status"] == "ON_SHELF" and shown["picked_up_at"] is None
    assert [e["action"] for e in shown["events"]][-1] == "pickup.undo"
    code, report, _ = run(cli_db, "report", "daily", **BOSS)
    assert code == 0 and report["collected"] == 0 and report["collected_fen"]["cash"] == 0

    code, again, err = run(cli_db, "pickup", parcel["pickup_code"], "--id-type", "resident_id",
                           "--id-number", VALID_ID, "--pay", "cash", **AMY)
    assert code == 0, err
    assert again["receipt_no"] != receipt
    code, report, _ = run(cli_db, "report", "daily", **BOSS)
    assert report["collected"] == 1 and report["collected_fen"]["cash"] == 1250
    code, out, _ = run(cli_db, "verify")
    assert code == 0 and out["ok"], out


def test_undo_pickup_in_chinese_says_what_to_do(cli_db: str) -> None:  # noqa: F811
    code, out, _ = run(cli_db, "--lang", "zh_CN", "undo-pickup", "YT1234567890999",
                       "--reason", "误拿", **BOSS)
    assert code == 1 and out["error"] == "not_found"
