"""Evidence on disk: zone-marked JPEG snapshots and their sha256, references, latest frames, retention."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from .capture import read_image

__all__ = ["Snapshot", "VideoStore"]

JPEG_QUALITY = 90


@dataclass(frozen=True)
class Snapshot:
    """A stored evidence picture: its path relative to the video folder and the sha256 of its bytes."""

    path: str
    sha256: str


def _jpeg(image: np.ndarray) -> bytes:
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
    if not ok:
        raise ValueError("the frame could not be encoded as JPEG")
    return data.tobytes()


def _write_atomically(path: Path, data: bytes) -> None:
    """Write through a temporary file and a rename, so a reader never sees half a picture."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class VideoStore:
    """The video folder: cameras/<id>/{reference.png,latest.jpg} and snapshots/<day>/."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def reference_path(self, camera_id: int) -> Path:
        """Return where a camera's empty-scene reference lives."""
        return self.root / "cameras" / str(camera_id) / "reference.png"

    def latest_path(self, camera_id: int) -> Path:
        """Return where the worker leaves a camera's latest frame."""
        return self.root / "cameras" / str(camera_id) / "latest.jpg"

    def reference_status_path(self, camera_id: int) -> Path:
        """Return where the worker tells how far each zone's reference can be trusted."""
        return self.root / "cameras" / str(camera_id) / "reference-status.json"

    def write_reference_status(self, camera_id: int, zones: list[dict[str, Any]]) -> None:
        """Record each zone's reference state (monitor.video.references) for the camera page."""
        _write_atomically(self.reference_status_path(camera_id),
                          json.dumps(zones, ensure_ascii=False).encode())

    def reference_status(self, camera_id: int) -> list[dict[str, Any]]:
        """Each zone's reference state as the worker last wrote it; empty before it has watched."""
        try:
            zones = json.loads(self.reference_status_path(camera_id).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return []
        return zones if isinstance(zones, list) else []

    def save_reference(self, camera_id: int, image: np.ndarray) -> str:
        """Store a reference picture losslessly; return its sha256."""
        ok, data = cv2.imencode(".png", image)
        if not ok:
            raise ValueError("the reference could not be encoded")
        payload = data.tobytes()
        _write_atomically(self.reference_path(camera_id), payload)
        self.reference_status_path(camera_id).unlink(missing_ok=True)  # a new picture starts untried
        return hashlib.sha256(payload).hexdigest()

    def load_reference(self, camera_id: int) -> np.ndarray | None:
        """Read a camera's reference, or None when none was captured yet."""
        path = self.reference_path(camera_id)
        return read_image(path) if path.exists() else None

    def write_latest(self, camera_id: int, image: np.ndarray) -> None:
        """Replace the camera's latest frame (the zone editor and the reference capture read it)."""
        _write_atomically(self.latest_path(camera_id), _jpeg(image))

    def latest_jpeg(self, camera_id: int) -> bytes | None:
        """Return the latest frame's JPEG bytes, or None."""
        try:
            return self.latest_path(camera_id).read_bytes()
        except OSError:
            return None

    def write_snapshot(self, camera_id: int, kind: str, zone: str, at: datetime,
                       image: np.ndarray) -> Snapshot:
        """Store an event's evidence picture; return its relative path and sha256."""
        data = _jpeg(image)
        safe_zone = "".join(c if c.isalnum() or c in "-_" else "_" for c in zone)
        relative = Path("snapshots") / at.strftime("%Y-%m-%d") / (
            f"cam{camera_id}-{kind}-{safe_zone}-{at.strftime('%H%M%S')}-{at.microsecond // 1000:03d}.jpg")
        _write_atomically(self.root / relative, data)
        return Snapshot(relative.as_posix(), hashlib.sha256(data).hexdigest())

    def resolve(self, relative: str) -> Path | None:
        """Return the absolute path of a stored snapshot, refusing anything outside the store."""
        path = (self.root / relative).resolve()
        return path if path.is_relative_to(self.root.resolve()) and path.is_file() else None

    def prune(self, now: datetime, retention_days: int, keep: set[str] | None = None) -> int:
        """Delete snapshots older than the retention period (by their day folder); return how many went.

        `keep` names snapshots still needed (evidence of alerts not yet settled), whatever their age.
        """
        cutoff = (now - timedelta(days=retention_days)).strftime("%Y-%m-%d")
        keep = keep or set()
        removed = 0
        folder = self.root / "snapshots"
        if not folder.is_dir():
            return 0
        for day in sorted(p for p in folder.iterdir() if p.is_dir()):
            if day.name >= cutoff:
                continue
            for file in day.iterdir():
                if f"snapshots/{day.name}/{file.name}" not in keep:
                    file.unlink(missing_ok=True)
                    removed += 1
            if not any(day.iterdir()):
                day.rmdir()
        return removed
