"""Capture stage: turn a camera source (file, stream, JPEG snapshot URL, image folder) into timed frames."""

from __future__ import annotations

import logging
import threading
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol

import cv2
import numpy as np

from engine.workdays import Clock

from .config import CameraConfig

__all__ = ["IMAGE_SUFFIXES", "FileSource", "FolderSource", "Frame", "FrameSource", "LatestFrameReader",
           "SnapshotSource", "StreamSource", "grab_once", "open_source", "read_image"]

log = logging.getLogger(__name__)
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp")


@dataclass(frozen=True)
class Frame:
    """One picture and the instant it shows (from frame numbers for files, from the clock otherwise)."""

    image: np.ndarray
    at: datetime
    index: int


class FrameSource(Protocol):
    """What the worker reads from: `read` never blocks long and returns None when there is no new frame."""

    finished: bool

    def read(self) -> Frame | None: ...

    def close(self) -> None: ...


def read_image(path: Path) -> np.ndarray | None:
    """Decode an image file (also with non-ASCII names, which cv2.imread cannot open on every platform)."""
    try:
        data = np.fromfile(str(path), dtype=np.uint8)
    except OSError:
        return None
    return cv2.imdecode(data, cv2.IMREAD_COLOR) if data.size else None


class FileSource:
    """A video file; time comes from frame numbers, so an analysis of the same file is always the same.

    Offline (`clock` None) every sampled frame is returned in turn, as fast as the caller reads. Live (a
    clock given, the demo) the frame shown is the one at the clock's position in the clip, looping.
    """

    def __init__(self, path: str | Path, sample_rate: float, epoch: datetime, clock: Clock | None = None,
                 loop: bool = False) -> None:
        self.path = str(path)
        self.sample_rate = sample_rate
        self.epoch = epoch
        self.clock = clock
        self.loop = loop
        self.finished = False
        self._cap = cv2.VideoCapture(self.path)
        # A file that cannot be opened is not "finished": it stays silent, so the camera goes offline.
        self.opened = self._cap.isOpened()
        self.fps = (self._cap.get(cv2.CAP_PROP_FPS) or 25.0) if self.opened else 0.0
        self.count = int(self._cap.get(cv2.CAP_PROP_FRAME_COUNT)) if self.opened else 0
        self._next = 0  # index of the next frame the reader will decode
        self._sampled = 0  # how many frames were returned, offline
        self._last_live: int | None = None

    def _read_index(self, index: int) -> np.ndarray | None:
        if index < self._next:  # behind the reader (a loop): start the file again
            self._cap.release()
            self._cap = cv2.VideoCapture(self.path)
            self._next = 0
        image = None
        while self._next <= index:
            ok = self._cap.grab()
            if not ok:
                return None
            if self._next == index:
                ok, image = self._cap.retrieve()
                image = image if ok else None
            self._next += 1
        return image

    def read(self) -> Frame | None:
        """Return the next sampled frame (offline) or the current one (live); None at the end or unchanged."""
        if not self.opened or self.finished:
            return None
        if self.clock is None:
            index = round(self._sampled * self.fps / self.sample_rate)
            image = self._read_index(index) if (not self.count or index < self.count) else None
            if image is None:
                self.finished = True
                return None
            self._sampled += 1
            return Frame(image, self.epoch + timedelta(seconds=index / self.fps), index)
        now = self.clock.now()
        position = int((now - self.epoch).total_seconds() * self.fps)  # frames since the epoch
        if position == self._last_live:
            return None
        index = position
        if self.loop and self.count:
            index %= self.count
        elif self.count and index >= self.count:
            self.finished = True
            return None
        image = self._read_index(index)
        if image is None:
            return None
        self._last_live = position
        return Frame(image, now, index)

    def close(self) -> None:
        """Release the decoder."""
        self._cap.release()


class FolderSource:
    """A folder that a camera (or an FTP upload) fills with images; the newest one is the current frame."""

    def __init__(self, path: str | Path, clock: Clock) -> None:
        self.path = Path(path)
        self.clock = clock
        self.finished = False
        self._last: tuple[str, float] | None = None
        self._count = 0

    def newest(self) -> Path | None:
        """Return the newest image file of the folder (by modification time, then name)."""
        try:
            files = [p for p in self.path.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file()]
        except OSError:
            return None
        return max(files, key=lambda p: (p.stat().st_mtime, p.name), default=None)

    def read(self) -> Frame | None:
        """Return the newest image if it is new since the last read."""
        path = self.newest()
        if path is None:
            return None
        key = (path.name, path.stat().st_mtime)
        if key == self._last:
            return None
        image = read_image(path)
        if image is None:
            return None
        self._last = key
        self._count += 1
        return Frame(image, self.clock.now(), self._count)

    def close(self) -> None:
        """Nothing to release."""


