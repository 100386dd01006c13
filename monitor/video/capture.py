"""Capture stage: turn a camera source (file, stream, JPEG snapshot URL, image folder) into timed frames.

Only the video worker opens sources, and through `open_source` every one is checked by the source policy
(monitor/video/sources.py) first, and again at each reconnect or fetch; the web process never does.
"""

from __future__ import annotations

import http.client
import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol

import cv2
import numpy as np

from engine.workdays import Clock

from .config import CameraConfig
from .fetch import MjpegStream, fetch_snapshot
from .sources import IMAGE_SUFFIXES, SNAPSHOT_SCHEMES, SourcePolicy, SourceRefused

__all__ = ["IMAGE_SUFFIXES", "FileSource", "FolderSource", "Frame", "FrameSource", "LatestFrameReader",
           "MjpegSource", "RefusedSource", "SnapshotSource", "StreamSource", "open_source", "read_image"]

log = logging.getLogger(__name__)
# What a camera that answers badly raises: the reader drops the connection and tries again later.
SOURCE_ERRORS = (OSError, http.client.HTTPException, ValueError)


@dataclass(frozen=True)
class Frame:
    """One picture and the instant it shows (from frame numbers for files, from the clock otherwise)."""

    image: np.ndarray
    at: datetime
    index: int


