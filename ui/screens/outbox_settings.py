"""The owner's pages of the outbox screen: message templates with a live preview, and the
delivery channels (HTTP SMS gateway, SMTP e-mail, notice slips)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ui import workers
from ui.screens.common import error_text

TEMPLATE_KINDS = ("intake", "reminder", "last_notice")
LANGS = ("zh_CN", "en")
PLACEHOLDERS = ("name", "code", "slot", "station", "address", "hours", "carrier", "days",
                "deadline")
SECRETS = {("sms", "api_key"), ("email", "password")}


def _templates_job() -> Any:  # noqa: ANN401
    from station.services import outbox

    return outbox.get_templates()


def _save_template_job(actor, kind: str, lang: str, text: str, subject: str) -> Any:  # noqa: ANN001, ANN401
    from station.services import outbox

    return outbox.set_template(actor, kind, lang, text, subject or None)


def _reset_template_job(actor, kind: str, lang: str) -> Any:  # noqa: ANN001, ANN401
    from station.services import outbox

    return outbox.reset_template(actor, kind, lang)


def _channels_job(actor, changes: dict[str, Any] | None) -> Any:  # noqa: ANN001, ANN401
    from station.services import outbox

    if changes is None:
        return outbox.channel_config(actor)
    return outbox.set_channel_config(actor, changes)


def preview(text: str, lang: str) -> tuple[bool, str]:
    """(ok, the text filled with sample values — or what is wrong with it). No database."""
    from station.errors import StationError
    from station.services import outbox

    try:
        return True, outbox.preview_template(text, lang)
    except StationError as exc:
        return False, error_text(exc)


class TemplatesPage(QWidget):
    told = Signal(str, str)

    def __init__(self, session: Any, parent: QWidget | None = None) -> None:  # noqa: ANN401
        super().__init__(parent)
        self.session = session
        self.templates: dict[tuple[str, str], Any] = {}
        root = QVBoxLayout(self)
        row = QHBoxLayout()
        self.kind, self.lang = QComboBox(), QComboBox()
        self.kind.currentIndexChanged.connect(lambda _i: self._show())
        self.lang.currentIndexChanged.connect(lambda _i: self._show())
        self.state = QLabel()
        self.insert = QComboBox()
        self.insert.activated.connect(self._insert)
        for w in (self.kind, self.lang):
            row.addWidget(w)
        row.addWidget(self.state, 1)
        row.addWidget(self.insert)
        root.addLayout(row)
        form = QFormLayout()
        self.subject = QLineEdit()
        self.subject.setMaxLength(150)
        self.text = QPlainTextEdit()
        self.text.setMaximumHeight(140)
        self.subject_label, self.text_label, self.preview_label = QLabel(), QLabel(), QLabel()
        form.addRow(self.subject_label, self.subject)
        form.addRow(self.text_label, self.text)
        root.addLayout(form)
        self.preview = QLabel()
        self.preview.setWordWrap(True)
        self.preview.setMinimumHeight(80)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        root.addWidget(self.preview_label)
        root.addWidget(self.preview)
        buttons = QHBoxLayout()
        self.reset_button, self.save_button = QPushButton(), QPushButton()
        self.reset_button.clicked.connect(self.reset)
        self.save_button.clicked.connect(self.save)
        buttons.addStretch(1)
        buttons.addWidget(self.reset_button)
        buttons.addWidget(self.save_button)
        root.addLayout(buttons)
        root.addStretch(1)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(150)
        self._debounce.timeout.connect(self.update_preview)
        self.text.textChanged.connect(self._debounce.start)
        self.retranslate()

    def load(self) -> None:
        workers.run(_templates_job, owner=self, on_done=self._loaded,
                    on_error=lambda e: self.told.emit("error", error_text(e)))

    def _loaded(self, views: list[Any]) -> None:
        self.templates = {(v.kind, v.lang): v for v in views}
        self._show()

    def current(self) -> Any:  # noqa: ANN401 - TemplateView | None
        return self.templates.get((self.kind.currentData(), self.lang.currentData()))

    def _show(self) -> None:
        view = self.current()
        if view is None:
            return
        self.subject.setText(view.subject)
        self.text.setPlainText(view.text)
        self.state.setText(self.tr("Your own text") if view.custom else self.tr("Built-in text"))
        self.update_preview()

    def update_preview(self) -> None:
        ok, text = preview(self.text.toPlainText(), self.lang.currentData() or "zh_CN")
        colour = "#14532d" if ok else "#b91c1c"
        self.preview.setStyleSheet(f"QLabel {{ background: #f9fafb; border: 1px solid #d1d5db; "
                                   f"padding: 8px; color: {colour}; font-size: 12pt; }}")
        self.preview.setText(text)
        self.save_button.setEnabled(ok)

    def _insert(self, index: int) -> None:
        name = self.insert.itemData(index)
        if name:
            self.text.insertPlainText("{" + name + "}")
            self.text.setFocus()
        self.insert.setCurrentIndex(0)

    def save(self) -> None:
        workers.run(_save_template_job, self.session.actor, self.kind.currentData(),
                    self.lang.currentData(), self.text.toPlainText(), self.subject.text(),
                    owner=self, on_done=self._saved,
                    on_error=lambda e: self.told.emit("error", error_text(e)))

    def reset(self) -> None:
        workers.run(_reset_template_job, self.session.actor, self.kind.currentData(),
                    self.lang.currentData(), owner=self, on_done=self._saved,
                    on_error=lambda e: self.told.emit("error", error_text(e)))

    def _saved(self, view: Any) -> None:  # noqa: ANN401
        self.templates[(view.kind, view.lang)] = view
        self._show()
        self.told.emit("ok", self.tr("Template saved: new messages use it."))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        kinds = {"intake": self.tr("Arrival (on intake)"), "reminder": self.tr("Reminder"),
                 "last_notice": self.tr("Last notice before return")}
        langs = {"zh_CN": self.tr("Chinese"), "en": self.tr("English")}
        for combo, names, values in ((self.kind, kinds, TEMPLATE_KINDS),
                                     (self.lang, langs, LANGS)):
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            for value in values:
                combo.addItem(names[value], value)
            combo.setCurrentIndex(max(0, combo.findData(current)))
            combo.blockSignals(False)
        self.insert.clear()
        self.insert.addItem(self.tr("Insert a placeholder…"), "")
        for name in PLACEHOLDERS:
            self.insert.addItem("{" + name + "}", name)
        self.subject_label.setText(self.tr("E-mail subject"))
        self.text_label.setText(self.tr("Text"))
        self.preview_label.setText(self.tr("Preview with sample values:"))
        self.reset_button.setText(self.tr("Back to the built-in text"))
        self.save_button.setText(self.tr("Save template"))
        self._show()


class ChannelsPage(QWidget):
    """Every field of the channel document, built from the stored document itself."""

    told = Signal(str, str)

    def __init__(self, session: Any, parent: QWidget | None = None) -> None:  # noqa: ANN401
        super().__init__(parent)
        self.session = session
        self.config: dict[str, Any] = {}
        self.fields: dict[tuple[str, str], QWidget] = {}
        self.field_labels: dict[tuple[str, str], QLabel] = {}
        root = QVBoxLayout(self)
        top = QFormLayout()
        self.order = QLineEdit()
        self.lang = QComboBox()
        for lang in LANGS:
            self.lang.addItem("", lang)
        self.order_label, self.lang_label = QLabel(), QLabel()
        top.addRow(self.order_label, self.order)
        top.addRow(self.lang_label, self.lang)
        root.addLayout(top)
        self.groups_row = QHBoxLayout()
        self.groups: dict[str, QGroupBox] = {}
        root.addLayout(self.groups_row)
        buttons = QHBoxLayout()
        self.save_button = QPushButton()
        self.save_button.clicked.connect(self.save)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        root.addLayout(buttons)
        root.addStretch(1)
        self.retranslate()

    def load(self) -> None:
        workers.run(_channels_job, self.session.actor, None, owner=self, on_done=self._loaded,
                    on_error=lambda e: self.told.emit("error", error_text(e)))

    def _loaded(self, config: dict[str, Any]) -> None:
        self.config = config
        self.order.setText(", ".join(config.get("order", [])))
        self.lang.setCurrentIndex(max(0, self.lang.findData(config.get("lang"))))
        for section in ("sms", "email", "slip"):
            box = self.groups.get(section)
            if box is None:
                box = QGroupBox()
                QFormLayout(box)
                self.groups[section] = box
                self.groups_row.addWidget(box, 1)
            form = box.layout()
            assert isinstance(form, QFormLayout)
            for name, value in config[section].items():
                widget = self.fields.get((section, name))
                if widget is None:
                    widget = self._widget(section, name, value)
                    self.fields[(section, name)] = widget
                    label = QLabel()
                    self.field_labels[(section, name)] = label
                    form.addRow(label, widget)
                self._set(widget, value)
        self.retranslate()

    @staticmethod
    def _widget(section: str, name: str, value: Any) -> QWidget:  # noqa: ANN401
        if isinstance(value, bool):
            return QCheckBox()
        if isinstance(value, int):
            spin = QSpinBox()
            spin.setRange(1, 65535)
            return spin
        if name == "security":
            combo = QComboBox()
            for option in ("none", "starttls", "ssl"):
                combo.addItem(option, option)
            return combo
        edit = QLineEdit()
        if (section, name) in SECRETS:
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        return edit

    @staticmethod
    def _set(widget: QWidget, value: Any) -> None:  # noqa: ANN401
        if isinstance(widget, QCheckBox):
            widget.setChecked(bool(value))
        elif isinstance(widget, QSpinBox):
            widget.setValue(int(value))
        elif isinstance(widget, QComboBox):
            widget.setCurrentIndex(max(0, widget.findData(value)))
        elif isinstance(widget, QLineEdit):
            widget.setText(str(value))

    @staticmethod
    def _get(widget: QWidget) -> Any:  # noqa: ANN401
        if isinstance(widget, QCheckBox):
            return widget.isChecked()
        if isinstance(widget, QSpinBox):
            return widget.value()
        if isinstance(widget, QComboBox):
            return widget.currentData()
        assert isinstance(widget, QLineEdit)
        return widget.text()

    def changes(self) -> dict[str, Any]:
        order = [p.strip().lower() for p in self.order.text().replace("，", ",").split(",")]
        doc: dict[str, Any] = {"order": [p for p in order if p], "lang": self.lang.currentData()}
        for (section, name), widget in self.fields.items():
            doc.setdefault(section, {})[name] = self._get(widget)
        return doc

    def save(self) -> None:
        workers.run(_channels_job, self.session.actor, self.changes(), owner=self,
                    on_done=self._saved, on_error=lambda e: self.told.emit("error",
                                                                           error_text(e)))

    def _saved(self, config: dict[str, Any]) -> None:
        self._loaded(config)
        self.told.emit("ok", self.tr("Message settings saved."))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.order_label.setText(self.tr("Channels, in the order tried"))
        self.order.setPlaceholderText("sms, email, slip")
        self.lang_label.setText(self.tr("Message language"))
        self.lang.setItemText(0, self.tr("Chinese"))
        self.lang.setItemText(1, self.tr("English"))
        folder = self.fields.get(("slip", "folder"))
        if isinstance(folder, QLineEdit):
            folder.setPlaceholderText(self.tr("Empty: notice_slips next to the station database"))
        titles = {"sms": self.tr("SMS gateway (HTTP)"), "email": self.tr("E-mail (SMTP)"),
                  "slip": self.tr("Notice slips (printed)")}
        for section, box in self.groups.items():
            box.setTitle(titles[section])
        names = {"enabled": self.tr("On"), "url": self.tr("Gateway address"),
                 "api_key": self.tr("API key"), "api_key_header": self.tr("Key header"),
                 "api_key_prefix": self.tr("Key prefix"), "body_template": self.tr("Request body"),
                 "timeout": self.tr("Timeout (s)"), "idempotency": self.tr("Drops repeats"),
                 "id_field": self.tr("Message id field"), "ok_field": self.tr("Success field"),
                 "ok_value": self.tr("Success value"), "host": self.tr("Mail server"),
                 "port": self.tr("Port"), "security": self.tr("Security"),
                 "username": self.tr("User name"), "password": self.tr("Password"),
                 "sender": self.tr("Sender address"), "folder": self.tr("Folder")}
        for (_section, name), label in self.field_labels.items():
            label.setText(names.get(name, name.replace("_", " ")))
        self.save_button.setText(self.tr("Save message settings"))
