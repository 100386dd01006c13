"""Which applications a migration would touch, and where they wait."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import OPEN_TASK_STATUSES, Instance, TaskRecord

__all__ = ["MIGRATABLE_STATUSES", "instances_on_version", "waiting_points"]

MIGRATABLE_STATUSES = ("running", "suspended", "incident")
"""Unfinished applications: the ones a migration looks at (only running ones move; the rest are
reported as refused with their status, so the designer sees every unfinished case of the version)."""


def instances_on_version(session: Session, definition_id: int, *, after_id: int = 0, limit: int = 100,
                         only: list[int] | None = None) -> list[Instance]:
    """Unfinished applications of one version in id order, from after `after_id` (or just `only`)."""
    query = (select(Instance).where(Instance.definition_id == definition_id,
                                    Instance.status.in_(MIGRATABLE_STATUSES), Instance.id > after_id)
             .order_by(Instance.id).limit(limit))
    if only is not None:
        query = query.where(Instance.id.in_(only))
    return list(session.scalars(query))


def waiting_points(session: Session, definition_id: int) -> dict[str, Any]:
    """How many unfinished applications the version has, by status, and its open steps by element."""
    statuses: dict[str, int] = dict(session.execute(  # type: ignore[arg-type]
        select(Instance.status, func.count()).where(Instance.definition_id == definition_id,
                                                    Instance.status.in_(MIGRATABLE_STATUSES))
        .group_by(Instance.status)).all())
    steps = session.execute(
        select(TaskRecord.bpmn_id, func.min(TaskRecord.name), func.count())
        .join(Instance, Instance.id == TaskRecord.instance_id)
        .where(Instance.definition_id == definition_id, TaskRecord.status.in_(OPEN_TASK_STATUSES))
        .group_by(TaskRecord.bpmn_id).order_by(TaskRecord.bpmn_id)).all()
    return {"by_status": statuses,
            "open_steps": [{"bpmn_id": b, "name": n, "count": c} for b, n, c in steps]}
