"""Shared steps of the database-backed video tests: register a scene's camera, replay its clip."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from flask import Flask

from api.video_cli import video_worker
from monitor.video.worker import VideoWorker
from tests.conftest import Api


def register(api: Api, paths: dict[str, Path], **overrides: Any) -> int:
    """Register the scene's camera through the API and upload its empty-scene reference."""
    config = {**json.loads(paths["camera"].read_text()), **overrides}
    created = api.post("/api/cameras", "admin", json=config)
    assert created.status_code == 201, created.get_json()
    camera_id = created.get_json()["id"]
    reference = api.post(f"/api/cameras/{camera_id}/reference", "admin", data=paths["reference"].read_bytes(),
                         content_type="image/png")
    assert reference.status_code == 200, reference.get_json()
    return camera_id


def replay(app: Flask) -> VideoWorker:
    """Start a worker that reads file cameras frame by frame (time from frame numbers) to their end."""
    with app.app_context():
        worker = video_worker(app, live_files=False)
        worker.start()
        while worker.step():
            pass
        worker.close()
    return worker


def alerts(api: Api, **query: str) -> list[dict[str, Any]]:
    """Return the supervision bureau's view of the alerts, oldest first."""
    r = api.get("/api/supervision/alerts", "jiancha", query_string={"source": "video", **query})
    assert r.status_code == 200, r.get_json()
    return list(reversed(r.get_json()["items"]))


def video_dir(app: Flask) -> Path:
    """Return the app's video folder (ONEWINDOW_VIDEO_DIR), where camera files and folders may live."""
    return Path(app.extensions["onewindow"].settings.video_dir)


def first_frames(app: Flask, **options: Any) -> VideoWorker:
    """Let a worker read one frame of every camera (it stores each camera's latest frame), then stop it."""
    with app.app_context():
        worker = video_worker(app, **{"live_files": False, **options})
        worker.start()
        worker.step()
        worker.close()
    return worker


class LocalCamera:
    """A tiny HTTP server on 127.0.0.1 standing for a camera (or for an internal service an attacker aims at).

    `answer(handler)` writes the whole response; `hits` counts the requests, so a test can prove a source
    was not contacted.
    """

    def __init__(self, answer: Callable[[BaseHTTPRequestHandler], None]) -> None:
        self.hits: list[str] = []
        camera = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                camera.hits.append(self.path)
                try:
                    answer(self)
                except OSError:  # the client hung up (a cut-off drip): nothing more to say
                    pass

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str = "/snapshot.jpg") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def __enter__(self) -> LocalCamera:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def jpeg(shade: int = 120, size: tuple[int, int] = (48, 64)) -> bytes:
    """A small grey JPEG."""
    return cv2.imencode(".jpg", np.full((*size, 3), shade, np.uint8))[1].tobytes()


def send_jpeg(handler: BaseHTTPRequestHandler, data: bytes | None = None) -> None:
    """Answer with one JPEG picture."""
    body = data if data is not None else jpeg()
    handler.send_response(200)
    handler.send_header("Content-Type", "image/jpeg")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)
