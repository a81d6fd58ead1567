"""Scale settings of this counter PC: port, protocol, baud rate, framing, and a Test button
with the live reading. The values live in ``QSettings`` (``scale/…``), see
:func:`load_scale_config` / :func:`save_scale_config`."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from station.devices.scale.base import Reading
from station.devices.scale.hid_postal import find_hid_scales
from station.devices.scale.registry import DRIVERS, ScaleConfig
from station.devices.scale.transport import BAUD_RATES, FRAMINGS, list_serial_ports
from ui.scale_worker import ScaleWorker
from ui.widgets.weight_display import WeightDisplay

KEY_PORT = "scale/port"
KEY_PROTOCOL = "scale/protocol"
KEY_BAUD = "scale/baud"
KEY_FRAMING = "scale/framing"


def load_scale_config(settings: QSettings) -> ScaleConfig | None:
    """The configured scale, or None when none is set up."""
    port = str(settings.value(KEY_PORT, "") or "")
    protocol = str(settings.value(KEY_PROTOCOL, "") or "")
    if not port or protocol not in DRIVERS:
        return None
    try:
        baud = int(str(settings.value(KEY_BAUD, 0) or 0)) or None
    except (TypeError, ValueError):
        baud = None
    framing = str(settings.value(KEY_FRAMING, "") or "") or None
    return ScaleConfig(port=port, protocol=protocol, baud=baud, framing=framing)


def save_scale_config(settings: QSettings, config: ScaleConfig | None) -> None:
    if config is None:
        for key in (KEY_PORT, KEY_PROTOCOL, KEY_BAUD, KEY_FRAMING):
            settings.remove(key)
        return
    settings.setValue(KEY_PORT, config.port)
    settings.setValue(KEY_PROTOCOL, config.protocol)
    settings.setValue(KEY_BAUD, config.baud or 0)
    settings.setValue(KEY_FRAMING, config.framing or "")


class ScaleSettingsPage(QWidget):
    """One settings page (Picard style): ``load(settings)``, ``save(settings)``."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None, *, poll_interval: float = 0.15) -> None:
        super().__init__(parent)
        self.setObjectName("scaleSettingsPage")
        self.poll_interval = poll_interval
        self.port = QComboBox()
        self.port.setEditable(True)
        self.port.setToolTip(self.tr("A serial port, or socket://HOST:PORT for a network scale"))
        self.refresh = QPushButton(self.tr("Refresh"))
        self.protocol = QComboBox()
        for name, cls in DRIVERS.items():
            self.protocol.addItem(cls.label or name, name)
        self.baud = QComboBox()
        self.baud.addItem(self.tr("Usual for the protocol"), 0)
        for rate in BAUD_RATES:
            self.baud.addItem(str(rate), rate)
        self.framing = QComboBox()
        self.framing.addItem(self.tr("Usual for the protocol"), "")
        for framing in FRAMINGS:
            self.framing.addItem(framing, framing)
        self.test = QPushButton(self.tr("Test"))
        self.test.setCheckable(True)
        self.display = WeightDisplay()
        self.info = QLabel()
        self.info.setWordWrap(True)

        port_row = QHBoxLayout()
        port_row.addWidget(self.port, 1)
        port_row.addWidget(self.refresh)
        form = QFormLayout()
        form.addRow(self.tr("Port"), port_row)
        form.addRow(self.tr("Protocol"), self.protocol)
        form.addRow(self.tr("Baud rate"), self.baud)
        form.addRow(self.tr("Data bits / parity / stop bits"), self.framing)
        test_row = QHBoxLayout()
        test_row.addWidget(self.test)
        test_row.addWidget(self.display, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(test_row)
        layout.addWidget(self.info)
        layout.addStretch(1)

        self.worker = ScaleWorker(parent=self, poll_interval=poll_interval)
        self.worker.reading.connect(self.display.set_reading)
        self.worker.commandFinished.connect(self._command_finished)
        self.worker.commandFailed.connect(self._command_failed)
        self.refresh.clicked.connect(self.refresh_ports)
        self.test.toggled.connect(self._toggle_test)
        for combo in (self.protocol, self.baud, self.framing):
            combo.currentIndexChanged.connect(self._edited)
        self.port.currentTextChanged.connect(self._edited)
        self.refresh_ports()

    # -- values ----------------------------------------------------------------------------
    def refresh_ports(self) -> None:
        current = self.port.currentText()
        self.port.blockSignals(True)
        self.port.clear()
        for info in list_serial_ports():
            self.port.addItem(info.label, info.device)
        for path in find_hid_scales():
            self.port.addItem(self.tr("{path} — USB HID scale").format(path=path), path)
        self.port.blockSignals(False)
        self._set_port(current)

    def _set_port(self, port: str) -> None:
        index = self.port.findData(port)
        if index >= 0:
            self.port.setCurrentIndex(index)
        else:
            self.port.setEditText(port)

    def port_value(self) -> str:
        index = self.port.currentIndex()
        text = self.port.currentText().strip()
        if index >= 0 and text == self.port.itemText(index):
            return str(self.port.itemData(index))
        return text

    def config(self) -> ScaleConfig | None:
        port = self.port_value()
        if not port:
            return None
        return ScaleConfig(
            port=port,
            protocol=str(self.protocol.currentData()),
            baud=int(self.baud.currentData()) or None,
            framing=str(self.framing.currentData()) or None,
        )

    def set_config(self, config: ScaleConfig | None) -> None:
        self._set_port(config.port if config else "")
        if config is not None:
            self.protocol.setCurrentIndex(max(0, self.protocol.findData(config.protocol)))
            self.baud.setCurrentIndex(max(0, self.baud.findData(config.baud or 0)))
            self.framing.setCurrentIndex(max(0, self.framing.findData(config.framing or "")))

    def load(self, settings: QSettings) -> None:
        self.set_config(load_scale_config(settings))

    def save(self, settings: QSettings) -> None:
        save_scale_config(settings, self.config())

    # -- test ------------------------------------------------------------------------------
    def _edited(self) -> None:
        self.changed.emit()
        if self.test.isChecked():  # test what is shown now
            self.worker.configure(self.config())

    def _toggle_test(self, on: bool) -> None:
        if not on:
            self.worker.stop()
            self.display.set_reading(None)
            self.info.clear()
            return
        config = self.config()
        if config is None:
            self.test.setChecked(False)
            self.info.setText(self.tr("Choose a port first."))
            return
        self.info.setText(self.tr("Connecting to {port} …").format(port=config.port))
        self.worker.configure(config)
        self.worker.start()
        self.worker.identify()

    def _command_finished(self, name: str, result: object) -> None:
        if name == "identify":
            self.info.setText(str(result))

    def _command_failed(self, name: str, message: str) -> None:
        self.info.setText(message)

    def live_reading(self) -> Reading | None:
        return self.worker.latest

    def closeEvent(self, event: object) -> None:  # noqa: N802 - Qt API
        self.worker.stop()
        super().closeEvent(event)  # type: ignore[arg-type]

    def hideEvent(self, event: object) -> None:  # noqa: N802 - Qt API
        self.test.setChecked(False)
        super().hideEvent(event)  # type: ignore[arg-type]
