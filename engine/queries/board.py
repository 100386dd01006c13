"""The lead department's board: the stages it leads, with their co-reviews and its own task so far."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import OPEN_TASK_STATUSES, Extension, Instance, ProcessDefinition, TaskRecord
from ..stages import Stage, definition_stages

__all__ = ["BoardRow", "lead_board"]


@dataclass(frozen=True)
class BoardRow:
    """One instance at a stage the caller's department leads: its co-reviews and its lead task so far."""

    instance: Instance
    stage: Stage
    co_reviews: dict[str, TaskRecord | None]  # bpmn id → latest row (None: not reached)
    lead_task: TaskRecord | None
    # bpmn id → the co-review's extension request awaiting its unit head: the lead coordinates the
    # stage's timing, so it must see that a countdown may still move before it plans around it.
    pending_extensions: dict[str, Extension]


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
    shown: list[tuple[Instance, Stage, dict[str, TaskRecord | None], TaskRecord | None]] = []
    for instance, latest in by_instance.values():
        for stage in led.get((instance.definition_key, instance.definition_version), []):
            stage_rows = [latest.get(t) for t in (stage.lead_task, *stage.co_reviews)]
            if any(r is not None and r.status in OPEN_TASK_STATUSES for r in stage_rows):
                shown.append((instance, stage, {t: latest.get(t) for t in stage.co_reviews},
                              latest.get(stage.lead_task)))
    pending = _pending_extensions(session, [task for *_, co, _lead in shown for task in co.values()
                                            if task is not None and task.status in OPEN_TASK_STATUSES])
    return [BoardRow(instance, stage, co, lead,
                     {bpmn_id: pending[task.id] for bpmn_id, task in co.items()
                      if task is not None and task.id in pending})
            for instance, stage, co, lead in shown]


def _pending_extensions(session: Session, tasks: list[TaskRecord]) -> dict[str, Extension]:
    """Task id → its pending request, in one query for the whole board (a task has one at a time)."""
    found: dict[str, Extension] = {}
    ids = [task.id for task in tasks]
    for start in range(0, len(ids), 500):  # keep each IN list well inside every driver's limits
        for extension in session.scalars(select(Extension).where(
                Extension.task_id.in_(ids[start:start + 500]), Extension.status == "pending")
                .order_by(Extension.id)):
            found[extension.task_id] = extension
    return found
