"""Task transfers (转办) waiting for, or past, a decision."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..command_context import Actor
from ..exceptions import ForbiddenError
from ..models import Instance, TaskRecord, Transfer

__all__ = ["list_transfers", "transfer_subjects"]


def list_transfers(session: Session, actor: Actor, status: str | None = "pending",
                   limit: int = 200) -> list[Transfer]:
    """Return transfers the caller could decide, oldest first (a lead: other departments' only)."""
    if actor.role not in ("supervisor", "lead", "admin"):
        raise ForbiddenError("只有部门负责人和监察人员可以审批移交申请")
    query = select(Transfer)
    if status is not None:
        query = query.where(Transfer.status == status)
    if actor.role == "lead":
        query = query.where(Transfer.from_department != actor.department_code)
    return list(session.scalars(query.order_by(Transfer.requested_at, Transfer.id).limit(limit)))


def transfer_subjects(session: Session, transfers: list[Transfer]) -> dict[int, tuple[str, str]]:
    """Transfer id -> (project name, step name): what the decider must see, two queries for any list."""
    projects = dict(session.execute(select(Instance.id, Instance.project_name)
                                    .where(Instance.id.in_({t.instance_id for t in transfers}))).all())
    steps = dict(session.execute(select(TaskRecord.id, TaskRecord.name)
                                 .where(TaskRecord.id.in_({t.task_id for t in transfers}))).all())
    return {t.id: (projects.get(t.instance_id, ""), steps.get(t.task_id, "")) for t in transfers}
