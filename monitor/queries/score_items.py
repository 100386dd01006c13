"""The items behind a department's score figures, so every figure on the scores page can be checked.

Which tasks were late, by how many working days, which counted for the on-time rate, and which
cards, orders and red alerts were deducted. A score nobody can check is a score nobody trusts. Each
list is selected with the predicates the score itself uses (monitor/queries/lateness.py), so its
length (for late working days, the sum of its days) is the figure on the scores page, and each item
names the approval it belongs to.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import Instance, TaskRecord
from engine.workdays import SHANGHAI, WorkingCalendar

from ..models import Alert, Card, Complaint, SupervisionOrder
from .findings import complaint_findings, finding_of, video_upheld
from .lateness import (
    WorkingDayDistances,
    due_in_period,
    late_days_in_period,
    late_in_period,
    open_and_late,
    was_late_in_period,
)
from .periods import Period, in_period

__all__ = ["SCORE_MEASURES", "score_items"]

SCORE_MEASURES = ("late", "late_days", "on_time", "supervision", "complaints", "video")
"""late: 超期件数; late_days: 超期工作日; on_time: the tasks of 按时办结率; supervision: 扣分 records
(cards, orders, red alerts); complaints: complaints found upheld; video: video alerts upheld."""


def _task_rows(session: Session, condition: Any) -> list[tuple[TaskRecord, Instance]]:
    query = (select(TaskRecord, Instance).join(Instance, Instance.id == TaskRecord.instance_id)
             .where(condition).order_by(TaskRecord.due_at, TaskRecord.id))
    return [(task, instance) for task, instance in session.execute(query)]


def _task_json(task: TaskRecord, instance: Instance, **extra: Any) -> dict[str, Any]:
    return {"kind": "task", "task_id": task.id, "task_name": task.name, "status": task.status,
            "instance_id": instance.id, "query_code": instance.query_code,
            "project_name": instance.project_name,
            "due_at": task.due_at, "completed_at": task.completed_at, **extra}


def _late(session: Session, period: Period, until: datetime, department: str) -> list[dict[str, Any]]:
    condition = due_in_period(period, [department]) & late_in_period(until)
    return [_task_json(t, i, still_open=t.completed_at is None) for t, i in _task_rows(session, condition)]


def _late_days(session: Session, calendar: WorkingCalendar, period: Period, until: datetime,
               department: str) -> list[dict[str, Any]]:
    if until <= period.start:
        return []
    distances = WorkingDayDistances(calendar)
    first = period.start.astimezone(SHANGHAI).date()
    last = (until.astimezone(SHANGHAI) - timedelta(microseconds=1)).date()
    items = []
    for task, instance in _task_rows(session, was_late_in_period(period, until, [department])):
        due = task.due_at.astimezone(SHANGHAI).date()
        through = task.completed_at.astimezone(SHANGHAI).date() if task.completed_at else last
        days = late_days_in_period(distances.left, due, through, first, last)
        if days:
            items.append(_task_json(task, instance, late_days=days))
    return items


def _on_time(session: Session, period: Period, until: datetime, department: str) -> list[dict[str, Any]]:
    completed = ((TaskRecord.department_code == department) & (TaskRecord.status == "completed")
                 & in_period(TaskRecord.completed_at, period) & TaskRecord.due_at.is_not(None))
    still_late = due_in_period(period, [department]) & open_and_late(until)
    return [_task_json(t, i, on_time=t.completed_at is not None and t.completed_at <= t.due_at)
            for t, i in _task_rows(session, completed | still_late)]


def _supervision(session: Session, period: Period, department: str) -> list[dict[str, Any]]:
    """Cards issued, orders issued or missed (escalated), and red alerts opened in the period."""
    cards = session.scalars(select(Card).where(Card.department_code == department,
                                               in_period(Card.issued_at, period)).order_by(Card.issued_at))
    orders = session.scalars(select(SupervisionOrder).where(
        SupervisionOrder.department_code == department,
        in_period(SupervisionOrder.issued_at, period) | in_period(SupervisionOrder.escalated_at, period))
        .order_by(SupervisionOrder.issued_at))
    alerts = session.scalars(select(Alert).where(
        Alert.department_code == department, in_period(Alert.opened_at, period),
        Alert.level.in_(("red", "escalated"))).order_by(Alert.opened_at))
    start, end = period.start, period.end
    return ([{"kind": "card", "id": c.id, "color": c.color, "reason": c.reason, "at": c.issued_at}
             for c in cards]
            + [{"kind": "order", "id": o.id, "at": o.issued_at, "instance_id": o.instance_id,
                "issued_in_period": start <= o.issued_at < end,
                "missed_in_period": o.escalated_at is not None and start <= o.escalated_at < end}
               for o in orders]
            + [{"kind": "alert", "id": a.id, "title": a.title, "at": a.opened_at,
                "instance_id": a.instance_id, "video": a.source == "video"} for a in alerts])


def _complaints(session: Session, period: Period, department: str) -> list[dict[str, Any]]:
    """Complaints about the department its investigation found upheld or partly upheld in the period."""
    rows = session.execute(complaint_findings(period).where(Complaint.department_code == department))
    return [{"kind": "complaint", "id": complaint.id, "code": complaint.code, "finding": finding,
             "at": task.completed_at, "instance_id": complaint.approval_instance_id}
            for complaint, task in rows if (finding := finding_of(task))]


def _video(session: Session, period: Period, department: str) -> list[dict[str, Any]]:
    """Video alerts about the department the bureau upheld (decided other than dismissed) in the period."""
    alerts = session.scalars(select(Alert).where(video_upheld(period), Alert.department_code == department)
                             .order_by(Alert.decided_at))
    return [{"kind": "alert", "id": a.id, "title": a.title, "at": a.decided_at, "decision": a.decision,
             "instance_id": a.instance_id} for a in alerts]


def score_items(session: Session, calendar: WorkingCalendar, period: Period, department: str, measure: str,
                now: datetime) -> list[dict[str, Any]]:
    """The items behind one figure of one department's score in a period (see SCORE_MEASURES)."""
    until = min(now, period.end)  # as the score: lateness up to now, never past the period's end
    if measure == "late":
        return _late(session, period, until, department)
    if measure == "late_days":
        return _late_days(session, calendar, period, until, department)
    if measure == "on_time":
        return _on_time(session, period, until, department)
    if measure == "supervision":
        return _supervision(session, period, department)
    if measure == "complaints":
        return _complaints(session, period, department)
    if measure == "video":
        return _video(session, period, department)
    raise ValueError(f"unknown measure {measure}")
