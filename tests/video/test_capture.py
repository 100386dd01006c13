"""Capture sources: files timed by frame numbers, image folders, a latest-frame stream reader that reconnects,
and a polled JPEG snapshot URL that stops answering.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import cv2
import numpy as np
import pytest

from engine.workdays import FixedClock, SystemClock
from monitor.video.capture import FileSource, FolderSource, SnapshotSource, StreamSource
from monitor.video.sources import SourcePolicy
from tests.conftest import START

from . import scenes


def until(condition: Callable[[], object], timeout: float = 10.0) -> object:
    """Poll a condition of a background thread until it holds (fails the test after `timeout`)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError("the condition did not hold in time")


def test_a_file_is_timed_by_frame_numbers_and_sampled_at_the_camera_rate(clips: dict) -> None:
    source = FileSource(clips["main"]["clip"], sample_rate=1.0, epoch=START)
    frames = []
    while (frame := source.read()) is not None:
        frames.append(frame)
    source.close()
    assert len(frames) == int(scenes.MAIN.duration_s)  # a 2 frames/s clip read at 1 frame/s
    assert [f.index for f in frames[:3]] == [0, 2, 4]
    assert frames[10].at == START + timedelta(seconds=10) and source.finished


def test_a_missing_file_stays_silent_rather_than_finished(tmp_path: Path) -> None:
    source = FileSource(tmp_path / "gone.avi", 1.0, START, FixedClock(START), loop=True)
    assert source.read() is None and not source.finished and not source.opened


def test_a_live_file_shows_the_frame_at_the_clocks_position(clips: dict) -> None:
    clock = FixedClock(START)
    source = FileSource(clips["main"]["clip"], 1.0, START, clock, loop=True)
    clock.advance(timedelta(seconds=12.2))
    frame = source.read()
    assert frame is not None and frame.index == 24 and frame.at == clock.now()
    assert source.read() is None  # the same moment: nothing new
    clock.advance(timedelta(seconds=scenes.MAIN.duration_s))  # one loop later: the same picture again
    assert source.read().index == 24  # type: ignore[union-attr]
    source.close()


def test_a_folder_gives_its_newest_image_once(tmp_path: Path) -> None:
    source = FolderSource(tmp_path, FixedClock(START))
    assert source.read() is None
    cv2.imwrite(str(tmp_path / "a.jpg"), np.full((24, 32, 3), 50, np.uint8))
    first = source.read()
    assert first is not None and first.image.shape == (24, 32, 3) and source.read() is None


def test_the_stream_reader_keeps_the_latest_frame_and_reconnects(clips: dict) -> None:
    # cv2.VideoCapture reads a file like a stream; at its end the reader reconnects and goes on.
    reader = StreamSource(str(clips["away"]["clip"]), SystemClock())
    try:
        first = until(reader.read)
        until(lambda: reader.reconnects >= 1)
        later = until(reader.read)
        assert first is not later and later.index > first.index  # type: ignore[union-attr]
    finally:
        reader.close()


@pytest.fixture
def snapshot_server() -> Iterator[tuple[str, ThreadingHTTPServer]]:
    picture = cv2.imencode(".jpg", np.full((48, 64, 3), 120, np.uint8))[1].tobytes()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "image/jpeg")
            self.send_header("Content-Length", str(len(picture)))
            self.end_headers()
            self.wfile.write(picture)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/snapshot.jpg", server
    server.shutdown()
    server.server_close()


def test_a_snapshot_url_is_polled_and_a_dead_one_gives_nothing(snapshot_server: tuple) -> None:
    url, server = snapshot_server
    loopback = SourcePolicy(roots=(), fetch_timeout_s=1.0).allowing("127.0.0.1/32")  # the test server
    reader = SnapshotSource(url, SystemClock(), interval_s=0.05, policy=loopback)
    try:
        frame = until(reader.read)
        assert frame.image.shape == (48, 64, 3)  # type: ignore[union-attr]
        server.shutdown()
        server.server_close()
        until(lambda: reader.reconnects >= 1)
        reader.read()  # drop a frame fetched just before the shutdown
        until(lambda: reader.reconnects >= 2)
        assert reader.read() is None
    finally:
        reader.close()
    with pytest.raises(ValueError):
        SnapshotSource("file:///etc/passwd", SystemClock(), 1.0, loopback)
