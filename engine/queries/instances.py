"""An instance as its pages show it: who may see it, its tasks, its history, public tracking by code."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..command_context import Actor
from ..exceptions import ForbiddenError, NotFoundError
from ..models import AuditEvent, Instance, TaskRecord
from ..query_codes import normalize_query_code

__all__ = ["SEE_ALL_ROLES", "instance_for", "instance_history", "instance_tasks", "track"]

SEE_ALL_ROLES = frozenset({"admin", "supervisor", "window", "designer", "system"})


def instance_for(session: Session, actor: Actor, instance_id: int) -> Instance:
    """Load an instance the caller may see: all of it for supervision, else via own department's tasks."""
    instance = session.get(Instance, instance_id)
    if instance is None:
        raise NotFoundError(f"办件 {instance_id} 不存在", instance_id=instance_id)
    if actor.role in SEE_ALL_ROLES:
        return instance
    involved = session.scalar(
        select(TaskRecord.id).where(TaskRecord.instance_id == instance_id,
                                    TaskRecord.department_code == actor.department_code).limit(1)
    )
    if involved is None:
        raise ForbiddenError("本部门在该办件中没有办理环节", instance_id=instance_id)
    return instance


def instance_tasks(session: Session, instance_id: int) -> list[TaskRecord]:
    """Return every task row of an instance in the order they became ready."""
    return list(session.scalars(
        select(TaskRecord).where(TaskRecord.instance_id == instance_id)
        .order_by(TaskRecord.created_at, TaskRecord.bpmn_id)
    ))


def instance_history(session: Session, instance_id: int) -> list[AuditEvent]:
    """Return the instance's audit chain in order."""
    return list(session.scalars(
        select(AuditEvent).where(AuditEvent.instance_id == instance_id).order_by(AuditEvent.seq)
    ))


def track(session: Session, raw_code: str) -> tuple[Instance, list[TaskRecord]]:
    """Find an application by query code; malformed and unknown codes fail identically."""
    code = normalize_query_code(raw_code)
    instance = session.scalar(select(Instance).where(Instance.query_code == code)) if code else None
    if instance is None:
        raise NotFoundError("没有与该查询码对应的申请")
    return instance, instance_tasks(session, instance.id)
