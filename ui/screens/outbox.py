"""Recipient messages (取件通知): the outbox by status, each message's text and last error;
the owner retries (optionally through another channel) or dismisses failed and interrupted
ones, edits the templates and sets up the channels (ui/screens/outbox_settings.py). Sending
itself runs in the background (ui/outbox_runner.py)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ui import workers
from ui.outbox_runner import wake_outbox
from ui.screens.common import error_text, short_time
from ui.screens.outbox_settings import ChannelsPage, TemplatesPage
from ui.session import Session
from ui.widgets.banner import Banner
from ui.widgets.rows_table import RowsTable

STATUSES = ("queued", "sending", "sent", "retrying", "failed", "failed_unknown", "cancelled")
COLOURS = {"failed": "#fee2e2", "failed_unknown": "#fef3c7", "sent": None}
OWNER_STATUSES = ("failed", "failed_unknown")


def _messages_job(actor, status: str | None) -> tuple[list[Any], dict[str, int]]:  # noqa: ANN001
    from station.services import outbox

    return outbox.list_messages(actor, status=status, limit=500), outbox.counts()


def _act_job(actor, action: str, message_id: int, channel: str | None) -> Any:  # noqa: ANN001, ANN401
    from station.services import outbox

    if action == "retry":
        return outbox.retry(actor, message_id, channel=channel)
    return outbox.dismiss(actor, message_id)


class OutboxScreen(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.messages: list[Any] = []
        self.counts: dict[str, int] = {}
        root = QVBoxLayout(self)
        self.banner = Banner()
        root.addWidget(self.banner)
        self.tabs = QTabWidget()
        root.addWidget(self.tabs, 1)

        page = QWidget()
        col = QVBoxLayout(page)
        bar = QHBoxLayout()
        self.status = QComboBox()
        self.status.currentIndexChanged.connect(lambda _i: self.refresh())
        self.attention = QLabel()
        self.attention.setStyleSheet("font-weight: 700; color: #b91c1c;")
        self.send_button = QPushButton()
        self.send_button.clicked.connect(self.send_now)
        bar.addWidget(self.status)
        bar.addWidget(self.attention, 1)
        bar.addWidget(self.send_button)
        col.addLayout(bar)
        split = QSplitter(Qt.Orientation.Horizontal)
        self.table = RowsTable()
        self.table.current_key_changed.connect(self._select)
        split.addWidget(self.table)
        side = QWidget()
        side_col = QVBoxLayout(side)
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.body = QPlainTextEdit()
        self.body.setReadOnly(True)
        side_col.addWidget(self.detail)
        side_col.addWidget(self.body, 1)
        actions = QHBoxLayout()
        self.channel = QComboBox()
        self.retry_button, self.dismiss_button = QPushButton(), QPushButton()
        self.retry_button.clicked.connect(lambda: self.act("retry"))
        self.dismiss_button.clicked.connect(lambda: self.act("dismiss"))
        actions.addWidget(self.channel, 1)
        actions.addWidget(self.retry_button)
        actions.addWidget(self.dismiss_button)
        side_col.addLayout(actions)
        split.addWidget(side)
        split.setSizes([760, 460])
        col.addWidget(split, 1)
        self.tabs.addTab(page, "")
        self.templates = TemplatesPage(session)
        self.channels = ChannelsPage(session)
        for owner_page in (self.templates, self.channels):
            owner_page.told.connect(self.banner.show_message)
            self.tabs.addTab(owner_page, "")
        self.tabs.currentChanged.connect(self._tab_changed)
        self.timer = QTimer(self)  # the sender works in the background: show its progress
        self.timer.setInterval(15_000)
        self.timer.timeout.connect(self.refresh)
        self.retranslate()

    def activate(self) -> None:
        owner = self.session.is_owner
        for index in (1, 2):
            self.tabs.setTabEnabled(index, owner)
        if not owner and self.tabs.currentIndex() != 0:
            self.tabs.setCurrentIndex(0)
        self.refresh()
        self.timer.start()
        self._enable()

    def refresh(self) -> None:
        workers.run(_messages_job, self.session.actor, self.status.currentData(), owner=self,
                    on_done=self._loaded, on_error=self._failed)

    def _loaded(self, data: tuple[list[Any], dict[str, int]]) -> None:
        self.messages, self.counts = data
        rows = [[f"#{m.id}", short_time(m.created_at), self._kind(m.kind),
                 self._channel(m.channel), self._to(m),
                 self._status(m.status), str(m.attempts), short_time(m.next_attempt_at),
                 m.last_error] for m in self.messages]
        self.table.set_rows(rows, [m.id for m in self.messages],
                            colours=[COLOURS.get(m.status) for m in self.messages])
        need = sum(self.counts.get(s, 0) for s in OWNER_STATUSES)
        self.attention.setText(self.tr("{0} message(s) need the owner").format(need)
                               if need else "")
        self._fill_status_counts()
        self._select(self.table.current_key())

    def _fill_status_counts(self) -> None:
        for i in range(1, self.status.count()):
            status = self.status.itemData(i)
            self.status.setItemText(i, f"{self._status(status)} ({self.counts.get(status, 0)})")
        self.status.setItemText(0, self.tr("All messages ({0})").format(
            sum(self.counts.values())))

    def current(self) -> Any:  # noqa: ANN401 - MessageView | None
        key = self.table.current_key()
        return next((m for m in self.messages if m.id == key), None)

    def _select(self, _key: Any) -> None:  # noqa: ANN401
        m = self.current()
        if m is None:
            self.detail.setText(self.tr("Select a message to see its text."))
            self.body.clear()
        else:
            lines = [self.tr("#{0} to {1} by {2}: {3}, {4} attempt(s)").format(
                m.id, self._to(m) or "—", self._channel(m.channel), self._status(m.status),
                m.attempts)]
            if m.sent_at:
                lines.append(self.tr("Sent {0}").format(short_time(m.sent_at)))
            if m.last_error:
                lines.append(self.tr("Last error: {0}").format(m.last_error))
            self.detail.setText("\n".join(lines))
            self.body.setPlainText((m.subject + "\n\n" if m.subject else "") + m.body)
        self._enable()

    def _enable(self) -> None:
        m, owner = self.current(), self.session.is_owner
        stuck = m is not None and m.status in ("failed", "failed_unknown", "cancelled")
        self.retry_button.setEnabled(owner and stuck)
        self.channel.setEnabled(owner and stuck)
        self.dismiss_button.setEnabled(owner and m is not None and m.status not in
                                       ("sent", "sending", "cancelled"))
        tip = "" if owner else self.tr("Only the owner sends a message again or dismisses it.")
        for w in (self.retry_button, self.dismiss_button):
            w.setToolTip(tip)

    def act(self, action: str) -> None:
        m = self.current()
        if m is None:
            return
        workers.run(_act_job, self.session.actor, action, m.id, self.channel.currentData(),
                    owner=self, on_done=lambda v: self._acted(action, v),
                    on_error=self._failed)

    def _acted(self, action: str, view: Any) -> None:  # noqa: ANN401
        if action == "retry":
            self.banner.show_message("ok", self.tr("Message #{0} will be sent again now.")
                                     .format(view.id))
            wake_outbox(self.session)
        else:
            self.banner.show_message("ok", self.tr("Message #{0} dismissed.").format(view.id))
        self.refresh()

    def send_now(self) -> None:
        wake_outbox(self.session)
        self.banner.show_message("info", self.tr("Sending due messages now…"))
        QTimer.singleShot(1500, self.refresh)

    def _failed(self, error: BaseException) -> None:
        self.banner.show_message("error", error_text(error))

    def _tab_changed(self, index: int) -> None:
        if index == 1:
            self.templates.load()
        elif index == 2:
            self.channels.load()

    def _status(self, status: str) -> str:
        names = {"queued": self.tr("Queued"), "sending": self.tr("Sending"),
                 "sent": self.tr("Sent"), "retrying": self.tr("Retrying"),
                 "failed": self.tr("Failed"), "failed_unknown": self.tr("Interrupted (check)"),
                 "cancelled": self.tr("Dismissed")}
        return names.get(status, status)

    def _channel(self, channel: str) -> str:
        names = {"sms": self.tr("SMS"), "email": self.tr("E-mail"), "slip": self.tr("Slip")}
        return names.get(channel, channel)

    def _to(self, m: Any) -> str:  # noqa: ANN401 - MessageView
        return self.tr("printed slip") if m.channel == "slip" else m.to

    def _kind(self, kind: str) -> str:
        names = {"intake": self.tr("Arrival"), "reminder": self.tr("Reminder"),
                 "last_notice": self.tr("Last notice")}
        return names.get(kind, kind)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.tabs.setTabText(0, self.tr("Messages"))
        self.tabs.setTabText(1, self.tr("Templates (owner)"))
        self.tabs.setTabText(2, self.tr("Channels (owner)"))
        current = self.status.currentData()
        self.status.blockSignals(True)
        self.status.clear()
        self.status.addItem("", None)
        for status in STATUSES:
            self.status.addItem("", status)
        self.status.setCurrentIndex(max(0, self.status.findData(current)))
        self._fill_status_counts()
        self.status.blockSignals(False)
        self.channel.clear()
        self.channel.addItem(self.tr("Same channel"), None)
        for name, text in (("sms", self.tr("by SMS")), ("email", self.tr("by e-mail")),
                           ("slip", self.tr("as a notice slip"))):
            self.channel.addItem(text, name)
        self.send_button.setText(self.tr("Send due messages now"))
        self.retry_button.setText(self.tr("Send again"))
        self.dismiss_button.setText(self.tr("Dismiss"))
        self.table.set_headers(["#", self.tr("Created"), self.tr("Kind"), self.tr("Channel"),
                                self.tr("To"), self.tr("Status"), self.tr("Attempts"),
                                self.tr("Next attempt"), self.tr("Last error")])
        self.banner.show_message("idle", self.tr("Messages to recipients go out in the "
                                                 "background. Red: failed; amber: interrupted "
                                                 "— ask the recipient before sending again."))
        self._select(None)
