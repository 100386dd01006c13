"""The public-inquiry counts behind a department's monthly rates (see monitor.queries.scores).

Kept apart from the approval counts because they read the inquiry table and the steps' submissions
(what each department did with its part), not the approval instances.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import Instance, TaskRecord

from ..models import Inquiry

__all__ = ["tally_inquiries"]


def tally_inquiries(session: Session, start: datetime, end: datetime, department: Callable[[str], Any], *,
                    process: str, satisfied_min_grade: int) -> None:
    """Add each department's inquiry counts for [start, end) to the tally `department(code)` returns.

    - `inquiry_answers` / `inquiry_on_time`: answering steps (an answer or a department's part of a
      joint answer) completed in the period, and those completed by their due time;
    - `forwards` / `forwards_refused`: forwards to the 政府办 completed in the period, and the
      forwardings the 政府办 refused in the period, counted against the department they went back to;
    - `inquiry_rated` / `inquiry_satisfied`: inquiries answered in the period and rated, counted for
      the department that gave the final answer, and those rated `satisfied_min_grade` or better.
    """
    steps = session.execute(
        select(TaskRecord.department_code, TaskRecord.bpmn_id, TaskRecord.completed_at, TaskRecord.due_at,
               TaskRecord.submission)
        .where(TaskRecord.definition_key == process, TaskRecord.status == "completed",
               TaskRecord.completed_at >= start, TaskRecord.completed_at < end))
    for dept, bpmn_id, done, due, submission in steps:
        decision = (submission or {}).get("decision")
        if bpmn_id == "answer" and decision in ("answer", "pass_on"):
            tally = department(dept)
            tally.inquiry_answers += 1
            tally.inquiry_on_time += int(due is None or done <= due)
        elif bpmn_id == "answer" and decision == "forward":
            department(dept).forwards += 1
        elif bpmn_id == "route" and decision == "refuse":
            returned = ((submission or {}).get("data") or {}).get("returned_to")
            if isinstance(returned, str) and returned:
                department(returned).forwards_refused += 1
    answered = list(session.execute(
        select(Inquiry.instance_id, Inquiry.satisfaction)
        .join(Instance, Instance.id == Inquiry.instance_id)
        .where(Instance.status == "completed", Instance.completed_at >= start, Instance.completed_at < end,
               Inquiry.satisfaction.is_not(None))))
    if not answered:
        return
    final: dict[int, str] = {}
    for instance_id, dept in session.execute(
            select(TaskRecord.instance_id, TaskRecord.department_code)
            .where(TaskRecord.instance_id.in_([i for i, _ in answered]), TaskRecord.bpmn_id == "answer",
                   TaskRecord.status == "completed")
            .order_by(TaskRecord.completed_at)):
        final[instance_id] = dept  # the last completed answer wins
    for instance_id, grade in answered:
        if instance_id in final:
            tally = department(final[instance_id])
            tally.inquiry_rated += 1
            tally.inquiry_satisfied += int(grade >= satisfied_min_grade)
