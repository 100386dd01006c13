"""Video supervision tables: the camera registry and the events its rules raised."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from engine.models import Base, UTCDateTime

from .alerts import AlertSignal

__all__ = ["CAMERA_STATUSES", "EVENT_LEVELS", "EVENT_TITLES", "VIDEO_EVENT_STATES", "Camera", "VideoEvent",
           "event_details", "event_signal", "iso_or_none"]

CAMERA_STATUSES = ("unknown", "online", "offline")
VIDEO_EVENT_STATES = ("open", "ended", "interrupted")
EVENT_TITLES = {"off_post": "离岗", "asleep": "睡岗", "crowding": "大厅拥挤", "camera_offline": "摄像头离线",
                "camera_moved": "摄像头移位"}
EVENT_LEVELS = {"off_post": "red", "asleep": "red", "crowding": "yellow", "camera_offline": "yellow",
                "camera_moved": "yellow"}


class Camera(Base):
    """A camera over a window or the hall; `config` is the validated CameraConfigSchema JSON."""

    __tablename__ = "camera"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    department_code: Mapped[str] = mapped_column(ForeignKey("department.code"))
    config: Mapped[dict[str, Any]] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Bumped on every change, so the worker knows to rebuild the camera's pipeline.
    version: Mapped[int] = mapped_column(default=1)
    status: Mapped[str] = mapped_column(String(16), default="unknown")
    last_frame_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reference_sha256: Mapped[str | None] = mapped_column(String(64))
    reference_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class VideoEvent(Base):
    """One off-post, asleep or crowding event of a camera zone, from start to end, and its alert."""

    __tablename__ = "video_event"
    __table_args__ = (
        # One open event per camera × zone × rule: a restarted worker continues it instead of duplicating.
        Index("uq_video_event_open", "camera_id", "zone", "kind", unique=True,
              postgresql_where=text("state = 'open'"), sqlite_where=text("state = 'open'")),
        Index("ix_video_event_camera_started", "camera_id", "started_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    camera_id: Mapped[int] = mapped_column(ForeignKey("camera.id"))
    zone: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(24))
    state: Mapped[str] = mapped_column(String(16), default="open")
    condition_since: Mapped[datetime] = mapped_column(UTCDateTime())
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    value: Mapped[float | None] = mapped_column()
    peak: Mapped[float | None] = mapped_column()
    snapshot: Mapped[str | None] = mapped_column(String(255))  # relative to the video folder
    snapshot_sha256: Mapped[str | None] = mapped_column(String(64))
    alert_id: Mapped[int | None] = mapped_column(ForeignKey("alert.id"))


def iso_or_none(at: datetime | None) -> str | None:
    """An instant as ISO 8601 text, None as None (for alert details)."""
    return at.isoformat() if at is not None else None


def event_details(camera: Camera, event: VideoEvent) -> dict[str, Any]:
    """Describe an event for its alert: camera, zone, when the condition began, start, end, duration."""
    details: dict[str, Any] = {
        "camera_id": camera.id, "camera": camera.name, "zone": event.zone, "video_event_id": event.id,
        "condition_since": iso_or_none(event.condition_since), "started_at": iso_or_none(event.started_at),
        "ended_at": iso_or_none(event.ended_at), "state": event.state,
    }
    if event.ended_at is not None:
        details["duration_s"] = round((event.ended_at - event.condition_since).total_seconds(), 1)
    if event.peak is not None:
        details["count"], details["peak"] = event.value, event.peak
    return details


def event_signal(camera: Camera, event: VideoEvent) -> AlertSignal:
    """Build the alert signal of a video event; the event's id keeps each event its own alert."""
    title = f"{EVENT_TITLES.get(event.kind, event.kind)} — {camera.name} / {event.zone}"
    evidence = None
    if event.snapshot:
        evidence = {"snapshot": event.snapshot, "sha256": event.snapshot_sha256, "camera_id": camera.id,
                    "zone": event.zone, "taken_at": iso_or_none(event.started_at),
                    "url": f"/api/cameras/{camera.id}/events/{event.id}/snapshot"}
    return AlertSignal(source="video", kind=event.kind, level=EVENT_LEVELS.get(event.kind, "yellow"),
                       dedup_key=f"video:event:{event.id}", subject=f"camera:{camera.id}", title=title[:255],
                       department_code=camera.department_code, details=event_details(camera, event),
                       evidence=evidence)
