"""A sticker that does not print is never lost in a status line: it stays in "Not printed"
until retried; a counter with no printer is told so once, plainly."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from tests.ui.conftest import load_manifest, scan, sf_number, wait_idle
from ui.screens import paper


def _take_in(window, qtbot, number: str) -> None:  # noqa: ANN001
    screen = window.screens["intake"]
    scan(qtbot, screen.scan_field, number)
    wait_idle(qtbot)
    window.session.printer.wait()
    qtbot.wait(50)  # the print service answers through a queued signal
    wait_idle(qtbot)


def test_no_printer_is_said_once_plainly(make_window, qtbot, clerk, owner, tmp_path) -> None:
    load_manifest(owner, tmp_path / "m.csv", [(sf_number(i), "王芳", "13812345678")
                                               for i in (1, 2)])
    window = make_window(clerk)
    notices: list[str] = []
    window.session.print_jobs.notice.connect(notices.append)
    _take_in(window, qtbot, sf_number(1))
    qtbot.waitUntil(lambda: bool(notices), timeout=20_000)
    notice = window.notice
    assert notice.isVisibleTo(window) and "No printer is set up on this counter" in notice.text()
    assert "Settings (F9)" in notice.text()
    assert window.screens["intake"].banner.kind == "ok"  # the scan's own result stays
    qtbot.mouseClick(notice, Qt.MouseButton.LeftButton)  # read: click it away
    assert not notice.isVisibleTo(window)
    _take_in(window, qtbot, sf_number(2))
    assert len(notices) == 1  # once, not for every parcel
    assert window.session.print_jobs.count() == 0  # saving PDFs is what this counter asked
    assert not window.st_unprinted.isVisible()
    assert len(list((tmp_path / "unprinted").glob("sticker-*.pdf"))) == 2


def test_printer_offline_keeps_the_sticker_until_retried(make_window, qtbot, clerk, owner,
                                                         tmp_path, ui_settings) -> None:
    load_manifest(owner, tmp_path / "m.csv", [(sf_number(3), "李娜", "13912345678")])
    ui_settings.setValue("printing/label_printer", "Ghost-Label-Printer")
    window = make_window(clerk)
    _take_in(window, qtbot, sf_number(3))
    jobs = window.session.print_jobs
    qtbot.waitUntil(lambda: jobs.count() == 1, timeout=20_000)
    trouble = jobs.troubles[0]
    assert trouble.job == f"sticker-{sf_number(3)}" and "Ghost-Label-Printer" in trouble.message
    assert trouble.saved_to is not None and Path(trouble.saved_to).exists()
    assert window.st_unprinted.isVisibleTo(window) and "1" in window.st_unprinted.text()

    # The clerk opens the list (Alt+P), the printer is still off: Retry keeps it listed once.
    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        assert dialog is not None and dialog.list.count() == 1
        assert sf_number(3) in dialog.list.item(0).text()
        qtbot.keyClick(dialog, Qt.Key.Key_Return)  # Retry selected
        window.session.printer.wait()
        qtbot.wait(50)
        dialog.reject()

    QTimer.singleShot(0, answer)
    window.show_print_troubles()
    qtbot.waitUntil(lambda: jobs.count() == 1, timeout=20_000)
    # The owner sets "no printer" (PDF files): the retried job is saved and leaves the list.
    ui_settings.setValue("printing/label_printer", "")
    jobs.retry(0)
    window.session.printer.wait()
    qtbot.waitUntil(lambda: jobs.count() == 0, timeout=20_000)
    assert not window.st_unprinted.isVisibleTo(window)


def test_sticker_that_failed_to_render_is_retried(make_window, qtbot, clerk, owner, tmp_path,
                                                  monkeypatch) -> None:
    load_manifest(owner, tmp_path / "m.csv", [(sf_number(4), "张伟", "13712345678")])
    real_job = paper._sticker_job

    def broken(actor, tracking):  # noqa: ANN001, ANN202
        raise ImportError("cannot import name 'code128' (most likely due to a circular import)")

    monkeypatch.setattr(paper, "_sticker_job", broken)
    window = make_window(clerk)
    scan(qtbot, window.screens["intake"].scan_field, sf_number(4))
    wait_idle(qtbot)
    jobs = window.session.print_jobs
    qtbot.waitUntil(lambda: jobs.count() == 1, timeout=20_000)
    assert jobs.troubles[0].retry is not None
    monkeypatch.setattr(paper, "_sticker_job", real_job)
    jobs.retry_all()
    wait_idle(qtbot)
    window.session.printer.wait()
    qtbot.waitUntil(lambda: any((tmp_path / "unprinted").glob(f"sticker-{sf_number(4)}*.pdf")),
                    timeout=20_000)
    assert jobs.count() == 0
