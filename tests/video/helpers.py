"""Shared steps of the database-backed video tests: register a scene's camera, replay its clip."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

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
