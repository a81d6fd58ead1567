"""`parcel-station send …` through the real program, as scripts would run it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from .test_cli import cli_db, run  # noqa: F401 - the station fixture

OWNER = {"user": "boss", "pin": "4321"}
CLERK = {"user": "amy", "pin": "1234"}
RATES = (
    "carrier,zone,first_weight_g,first_price,additional_per_kg,max_weight_g,"
    "volumetric_divisor,insurance_rate,insurance_min\n"
    "SF,local,1000,10,2,30000,6000,0.5,1\n"
    "SF,national,1000,18,6,30000,,,\n"
    "ZTO,national,1000,8,4,50000,8000,1,2\n"
)
SENDER = [
    "--sender-name",
    "陈大文",
    "--sender-phone",
    "13712345678",
    "--id-type",
    "resident_id",
    "--id-number",
    "11010519491231002X",
]
TO = ["--to-province", "上海", "--to-district", "浦东新区"]


@pytest.fixture
def sends_db(cli_db: str, tmp_path: Path) -> str:  # noqa: F811
    rates = tmp_path / "rates.csv"
    rates.write_text(RATES, encoding="utf-8")
    code, out, err = run(cli_db, "send", "origin", "--province", "广东", "--city", "广州", **OWNER)
    assert code == 0, err
    assert out == {"province": "广东省", "city": "广州市"}
    code, out, err = run(cli_db, "send", "rates", "import", str(rates), **OWNER)
    assert code == 0, err
    assert out["rows"] == 3 and out["created"] == 3
    return cli_db


def create(db: str, *extra: str, env: dict[str, str] | None = None, **who: str) -> tuple:
    args = [
        "send",
        "create",
        "--carrier",
        "SF",
        *SENDER,
        "--to-name",
        "欧阳娜娜",
        "--to-phone",
        "13898765432",
        *TO,
        "--to-address",
        "张江路1号",
        "--contents",
        "clothing",
        "--weight-g",
        "2300",
        *extra,
    ]
    return run(db, *args, env=env, **(who or CLERK))


def test_quote_create_list_void(sends_db: str, tmp_path: Path) -> None:
    code, quote, err = run(
        sends_db,
        "send",
        "quote",
        "--carrier",
        "SF",
        *TO,
        "--weight-g",
        "2300",
        "--size",
        "40x30x30",
    )
    assert code == 0, err
    assert (quote["chargeable_weight_g"], quote["freight_fen"], quote["total_fen"]) == (
        6000,
        4800,
        4800,
    )
    env = {"PARCEL_STATION_DOCS": str(tmp_path / "docs")}
    code, out, err = create(
        sends_db, "--pay", "cash", "--tendered", "50", "--expect", "30", env=env
    )
    assert code == 0, err
    send = out["send"]
    assert (out["paid_fen"], out["change_fen"]) == (3000, 2000)
    assert send["status"] == "created" and send["recipient_phone"] == "138****5432"
    assert send["sender_id_masked"] == "110***********002X"
    assert Path(out["pdf"]).exists() and out["pdf"].startswith(str(tmp_path / "docs"))
    waybill = send["waybill_no"]

    code, listed, _ = run(sends_db, "send", "list", "--status", "created")
    assert code == 0 and [s["waybill_no"] for s in listed] == [waybill]
    code, shown, _ = run(sends_db, "send", "show", waybill, **OWNER)
    assert code == 0 and shown["recipient_phone"] == "13898765432"  # the owner sees it

    code, out, _ = run(sends_db, "send", "void", waybill, "--reason", "地址写错", **CLERK)
    assert code == 0 and out["status"] == "voided" and out["void_reason"] == "地址写错"
    code, out, _ = run(sends_db, "send", "void", waybill, "--reason", "again", **OWNER)
    assert code == 1 and out["error"] == "already_voided"
    code, report, _ = run(sends_db, "report", "daily", **OWNER)
    assert code == 0 and report["sends"] == 0 and report["sends_voided"] == 1
    assert report["collected_fen"]["cash"] == 0


def test_refusals_exit_1_and_write_nothing(sends_db: str) -> None:
    cases = [
        (["--pay", "cash", "--tendered", "1"], "insufficient_cash"),
        (["--pay", "cash", "--contents", "knives"], "prohibited"),
        (["--pay", "cash", "--note", "两瓶汽油"], "prohibited"),
        (["--pay", "cash", "--weight-g", "31000"], "overweight"),
        (["--pay", "cash", "--expect", "1"], "price_changed"),
        ([], "payment_required"),
    ]
    for extra, error in cases:
        code, out, _ = create(sends_db, *extra)
        assert code == 1, (extra, out)
        assert out["error"] == error and out["message"], extra
    code, out, _ = run(
        sends_db, "send", "quote", "--carrier", "SF", "--to-province", "西藏", "--weight-g", "1"
    )
    assert code == 1 and out["error"] in ("no_rate_card", "unknown_region")
    code, out, _ = run(
        sends_db,
        "send",
        "quote",
        "--carrier",
        "SF",
        "--to-province",
        "西藏",
        "--to-city",
        "拉萨",
        "--weight-g",
        "1",
    )
    assert code == 1 and out["error"] == "no_rate_card" and "rate card" in out["message"]
    bad_id = [a if a != "11010519491231002X" else "110105194912310021" for a in SENDER]
    code, out, _ = run(
        sends_db,
        "send",
        "create",
        "--carrier",
        "SF",
        *bad_id,
        "--to-name",
        "张三",
        "--to-phone",
        "13898765432",
        *TO,
        "--to-address",
        "x路1号",
        "--contents",
        "books",
        "--weight-g",
        "500",
        "--pay",
        "card",
        **CLERK,
    )
    assert code == 1 and out["error"] == "invalid_id"
    code, listed, _ = run(sends_db, "send", "list")
    assert code == 0 and listed == []
    code, out, _ = run(sends_db, "verify")
    assert code == 0 and out["ok"] is True


def test_usage_errors_and_roles(sends_db: str, tmp_path: Path) -> None:
    code, _, _ = run(
        sends_db, "send", "quote", "--carrier", "SF", *TO, "--weight-g", "1", "--size", "40x30"
    )
    assert code == 2
    code, out, _ = create(sends_db, "--pay", "cash", user="", pin="")
    assert code == 1 and out["error"] == "login_required"
    bad = tmp_path / "bad.csv"
    bad.write_text(RATES + "SF,area,1000,oops,6,30000,,,\n", encoding="utf-8")
    code, out, _ = run(sends_db, "send", "rates", "import", str(bad), **OWNER)
    assert code == 1 and out["error"] == "bad_csv" and out["details"]["line"] == 5
    code, out, _ = run(sends_db, "send", "rates", "import", str(bad), **CLERK)
    assert code == 1 and out["error"] == "not_allowed"
    code, cards, _ = run(sends_db, "send", "rates", "list", "--carrier", "SF")
    assert code == 0 and [c["zone"] for c in cards] == ["local", "national"]
    code, cats, _ = run(sends_db, "send", "categories")
    assert code == 0 and any(c["key"] == "knives" and c["prohibited"] for c in cats)
    code, provinces, _ = run(sends_db, "send", "regions")
    assert code == 0 and len(provinces) == 34


@pytest.mark.skipif(not shutil.which("zbarimg"), reason="zbarimg not installed")
def test_waybill_and_handover(sends_db: str, tmp_path: Path) -> None:
    env = {"PARCEL_STATION_DOCS": str(tmp_path / "docs")}
    code, out, err = create(sends_db, "--pay", "wechat", env=env)
    assert code == 0, err
    waybill = out["send"]["waybill_no"]
    pdf = tmp_path / "w.pdf"
    code, out, _ = run(sends_db, "send", "waybill", waybill, "--out", str(pdf))
    assert code == 0 and out["pdf"] == str(pdf)
    subprocess.run(["pdftoppm", "-r", "203", "-png", str(pdf), str(tmp_path / "w")], check=True)
    png = next(tmp_path.glob("w*.png"))
    found = subprocess.run(["zbarimg", "-q", str(png)], capture_output=True, text=True).stdout
    assert f"CODE-128:{waybill}" in found
    code, out, _ = run(sends_db, "send", "receipt", waybill, "--out", str(tmp_path / "r.pdf"))
    assert code == 0 and Path(out["pdf"]).exists()
    code, out, err = run(
        sends_db, "handover", "--carrier", "SF", "--courier", "刘师傅", env=env, **CLERK
    )
    assert code == 0, err
    assert out["parcels"] == [] and [s["waybill_no"] for s in out["sends"]] == [waybill]
    assert Path(out["pdf"]).exists()
    code, out, _ = run(sends_db, "send", "void", waybill, "--reason", "late", **OWNER)
    assert code == 1 and out["error"] == "already_handed_over"
