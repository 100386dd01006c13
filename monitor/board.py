"""The supervision board: open work by department × stage × warning level, from indexed rows only."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from engine.models import OPEN_TASK_STATUSES, Instance, TaskRecord
from engine.workdays import SHANGHAI

__all__ = ["STAGE_NAMES", "board", "stage_of"]

# Stages of the investment-project reform (DOMAIN.md §1); diagrams name tasks `s<N>_...`.
STAGE_NAMES = {"s1": "立项用地规划许可", "s2": "工程建设许可", "s3": "施工许可", "s4": "竣工验收"}
_STAGE = re.compile(r"^(s\d+)_")


def stage_of(definition_key: str, bpmn_id: str) -> str:
    """Return the stage a task belongs to: `s<N>` by the naming convention, else its process."""
    match = _STAGE.match(bpmn_id)
    return match.group(1) if match else definition_key


def _month_start(now: datetime) -> datetime:
    local = now.astimezone(SHANGHAI)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def board(session: Session, now: datetime, red_limit: int = 50) -> dict[str, Any]:
    """Counts by department × stage × level, the red list, and this month's on-time rate per department."""
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
                                 {"green": 0, "yellow": 0, "red": 0, "escalated": 0})
        cell[level] = cell.get(level, 0) + count
    red_rows = session.execute(
        select(TaskRecord, Instance.project_name, Instance.query_code)
        .join(Instance, Instance.id == TaskRecord.instance_id)
        .where(TaskRecord.status.in_(OPEN_TASK_STATUSES), TaskRecord.warning_level.in_(("red", "escalated")))
        .order_by(TaskRecord.due_at).limit(red_limit)
    ).all()
    in_time = (TaskRecord.due_at.is_(None)) | (TaskRecord.completed_at <= TaskRecord.due_at)
    on_time = session.execute(
        select(TaskRecord.department_code, func.count(), func.sum(case((in_time, 1), else_=0)))
        .where(TaskRecord.status == "completed", TaskRecord.completed_at >= _month_start(now))
        .group_by(TaskRecord.department_code)
    )
    return {
        "cells": [{"department": d, "stage": s, "stage_name": STAGE_NAMES.get(s, s), **levels}
                  for (d, s), levels in sorted(counts.items())],
        "red_list": [{"task_id": t.id, "instance_id": t.instance_id, "project_name": name, "query_code": code,
                      "department": t.department_code, "name": t.name, "level": t.warning_level,
                      "due_at": t.due_at} for t, name, code in red_rows],
        "on_time": [{"department": d, "completed": n, "on_time": int(ok or 0),
                     "rate": round(int(ok or 0) / n, 4) if n else None} for d, n, ok in on_time],
        "month": _month_start(now).strftime("%Y-%m"),
    }
