"""The demo camera of `make run`: its clip shows every kind of event within minutes, and it registers once."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from flask import Flask

import monitor.video.demo as demo
from api.video_cli import video_worker
from monitor.demo_camera import ensure_demo_camera
from monitor.video.offline import analyze_clip, load_reference
from monitor.video.synthetic import write_scene
from monitor.video.worker import VIDEO_ACTOR
from tests.conftest import Api


def test_the_demo_clip_shows_off_post_crowding_and_asleep_within_five_minutes(tmp_path: Path) -> None:
    paths = write_scene(demo.DEMO_SCRIPT, tmp_path, demo.DEMO_RULES, name="demo-window")
    config = {**json.loads(paths["camera"].read_text()), "sample_rate": 1.0}  # the demo camera's rate
    got = analyze_clip(paths["clip"], config, load_reference(paths["reference"]))
    truth = json.loads(paths["truth"].read_text())["events"]
    assert [e["kind"] for e in got] == [e["kind"] for e in truth] == ["off_post", "crowding", "asleep"]
    for g, t in zip(got, truth, strict=True):
        assert abs(g["start_s"] - t["start_s"]) <= 2 and abs(g["end_s"] - t["end_s"]) <= 2
    assert got[0]["start_s"] <= 120  # the first alert within two minutes of the worker's start


def test_the_demo_camera_is_registered_once_on_the_zwfw_window(app: Flask, api: Api,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(demo, "DEMO_SCRIPT", replace(demo.DEMO_SCRIPT, duration_s=5))  # registration only
    with app.app_context():
        worker = video_worker(app)
    first = ensure_demo_camera(worker.executor, worker.session_factory, worker.store, VIDEO_ACTOR)
    again = ensure_demo_camera(worker.executor, worker.session_factory, worker.store, VIDEO_ACTOR)
    assert first is not None and first == again
    camera = api.get(f"/api/cameras/{first}", "jiancha").get_json()
    assert camera["config"]["department"] == "zwfw" and camera["config"]["schedule"]["always"] is True
    assert camera["reference_sha256"] and Path(camera["config"]["source"]).exists()
    assert api.get(f"/api/cameras/{first}/frame", "jiancha").status_code == 404  # the worker has not read it
    worker.start()
    worker.step()
    worker.close()
    assert api.get(f"/api/cameras/{first}/frame", "jiancha").status_code == 200
