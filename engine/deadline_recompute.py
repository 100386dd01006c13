"""Recompute every open deadline after a calendar change, in the change's own transaction.

A deadline in working days is a derivation, not a date: the close of the Nth working day after its
start, later by the working days of approved extensions and of the clock stops it went through.
When an administrator loads next year's official calendar (replacing the provisional rule) or
corrects one day, each open deadline is reckoned again from that derivation on the new calendar,
so it ends exactly where a fresh computation would put it. What moves:

- `workdays(N)` timers (the engine's event value and the timer row), from the anchor and N kept on
  the timer row, plus extensions of their task and the stops that froze them (recounted);
- a frozen timer's remembered value in its open clock stop (what resuming restores);
- task rows' due time (the earliest of their timers) and warning level and next warning instant;
- closed clock stops' paused working days;
- 容缺 shortfall deadlines;
- and, through `EngineRuntime.deadline_sources`, the deadlines other packages keep (supervision
  orders, follow-ups), which cannot be imported from here.

Every move is an audit event `deadline.recomputed` (old, new, reason) of its instance.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select, union
from sqlalchemy.orm import Session

from .command_context import CommandContext
from .deadlines import instant_of, is_frozen, with_instant
from .instance_change import InstanceChange
from .models import OPEN_TASK_STATUSES, Extension, Instance, Pause, Shortfall, TaskRecord, TimerRecord
from .pending_calendar import PendingCalendar
from .runtime import EngineRuntime
from .task_warnings import refresh_task_warning
from .unit_of_work import LIVE_TIMER_STATES, change_instance
from .workdays import SHANGHAI, WorkingCalendar, workday_deadline, working_days_between

__all__ = ["CalendarChange", "DeadlineSource", "MovedDeadline", "recompute_deadlines"]


@dataclass(frozen=True)
class CalendarChange:
    """The days a calendar command sets, with why, as the audit of every moved deadline says it."""

    centre: str
    days: Mapping[date, bool]
    reason: str

    @property
    def ends_at(self) -> datetime:
        """The end of the last changed day: nothing started after it can depend on the change."""
        return datetime.combine(max(self.days) + timedelta(days=1), time(0), SHANGHAI)


@dataclass(frozen=True)
class MovedDeadline:
    """One deadline the change moved (or, on a dry run, would move)."""

    subject: str  # task | shortfall | order | follow_up
    subject_id: str
    instance_id: int | None
    old: datetime | None
    new: datetime | None

    def as_json(self) -> dict[str, Any]:
        """The form the calendar endpoints answer with."""
        return {"subject": self.subject, "id": self.subject_id, "instance_id": self.instance_id,
                "old": _iso(self.old), "new": _iso(self.new)}


DeadlineSource = Callable[[CommandContext, CalendarChange], list[MovedDeadline]]
"""A package's own recomputation, called inside the calendar command's transaction."""


def recompute_deadlines(ctx: CommandContext, change: CalendarChange) -> list[MovedDeadline]:
    """Move every open deadline that the change affects; the caller's transaction keeps it all."""
    runtime = ctx.runtime
    stored = runtime.calendar
    refresh = getattr(stored, "invalidate", None)
    if refresh is not None:
        refresh()  # another process may have changed a day within the cache's lifetime: read it afresh
    pending = PendingCalendar(stored, change.days)
    moved: list[MovedDeadline] = []
    with runtime.calendar_pending(pending):
        for instance_id in _candidate_instances(ctx.session, change):
            if _plan(ctx.session, runtime, instance_id, ctx.now()).empty:
                continue  # read without the lock: only a filter; the plan is made again under it
            moved.extend(change_instance(ctx, instance_id, lambda c: _apply(c, change.reason)))
        for source in runtime.deadline_sources:
            moved.extend(source(ctx, change))
    return moved


def _candidate_instances(session: Session, change: CalendarChange) -> list[int]:
    """Running instances registered before the change's last day that have an open deadline."""
    with_deadlines = union(
        select(TaskRecord.instance_id).where(TaskRecord.status.in_(OPEN_TASK_STATUSES)),
        select(TimerRecord.instance_id).where(TimerRecord.state.in_(LIVE_TIMER_STATES),
                                              TimerRecord.workdays.is_not(None)),
        select(Shortfall.instance_id).where(Shortfall.status == "open"),
    ).subquery()
    return list(session.scalars(
        select(Instance.id).where(Instance.status == "running", Instance.created_at < change.ends_at,
                                  Instance.id.in_(select(with_deadlines.c[0])))
        .order_by(Instance.id)))


@dataclass
class _Plan:
    """What must change in one instance for its deadlines to match the calendar in force."""

    timer_values: dict[str, datetime] = field(default_factory=dict)  # waiting timers to move
    frozen_values: dict[tuple[int, str], datetime] = field(default_factory=dict)  # (pause id, timer id)
    pause_days: dict[int, int] = field(default_factory=dict)  # closed pause id -> recounted days
    task_dues: dict[str, datetime] = field(default_factory=dict)
    warnings: set[str] = field(default_factory=set)  # task rows whose level or next instant changes
    shortfall_due: datetime | None = None

    @property
    def empty(self) -> bool:
        """Nothing to do for this instance."""
        return not (self.timer_values or self.frozen_values or self.pause_days or self.task_dues
                    or self.warnings or self.shortfall_due)


def _deadline(runtime: EngineRuntime, start: datetime, days: int) -> datetime:
    """The close of the Nth working day after `start`'s Beijing date (the start itself if N is 0)."""
    return workday_deadline(runtime.calendar, start, days, runtime.workday_close) if days > 0 else start


