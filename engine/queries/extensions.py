"""Extension requests (延期) as their readers see them: per task, pending for a decider, per instance."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..command_context import Actor
from ..exceptions import ForbiddenError, NotFoundError
from ..models import Extension, TaskRecord
from ..permissions import can_read_extensions

__all__ = ["instance_extensions", "pending_extensions", "task_extensions"]


def task_extensions(session: Session, actor: Actor, task_id: str) -> list[Extension]:
    """Return a task's extension requests, oldest first, to whoever may see them."""
    row = session.get(TaskRecord, task_id)
    if row is None:
        raise NotFoundError(f"环节 {task_id} 不存在", task_id=task_id)
    if not can_read_extensions(actor, row):
        raise ForbiddenError("该环节属于其他部门", task_id=task_id)
    return list(session.scalars(select(Extension).where(Extension.task_id == task_id).order_by(Extension.id)))


def pending_extensions(session: Session, actor: Actor, limit: int = 200) -> list[Extension]:
    """Return pending requests: a head's own department's (to decide); all of them to oversight (to watch)."""
    if actor.role not in ("supervisor", "head", "admin"):
        raise ForbiddenError("只有本单位负责人审批延期申请，监察人员可以查看")
    query = select(Extension).where(Extension.status == "pending")
    if actor.role == "head":
        query = query.join(TaskRecord, TaskRecord.id == Extension.task_id).where(
            TaskRecord.department_code == actor.department_code)
    return list(session.scalars(query.order_by(Extension.requested_at, Extension.id).limit(limit)))


def instance_extensions(session: Session, instance_id: int) -> list[Extension]:
    """Return every extension request of an instance, oldest first."""
    return list(session.scalars(
        select(Extension).where(Extension.instance_id == instance_id).order_by(Extension.id)))
