"""Read paths: worklists, instance detail and public tracking, from derived rows only (no state JSON)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .command_context import Actor
from .exceptions import ForbiddenError, NotFoundError
from .models import OPEN_TASK_STATUSES, AuditEvent, Department, Instance, ProcessDefinition, TaskRecord
from .query_codes import normalize_query_code
from .stages import Stage, definition_stages

__all__ = ["BoardRow", "TaskFilter", "department_names", "instance_for", "instance_history", "instance_tasks",
           "incidents", "lead_board", "list_tasks", "worklist_instances", "track"]

SEE_ALL_ROLES = frozenset({"admin", "supervisor", "window", "designer", "system"})
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
        raise ForbiddenError("you may only list your own department's tasks")
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
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    due = TaskRecord.due_at.desc() if flt.descending else TaskRecord.due_at
    rows = session.scalars(
        query.order_by(TaskRecord.due_at.is_(None), due, TaskRecord.created_at, TaskRecord.id)
        .offset((flt.page - 1) * flt.per_page).limit(flt.per_page)
    ).all()
    return list(rows), total


def worklist_instances(session: Session, instance_ids: set[int]) -> dict[int, Instance]:
    """The instances of a worklist page's rows (project name, incident), in one query."""
    if not instance_ids:
        return {}
    return {i.id: i for i in session.scalars(select(Instance).where(Instance.id.in_(instance_ids)))}


def instance_for(session: Session, actor: Actor, instance_id: int) -> Instance:
    """Load an instance the caller may see: all of it for supervision, else via own department's tasks."""
    instance = session.get(Instance, instance_id)
    if instance is None:
        raise NotFoundError(f"instance {instance_id} not found", instance_id=instance_id)
    if actor.role in SEE_ALL_ROLES:
        return instance
    involved = session.scalar(
        select(TaskRecord.id).where(TaskRecord.instance_id == instance_id,
                                    TaskRecord.department_code == actor.department_code).limit(1)
    )
    if involved is None:
        raise ForbiddenError("your department has no task in this instance", instance_id=instance_id)
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


def department_names(session: Session) -> dict[str, str]:
    """Map department codes to display names (a small table, read whole)."""
    return {code: name for code, name in session.execute(select(Department.code, Department.name))}


def track(session: Session, raw_code: str) -> tuple[Instance, list[TaskRecord]]:
    """Find an application by query code; malformed and unknown codes fail identically."""
    code = normalize_query_code(raw_code)
    instance = session.scalar(select(Instance).where(Instance.query_code == code)) if code else None
    if instance is None:
        raise NotFoundError("no application matches this query code")
    return instance, instance_tasks(session, instance.id)


@dataclass(frozen=True)
class BoardRow:
    """One instance at a stage the caller's department leads: its co-reviews and its lead task so far."""

    instance: Instance
    stage: Stage
    co_reviews: dict[str, TaskRecord | None]  # bpmn id → latest row (None: not reached)
    lead_task: TaskRecord | None


def lead_board(session: Session, department_code: str | None) -> list[BoardRow]:
    """Every live instance whose current stage the department leads, oldest application first."""
    if not department_code:
        return []
    led: dict[tuple[str, int], list[Stage]] = {}
    for def_id, key, version in session.execute(
            select(ProcessDefinition.id, ProcessDefinition.key, ProcessDefinition.version)):
        stages = [s for s in definition_stages(session, def_id) if s.lead_department == department_code]
        if stages:
            led[(key, version)] = stages
    if not led:
        return []
    bpmn_ids = {t for stages in led.values() for s in stages for t in (s.lead_task, *s.co_reviews)}
    rows = session.execute(
        select(TaskRecord, Instance).join(Instance, Instance.id == TaskRecord.instance_id)
        .where(Instance.status.in_(("running", "suspended", "incident")),
               Instance.definition_key.in_({key for key, _ in led}),
               TaskRecord.bpmn_id.in_(bpmn_ids), TaskRecord.status != "cancelled")
        .order_by(Instance.id, TaskRecord.created_at)
    ).all()
    by_instance: dict[int, tuple[Instance, dict[str, TaskRecord]]] = {}
    for task, instance in rows:
        _, latest = by_instance.setdefault(instance.id, (instance, {}))
        latest[task.bpmn_id] = task  # rows come oldest first: the last one is the latest round
    board = []
    for instance, latest in by_instance.values():
        for stage in led.get((instance.definition_key, instance.definition_version), []):
            stage_rows = [latest.get(t) for t in (stage.lead_task, *stage.co_reviews)]
            if any(r is not None and r.status in OPEN_TASK_STATUSES for r in stage_rows):
                board.append(BoardRow(instance, stage, {t: latest.get(t) for t in stage.co_reviews},
                                      latest.get(stage.lead_task)))
    return board


def incidents(session: Session, limit: int = 200) -> list[Instance]:
    """Instances an engine error stopped, newest first: the administrators' list to retry from."""
    return list(session.scalars(select(Instance).where(Instance.status == "incident")
                                .order_by(Instance.updated_at.desc(), Instance.id.desc()).limit(limit)))
