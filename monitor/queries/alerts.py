"""Read paths for alerts: the bureau's list and one alert, as far as the caller may see them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.command_context import Actor
from engine.exceptions import NotFoundError
from engine.queries.paging import page_of

from ..models import Alert
from ..roles import can_see_alert
from .visibility import listed_departments

__all__ = ["alert_for", "alerts_page"]


def alerts_page(session: Session, actor: Actor, *, department: str | None = None, source: str | None = None,
                level: str | None = None, state: str | None = None, since: datetime | None = None,
                page: int = 1, per_page: int = 50) -> tuple[list[Alert], int]:
    """Return one page of the alerts the caller may list, newest first, and the total count."""
    query = listed_departments(select(Alert), Alert.department_code, actor, department)
    for column, value in ((Alert.source, source), (Alert.level, level), (Alert.state, state)):
        if value:
            query = query.where(column == value)
    if since is not None:
        query = query.where(Alert.opened_at >= since)
    return page_of(session, query, Alert.opened_at.desc(), Alert.id.desc(), page=page, per_page=per_page)


def alert_for(session: Session, actor: Actor, alert_id: int) -> Alert:
    """Load an alert the caller may see; another department's is not found, so its existence stays hidden."""
    alert = session.get(Alert, alert_id)
    if alert is None or not can_see_alert(actor, alert):
        raise NotFoundError(f"未找到预警 #{alert_id}", alert_id=alert_id)
    return alert
