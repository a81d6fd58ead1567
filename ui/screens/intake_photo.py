"""A still photo from the counter camera (damaged parcels). Optional hardware: every failure
returns "" and the clerk carries on with the written note."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QWidget


def photo_dir() -> Path:
    from station import db as station_db

    folder = station_db.data_dir() / "photos"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def capture_photo(device, parent: QWidget | None = None, timeout_ms: int = 5000) -> str:  # noqa: ANN001
    """Capture one JPEG from ``device`` (a QCameraDevice); the file path, or "" on failure.
    Waits in a local event loop (the window keeps painting) for at most ``timeout_ms``."""
    try:
        from PySide6.QtMultimedia import QCamera, QImageCapture, QMediaCaptureSession
    except ImportError:
        return ""
    if device is None:
        return ""
    camera = QCamera(device, parent)
    capture = QImageCapture(parent)
    session = QMediaCaptureSession(parent)
    session.setCamera(camera)
    session.setImageCapture(capture)
    path = str(photo_dir() / f"damage-{time.strftime('%Y%m%d-%H%M%S')}.jpg")
    saved: list[str] = []
    loop = QEventLoop()
    capture.imageSaved.connect(lambda _id, name: (saved.append(name), loop.quit()))
    capture.errorOccurred.connect(lambda *_: loop.quit())
    camera.start()

    def shoot() -> None:
        if capture.isReadyForCapture():
            capture.captureToFile(path)
        else:
            loop.quit()

    QTimer.singleShot(800, shoot)  # let exposure settle
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()
    camera.stop()
    for obj in (session, capture, camera):
        obj.deleteLater()
    return saved[0] if saved else ""
