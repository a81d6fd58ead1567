"""The real program: privacy waybills, consent asked (not assumed), the door-delivery list
and standing consent, a collected parcel scanned again (issue 12)."""

from __future__ import annotations

from tests.cli.test_cli import cli_db, run  # noqa: F401 - the fixture is used by name

AMY = {"user": "amy", "pin": "1234"}


def test_privacy_waybill_intake_lookup_and_real_phone(cli_db: str) -> None:  # noqa: F811
    code, parcel, err = run(cli_db, "intake", "JT1234567890123", "--phone", "17012345678,8462",
                            "--name", "王芳", "--consent", "carrier", **AMY)
    assert code == 0, err
    assert parcel["recipient_phone"] == "170****5678-8462" and parcel["phone_known"] is False
    assert parcel["phone_label"] == "170****5678-8462"
    for query in ("8462", "170****5678-8462", "5678-8462"):
        code, found, _ = run(cli_db, "find", query)
        assert code == 0 and [p["tracking"] for p in found] == ["JT1234567890123"], query
    code, out, _ = run(cli_db, "parcel", "phone", "JT1234567890123", "13912345678",
                       "--reason", "gave it at the counter", **AMY)
    assert code == 0 and out["phone_known"] is True and out["recipient_phone"] == "139****5678"
    code, shown, _ = run(cli_db, "show", "JT1234567890123")
    assert shown["events"][-1]["action"] == "parcel.set_phone"
    code, out, _ = run(cli_db, "parcel", "phone", "JT1234567890123", "13912345678", **AMY)
    assert code == 2  # --reason is required
    code, out, _ = run(cli_db, "verify")
    assert code == 0 and out["ok"], out


def test_consent_is_recorded_as_said_never_assumed(cli_db: str) -> None:  # noqa: F811
    # The CLI contract stays: `intake TRACKING --phone PHONE` takes the parcel in, and since
    # nobody said how the recipient agreed, it is recorded as not asked (not as "carrier").
    code, parcel, err = run(cli_db, "intake", "YT1234567890990", "--phone", "13800138000", **AMY)
    assert code == 0, err
    assert parcel["consent_basis"] == "not_asked"
    code, out, _ = run(cli_db, "consent", "set", "13800138000", "--basis", "phone_call",
                       "--note", "called 12-01", **AMY)
    assert code == 0 and out["standing_consent"] and out["consent_by"] == "amy"
    assert out["phone"] == "138****8000"
    code, parcel, err = run(cli_db, "intake", "YT1234567890991", "--phone", "13800138000", **AMY)
    assert code == 0, err
    assert parcel["consent_basis"] == "standing"
    code, out, _ = run(cli_db, "consent", "show", "13800138000", user="boss", pin="4321")
    assert code == 0 and out["phone"] == "13800138000" and out["consent_basis"] == "phone_call"
    code, out, _ = run(cli_db, "consent", "revoke", "13800138000", **AMY)
    assert code == 0 and not out["standing_consent"]
    code, out, _ = run(cli_db, "consent", "set", "13800138000", "--basis", "telepathy", **AMY)
    assert code == 2


def test_door_list_commands(cli_db: str) -> None:  # noqa: F811
    code, out, _ = run(cli_db, "door", "add", "13800138001", "--name", "李娜", **AMY)
    assert code == 0 and out["door_delivery"] and out["door_by"] == "amy"
    code, listed, _ = run(cli_db, "door", "list")
    assert code == 0 and [r["phone"] for r in listed] == ["138****8001"]
    code, out, _ = run(cli_db, "door", "add", "13800138001", **AMY)
    assert code == 1 and out["error"] == "already_listed"
    code, out, _ = run(cli_db, "intake", "YT1234567890992", "--phone", "13800138001",
                       "--consent", "carrier", **AMY)
    assert code == 1 and out["error"] == "door_delivery"
    code, out, _ = run(cli_db, "intake", "YT1234567890992", "--phone", "13800138001",
                       "--consent", "phone_call", **AMY)
    assert code == 0
    code, out, _ = run(cli_db, "door", "remove", "13800138001", **AMY)
    assert code == 0 and not out["door_delivery"]
    code, listed, _ = run(cli_db, "door", "list")
    assert listed == []
    code, out, _ = run(cli_db, "door", "add", "138****8001", **AMY)
    assert code == 1 and out["error"] == "phone_required"
    code, out, _ = run(cli_db, "door", "add", "13800138001")
    assert code == 1 and out["error"] == "login_required"


def test_collected_parcel_scanned_again(cli_db: str, tmp_path) -> None:  # noqa: F811
    code, parcel, _ = run(cli_db, "intake", "YT1234567890993", "--phone", "13800138002",
                          "--name", "张伟", "--consent", "carrier", **AMY)
    assert code == 0
    code, _, err = run(cli_db, "pickup", parcel["pickup_code"], **AMY)
    assert code == 0, err
    code, out, _ = run(cli_db, "intake", "YT1234567890993", "--phone", "13800138002",
                       "--consent", "carrier", **AMY)
    assert code == 1 and out["error"] == "collected_before"
    assert "collected by 张伟" in out["message"] and "clerk amy" in out["message"]
    scans = tmp_path / "scans.txt"
    scans.write_text("YT1234567890993\n", encoding="utf-8")
    code, out, _ = run(cli_db, "stocktake", "--scans", str(scans), **AMY)
    assert code == 0 and out["collected"][0]["tracking"] == "YT1234567890993"
    assert out["collected"][0]["clerk"] == "amy"
    code, again, err = run(cli_db, "intake", "YT1234567890993", "--phone", "13800138002",
                           "--consent", "carrier", "--again", "brought back", **AMY)
    assert code == 0, err
    assert again["status"] == "ON_SHELF"
