"""Worklists: one page of the tasks a caller may see, filtered and ordered by due time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..command_context import Actor
from ..exceptions import ForbiddenError
from ..models import OPEN_TASK_STATUSES, Instance, TaskRecord
from .paging import page_of

__all__ = ["BOARD_ROLES", "TaskFilter", "list_tasks", "worklist_instances"]

# Roles whose worklist spans departments (a supervisor filters with ?department=jcj for its own lane).
BOARD_ROLES = frozenset({"admin", "supervisor", "designer", "system"})


@dataclass(frozen=True)
class TaskFilter:
    """What a worklist asks for; defaults to the caller's department's open tasks."""

    status: tuple[str, ...] = OPEN_TASK_STATUSES
    definition_key: str | None = None
    overdue: bool | None = None
    department_code: str | None = None
    warning_levels: tuple[str, ...] = ()
    descending: bool = False  # latest due first instead of soonest due first
    page: int = 1
    per_page: int = 50


def list_tasks(session: Session, actor: Actor, flt: TaskFilter,
               now: datetime) -> tuple[list[TaskRecord], int]:
    """Return one page of tasks the caller may see, soonest due first, and the total count."""
    if actor.role in BOARD_ROLES:
        department = flt.department_code  # None: every department
    elif flt.department_code and flt.department_code != actor.department_code:
        raise ForbiddenError("只能查看本部门的办理环节")
    else:
        department = actor.department_code
    query = select(TaskRecord).where(TaskRecord.status.in_(flt.status))
    if department is not None or actor.role not in BOARD_ROLES:
        query = query.where(TaskRecord.department_code == department)
    if flt.definition_key:
        query = query.where(TaskRecord.definition_key == flt.definition_key)
    if flt.warning_levels:
        query = query.where(TaskRecord.warning_level.in_(flt.warning_levels))
    if flt.overdue is True:  # a stopped clock is not overdue
        query = query.where(TaskRecord.due_at.is_not(None), TaskRecord.due_at < now,
                            TaskRecord.pause_kind.is_(None))
    elif flt.overdue is False:
        query = query.where(TaskRecord.due_at.is_(None) | (TaskRecord.due_at >= now)
                            | TaskRecord.pause_kind.is_not(None))
    due = TaskRecord.due_at.desc() if flt.descending else TaskRecord.due_at
    return page_of(session, query, TaskRecord.due_at.is_(None), due, TaskRecord.created_at, TaskRecord.id,
                   page=flt.page, per_page=flt.per_page)


def worklist_instances(session: Session, instance_ids: set[int]) -> dict[int, Instance]:
    """The instances of a worklist page's rows (project name, incident), in one query."""
    if not instance_ids:
        return {}
    return {i.id: i for i in session.scalars(select(Instance).where(Instance.id.in_(instance_ids)))}
