"""Short sounds at the counter, so the clerk hears what a scan did without looking up:
ok (one high beep), duplicate / look (two mid beeps), cash on delivery (a rising chime) and
error (a low buzz).

The installed app ships without QtMultimedia, so the tones are small WAV files generated on
first use and played by what the PC has: winsound on Windows, afplay / paplay / aplay
elsewhere, QSoundEffect where QtMultimedia is installed, and QApplication.beep() as the last
resort. Turned off per PC in Settings → This counter (QSettings "sounds/enabled"). Headless
runs (offscreen Qt) play nothing but still record what was asked for.
"""

from __future__ import annotations

import io
import math
import shutil
import struct
import subprocess
import sys
import tempfile
import wave
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

KINDS = ("ok", "duplicate", "cod", "error")
SETTING = "sounds/enabled"
RATE = 22050

# (frequency Hz, milliseconds) per note; 0 Hz is a pause.
TONES: dict[str, list[tuple[int, int]]] = {
    "ok": [(1320, 90)],
    "duplicate": [(660, 90), (0, 60), (660, 90)],
    "cod": [(880, 70), (1175, 70), (1568, 110)],
    "error": [(196, 380)],
}


def wav_bytes(kind: str) -> bytes:
    """A mono 16-bit WAV of the kind's notes, with short fades (no clicks)."""
    frames = bytearray()
    for freq, ms in TONES[kind]:
        count = RATE * ms // 1000
        fade = max(1, min(count // 4, RATE // 200))
        for i in range(count):
            if not freq:
                frames += struct.pack("<h", 0)
                continue
            envelope = min(1.0, i / fade, (count - 1 - i) / fade)
            value = math.sin(2 * math.pi * freq * i / RATE)
            if kind == "error":  # a buzz: the sine clipped towards a square wave
                value = max(-0.6, min(0.6, value * 3)) / 0.6
            frames += struct.pack("<h", int(12000 * envelope * value))
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(RATE)
        wav.writeframes(bytes(frames))
    return out.getvalue()


def sound_file(kind: str) -> Path:
    folder = Path(tempfile.gettempdir()) / "parcel-station-sounds"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{kind}.wav"
    data = wav_bytes(kind)
    if not path.exists() or path.read_bytes() != data:
        path.write_bytes(data)
    return path


def enabled(settings: QSettings) -> bool:
    return str(settings.value(SETTING, "true")).lower() not in ("false", "0", "no")


class _Player:
    """Plays the WAV files with the first way that exists on this PC."""

    def __init__(self) -> None:
        self.files = {kind: sound_file(kind) for kind in KINDS}
        self.command = next((c for c in ("afplay", "paplay", "aplay") if shutil.which(c)), None)
        self.effects: dict[str, Any] = {}
        self.how = self._choose()

    def _choose(self) -> str:
        if sys.platform == "win32":
            return "winsound"
        if self.command:
            return "command"
        try:
            from PySide6.QtMultimedia import QSoundEffect  # noqa: F401 - not in the installer
        except ImportError:
            return "beep"
        return "qt"

    def play(self, kind: str) -> None:
        path = self.files[kind]
        if self.how == "winsound":
            import winsound

            flags = winsound.SND_FILENAME | winsound.SND_ASYNC | winsound.SND_NODEFAULT
            winsound.PlaySound(str(path), flags)
        elif self.how == "command" and self.command:
            subprocess.Popen([self.command, str(path)], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        elif self.how == "qt":
            self._effect(kind).play()
        else:
            QApplication.beep()

    def _effect(self, kind: str) -> Any:  # noqa: ANN401 - QSoundEffect
        if kind not in self.effects:
            from PySide6.QtCore import QUrl
            from PySide6.QtMultimedia import QSoundEffect

            effect = QSoundEffect()
            effect.setSource(QUrl.fromLocalFile(str(self.files[kind])))
            effect.setVolume(0.6)
            self.effects[kind] = effect
        return self.effects[kind]


_player: _Player | None = None


class Sounds:
    """What a screen calls: ``play("ok")``. ``requested`` keeps the last outcomes asked for
    while sounds are on (tests, and a support look at what the counter heard)."""

    def __init__(self, settings: QSettings) -> None:
        self.settings = settings
        self.requested: list[str] = []

    def enabled(self) -> bool:
        return enabled(self.settings)

    def play(self, kind: str) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown sound {kind!r}")
        if not self.enabled():
            return
        self.requested.append(kind)
        del self.requested[:-50]
        if QGuiApplication.platformName() in ("offscreen", "minimal"):
            return  # nobody to hear it
        self._output(kind)

    def _output(self, kind: str) -> None:
        global _player
        try:
            if _player is None:
                _player = _Player()
            _player.play(kind)
        except Exception:  # noqa: BLE001 - a sound must never stop a scan
            QApplication.beep()
