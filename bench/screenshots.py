"""Screenshots of every screen, for looking at them as a clerk would (not part of the tests).

    xvfb-run -s "-screen 0 1920x1080x24" uv run python bench/screenshots.py \
        --lang zh_CN --size 1366x768 --out /tmp/shots

Builds a demo station in a temporary folder, logs in as the demo owner, and saves
login, lock, intake (after a scan and with the recipient form), pickup (a person with parcels,
one ticked, COD), parcels (a row selected), shelves (a layer selected) and each settings page.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from ui import workers
from ui.app import Translations, create_app
from ui.main_window import MainWindow
from ui.session import Session


def settle(app: QApplication, rounds: int = 40) -> None:
    for _ in range(rounds):
        workers.wait_done("db", 10_000)
        app.processEvents()
        if workers.idle():
            app.processEvents()
            if workers.idle():
                return


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lang", default="zh_CN")
    parser.add_argument("--size", default="1366x768")
    parser.add_argument("--out", default="/tmp/shots")
    args = parser.parse_args()
    width, height = (int(x) for x in args.size.split("x"))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="ps-shots-"))
    os.environ["PARCEL_STATION_DOCS"] = str(tmp / "docs")
    from station import demo

    url = demo.ensure_demo(str(tmp / "demo.db"))
    app = create_app()
    settings = QSettings(str(tmp / "counter.ini"), QSettings.Format.IniFormat)
    settings.setValue("printing/fallback_dir", str(tmp / "unprinted"))
    settings.setValue("counter", "前台1" if args.lang == "zh_CN" else "counter-1")
    i18n = Translations(app)
    i18n.switch(args.lang)
    session = Session(url, settings)
    window = MainWindow(session, i18n)
    window.setGeometry(0, 0, width, height)
    window.show()
    window.start()
    settle(app)
    tag = f"{args.lang}-{width}x{height}"

    def shot(name: str) -> None:
        settle(app)
        window.grab().save(str(out / f"{tag}-{name}.png"))

    window.login.user.setText("owner")
    shot("00-login")
    window.login.pin.setText("8888")
    window.login.submit()
    settle(app)

    from station.models import ManifestEntry, Parcel

    intake = window.show_screen("intake")
    waiting = [e.tracking for e in ManifestEntry.select().order_by(ManifestEntry.id)
               if not Parcel.select().where(Parcel.tracking == e.tracking).exists()]
    if waiting:
        intake.on_scan(waiting[0])
    shot("01-intake")
    intake.on_scan("JT9988776655443")
    settle(app)
    intake.form.phone.setText("13612345678")
    shot("02-intake-form")
    intake.skip_form()
    from ui.screens.intake_form import DamageDialog

    damage = DamageDialog("", window)
    damage.text.setPlainText("外箱破损，有水渍" if args.lang == "zh_CN" else "box torn, wet")
    damage.show()
    settle(app)
    damage.grab().save(str(out / f"{tag}-02b-damage-dialog.png"))
    damage.close()

    pickup = window.show_screen("pickup")
    target = (Parcel.select().where(Parcel.status == "ON_SHELF", Parcel.cod_fen > 0).first()
              or Parcel.select().where(Parcel.status == "ON_SHELF").first())
    pickup.on_scan(target.pickup_code)
    settle(app)
    pickup.on_scan(target.tracking)
    pickup.payment.choose("cash")
    pickup.payment.tendered.setText("100")
    shot("03-pickup")
    from ui.screens.pickup_dialogs import IdCheckDialog

    dialog = IdCheckDialog(target.recipient_name, proxy=True, parent=window)
    dialog.proxy_name.setText("王小明")
    dialog.number.setText("11010519491231002X")
    dialog.name.setText("王小明")
    dialog.show()
    settle(app)
    dialog.grab().save(str(out / f"{tag}-03b-id-dialog.png"))
    dialog.close()
    pickup.clear()
    from station.services import intake as intake_service

    for i, (name, phone) in enumerate((("王芳", "13900004321"), ("李娜", "13800004321"))):
        request = intake_service.IntakeRequest(tracking=f"YT77700000000{i}", phone=phone,
                                               name=name, size="S", consent_basis="carrier")
        try:
            intake_service.intake(window.session.actor, request)
        except Exception:  # noqa: BLE001 - already there from an earlier run
            pass
    pickup.on_scan("4321")
    settle(app)
    shot("04-pickup-chooser")
    pickup.clear()

    parcels = window.show_screen("parcels")
    settle(app)
    parcels.table.selectRow(2)
    shot("05-parcels")

    send = window.show_screen("send")
    settle(app)
    shot("05b-send")
    reports_screen = window.show_screen("reports")
    settle(app, 80)
    shot("05c-reports-daily")

    shelves = window.show_screen("shelves")
    settle(app)
    if shelves.tiles:
        shelves.select(sorted(shelves.tiles)[1])
    shot("06-shelves")

    settings_screen = window.show_screen("settings")
    for row, name in enumerate(("station", "carriers", "staff", "counter", "scale")):
        settings_screen.list.setCurrentRow(row)
        shot(f"07-settings-{row}-{name}")

    window.show_screen("intake")
    window.lock()
    shot("08-locked")
    print(f"saved to {out}")
    window.shutdown()


if __name__ == "__main__":
    main()