class FrameSource(Protocol):
    """What the worker reads from: `read` never blocks long and returns None when there is no new frame."""

    finished: bool

    def read(self) -> Frame | None:
        """Return the newest frame not yet read, or None at once when there is none."""
        ...

    def close(self) -> None:
        """Release the device or stream."""
        ...


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
    With a source policy (the worker's) the file is checked before every opening, loops included, and
    FFmpeg gets the resolved path; a refused file stays silent like a missing one.
    """

    def __init__(self, path: str | Path, sample_rate: float, epoch: datetime, clock: Clock | None = None,
                 loop: bool = False, policy: SourcePolicy | None = None) -> None:
        self.path = str(path)
        self.sample_rate = sample_rate
        self.epoch = epoch
        self.clock = clock
        self.loop = loop
        self.policy = policy
        self.finished = False
        self._cap = self._open()
        # A file that cannot be opened is not "finished": it stays silent, so the camera goes offline.
        self.opened = self._cap.isOpened()
        self.fps = (self._cap.get(cv2.CAP_PROP_FPS) or 25.0) if self.opened else 0.0
        self.count = int(self._cap.get(cv2.CAP_PROP_FRAME_COUNT)) if self.opened else 0
        self._next = 0  # index of the next frame the reader will decode
        self._sampled = 0  # how many frames were returned, offline
        self._last_live: int | None = None

    def _open(self) -> cv2.VideoCapture:
        if self.policy is None:
            return cv2.VideoCapture(self.path)
        try:
            resolved = self.policy.check_file(self.path)
        except SourceRefused as exc:
            log.warning("file source %s refused: %s", self.path, exc)
            return cv2.VideoCapture()  # not opened
        return cv2.VideoCapture(str(resolved), cv2.CAP_FFMPEG)

    def _read_index(self, index: int) -> np.ndarray | None:
        if index < self._next:  # behind the reader (a loop): start the file again
            self._cap.release()
            self._cap = self._open()
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
    """A folder that a camera (or an FTP upload) fills with images; the newest one is the current frame.

    With a source policy only pictures that resolve under an allowed folder count, and each is read as a
    regular file whose first bytes match its image type (a symlink out of the folder shows nothing).
    """

    def __init__(self, path: str | Path, clock: Clock, policy: SourcePolicy | None = None) -> None:
        self.path = Path(path)
        self.clock = clock
        self.policy = policy
        self.finished = False
        self._last: tuple[str, float] | None = None
        self._count = 0

    def newest(self) -> Path | None:
        """Return the newest image file of the folder (by modification time, then name)."""
        try:
            files = [p for p in self.path.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file()
                     and (self.policy is None or self.policy.inside(p))]
            return max(files, key=lambda p: (p.stat().st_mtime, p.name), default=None)
        except OSError:  # the folder is gone, or a file went between listing and looking
            return None

    def _image(self, path: Path) -> np.ndarray | None:
        if self.policy is None:
            return read_image(path)
        try:
            data = self.policy.read_media(Path(path).resolve(), IMAGE_SUFFIXES)
        except SourceRefused as exc:
            log.warning("folder source %s: %s refused: %s", self.path, path.name, exc)
            return None
        return cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_COLOR)

    def read(self) -> Frame | None:
        """Return the newest image if it is new since the last read."""
        path = self.newest()
        if path is None:
            return None
        try:
            key = (path.name, path.stat().st_mtime)
        except OSError:
            return None
        if key == self._last:
            return None
        image = self._image(path)
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
    """An RTSP stream (or, without a policy, anything cv2.VideoCapture reads as a stream) through FFmpeg.

    With a source policy the URL is checked at every (re)connection and FFmpeg is given the checked
    address instead of the host name, so a DNS answer that changed since cannot send it elsewhere. The open
    and read timeouts bound each operation as a whole (OpenCV interrupts FFmpeg), so a dripping server is
    cut off too.
    """

    def __init__(self, url: str, clock: Clock, open_timeout_ms: int = 5000,
                 policy: SourcePolicy | None = None) -> None:
        self.url = url
        self.open_timeout_ms = open_timeout_ms
        self.policy = policy
        self._cap: cv2.VideoCapture | None = None
        self.problem: str | None = None
        super().__init__(clock)

    def grab(self) -> np.ndarray | None:
        """Read the next frame of the stream, opening it first if needed."""
        if self._cap is None:
            url, backend = self.url, cv2.CAP_ANY
            if self.policy is not None:
                try:
                    url = self.policy.check_url(self.url, ("rtsp", "rtsps")).pinned_url()
                except SourceRefused as exc:
                    self.problem = _note(self.problem, self.url, exc)
                    return None
                backend = cv2.CAP_FFMPEG
            self._cap = cv2.VideoCapture(url, backend,
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


class MjpegSource(LatestFrameReader):
    """An HTTP(S) MJPEG stream (multipart/x-mixed-replace), read by our bounded client, not by FFmpeg.

    Each connection is made to addresses checked just before; each picture must arrive within the fetch
    deadline and stay under the size cap, else the connection is dropped and opened again later.
    """

    def __init__(self, url: str, clock: Clock, policy: SourcePolicy) -> None:
        self.url = url
        self.policy = policy
        self._stream: MjpegStream | None = None
        self.problem: str | None = None
        super().__init__(clock)

    def grab(self) -> np.ndarray | None:
        """Read the next picture of the stream, connecting first if needed."""
        try:
            if self._stream is None:
                self._stream = MjpegStream(self.url, ("http", "https"), self.policy)
            data = self._stream.next_jpeg()
        except SOURCE_ERRORS as exc:
            self.problem = _note(self.problem, self.url, exc)
            return None
        self.problem = None
        return cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_COLOR) if data else None

    def reconnect(self) -> None:
        """Close the connection so the next grab opens a new one."""
        stream, self._stream = self._stream, None
        if stream is not None:
            stream.close()


class SnapshotSource(LatestFrameReader):
    """An HTTP URL that answers with one JPEG per request, polled at the camera's rate.

    Every fetch checks the URL's addresses anew and is bounded by the policy's deadline and size cap.
    """

    def __init__(self, url: str, clock: Clock, interval_s: float, policy: SourcePolicy) -> None:
        if not url.startswith(tuple(f"{s}://" for s in SNAPSHOT_SCHEMES)):
            raise ValueError("a snapshot source is an http(s) URL")
        self.url = url
        self.policy = policy
        self.problem: str | None = None
        super().__init__(clock, interval_s)

    def grab(self) -> np.ndarray | None:
        """Fetch and decode one snapshot."""
        try:
            data = fetch_snapshot(self.url, self.policy)
        except SOURCE_ERRORS as exc:
            self.problem = _note(self.problem, self.url, exc)
            return None
        self.problem = None
        return cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_COLOR) if data else None


class RefusedSource:
    """A source the policy refused when the worker opened it: it stays silent, so the camera goes offline."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        self.finished = False

    def read(self) -> Frame | None:
        """Never a frame."""
        return None

    def close(self) -> None:
        """Nothing to release."""


def _note(previous: str | None, url: str, exc: BaseException) -> str:
    """Log a camera's problem once (not at every retry); return it to remember."""
    problem = f"{type(exc).__name__}: {exc}"
    if problem != previous:
        log.warning("camera source %s: %s", _without_password(url), problem)
    return problem


def _without_password(url: str) -> str:
    head, at, rest = url.partition("@")
    return f"{head.split('://')[0]}://…@{rest}" if at and "://" in head else url


def open_source(config: CameraConfig, clock: Clock, policy: SourcePolicy, *, epoch: datetime | None = None,
                live_files: bool = True) -> FrameSource:
    """Open the source a camera names, after the policy's check; a refused one is silent (camera offline).

    A live file loops on the clock (the demo), an offline one does not. URL sources are resolved and checked
    in their reader thread at every connection or fetch, so a slow DNS server never stalls the worker.
    """
    try:
        if config.source_kind == "file":
            policy.check_file(config.source)
            start = epoch or clock.now()
            return FileSource(config.source, config.sample_rate, start, clock if live_files else None,
                              loop=live_files, policy=policy)
        if config.source_kind == "folder":
            return FolderSource(policy.check_folder(config.source), clock, policy)
        scheme = config.source.partition("://")[0].lower()
        if config.source_kind == "snapshot":
            return SnapshotSource(config.source, clock, 1.0 / config.sample_rate, policy)
        if config.source_kind == "stream" and scheme in ("http", "https"):
            return MjpegSource(config.source, clock, policy)
        if config.source_kind == "stream" and scheme in ("rtsp", "rtsps"):
            return StreamSource(config.source, clock, int(policy.fetch_timeout_s * 1000), policy=policy)
        raise SourceRefused(f"source：不支持的视频源 {config.source_kind}")
    except (SourceRefused, ValueError) as exc:
        log.warning("camera %r: source refused: %s", config.name, exc)
        return RefusedSource(str(exc))
