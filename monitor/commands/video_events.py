"""Video event commands: persist the rules' event changes and turn them into supervision alerts.

A start opens the event and raises its alert (with the snapshot's path and sha256 as evidence); an
update refreshes both; an end records when the condition stopped — the alert stays for the department
to explain and the bureau to decide. Camera health (offline / back online) is an alert of its own.
The video worker (monitor.video.worker) runs these as the `video` system account.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from engine.command_context import CommandContext

from ..models import (
    EVENT_TITLES,
    Alert,
    AlertSignal,
    Camera,
    VideoEvent,
    event_details,
    event_signal,
    iso_or_none,
)
from ..roles import require_role
from ..video.evidence import Snapshot
from ..video.rules import EventChange, Lifecycle
from ..video.worker import WorkerWrites
from .alerts import close_alert, open_alert
from .cameras import load_camera

__all__ = ["WORKER_ROLES", "WORKER_WRITES", "ApplyEventChangeCommand", "CloseInterruptedEventsCommand",
           "ReportCameraHealthCommand"]

WORKER_ROLES = frozenset({"system", "supervisor"})


def _require_worker(ctx: CommandContext) -> None:
    require_role(ctx.actor, WORKER_ROLES, "只有视频监察程序可以记录视频事件")


def _refresh_alert(ctx: CommandContext, camera: Camera, event: VideoEvent, at: datetime) -> None:
    """Copy the event's newest state into its alert, unless the bureau already closed it."""
    alert = ctx.session.get(Alert, event.alert_id) if event.alert_id else None
    if alert is None or alert.state == "closed":
        return
    alert.details = {**(alert.details or {}), **event_details(camera, event)}
    alert.updated_at = max(alert.updated_at, at)


@dataclass(frozen=True)
class ApplyEventChangeCommand:
    """Persist one lifecycle change of a camera's event and keep its alert in step."""

    camera_id: int
    change: EventChange
    snapshot: Snapshot | None = None

    def execute(self, ctx: CommandContext) -> VideoEvent | None:
        """Start, update or end the open event of the change's camera × zone × kind."""
        _require_worker(ctx)
        camera = load_camera(ctx, self.camera_id, lock=False)
        c = self.change
        event = ctx.session.scalar(select(VideoEvent).where(
            VideoEvent.camera_id == camera.id, VideoEvent.zone == c.zone, VideoEvent.kind == c.kind,
            VideoEvent.state == "open").with_for_update())
        if c.lifecycle is Lifecycle.START:
            if event is None:
                event = VideoEvent(camera_id=camera.id, zone=c.zone, kind=c.kind, state="open",
                                   condition_since=c.condition_since, started_at=c.started_at,
                                   updated_at=c.at, value=c.value, peak=c.peak)
                if self.snapshot is not None:
                    event.snapshot, event.snapshot_sha256 = self.snapshot.path, self.snapshot.sha256
                ctx.session.add(event)
                ctx.session.flush()
                alert, _opened = open_alert(ctx, event_signal(camera, event), c.started_at)
                event.alert_id = alert.id
            return event  # an open event already (a restarted worker): it continues
        if event is None:
            return None  # nothing open to update or end (closed at start-up, or never persisted)
        event.updated_at = c.at
        if c.value is not None:
            event.value = c.value
            event.peak = max(c.peak or c.value, event.peak or c.value)
        if c.lifecycle is Lifecycle.END:
            event.state, event.ended_at = "ended", c.ended_at or c.at
        _refresh_alert(ctx, camera, event, c.at)
        return event


@dataclass(frozen=True)
class CloseInterruptedEventsCommand:
    """At worker start-up: events left open by a crash end where they were last seen, marked interrupted."""

    def execute(self, ctx: CommandContext) -> list[int]:
        """Close every open video event; return their ids."""
        _require_worker(ctx)
        events = list(ctx.session.scalars(select(VideoEvent).where(VideoEvent.state == "open")
                                          .with_for_update()))
        for event in events:
            event.state, event.ended_at = "interrupted", event.updated_at
            camera = ctx.session.get(Camera, event.camera_id)
            if camera is not None:
                _refresh_alert(ctx, camera, event, ctx.now())
        return [e.id for e in events]


@dataclass(frozen=True)
class ReportCameraHealthCommand:
    """A camera stopped answering (raise "camera offline") or answers again (settle that alert)."""

    camera_id: int
    online: bool
    last_frame_at: datetime | None

    def execute(self, ctx: CommandContext) -> Camera:
        """Record the status; raise or settle the offline alert."""
        _require_worker(ctx)
        camera = load_camera(ctx, self.camera_id)
        now = ctx.now()
        camera.status = "online" if self.online else "offline"
        if self.last_frame_at is not None:
            camera.last_frame_at = self.last_frame_at
        key = f"video:offline:camera:{camera.id}"
        if not self.online:
            signal = AlertSignal(source="video", kind="camera_offline", level="yellow", dedup_key=key,
                                 subject=f"camera:{camera.id}",
                                 title=f"{EVENT_TITLES['camera_offline']} — {camera.name}"[:255],
                                 department_code=camera.department_code,
                                 details={"camera_id": camera.id, "camera": camera.name,
                                          "last_frame_at": iso_or_none(camera.last_frame_at)})
            open_alert(ctx, signal, now)
            return camera
        alert = ctx.session.scalar(select(Alert).where(Alert.dedup_key == key, Alert.state != "closed"))
        # A technical fault that mended itself needs no decision; one already explained or decided stays.
        if alert is not None and alert.state in ("open", "acknowledged"):
            back = iso_or_none(self.last_frame_at or now)
            alert.details = {**(alert.details or {}), "back_online_at": back}
            close_alert(alert, now)
        return camera


WORKER_WRITES = WorkerWrites(close_interrupted=CloseInterruptedEventsCommand,
                             apply_change=ApplyEventChangeCommand,
                             report_health=ReportCameraHealthCommand)
"""What the video worker runs; api/video_cli.py hands it to every VideoWorker it builds."""
