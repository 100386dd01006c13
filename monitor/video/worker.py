"""The video worker: one process samples every active camera at its rate and stores what the rules decide."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy.orm import Session, sessionmaker

from engine.command_context import Command
from engine.commands import Actor, CommandExecutor
from engine.transient_errors import RetryPacer, is_transient_database_error
from engine.workdays import Clock, WorkingCalendar

from ..queries.cameras import active_cameras, evidence_to_keep
from .capture import FileSource, Frame, FrameSource, RefusedSource, open_source
from .config import CameraConfig, load_camera_config
from .evidence import Snapshot, VideoStore
from .pipeline import CameraPipeline
from .rules import EventChange, Lifecycle, worth_persisting
from .schedule import WorkingHours
from .sources import SourcePolicy

__all__ = ["VIDEO_ACTOR", "VideoWorker", "WorkerWrites"]

log = logging.getLogger(__name__)
VIDEO_ACTOR = Actor.system("video")
HEALTH_EVERY = timedelta(seconds=30)
T = TypeVar("T")


@dataclass(frozen=True)
class WorkerWrites:
    """The commands the worker runs, handed in by whoever builds it.

    api/video_cli.py passes monitor.commands.video_events.WORKER_WRITES. Those commands use this
    package's rules and evidence types, so monitor.video does not import the commands package back:
    monitor's packages stay free of import circles (tests/test_architecture.py).
    """

    close_interrupted: Callable[[], Command[list[int]]]
    apply_change: Callable[[int, EventChange, Snapshot | None], Command[object]]
    report_health: Callable[[int, bool, datetime | None], Command[object]]


@dataclass
class _Runner:
    """One camera inside the worker: its source, pipeline and health."""

    camera_id: int
    version: int
    reference_sha: str | None
    config: CameraConfig
    source: FrameSource
    pipeline: CameraPipeline | None
    started_at: datetime
    next_due: datetime
    last_frame_at: datetime | None = None
    online: bool | None = None
    latest_written_at: datetime | None = None
    health_reported_at: datetime | None = None
    saved: dict[tuple[str, str], EventChange] = field(default_factory=dict)
    reference_status: list[dict[str, object]] = field(default_factory=list)

    @property
    def paced(self) -> bool:
        """Offline files are read as fast as asked (time from frame numbers); everything else on the clock."""
        return not (isinstance(self.source, FileSource) and self.source.clock is None)


class VideoWorker:
    """Sample every active camera at its rate; one process serves many cameras.

    `live_files=False` reads file sources frame by frame with time from frame numbers (tests, replays);
    with True a file loops on the clock like a live camera (the demo). `policy` says which files, folders
    and networks sources may use (default: files and folders under the video folder, private networks);
    every source is checked against it when opened and at every reconnection or fetch.
    """

    def __init__(self, executor: CommandExecutor, session_factory: sessionmaker[Session], clock: Clock,
                 calendar: WorkingCalendar | None, store: VideoStore, *, writes: WorkerWrites,
                 live_files: bool = True, latest_every_s: float = 2.0, retention_days: int = 90,
                 reload_every_s: float = 10.0, actor: Actor = VIDEO_ACTOR,
                 policy: SourcePolicy | None = None) -> None:
        self.executor = executor
        self.writes = writes
        self.session_factory = session_factory
        self.clock = clock
        self.calendar = calendar
        self.store = store
        self.live_files = live_files
        self.latest_every = timedelta(seconds=latest_every_s)
        self.retention_days = retention_days
        self.reload_every = timedelta(seconds=reload_every_s)
        self.actor = actor
        self.policy = policy or SourcePolicy(roots=(store.root,))
        self.runners: dict[int, _Runner] = {}
        self._next_reload: datetime | None = None
        self._next_prune: datetime | None = None
        self.pacer = RetryPacer()

    # -- life cycle -------------------------------------------------------------------------------

    def start(self) -> list[int]:
        """Close events a crashed worker left open, then load the cameras; return the closed event ids."""
        closed = self.executor.execute(self.writes.close_interrupted(), self.actor)
        if closed:
            log.info("closed %d video event(s) left open by an earlier worker", len(closed))
        self.reload()
        return closed

    def run(self, stop: threading.Event, idle_s: float = 0.05) -> None:
        """Work until `stop` is set, waiting out a database that is briefly unavailable."""
        while not stop.is_set() and self._attempt(self.start, stop) is None:
            pass
        try:
            while not stop.is_set():
                processed = self._attempt(self.step, stop)
                if processed == 0:
                    stop.wait(idle_s)
        finally:
            self.close()

    def _attempt(self, work: Callable[[], T], stop: threading.Event) -> T | None:
        """Run `work`; on a transient database error log it, pause (doubling) and return None."""
        try:
            result = work()
        except Exception as exc:
            if not is_transient_database_error(exc):
                raise
            delay = self.pacer.failed()
            log.warning("database unavailable (%s); camera work resumes in %.1f s", exc, delay)
            stop.wait(delay)
            return None
        self.pacer.succeeded()
        return result

    def close(self) -> None:
        """Release every source (open events stay open; the next start-up closes them)."""
        for runner in self.runners.values():
            runner.source.close()
        self.runners.clear()

    # -- cameras ----------------------------------------------------------------------------------

    def reload(self) -> None:
        """Pick up added, changed and retired cameras from the registry."""
        now = self.clock.now()
        self._next_reload = now + self.reload_every
        with self.session_factory() as session:
            cameras = {c.id: (c.version, c.reference_sha256, dict(c.config)) for c in active_cameras(session)}
        for camera_id in list(self.runners):
            runner = self.runners[camera_id]
            known = cameras.get(camera_id)
            if known is None or known[0] != runner.version or known[1] != runner.reference_sha:
                self._stop_runner(runner, now)
        for camera_id, (version, reference_sha, raw) in cameras.items():
            if camera_id not in self.runners:
                try:
                    self.runners[camera_id] = self._build(camera_id, version, reference_sha, raw, now)
                except Exception:  # one bad camera must not stop the others
                    log.exception("camera %s cannot be started", camera_id)

    def _build(self, camera_id: int, version: int, reference_sha: str | None, raw: dict[str, object],
               now: datetime) -> _Runner:
        config = load_camera_config(raw)
        reference = self.store.load_reference(camera_id) if reference_sha else None
        pipeline = None
        if reference is not None:
            pipeline = CameraPipeline(config, reference, WorkingHours(config.schedule, self.calendar))
        source = open_source(config, self.clock, self.policy, epoch=now, live_files=self.live_files)
        if isinstance(source, RefusedSource):
            # A refused source shows nothing, not even a frame stored before it was refused.
            self.store.latest_path(camera_id).unlink(missing_ok=True)
        return _Runner(camera_id, version, reference_sha, config, source, pipeline, now, now)

    def _stop_runner(self, runner: _Runner, now: datetime) -> None:
        """Stop watching a camera whose configuration changed or that was retired; end its open events."""
        if runner.pipeline is not None:
            for change in runner.pipeline.finish(now):
                self._persist(runner, change, None)
        runner.source.close()
        self.runners.pop(runner.camera_id, None)

    # -- frames -----------------------------------------------------------------------------------

    def step(self) -> int:
        """Read and analyse one frame of every camera that is due; return how many frames were analysed."""
        now = self.clock.now()
        if self._next_reload is None or now >= self._next_reload:
            self.reload()
        if self._next_prune is None or now >= self._next_prune:
            self.prune(now)
        processed = 0
        for runner in list(self.runners.values()):
            if runner.source.finished or (runner.paced and now < runner.next_due):
                continue
            try:
                frame = runner.source.read()
            except Exception:
                log.exception("camera %s: reading failed", runner.camera_id)
                frame = None
            if frame is None:
                if not runner.source.finished:
                    self._check_offline(runner, now)
                continue
            runner.next_due = max(runner.next_due + timedelta(seconds=1 / runner.config.sample_rate), now)
            processed += 1
            self._handle(runner, frame)
        return processed

    def _handle(self, runner: _Runner, frame: Frame) -> None:
        runner.last_frame_at = frame.at
        stale = runner.health_reported_at is None or frame.at - runner.health_reported_at >= HEALTH_EVERY
        if runner.online is not True or stale:  # also refresh last_frame_at for the registry now and then
            self._report_health(runner, True)
        if runner.latest_written_at is None or frame.at - runner.latest_written_at >= self.latest_every:
            self.store.write_latest(runner.camera_id, frame.image)
            runner.latest_written_at = frame.at
        if runner.pipeline is None:
            return  # no reference yet: frames still reach the zone editor and the reference capture
        for change in runner.pipeline.process(frame).changes:
            self._persist(runner, change, frame)
        zones = runner.pipeline.reference_status()
        if zones != runner.reference_status:  # written when a zone's state changes, not every frame
            self.store.write_reference_status(runner.camera_id, zones)
            runner.reference_status = zones

    def _persist(self, runner: _Runner, change: EventChange, frame: Frame | None) -> None:
        """Store a lifecycle change (a start with its snapshot) unless it is an update not worth storing."""
        key = (change.kind, change.zone)
        if not worth_persisting(change, runner.saved.get(key)):
            return
        snapshot: Snapshot | None = None
        if change.lifecycle is Lifecycle.START and frame is not None and runner.pipeline is not None:
            zones = ({z.name for z in runner.config.zones_of("chair")} if change.kind == "crowding"
                     else {change.zone})
            marked = runner.pipeline.analyzer.draw(frame.image, zones)
            snapshot = self.store.write_snapshot(runner.camera_id, change.kind, change.zone, change.at,
                                                 marked)
        try:
            self.executor.execute(self.writes.apply_change(runner.camera_id, change, snapshot), self.actor)
        except Exception:  # the database being away must not stop the cameras; the next change retries
            log.exception("camera %s: storing a %s %s failed", runner.camera_id, change.kind,
                          change.lifecycle.value)
            return
        runner.saved[key] = change
        if change.lifecycle is Lifecycle.END:
            runner.saved.pop(key, None)

    def _check_offline(self, runner: _Runner, now: datetime) -> None:
        last = runner.last_frame_at or runner.started_at
        if runner.online is not False and (now - last).total_seconds() >= runner.config.offline_after_s:
            self._report_health(runner, False)

    def _report_health(self, runner: _Runner, online: bool) -> None:
        try:
            self.executor.execute(self.writes.report_health(runner.camera_id, online, runner.last_frame_at),
                                  self.actor)
        except Exception:
            log.exception("camera %s: reporting health failed", runner.camera_id)
            return
        runner.online = online
        runner.health_reported_at = runner.last_frame_at

    # -- retention --------------------------------------------------------------------------------

    def prune(self, now: datetime) -> int:
        """Delete snapshots past the retention period, except evidence of alerts not yet closed."""
        self._next_prune = now + timedelta(hours=1)
        with self.session_factory() as session:
            keep = evidence_to_keep(session)
        return self.store.prune(now, self.retention_days, keep)
