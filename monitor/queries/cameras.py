"""Read paths for video supervision: the camera registry and the events its rules raised."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.command_context import Actor
from engine.exceptions import NotFoundError
from engine.queries.paging import page_of

from ..models import Alert, Camera, VideoEvent
from ..roles import can_see_camera_evidence

__all__ = ["active_cameras", "all_cameras", "camera_event_for", "camera_events_page", "camera_named",
           "camera_or_404", "evidence_to_keep"]


def all_cameras(session: Session) -> list[Camera]:
    """Every registered camera, active ones first."""
    return list(session.scalars(select(Camera).order_by(Camera.active.desc(), Camera.id)))


def active_cameras(session: Session) -> list[Camera]:
    """The cameras the worker watches."""
    return list(session.scalars(select(Camera).where(Camera.active.is_(True))))


def camera_or_404(session: Session, camera_id: int) -> Camera:
    """Load a camera, retired ones too (their events remain), or fail with 404."""
    camera = session.get(Camera, camera_id)
    if camera is None:
        raise NotFoundError(f"未找到摄像头 #{camera_id}", camera_id=camera_id)
    return camera


def camera_event_for(session: Session, actor: Actor, camera_id: int, event_id: int) -> VideoEvent:
    """Load a camera's event whose evidence the caller may see.

    An event of another camera, or of a camera the caller may not see, is not found: the answer is the
    same as for an event that does not exist, so a department cannot probe other departments' events.
    """
    event = session.get(VideoEvent, event_id)
    camera = session.get(Camera, camera_id)
    allowed = camera is not None and can_see_camera_evidence(actor, camera)
    if event is None or event.camera_id != camera_id or not allowed:
        raise NotFoundError(f"未找到视频事件 #{event_id}", event_id=event_id)
    return event


def camera_named(session: Session, name: str) -> Camera | None:
    """The camera registered under exactly this name, if any."""
    return session.scalar(select(Camera).where(Camera.name == name))


def camera_events_page(session: Session, camera_id: int, *, kind: str | None = None, page: int = 1,
                       per_page: int = 50) -> tuple[list[VideoEvent], int]:
    """Return one page of a camera's events (optionally of one rule), newest first, and the total count."""
    query = select(VideoEvent).where(VideoEvent.camera_id == camera_id)
    if kind:
        query = query.where(VideoEvent.kind == kind)
    return page_of(session, query, VideoEvent.started_at.desc(), VideoEvent.id.desc(), page=page,
                   per_page=per_page)


def evidence_to_keep(session: Session) -> set[str]:
    """Snapshots that are evidence of alerts not yet closed: retention must not delete them."""
    keep = session.scalars(select(VideoEvent.snapshot).join(Alert, Alert.id == VideoEvent.alert_id)
                           .where(Alert.state != "closed", VideoEvent.snapshot.is_not(None)))
    return {k for k in keep if k}
