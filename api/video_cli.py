"""The `flask monitor` command: the video supervision worker (issue 5)."""

from __future__ import annotations

import logging
import signal
import threading
from pathlib import Path
from typing import Any

import click
from flask import Flask

from engine.commands import Actor
from engine.database import writer_sessionmaker
from monitor.commands.cameras import SetCameraReferenceCommand
from monitor.commands.video_events import WORKER_WRITES
from monitor.demo_camera import ensure_demo_camera
from monitor.models import Camera
from monitor.video.evidence import VideoStore
from monitor.video.offline import load_reference
from monitor.video.sources import SourcePolicy, parse_networks
from monitor.video.worker import VIDEO_ACTOR, VideoWorker

from .settings import Settings
from .wiring import db, services

__all__ = ["camera_source_policy", "register_video_cli", "video_worker"]

SETUP_ACTOR = Actor.system("setup")


def camera_source_policy(settings: Settings) -> SourcePolicy:
    """The folders, networks and fetch bounds camera sources must keep to (web checks and worker alike)."""
    return SourcePolicy(roots=(settings.video_dir, *settings.video_source_dirs),
                        networks=parse_networks(",".join(settings.camera_networks)),
                        fetch_timeout_s=settings.video_fetch_timeout_seconds,
                        connect_timeout_s=min(3.0, settings.video_fetch_timeout_seconds),
                        max_bytes=settings.video_fetch_max_bytes)


def video_worker(app: Flask, **options: Any) -> VideoWorker:
    """Build the worker from the app's services (tests pass live_files=False to replay clips)."""
    svc = services()
    settings = svc.settings
    options.setdefault("latest_every_s", settings.video_latest_frame_seconds)
    options.setdefault("retention_days", settings.video_retention_days)
    options.setdefault("policy", camera_source_policy(settings))
    return VideoWorker(svc.executor, writer_sessionmaker(db.engine), svc.runtime.clock, svc.runtime.calendar,
                       VideoStore(settings.video_dir), writes=WORKER_WRITES, **options)


def register_video_cli(app: Flask) -> None:
    """Attach the video worker command to the app."""

    @app.cli.group("monitor", invoke_without_command=True)
    @click.option("--demo", is_flag=True, help="generate the demo clip and register the demo camera first")
    @click.pass_context
    def monitor(ctx: click.Context, demo: bool) -> None:
        """Run the video supervision worker: every active camera, sampled at its rate, in one process."""
        if ctx.invoked_subcommand is not None:
            return
        logging.basicConfig(level=logging.INFO, format="%(asctime)s video %(levelname)s %(message)s")
        worker = video_worker(app)
        if demo:
            camera_id = ensure_demo_camera(worker.executor, worker.session_factory, worker.store, VIDEO_ACTOR,
                                           worker.policy)
            click.echo(f"demo camera {camera_id} watches the zwfw window (a generated clip, looped)"
                       if camera_id else "no demo departments (ow setup --no-demo): no demo camera")
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        try:
            worker.run(stop)
        except KeyboardInterrupt:
            stop.set()

    @monitor.command("reference")
    @click.argument("camera_id", type=int)
    @click.argument("source", type=click.Path(exists=True, path_type=Path))
    def reference_command(camera_id: int, source: Path) -> None:
        """Set a camera's empty-scene reference from an image, or the median of a folder of images."""
        try:
            image = load_reference(source)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from None
        if db.session.get(Camera, camera_id) is None:
            raise click.ClickException(f"摄像头 {camera_id} 不存在")
        sha = VideoStore(services().settings.video_dir).save_reference(camera_id, image)
        camera = services().executor.execute(SetCameraReferenceCommand(camera_id, sha), SETUP_ACTOR)
        click.echo(f"camera {camera.id}: reference {sha[:12]}… stored")
