"""Read paths for video supervision: the camera registry and the events its rules raised."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import Alert, Camera, VideoEvent

__all__ = ["active_cameras", "all_cameras", "camera_events_page", "camera_named", "evidence_to_keep"]


def all_cameras(session: Session) -> list[Camera]:
    """Every registered camera, active ones first."""
    return list(session.scalars(select(Camera).order_by(Camera.active.desc(), Camera.id)))


def active_cameras(session: Session) -> list[Camera]:
    """The cameras the worker watches."""
    return list(session.scalars(select(Camera).where(Camera.active.is_(True))))


def camera_named(session: Session, name: str) -> Camera | None:
    """The camera registered under exactly this name, if any."""
    return session.scalar(select(Camera).where(Camera.name == name))


def camera_events_page(session: Session, camera_id: int, *, kind: str | None = None, page: int = 1,
                       per_page: int = 50) -> tuple[list[VideoEvent], int]:
    """Return one page of a camera's events (optionally of one rule), newest first, and the total count."""
    query = select(VideoEvent).where(VideoEvent.camera_id == camera_id)
    if kind:
        query = query.where(VideoEvent.kind == kind)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(VideoEvent.started_at.desc(), VideoEvent.id.desc())
                           .offset((page - 1) * per_page).limit(per_page))
    return list(rows), total


def evidence_to_keep(session: Session) -> set[str]:
    """Snapshots that are evidence of alerts not yet closed: retention must not delete them."""
    keep = session.scalars(select(VideoEvent.snapshot).join(Alert, Alert.id == VideoEvent.alert_id)
                           .where(Alert.state != "closed", VideoEvent.snapshot.is_not(None)))
    return {k for k in keep if k}