def _paused_days(calendar: WorkingCalendar, pause: Pause) -> int:
    """Working days a closed stop lasted, counted on the calendar in force."""
    assert pause.ended_at is not None
    return working_days_between(calendar, pause.started_at.astimezone(SHANGHAI).date(),
                                pause.ended_at.astimezone(SHANGHAI).date())


def _plan(session: Session, runtime: EngineRuntime, instance_id: int, now: datetime) -> _Plan:
    """Reckon every open deadline of an instance again and list what differs from what is stored."""
    plan = _Plan()
    pauses = list(session.scalars(select(Pause).where(Pause.instance_id == instance_id).order_by(Pause.id)))
    days_of_pause: dict[int, int] = {}
    for pause in pauses:
        if pause.ended_at is None:
            continue
        days_of_pause[pause.id] = _paused_days(runtime.calendar, pause)
        if days_of_pause[pause.id] != pause.paused_working_days:
            plan.pause_days[pause.id] = days_of_pause[pause.id]
    extended: dict[str, int] = defaultdict(int)
    for task_id, days in session.execute(select(Extension.task_id, Extension.working_days).where(
            Extension.instance_id == instance_id, Extension.status == "approved")):
        extended[task_id] += days

    fresh_by_task: dict[str, list[datetime]] = defaultdict(list)
    timers = session.scalars(select(TimerRecord).where(
        TimerRecord.instance_id == instance_id, TimerRecord.state.in_(LIVE_TIMER_STATES),
        TimerRecord.workdays.is_not(None), TimerRecord.anchor_at.is_not(None)))
    for timer in timers:
        assert timer.workdays is not None and timer.anchor_at is not None
        froze = [p for p in pauses if timer.id in ((p.details or {}).get("timers") or {})]
        total = timer.workdays + extended.get(timer.attached_task_id or "", 0)
        total += sum(days_of_pause[p.id] for p in froze if p.ended_at is not None)
        fresh = _deadline(runtime, timer.anchor_at, total)
        holding = next((p for p in froze if p.ended_at is None), None)
        if holding is not None:
            remembered = instant_of(holding.details["timers"][timer.id])
            if remembered is None or datetime.fromisoformat(remembered) != fresh:
                plan.frozen_values[(holding.id, timer.id)] = fresh
        elif timer.due_at != fresh:
            plan.timer_values[timer.id] = fresh
        if timer.attached_task_id:
            fresh_by_task[timer.attached_task_id].append(fresh)

    rows = session.scalars(select(TaskRecord).where(TaskRecord.instance_id == instance_id,
                                                    TaskRecord.status.in_(OPEN_TASK_STATUSES)))
    for row in rows:
        due = min(fresh_by_task[row.id]) if fresh_by_task.get(row.id) else row.due_at
        if due != row.due_at:
            plan.task_dues[row.id] = due
        if row.pause_kind is None:
            state = runtime.warning_state(row.created_at, due, now, row.limit_days, row.warning_policy)
            if (state.level, state.next_change_at) != (row.warning_level, row.next_warning_at):
                plan.warnings.add(row.id)

    shortfall = session.scalar(select(Shortfall).where(Shortfall.instance_id == instance_id,
                                                       Shortfall.status == "open"))
    if shortfall is not None and shortfall.working_days:
        registered = session.scalar(select(Instance.created_at).where(Instance.id == instance_id))
        assert registered is not None
        fresh = _deadline(runtime, registered, shortfall.working_days)
        if fresh != shortfall.due_at:
            plan.shortfall_due = fresh
    return plan


def _apply(change: InstanceChange, reason: str) -> list[MovedDeadline]:
    """Under the instance lock: plan again, write the new values, audit each moved deadline."""
    change.advance = False  # moving deadlines must not move the process
    session, instance = change.session, change.instance
    plan = _plan(session, change.ctx.runtime, instance.id, change.now)
    moved: list[MovedDeadline] = []
    for pause_id, days in plan.pause_days.items():
        pause = session.get(Pause, pause_id)
        assert pause is not None
        change.record("pause.recounted", pause.task_id, pause_id=pause_id, old=pause.paused_working_days,
                      new=days, reason=reason)
        pause.paused_working_days = days
    for (pause_id, timer_id), fresh in plan.frozen_values.items():
        pause = session.get(Pause, pause_id)
        assert pause is not None
        remembered = dict(pause.details["timers"])
        remembered[timer_id] = with_instant(remembered[timer_id], fresh.isoformat())
        pause.details = {**pause.details, "timers": remembered}  # a new dict, so the JSON change is seen
    for timer_id, fresh in plan.timer_values.items():
        timer = change.spiff_task(timer_id)
        if timer is not None and timer.has_state(TaskState.WAITING) and not is_frozen(timer):
            value = timer.internal_data.get("event_value")
            timer.internal_data["event_value"] = with_instant(value, fresh.isoformat())
    for row_id in sorted(set(plan.task_dues) | plan.warnings):
        row = session.get(TaskRecord, row_id)
        assert row is not None
        if row_id in plan.task_dues:
            old, row.due_at = row.due_at, plan.task_dues[row_id]
            change.record("deadline.recomputed", row.id, subject="task", old=_iso(old), new=_iso(row.due_at),
                          reason=reason)
            moved.append(MovedDeadline("task", row.id, instance.id, old, row.due_at))
        refresh_task_warning(change, row)  # a deadline moved into the past is red now, not at the next sweep
    if plan.shortfall_due is not None:
        shortfall = session.scalar(select(Shortfall).where(Shortfall.instance_id == instance.id))
        assert shortfall is not None
        old, shortfall.due_at = shortfall.due_at, plan.shortfall_due
        change.record("deadline.recomputed", None, subject="shortfall", old=_iso(old),
                      new=_iso(shortfall.due_at), reason=reason)
        moved.append(MovedDeadline("shortfall", str(shortfall.id), instance.id, old, shortfall.due_at))
    return moved


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
