"""Video supervision tables: the camera registry and the events its rules raised."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from engine.models import Base, UTCDateTime

__all__ = ["CAMERA_STATUSES", "VIDEO_EVENT_STATES", "Camera", "VideoEvent"]

CAMERA_STATUSES = ("unknown", "online", "offline")
VIDEO_EVENT_STATES = ("open", "ended", "interrupted")


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
