"""What makes a task late in a period, in one place: the scores count it, the score's item lists show it.

A figure on the scores page and the list of items behind it must never disagree, so both read the
same predicates and the same working-day arithmetic from here (the definitions are in the docstring
of monitor/queries/scores.py: late items, late working days).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from engine.exceptions import ConflictError
from engine.models import OPEN_TASK_STATUSES, TaskRecord
from engine.workdays import CalendarUnknownDayError, WorkingCalendar, working_days_between

from .periods import Period, in_period

__all__ = ["WorkingDayDistances", "due_in_period", "late_days_in_period", "late_in_period", "open_and_late",
           "was_late_in_period"]

_STATUSES = (*OPEN_TASK_STATUSES, "completed")


def open_and_late(until: datetime) -> Any:
    """Open with its clock running and its deadline passed by `until`."""
    running = TaskRecord.status.in_(OPEN_TASK_STATUSES) & TaskRecord.pause_kind.is_(None)
    return running & (TaskRecord.due_at < until)


def due_in_period(period: Period, departments: list[str]) -> Any:
    """A task of one of `departments` (cancelled ones excluded) whose deadline falls in the period."""
    return (TaskRecord.department_code.in_(departments) & TaskRecord.status.in_(_STATUSES)
            & in_period(TaskRecord.due_at, period))


def late_in_period(until: datetime) -> Any:
    """Of the tasks due in a period: finished after the deadline, or still open and late (a late item)."""
    finished_late = (TaskRecord.status == "completed") & (TaskRecord.completed_at > TaskRecord.due_at)
    return finished_late | open_and_late(until)


def was_late_in_period(period: Period, until: datetime, departments: list[str]) -> Any:
    """Late at some point of the period: still late with its clock running, or finished late in it."""
    running_late = TaskRecord.status.in_(OPEN_TASK_STATUSES) & TaskRecord.pause_kind.is_(None)
    finished_late = ((TaskRecord.status == "completed") & (TaskRecord.completed_at > TaskRecord.due_at)
                     & (TaskRecord.completed_at >= period.start))
    return (TaskRecord.department_code.in_(departments) & TaskRecord.status.in_(_STATUSES)
            & (TaskRecord.due_at < until) & (running_late | finished_late))


class WorkingDayDistances:
    """Signed working-day distances on the calendar, memoised: many tasks share the same dates."""

    def __init__(self, calendar: WorkingCalendar) -> None:
        self.calendar = calendar
        self._memo: dict[tuple[date, date], int] = {}

    def left(self, done: date, due: date) -> int:
        """Working days d with done < d <= due; negative (days past due) when done after due."""
        key = (done, due)
        if key not in self._memo:
            try:
                self._memo[key] = (working_days_between(self.calendar, done, due) if done <= due
                                   else -working_days_between(self.calendar, due, done))
            except CalendarUnknownDayError as exc:
                raise ConflictError(f"无法计算得分：{exc}", day=exc.day.isoformat()) from exc
        return self._memo[key]


def late_days_in_period(working_days_after: Callable[[date, date], int], due: date, through: date,
                        first: date, last: date) -> int:
    """Working days d with due < d <= through and first <= d <= last: a task's late days in a period.

    `working_days_after(a, b)` counts working days d with a < d <= b. `through` is the date the task
    was completed, or today while it is open and late.
    """
    after = max(due, first - timedelta(days=1))
    until = min(through, last)
    return working_days_after(after, until) if until > after else 0