class LatestFrameReader:
    """A background thread that keeps only the newest frame, so a slow analysis never lags behind live video.

    Subclasses say how to grab one frame; a failing source is retried with a growing pause (reconnect).
    """

    retry_max_s = 10.0

    def __init__(self, clock: Clock, interval_s: float = 0.0) -> None:
        self.clock = clock
        self.interval_s = interval_s
        self.finished = False
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._latest: Frame | None = None
        self._count = 0
        self.reconnects = 0
        self._thread = threading.Thread(target=self._run, name=type(self).__name__, daemon=True)
        self._thread.start()

    def grab(self) -> np.ndarray | None:
        """Grab one frame, or None when the source failed (the reader then reconnects)."""
        raise NotImplementedError

    def reconnect(self) -> None:
        """Drop the connection; the next grab opens a new one."""

    def _run(self) -> None:
        pause = 0.5
        while not self._stop.is_set():
            try:
                image = self.grab()
            except Exception:  # a broken source must not kill the reader; it is retried
                log.exception("%s failed", type(self).__name__)
                image = None
            if image is None:
                self.reconnect()
                self.reconnects += 1
                self._stop.wait(pause)
                pause = min(pause * 2, self.retry_max_s)
                continue
            pause = 0.5
            with self._lock:
                self._count += 1
                self._latest = Frame(image, self.clock.now(), self._count)
            if self.interval_s:
                self._stop.wait(self.interval_s)

    def read(self) -> Frame | None:
        """Take the newest frame if one arrived since the last read."""
        with self._lock:
            frame, self._latest = self._latest, None
        return frame

    def close(self) -> None:
        """Stop the thread and release the source."""
        self._stop.set()
        self._thread.join(timeout=5)
        self.reconnect()


class StreamSource(LatestFrameReader):
    """An RTSP or HTTP MJPEG stream through cv2.VideoCapture."""

    def __init__(self, url: str, clock: Clock, open_timeout_ms: int = 5000) -> None:
        self.url = url
        self.open_timeout_ms = open_timeout_ms
        self._cap: cv2.VideoCapture | None = None
        super().__init__(clock)

    def grab(self) -> np.ndarray | None:
        """Read the next frame of the stream, opening it first if needed."""
        if self._cap is None:
            self._cap = cv2.VideoCapture(self.url, cv2.CAP_ANY,
                                         [cv2.CAP_PROP_OPEN_TIMEOUT_MSEC, self.open_timeout_ms,
                                          cv2.CAP_PROP_READ_TIMEOUT_MSEC, self.open_timeout_ms])
            if not self._cap.isOpened():
                return None
        ok, image = self._cap.read()
        return image if ok else None

    def reconnect(self) -> None:
        """Release the capture so the next grab reopens the stream."""
        if self._cap is not None:
            self._cap.release()
            self._cap = None


class SnapshotSource(LatestFrameReader):
    """An HTTP URL that answers with one JPEG per request, polled at the camera's rate."""

    def __init__(self, url: str, clock: Clock, interval_s: float, timeout_s: float = 5.0) -> None:
        if not url.startswith(("http://", "https://")):
            raise ValueError("a snapshot source is an http(s) URL")
        self.url = url
        self.timeout_s = timeout_s
        super().__init__(clock, interval_s)

    def grab(self) -> np.ndarray | None:
        """Fetch and decode one snapshot."""
        try:
            with urllib.request.urlopen(self.url, timeout=self.timeout_s) as response:  # noqa: S310 - http(s) only
                data = np.frombuffer(response.read(), dtype=np.uint8)
        except OSError:
            return None
        return cv2.imdecode(data, cv2.IMREAD_COLOR) if data.size else None


def open_source(config: CameraConfig, clock: Clock, *, epoch: datetime | None = None,
                live_files: bool = True) -> FrameSource:
    """Open the source a camera names; a live file loops on the clock (the demo), an offline one does not."""
    if config.source_kind == "file":
        start = epoch or clock.now()
        return FileSource(config.source, config.sample_rate, start, clock if live_files else None,
                          loop=live_files)
    if config.source_kind == "folder":
        return FolderSource(config.source, clock)
    if config.source_kind == "snapshot":
        return SnapshotSource(config.source, clock, 1.0 / config.sample_rate)
    return StreamSource(config.source, clock)


def grab_once(config: CameraConfig, clock: Clock, timeout_s: float = 3.0) -> np.ndarray | None:
    """Take one picture from a camera without a worker (the zone editor before the worker ran).

    A file gives its first frame, a folder its newest image, a snapshot URL one fetch; a stream is left to
    the worker, since opening one can take longer than an HTTP request should.
    """
    if config.source_kind == "file":
        cap = cv2.VideoCapture(config.source)
        try:
            ok, image = cap.read()
        finally:
            cap.release()
        return image if ok else None
    if config.source_kind == "folder":
        newest = FolderSource(config.source, clock).newest()
        return read_image(newest) if newest else None
    if config.source_kind == "snapshot" and config.source.startswith(("http://", "https://")):
        try:
            with urllib.request.urlopen(config.source, timeout=timeout_s) as response:  # noqa: S310 - http(s)
                data = np.frombuffer(response.read(), dtype=np.uint8)
        except OSError:
            return None
        return cv2.imdecode(data, cv2.IMREAD_COLOR) if data.size else None
    return None
