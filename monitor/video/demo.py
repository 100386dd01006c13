"""The demo camera: a generated clip of the zwfw window showing off-post, asleep and crowding in minutes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .config import RuleSettings
from .evidence import VideoStore
from .synthetic import Appearance, SceneScript, write_scene

__all__ = ["DEMO_CAMERA_NAME", "DEMO_DEPARTMENT", "DEMO_RULES", "DEMO_SCRIPT", "demo_camera_files",
           "demo_clip"]

DEMO_CAMERA_NAME = "演示摄像头 · 综合窗口"
DEMO_DEPARTMENT = "zwfw"
# Minutes, not the production ten: a visitor of `make run` should see alerts while still looking.
DEMO_RULES = RuleSettings(off_post_s=60, asleep_s=60, crowding_count=3, crowding_s=30, cooldown_s=60)
# A five-minute loop: away 30–130 s (离岗 at 90 s), dozing 170–280 s (睡岗 at ~230 s),
# three waiting chairs taken 100–200 s (拥挤 at 130 s); the lights dim at 60 s and come back at 250 s.
DEMO_SCRIPT = SceneScript(
    duration_s=300, fps=2, width=480, height=270, seed=2026,
    look=Appearance(person_scale=1.0, clothes=(60, 60, 200)),  # a red jacket: clear of the dark chair
    staff=((0, 30, "awake"), (130, 170, "awake"), (170, 280, "asleep"), (280, 300, "awake")),
    chairs=4, waiting=((0, 100, 200), (1, 104, 200), (2, 108, 205), (3, 20, 60)),
    lighting=((60, 0.7, 5), (250, 1.0, 0)),
)


def demo_camera_files(store: VideoStore) -> tuple[dict[str, Any], Path]:
    """Write the demo clip if missing; return the demo camera's configuration and its reference picture.

    The demo camera's schedule is `always`: a visitor at any hour sees the alerts (a real window uses
    working hours and the calendar). The clip lives in the video folder, which every source policy
    allows. Registering the camera is monitor.demo_camera.ensure_demo_camera.
    """
    folder = store.root / "demo"
    clip = folder / "demo-window.avi"
    if not clip.exists() or not (folder / "demo-window-camera.json").exists():
        write_scene(DEMO_SCRIPT, folder, DEMO_RULES, name="demo-window", department=DEMO_DEPARTMENT)
    config = json.loads((folder / "demo-window-camera.json").read_text())
    config.update(name=DEMO_CAMERA_NAME, source=str(clip), sample_rate=1.0)
    return config, folder / "demo-window-reference.png"


def demo_clip(store: VideoStore) -> Path:
    """Return where the demo clip is written."""
    return store.root / "demo" / "demo-window.avi"

