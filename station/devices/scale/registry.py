"""Protocol name → driver class, and opening a scale from its settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from station.devices.scale.base import Scale
from station.devices.scale.cas import CasScale
from station.devices.scale.hid_postal import HidPostalScale
from station.devices.scale.mt_sics import MtSicsScale
from station.devices.scale.toledo_8213 import Toledo8213Scale
from station.devices.scale.toledo_continuous import ToledoContinuousScale
from station.errors import InvalidInput
from station.i18n import tr

DRIVERS: dict[str, type[Scale]] = {
    MtSicsScale.protocol: MtSicsScale,
    Toledo8213Scale.protocol: Toledo8213Scale,
    ToledoContinuousScale.protocol: ToledoContinuousScale,
    CasScale.protocol: CasScale,
    HidPostalScale.protocol: HidPostalScale,
}
PROTOCOLS: tuple[str, ...] = tuple(DRIVERS)


def driver_class(protocol: str) -> type[Scale]:
    try:
        return DRIVERS[protocol.strip().lower()]
    except KeyError:
        raise InvalidInput(
            tr(
                "unknown scale protocol {protocol!r}; one of: {protocols}",
                protocol=protocol,
                protocols=", ".join(PROTOCOLS),
            ),
            code="invalid",
        ) from None


@dataclass(frozen=True)
class ScaleConfig:
    """The scale settings of one counter PC (kept in QSettings by the UI)."""

    port: str
    protocol: str
    baud: int | None = None  # None: the protocol's usual rate
    framing: str | None = None  # "8N1", "7E1"…; None: the protocol's usual framing
    timeout: float = 1.0
    #: driver extras, e.g. ``{"unit": "lb"}`` for a Toledo 8213 in pounds
    options: dict[str, Any] = field(default_factory=dict, hash=False)

    @property
    def effective_baud(self) -> int:
        return self.baud or driver_class(self.protocol).default_baud

    @property
    def effective_framing(self) -> str:
        return self.framing or driver_class(self.protocol).default_framing


def open_scale(config: ScaleConfig) -> Scale:
    """Open the port and return the driver. Raises ``ScaleDisconnected`` when the port cannot
    be opened, ``InvalidInput`` for an unknown protocol."""
    cls = driver_class(config.protocol)
    kwargs: dict[str, Any] = dict(config.options)
    kwargs["timeout"] = config.timeout
    if cls is not HidPostalScale:
        kwargs["framing"] = config.effective_framing
    return cls(config.port, config.effective_baud, **kwargs)  # type: ignore[call-arg]
