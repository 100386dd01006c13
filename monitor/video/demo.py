"""The demo camera: a generated clip of the zwfw window showing off-post, asleep and crowding in minutes."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from engine.commands import Actor, CommandExecutor
from engine.models import Department

from ..models import Camera
from .capture import read_image
from .config import RuleSettings
from .evidence import VideoStore
from .registry import CreateCameraCommand, SetCameraReferenceCommand
from .sources import SourcePolicy
from .synthetic import Appearance, SceneScript, write_scene

__all__ = ["DEMO_CAMERA_NAME", "DEMO_DEPARTMENT", "DEMO_RULES", "DEMO_SCRIPT", "demo_clip",
           "ensure_demo_camera"]

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


def ensure_demo_camera(executor: CommandExecutor, session_factory: sessionmaker[Session], store: VideoStore,
                       actor: Actor, policy: SourcePolicy | None = None) -> int | None:
    """Write the demo clip if missing, register the camera if absent, give it a reference; return its id.

    The demo camera's schedule is `always`: a visitor at any hour sees the alerts (a real window uses
    working hours and the calendar). Without the demo departments (`ow setup --no-demo`) there is no
    demo camera: None. The clip lives in the video folder, which every source policy allows.
    """
    with session_factory() as session:
        if session.scalar(select(Department.id).where(Department.code == DEMO_DEPARTMENT)) is None:
            return None
    folder = store.root / "demo"
    clip = folder / "demo-window.avi"
    if not clip.exists() or not (folder / "demo-window-camera.json").exists():
        write_scene(DEMO_SCRIPT, folder, DEMO_RULES, name="demo-window", department=DEMO_DEPARTMENT)
    with session_factory() as session:
        camera = session.scalar(select(Camera).where(Camera.name == DEMO_CAMERA_NAME))
        camera_id = camera.id if camera else None
        has_reference = bool(camera and camera.reference_sha256)
    if camera_id is None:
        config = json.loads((folder / "demo-window-camera.json").read_text())
        config.update(name=DEMO_CAMERA_NAME, source=str(clip), sample_rate=1.0)
        camera_id = executor.execute(CreateCameraCommand(config, policy or SourcePolicy(roots=(store.root,))),
                                     actor).id
    if not has_reference:
        reference = read_image(folder / "demo-window-reference.png")
        if reference is not None:
            sha = store.save_reference(camera_id, reference)
            executor.execute(SetCameraReferenceCommand(camera_id, sha), actor)
    return camera_id


def demo_clip(store: VideoStore) -> Path:
    """Return where the demo clip is written."""
    return store.root / "demo" / "demo-window.avi"

