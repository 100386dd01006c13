"""The supervision board: open work by department × stage × warning level, from indexed rows only."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, func, select, text
from sqlalchemy.orm import Session

from engine.models import Instance, UTCDateTime
from engine.models.tasks import OPEN_TASK_STATUSES, RED_OPEN_PREDICATE, TaskRecord
from engine.workdays import SHANGHAI

from ..models import BoardSnapshot
from .lateness import open_and_late

__all__ = ["board_items", "STAGE_NAMES", "board", "count_cells", "stage_of"]



# Stages of the investment-project reform; diagrams name tasks `s<N>_...`.
STAGE_NAMES = {"s1": "立项用地规划许可", "s2": "工程建设许可", "s3": "施工许可", "s4": "竣工验收"}
_STAGE = re.compile(r"^(s\d+)_")


def stage_of(definition_key: str, bpmn_id: str) -> str:
    """Return the stage a task belongs to: `s<N>` by the naming convention, else its process."""
    match = _STAGE.match(bpmn_id)
    return match.group(1) if match else definition_key


def _month_start(now: datetime) -> datetime:
    local = now.astimezone(SHANGHAI)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def count_cells(session: Session) -> list[dict[str, Any]]:
    """Count open tasks by department × stage × level (a covering-index scan of the open work)."""
    counts: dict[tuple[str, str], dict[str, int]] = {}
    grouped = session.execute(
        select(TaskRecord.department_code, TaskRecord.definition_key, TaskRecord.bpmn_id,
               TaskRecord.warning_level, func.count())
        .where(TaskRecord.status.in_(OPEN_TASK_STATUSES))
        .group_by(TaskRecord.department_code, TaskRecord.definition_key, TaskRecord.bpmn_id,
                  TaskRecord.warning_level)
    )
    for department, key, bpmn_id, level, count in grouped:
        cell = counts.setdefault((department, stage_of(key, bpmn_id)),
                                 {"green": 0, "yellow": 0, "red": 0, "escalated": 0, "incident": 0})
        cell[level] = cell.get(level, 0) + count
    # Work an incident stopped is neither on time nor late: it moves to its own column. Incidents are
    # few, so they are counted apart and the scan above keeps to the task index.
    stopped = session.execute(
        select(TaskRecord.department_code, TaskRecord.definition_key, TaskRecord.bpmn_id,
               TaskRecord.warning_level, func.count())
        .join(Instance, Instance.id == TaskRecord.instance_id)
        .where(Instance.status == "incident", TaskRecord.status.in_(OPEN_TASK_STATUSES))
        .group_by(TaskRecord.department_code, TaskRecord.definition_key, TaskRecord.bpmn_id,
                  TaskRecord.warning_level)
    )
    for department, key, bpmn_id, level, count in stopped:
        cell = counts[(department, stage_of(key, bpmn_id))]
        cell[level] -= count
        cell["incident"] += count
    return [{"department": d, "stage": s, "stage_name": STAGE_NAMES.get(s, s), **levels}
            for (d, s), levels in sorted(counts.items())]


def _red_list(session: Session, limit: int) -> tuple[list[Any], int]:
    """The most overdue open tasks and how many there are in all, read through ix_task_red_due.

    The list is what the board's red and escalated cells count: red or escalated open work, leaving
    out work an incident stopped (it has a column of its own). The total comes from the same
    statement as the rows, so the heading's count and the list cannot disagree.
    SQLite, lacking statistics, would rather scan every open task by status and sort, so it is told
    the index (`INDEXED BY`); the predicate is written with literal values to match the index's.
    """
    hint = " INDEXED BY ix_task_red_due" if session.get_bind().dialect.name == "sqlite" else ""
    predicate = (RED_OPEN_PREDICATE.replace("warning_level", "task.warning_level")
                 .replace("status", "task.status"))
    columns = ("task.id AS task_id, task.instance_id, instance.project_name, instance.query_code, "
               "task.department_code AS department, task.name, task.warning_level AS level, task.due_at, "
               "COUNT(*) OVER () AS total")
    sql = (f"SELECT {columns} FROM task{hint} "  # noqa: S608 - assembled from constants, no input
           "JOIN instance ON instance.id = task.instance_id "
           f"WHERE {predicate} AND instance.status != 'incident' ORDER BY task.due_at LIMIT :limit")
    statement = text(sql).columns(due_at=UTCDateTime())
    rows = list(session.execute(statement, {"limit": limit}))
    return rows, (int(rows[0].total) if rows else 0)


def board(session: Session, now: datetime, max_age: timedelta = timedelta(seconds=30),
          red_limit: int = 50) -> dict[str, Any]:
    """Counts (from the snapshot unless it is missing or stale), the live red list, on-time rates.

    A department's on-time rate is over the tasks it completed this Beijing month and those open
    past their deadline now (clock running): on time / (completed + open late).
    """
    snapshot = session.get(BoardSnapshot, 1)
    if snapshot is not None and now - snapshot.computed_at <= max_age:
        cells, as_of = snapshot.cells, snapshot.computed_at
    else:  # no scheduler has refreshed it lately: count now
        cells, as_of = count_cells(session), now
    red_rows, red_total = _red_list(session, red_limit)
    in_time = (TaskRecord.due_at.is_(None)) | (TaskRecord.completed_at <= TaskRecord.due_at)
    finished = {d: (n, int(ok or 0)) for d, n, ok in session.execute(
        select(TaskRecord.department_code, func.count(), func.sum(case((in_time, 1), else_=0)))
        .where(TaskRecord.status == "completed", TaskRecord.completed_at >= _month_start(now))
        .group_by(TaskRecord.department_code)
    )}
    # Work still open past its deadline is not on time either: counting only what was finished let a
    # department sitting on a late review show 100 % beside the red list that names it.
    still_late = dict(session.execute(
        select(TaskRecord.department_code, func.count()).where(open_and_late(now))
        .group_by(TaskRecord.department_code)
    ).all())
    on_time = []
    for department in sorted(finished.keys() | still_late.keys()):
        completed, ok = finished.get(department, (0, 0))
        late_open = int(still_late.get(department, 0))
        counted = completed + late_open
        on_time.append({"department": department, "completed": completed, "open_late": late_open,
                        "on_time": ok, "rate": round(ok / counted, 4) if counted else None})
    return {
        "cells": cells,
        "cells_as_of": as_of,
        "red_list": [{k: v for k, v in row._mapping.items() if k != "total"} for row in red_rows],
        "red_total": red_total,
        "on_time": on_time,
        "month": _month_start(now).strftime("%Y-%m"),
    }


def board_items(session: Session, department: str, stage: str, level: str | None, limit: int = 100,
                offset: int = 0) -> list[dict[str, Any]]:
    """The open tasks behind one board cell (department × stage, optionally one level), soonest due first.

    A numbered stage is a task-id prefix, matched by the index on the task's department; a process
    key stage (a diagram without stage prefixes) is checked again in Python against `stage_of`.
    """
    query = (select(TaskRecord.id, TaskRecord.instance_id, Instance.project_name, Instance.query_code,
                    Instance.status.label("instance_status"),
                    TaskRecord.name, TaskRecord.warning_level, TaskRecord.due_at, TaskRecord.status,
                    TaskRecord.definition_key, TaskRecord.bpmn_id)
             .join(Instance, Instance.id == TaskRecord.instance_id)
             .where(TaskRecord.department_code == department, TaskRecord.status.in_(OPEN_TASK_STATUSES)))
    numbered = _STAGE.match(stage + "_")
    if numbered and numbered.group(1) == stage:
        query = query.where(TaskRecord.bpmn_id.like(stage + r"\_%", escape="\\"))
    else:
        query = query.where(TaskRecord.definition_key == stage)
    if level == "incident":
        query = query.where(Instance.status == "incident")
    elif level:
        query = query.where(TaskRecord.warning_level == level, Instance.status != "incident")
    rows = session.execute(query.order_by(TaskRecord.due_at.is_(None), TaskRecord.due_at, TaskRecord.id)
                           .offset(offset).limit(limit))
    return [{"task_id": r.id, "instance_id": r.instance_id, "project_name": r.project_name,
             "query_code": r.query_code, "name": r.name, "level": r.warning_level, "due_at": r.due_at,
             "status": r.status, "instance_status": r.instance_status}
            for r in rows if stage_of(r.definition_key, r.bpmn_id) == stage]
