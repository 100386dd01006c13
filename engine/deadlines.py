"""Move and stop a task's deadline in both places it lives: the task row and the engine's timers.

A human task's due time is stored twice: `task.due_at` (what worklists, warnings and the applicant
see) and the `event_value` SpiffWorkflow fixed on each timer boundary event attached to the task
(what actually fires, mirrored into the `timer` table by the unit of work). Clock stops (暂停计时)
and approved extensions (延期) must move both by the same working days, so that logic lives here
once. Every function runs inside an `InstanceChange` (the instance is locked, the workflow loaded).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from SpiffWorkflow.bpmn.specs.control import BoundaryEventSplit
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select

from .exceptions import ConflictError
from .models import Pause, TaskRecord
from .status_words import PAUSE_KIND_ZH, in_words
from .workdays import SHANGHAI, CalendarUnknownDayError, working_days_between

if TYPE_CHECKING:
    from .instance_change import InstanceChange

__all__ = ["FROZEN", "attached_timers", "ensure_not_paused", "freeze_timers", "instant_of", "is_frozen",
           "open_pauses", "paused_working_days", "shift_task_deadline", "shift_timer", "thaw_timers",
           "with_instant"]

FROZEN = "9999-12-31T00:00:00+00:00"
"""The event value a stopped timer waits for: far enough that no sweep ever finds it due.

Midnight UTC (not 23:59) so that rendering it in Beijing time still fits in year 9999.
"""


def ensure_not_paused(row: TaskRecord) -> None:
    """Refuse to decide a task while its clock is stopped: the stop must be lifted first."""
    if row.pause_kind is not None:
        kind = in_words(PAUSE_KIND_ZH, row.pause_kind)
        raise ConflictError(f"该环节正在暂停计时：{kind}（{row.pause_reason}），请先恢复计时",
                            task_id=row.id, pause_kind=row.pause_kind)


def attached_timers(task: Task | None) -> list[Task]:
    """Return the waiting timer boundary events attached to a human task (siblings under its split)."""
    if task is None or task.parent is None or not isinstance(task.parent.task_spec, BoundaryEventSplit):
        return []
    return [s for s in task.parent.children
            if s is not task and s.has_state(TaskState.WAITING)
            and isinstance(getattr(s.task_spec, "event_definition", None), TimerEventDefinition)]


def is_frozen(timer: Task) -> bool:
    """Tell whether a waiting timer is held by a clock stop (the sweeper must leave it alone)."""
    return _is_frozen(timer.internal_data.get("event_value"))


def _is_frozen(value: Any) -> bool:
    """Tell whether a timer's event value is the far-future value a clock stop put there."""
    return value == FROZEN or (isinstance(value, dict) and value.get("next") == FROZEN)


def with_instant(value: Any, instant: str) -> Any:
    """Replace the instant inside an event value (cycle timers keep it under 'next')."""
    if isinstance(value, dict):
        return {**value, "next": instant}
    return instant


def instant_of(value: Any) -> str | None:
    """Return the ISO instant an event value waits for, or None for values we do not understand."""
    instant = value.get("next") if isinstance(value, dict) else value
    return instant if isinstance(instant, str) else None


def _shifted(change: InstanceChange, value: Any, days: int) -> Any:
    """Move an event value by working days (later when positive); values we cannot read are left alone."""
    instant = instant_of(value)
    if days == 0 or instant is None:
        return value
    try:
        due = TimerEventDefinition.get_datetime(instant)
    except ValueError:
        return value
    return with_instant(value, change.ctx.runtime.shift_by_workdays(due, days).isoformat())


def freeze_timers(timers: list[Task]) -> dict[str, Any]:
    """Stop timers from firing; return {timer task id: original event value} to restore later.

    Timers already frozen (by another stop still in force) are skipped, so each original value is
    remembered by exactly one pause.
    """
    originals: dict[str, Any] = {}
    for timer in timers:
        value = timer.internal_data.get("event_value")
        if value is None or _is_frozen(value) or instant_of(value) is None:
            continue
        originals[str(timer.id)] = value
        timer.internal_data["event_value"] = with_instant(value, FROZEN)
    return originals


def thaw_timers(change: InstanceChange, originals: dict[str, Any], days: int) -> None:
    """Restore frozen timers to their original values moved later by the paused working days.

    `_sync_timers` then moves each `timer` row's due_at to match when the unit of work finishes.
    """
    for timer_id, original in originals.items():
        timer = change.spiff_task(timer_id)
        if timer is None or not timer.has_state(TaskState.WAITING):
            continue  # the task was finished or cancelled meanwhile; its timer is gone
        if _is_frozen(timer.internal_data.get("event_value")):
            timer.internal_data["event_value"] = _shifted(change, original, days)


def open_pauses(change: InstanceChange) -> list[Pause]:
    """Return the clock stops of the changed instance that are still in force."""
    return list(change.session.scalars(
        select(Pause).where(Pause.instance_id == change.instance.id, Pause.ended_at.is_(None))
        .order_by(Pause.id)))


def shift_task_deadline(change: InstanceChange, row: TaskRecord, days: int, *, timers: bool = True) -> None:
    """Move a task's due time (row and attached engine timers) later by `days` working days.

    A timer frozen by a clock stop keeps its real value in the pause row, so that value is moved
    instead; resuming then restores the extended deadline. `timers=False` moves the row only, for
    a resume whose `thaw_timers` has already moved the timers.
    """
    if days <= 0:
        return
    runtime = change.ctx.runtime
    if row.due_at is not None:
        row.due_at = runtime.shift_by_workdays(row.due_at, days)
    if not timers:
        return
    for timer in attached_timers(change.spiff_task(row.id)):
        shift_timer(change, timer, days)


def shift_timer(change: InstanceChange, timer: Task, days: int) -> tuple[datetime | None, datetime | None]:
    """Move one waiting timer by working days (sooner when negative); return its due time before and after.

    A timer frozen by a clock stop keeps its real value in the pause row, so that value is moved
    and the timer stays frozen; the times returned are then the ones resuming would start from.
    """
    timer_id, value = str(timer.id), timer.internal_data.get("event_value")
    if not _is_frozen(value):
        timer.internal_data["event_value"] = moved = _shifted(change, value, days)
        return _due_of(value), _due_of(moved)
    before = after = None
    for pause in open_pauses(change):
        stored = dict((pause.details or {}).get("timers") or {})
        if timer_id in stored:
            before = _due_of(stored[timer_id])
            stored[timer_id] = _shifted(change, stored[timer_id], days)
            pause.details = {**(pause.details or {}), "timers": stored}  # new dict: JSON change seen
            after = _due_of(stored[timer_id])
    return before, after


def _due_of(value: Any) -> datetime | None:
    instant = instant_of(value)
    if instant is None or _is_frozen(value):
        return None
    try:
        return TimerEventDefinition.get_datetime(instant)
    except ValueError:
        return None


def paused_working_days(change: InstanceChange, since: datetime) -> int:
    """Count working days d with pause day < d <= today (Beijing dates); 0 when resumed the same day."""
    start = since.astimezone(SHANGHAI).date()
    end = change.now.astimezone(SHANGHAI).date()
    try:
        return working_days_between(change.ctx.runtime.calendar, start, end)
    except CalendarUnknownDayError as exc:
        raise ConflictError(f"无法计算暂停计时的工作日数：工作日历缺少 {exc.day.isoformat()} 的数据，"
                            "请管理员先导入该年度日历", day=exc.day.isoformat()) from exc
