"""Counter scales: one interface (:class:`Scale`), a driver per protocol, a simulator, and a
background monitor. Nothing here imports Qt."""

from station.devices.scale.base import (
    ERROR,
    MOTION,
    NO_ANSWER,
    OK,
    OVERLOAD,
    UNDERLOAD,
    Reading,
    Scale,
    ScaleDisconnected,
    ScaleError,
    ScaleNoAnswer,
    ScaleRefused,
    ScaleUnsupported,
)
from station.devices.scale.registry import PROTOCOLS, ScaleConfig, driver_class, open_scale

__all__ = [
    "ERROR",
    "MOTION",
    "NO_ANSWER",
    "OK",
    "OVERLOAD",
    "PROTOCOLS",
    "UNDERLOAD",
    "Reading",
    "Scale",
    "ScaleConfig",
    "ScaleDisconnected",
    "ScaleError",
    "ScaleNoAnswer",
    "ScaleRefused",
    "ScaleUnsupported",
    "driver_class",
    "open_scale",
]
