"""Register the demo camera of `make run`: orchestration that runs the camera commands.

The clip and its configuration are video code (monitor.video.demo); registering them takes two
commands of monitor.commands.cameras, each its own transaction. This lives outside monitor.video
because those commands import monitor.video's configuration and source policy.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from engine.commands import Actor, CommandExecutor
from engine.models import Department

from .commands.cameras import CreateCameraCommand, SetCameraReferenceCommand
from .queries.cameras import camera_named
from .video.capture import read_image
from .video.demo import DEMO_CAMERA_NAME, DEMO_DEPARTMENT, demo_camera_files
from .video.evidence import VideoStore
from .video.sources import SourcePolicy

__all__ = ["ensure_demo_camera"]


def ensure_demo_camera(executor: CommandExecutor, session_factory: sessionmaker[Session], store: VideoStore,
                       actor: Actor, policy: SourcePolicy | None = None) -> int | None:
    """Write the demo clip if missing, register the camera if absent, give it a reference; return its id.

    Without the demo departments (`ow setup --no-demo`) there is no demo camera: None.
    """
    with session_factory() as session:
        if session.scalar(select(Department.id).where(Department.code == DEMO_DEPARTMENT)) is None:
            return None
    config, reference_path = demo_camera_files(store)
    with session_factory() as session:
        camera = camera_named(session, DEMO_CAMERA_NAME)
        camera_id = camera.id if camera else None
        has_reference = bool(camera and camera.reference_sha256)
    if camera_id is None:
        camera_id = executor.execute(CreateCameraCommand(config, policy or SourcePolicy(roots=(store.root,))),
                                     actor).id
    if not has_reference:
        reference = read_image(reference_path)
        if reference is not None:
            sha = store.save_reference(camera_id, reference)
            executor.execute(SetCameraReferenceCommand(camera_id, sha), actor)
    return camera_id
