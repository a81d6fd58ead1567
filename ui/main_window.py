"""The shell: login/lock page, navigation (F1–F4, F9), the status bar, idle lock.

Screens are built the first time they are opened, so the window appears at once and a clerk
who only takes parcels in never pays for the shelf map.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from station.audit import Actor
from ui import workers
from ui.screens.login import LoginScreen
from ui.session import Session
from ui.widgets.banner import NoticeBar

# (key, screen name, function key)
NAV = (("intake", "F1"), ("pickup", "F2"), ("parcels", "F3"), ("send", "F4"),
       ("shelves", "Alt+H"), ("returns", "F5"), ("stocktake", "Alt+S"), ("tickets", "Alt+T"),
       ("settings", "F9"), ("dayclose", "F10"), ("reports", "F11"), ("outbox", "Alt+M"))
# F6-F8 and F12 belong to the screens (damage note, ID check, proxy, complete): the screens
# reached less often at the counter take Alt+letter so no key is ambiguous.
OWNER_SCREENS = ("dayclose", "reports")
_ACTIVITY = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove,
             QEvent.Type.Wheel, QEvent.Type.TabletPress, QEvent.Type.TouchBegin}


class _UpgradeSteps(QObject):
    """Schema upgrade steps from the start-up worker, delivered on the GUI thread."""

    step = Signal(int, int)


def _startup(url: str, demo: bool, counter: str,
             on_upgrade: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """Worker thread: open (and migrate) the database; build the demo station if asked; load
    the document modules before the paper and message lanes can race to import them."""
    from station import db as station_db
    from station.preload import warm_up

    warm_up()
    from station.services import settings
    from station.services.station import apply_zone

    actor = None
    if demo:
        try:
            from station import demo as demo_mod
        except ImportError as exc:
            from station.errors import StationError

            raise StationError("The demo station is not part of this build.",
                               code="no_demo") from exc
        url = str(demo_mod.demo_db_path())
        demo_mod.ensure_demo(url)
    station_db.open_database(url, on_upgrade=on_upgrade)
    apply_zone()
    if demo:
        from station.services import staff

        actor = staff.authenticate("clerk", "1234", counter)
    from station.services.station import needs_setup

    return {
        "url": url,
        "station_name": settings.get("station_name"),
        "db_text": station_db.describe(url),
        "carriers": carrier_names(),
        "actor": actor,
        "needs_setup": needs_setup(),
    }


def carrier_names() -> dict[str, tuple[str, str]]:
    """Worker thread: code -> (English name, Chinese name) of the active carriers."""
    from station.services import carriers

    return {c.code: (c.name_en, c.name_zh) for c in carriers.list_carriers()}


def _station_info() -> dict[str, Any]:
    from station.services import settings

    return {"station_name": settings.get("station_name"), "carriers": carrier_names()}


def _short(message: str, limit: int = 56) -> str:
    """A status-bar line: file names without their folders, and no longer than ``limit``."""
    text = re.sub(r"(?:[A-Za-z]:)?[\\/](?:[^\s；;]*[\\/])?([^\\/\s；;]+)", r"\1", message)
    return text if len(text) <= limit else text[: limit - 1] + "…"


class MainWindow(QMainWindow):
    def __init__(self, session: Session, i18n: Any = None) -> None:
        super().__init__()
        self.session = session
        self.i18n = i18n
        self.screens: dict[str, QWidget] = {}
        self._locked_from: str | None = None
        self._print_shown = ""
        self._build()
        self._build_status()
        self.scan_router = self._make_router()
        self.idle_timer = QTimer(self)
        self.idle_timer.setSingleShot(True)
        self.idle_timer.timeout.connect(self.lock)
        QApplication.instance().installEventFilter(self)
        session.actor_changed.connect(self._actor_changed)
        session.device_changed.connect(self._refresh_status)
        self.retranslate()
        geometry = session.settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 720)

    # -- building --------------------------------------------------------------------------
    def _build(self) -> None:
        self.pages = QStackedWidget()
        self.login = LoginScreen(self.session)
        self.login.logged_in.connect(self._logged_in)
        self.pages.addWidget(self.login)
        self.setup: QWidget | None = None  # the first-run setup, built only for a new station

        work = QWidget()
        row = QHBoxLayout(work)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        nav = QWidget()
        nav.setObjectName("nav")
        nav.setStyleSheet("#nav { background: #1f2937; } QToolButton { color: #e5e7eb; "
                          "border: none; padding: 12px 8px; font-size: 12pt; text-align: left; }"
                          "QToolButton:checked { background: #2563eb; color: white; }"
                          "QToolButton:hover:!checked { background: #374151; }")
        col = QVBoxLayout(nav)
        col.setContentsMargins(0, 8, 0, 8)
        col.setSpacing(2)
        self.nav_group = QButtonGroup(self)
        self.nav_buttons: dict[str, QToolButton] = {}
        for name, key in NAV:
            button = QToolButton()
            button.setCheckable(True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # a click never takes the scan focus
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            button.setMinimumWidth(150)
            button.clicked.connect(lambda _=False, n=name: self.show_screen(n))
            self.nav_group.addButton(button)
            self.nav_buttons[name] = button
            col.addWidget(button)
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.activated.connect(lambda n=name: self.show_screen(n))
        col.addStretch(1)
        self.lock_button = QToolButton()
        self.lock_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.lock_button.clicked.connect(self.lock)
        col.addWidget(self.lock_button)
        row.addWidget(nav)
        self.stack = QStackedWidget()
        main = QVBoxLayout()
        main.setContentsMargins(0, 0, 0, 0)
        self.notice = NoticeBar()
        main.addWidget(self.notice)
        main.addWidget(self.stack, 1)
        row.addLayout(main, 1)
        self.pages.addWidget(work)
        self.work_page = work
        self.setCentralWidget(self.pages)
        QShortcut(QKeySequence("Ctrl+L"), self).activated.connect(self.lock)

    def _build_status(self) -> None:
        bar = self.statusBar()
        self.st_clerk, self.st_counter, self.st_db = QLabel(), QLabel(), QLabel()
        self.st_scale, self.st_printer = QLabel(), QLabel()
        for label in (self.st_clerk, self.st_counter, self.st_scale, self.st_printer):
            bar.addPermanentWidget(label)
        bar.insertWidget(0, self.st_db, 1)
        self.st_db.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.st_unprinted = QToolButton()  # stays until every failed print is retried
        self.st_unprinted.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.st_unprinted.setStyleSheet("QToolButton { color: #b91c1c; font-weight: bold; }")
        self.st_unprinted.clicked.connect(self.show_print_troubles)
        self.st_unprinted.hide()
        bar.addPermanentWidget(self.st_unprinted)
        QShortcut(QKeySequence("Alt+P"), self).activated.connect(self.show_print_troubles)
        self.session.print_jobs.changed.connect(self._refresh_unprinted)
        self.session.print_jobs.notice.connect(self._print_notice)

    def show_print_troubles(self) -> None:
        from ui.widgets.print_troubles import PrintTroublesDialog

        PrintTroublesDialog(self.session.print_jobs, self).exec()

    def _refresh_unprinted(self) -> None:
        count = self.session.print_jobs.count()
        self.st_unprinted.setVisible(count > 0)
        self.st_unprinted.setText(self.tr("Not printed: {0} (Alt+P)").format(count))

    def _print_notice(self, text: str) -> None:
        # Above the screen, not in its banner: that one still says where the parcel goes.
        self.notice.show_message("warn", text)

    def _make_router(self) -> Any:
        try:
            from ui.widgets.scan_field import ScanRouter
        except ImportError:
            return None
        router = ScanRouter(self, current_screen=self._scan_target)
        router.install()
        return router

    def _scan_target(self) -> QWidget | None:
        """Where a stray scan goes: the screen in front, but never past the lock screen nor
        behind an open dialog."""
        if self.pages.currentWidget() is not self.work_page:
            return None
        if QApplication.activeModalWidget() is not None:
            return None
        return self.stack.currentWidget()

    # -- start-up --------------------------------------------------------------------------
    def start(self, demo: bool = False, user: str | None = None) -> None:
        self.login.set_busy(self.tr("Opening the station database…"))
        if user:
            self.login.user.setText(user)
        steps = _UpgradeSteps(self)
        steps.step.connect(self._upgrading)
        workers.run(_startup, self.session.url, demo, self.session.counter, steps.step.emit,
                    owner=self, on_done=self._started, on_error=self._start_failed)

    def _upgrading(self, version: int, latest: int) -> None:
        self.login.set_busy(self.tr(
            "Upgrading the station database for this version of Parcel Station (step {0} of "
            "{1})… On a big station this takes a few minutes, once. Keep the program open."
        ).format(version, latest))

    def _started(self, info: dict[str, Any]) -> None:
        s = self.session
        s.url, s.station_name, s.db_text = info["url"], info["station_name"], info["db_text"]
        s.carriers, s.db_ok = info["carriers"], True
        self.login.set_ready()
        self.retranslate()
        if info.get("needs_setup") and info.get("actor") is None:
            self.show_setup()
        s.start_scale()
        if str(s.settings.value("outbox/run", "true")) != "false":
            from ui.outbox_runner import start_outbox_worker

            self._stop_outbox = start_outbox_worker(s)
        if info.get("actor") is not None:
            self._logged_in(info["actor"])

    def _start_failed(self, error: BaseException) -> None:
        self.session.db_ok = False
        self.login.set_db_error(error)
        self._refresh_status()

    # -- first run -----------------------------------------------------------------------
    def show_setup(self) -> None:
        """A station with no staff yet: set it up (or restore it) instead of a login that no
        account could pass."""
        if self.setup is None:
            from ui.screens.setup import SetupScreen

            self.setup = SetupScreen(self.session)
            self.setup.set_up.connect(self._station_set_up)
            self.setup.restore_requested.connect(self._restore_backup)
            self.pages.addWidget(self.setup)
        self.pages.setCurrentWidget(self.setup)
        self.setup.activate()

    def _station_set_up(self, actor: Actor) -> None:
        self._leave_setup()
        self._logged_in(actor)
        screen = self.screens.get("intake")
        banner = getattr(screen, "banner", None)
        if banner is not None:
            banner.show_message("ok", self.tr(
                "The station is ready. Add your clerks in Settings (F9) → Staff; scan a "
                "parcel to take it in."))

    def _restore_backup(self) -> None:
        from ui.screens.setup_restore import RestoreDialog

        dialog = RestoreDialog(self.session.counter, self)
        if dialog.exec() and dialog.result_value is not None:
            _result, actor = dialog.result_value
            self._leave_setup()
            self._logged_in(actor)

    def _leave_setup(self) -> None:
        def reread(info: dict[str, Any]) -> None:
            self.session.station_name = info["station_name"]
            self.session.carriers = info["carriers"]
            self.login.retranslate()
            self.retranslate()

        workers.run(_station_info, owner=self, on_done=reread)

    # -- login, lock, idle ---------------------------------------------------------------
    def _logged_in(self, actor: Actor) -> None:
        previous = self.session.actor
        if previous is not None and previous.staff_id != actor.staff_id:
            self._drop_screens()  # another clerk: no one inherits a half-filled form
        self.session.refresh_carriers()
        self.session.set_actor(actor)
        self.pages.setCurrentWidget(self.work_page)
        self.show_screen(self._locked_from or "intake")
        self._locked_from = None
        self._restart_idle()

    def lock(self) -> None:
        if self.session.actor is None or self.pages.currentWidget() is self.login:
            return
        current = self.stack.currentWidget()
        self._locked_from = next((n for n, w in self.screens.items() if w is current), None)
        self.login.locked(self.session.actor.name)
        self.pages.setCurrentWidget(self.login)
        self.idle_timer.stop()

    def logout(self) -> None:
        self.lock()
        self._drop_screens()
        self.session.set_actor(None)
        self.login.user.clear()

    def _drop_screens(self) -> None:
        for name, widget in list(self.screens.items()):
            if self.scan_router is not None:
                self.scan_router.unregister(widget)
            self.stack.removeWidget(widget)
            widget.deleteLater()
            del self.screens[name]
        self._locked_from = None

    def _restart_idle(self) -> None:
        minutes = self.session.idle_lock_minutes
        if minutes > 0 and self.session.actor is not None:
            self.idle_timer.start(minutes * 60_000)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() in _ACTIVITY and self.idle_timer.isActive():
            self.idle_timer.start()  # same interval, from now
        return False

    # -- screens ---------------------------------------------------------------------------
    def screen(self, name: str) -> QWidget:
        if name not in self.screens:
            widget = self._create(name)
            self.screens[name] = widget
            self.stack.addWidget(widget)
            scan = getattr(widget, "scan_field", None)
            if self.scan_router is not None and scan is not None:
                self.scan_router.register(widget, scan)
        return self.screens[name]

    def _create(self, name: str) -> QWidget:
        factories: dict[str, Callable[[], QWidget]] = {
            "intake": self._intake, "pickup": self._pickup, "parcels": self._parcels,
            "shelves": self._shelves, "settings": self._settings,
            "returns": self._returns, "stocktake": self._stocktake, "tickets": self._tickets,
            "dayclose": self._dayclose, "reports": self._reports, "outbox": self._outbox,
            "send": self._send,
        }
        return factories[name]()

    def _intake(self) -> QWidget:
        from ui.screens.intake import IntakeScreen

        return IntakeScreen(self.session)

    def _pickup(self) -> QWidget:
        from ui.screens.pickup import PickupScreen

        return PickupScreen(self.session)

    def _parcels(self) -> QWidget:
        from ui.screens.parcels import ParcelsScreen

        return ParcelsScreen(self.session)

    def _shelves(self) -> QWidget:
        from ui.screens.shelves import ShelvesScreen

        return ShelvesScreen(self.session)

    def _send(self) -> QWidget:
        from ui.screens.send import SendScreen

        return SendScreen(self.session)

    def _returns(self) -> QWidget:
        from ui.screens.returns import ReturnsScreen

        return self._returns_with_outbox(ReturnsScreen(self.session))

    def _stocktake(self) -> QWidget:
        from ui.screens.stocktake import StocktakeScreen

        widget = StocktakeScreen(self.session)
        signal = getattr(widget, "intake_requested", None)
        if signal is not None:
            signal.connect(self._intake_from_stocktake)
        return widget

    def _intake_from_stocktake(self, tracking: str) -> None:
        """An unknown parcel found at stocktake goes through intake like a fresh scan."""
        screen = self.show_screen("intake")
        scan = getattr(screen, "scan_field", None)
        if scan is not None:
            scan.submit(tracking)

    def _returns_with_outbox(self, widget: QWidget) -> QWidget:
        signal = getattr(widget, "outbox_requested", None)
        if signal is not None:
            signal.connect(lambda *_: self.show_screen("outbox"))
        return widget

    def _tickets(self) -> QWidget:
        from ui.screens.tickets import TicketsScreen

        return TicketsScreen(self.session)

    def _dayclose(self) -> QWidget:
        from ui.screens.day_close import DayCloseScreen

        return DayCloseScreen(self.session)

    def _reports(self) -> QWidget:
        from ui.screens.reports import ReportsScreen

        return ReportsScreen(self.session)

    def _outbox(self) -> QWidget:
        from ui.screens.outbox import OutboxScreen

        return OutboxScreen(self.session)

    def _settings(self) -> QWidget:
        from ui.screens.settings import SettingsScreen

        widget = SettingsScreen(self.session)
        widget.language_chosen.connect(self.set_language)
        return widget

    def show_screen(self, name: str) -> QWidget | None:
        if self.session.actor is None or self.pages.currentWidget() is not self.work_page:
            return None
        if name in OWNER_SCREENS and not self.session.actor.is_owner:
            return None
        widget = self.screen(name)
        self.stack.setCurrentWidget(widget)
        self.nav_buttons[name].setChecked(True)
        activate = getattr(widget, "activate", None)
        if activate is not None:
            activate()  # each screen puts the focus where the next scan or keystroke goes
        return widget

    def current_screen_name(self) -> str | None:
        current = self.stack.currentWidget()
        return next((n for n, w in self.screens.items() if w is current), None)

    # -- language ---------------------------------------------------------------------------
    def set_language(self, language: str) -> None:
        if self.i18n is not None:
            self.i18n.switch(language)
        self.session.settings.setValue("language", language)
        self.session.language_changed.emit(language)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        names = {
            "intake": self.tr("Intake"), "pickup": self.tr("Pickup"),
            "parcels": self.tr("Parcels"), "shelves": self.tr("Shelves"),
            "settings": self.tr("Settings"), "returns": self.tr("Returns"),
            "stocktake": self.tr("Stocktake"), "tickets": self.tr("Tickets"),
            "dayclose": self.tr("Day close"), "reports": self.tr("Reports"),
            "outbox": self.tr("Messages"), "send": self.tr("Send"),
        }
        for name, key in NAV:
            self.nav_buttons[name].setText(f"{key}  {names[name]}")
        self.lock_button.setText(self.tr("Lock (Ctrl+L)"))
        self._refresh_unprinted()
        title = self.tr("Parcel Station")
        if self.session.station_name:
            title = f"{title} — {self.session.station_name}"
        self.setWindowTitle(title)
        self._refresh_status()

    # -- status bar ------------------------------------------------------------------------
    def _actor_changed(self, actor: Actor | None) -> None:
        # The money screens are the owner's; the core refuses clerks anyway, this only keeps
        # the clerk's menu to what they can use.
        for name in OWNER_SCREENS:
            self.nav_buttons[name].setVisible(actor is not None and actor.is_owner)
        self._refresh_status()

    def _refresh_status(self) -> None:
        s = self.session
        actor = s.actor
        if actor is None:
            self.st_clerk.setText(self.tr("Not logged in"))
        else:
            role = self.tr("owner") if actor.is_owner else self.tr("clerk")
            self.st_clerk.setText(self.tr("Clerk: {0} ({1})").format(actor.name, role))
        self.st_counter.setText(self.tr("Counter: {0}").format(s.counter))
        if s.db_ok:
            self.st_db.setText(self.tr("Database: {0}").format(s.db_text))
        else:
            self.st_db.setText(self.tr("Database: not open"))
        if not s.has_scale:
            self.st_scale.setText(self.tr("Scale: none (type weights)"))
        elif s.last_weight_g is not None and s.weight_stable:
            self.st_scale.setText(self.tr("Scale: {0} g").format(s.last_weight_g))
        else:
            self.st_scale.setText(self.tr("Scale: waiting"))
        if s.last_print and s.last_print != self._print_shown:
            # What became of the last sticker or receipt, for a few seconds.
            self._print_shown = s.last_print
            self.statusBar().showMessage(_short(s.last_print), 8000)
            self.statusBar().setToolTip(s.last_print)
        printer = s.printer_text()
        if printer:
            self.st_printer.setText(self.tr("Label printer: {0}").format(printer))
        else:
            self.st_printer.setText(self.tr("Label printer: none (PDF files)"))

    # -- closing -----------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt API
        self.session.settings.setValue("window/geometry", self.saveGeometry())
        super().closeEvent(event)

    def shutdown(self) -> None:
        """After the event loop: stop devices, let queued writes finish."""
        QApplication.instance().removeEventFilter(self)
        if self.scan_router is not None:
            self.scan_router.uninstall()
        self.session.stop_scale()
        stop_outbox = getattr(self, "_stop_outbox", None)
        if stop_outbox is not None:
            stop_outbox()
        workers.wait_done(msecs=10_000)
