"""Early-warning levels (预警): green → yellow → red → escalated, as a schedule of instants.

A task's level changes by itself only when time passes, so instead of recomputing levels per
request we store the instant of the next change (`next_warning_at`) and let the sweeper flip rows
whose instant has come. This module is pure arithmetic; the commands do the writing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from .workdays import SHANGHAI, CalendarUnknownDayError, WorkingCalendar, workday_deadline

__all__ = ["LEVEL_ORDER", "WarningPolicy", "WarningState", "highest_level", "warning_state"]

LEVEL_ORDER = {"green": 0, "yellow": 1, "red": 2, "escalated": 3}


@dataclass(frozen=True)
class WarningPolicy:
    """Thresholds per item type; defaults: yellow at 2 days or 80 % used, escalated 2 days after red."""

    yellow_days_left: int = 2
    yellow_fraction_used: float = 0.8
    escalate_after_days: int = 2


@dataclass(frozen=True)
class WarningState:
    """The level now and when it next changes (None: never again by time alone)."""

    level: str
    next_change_at: datetime | None


def _nth_workday_before(calendar: WorkingCalendar, day: date, n: int) -> date:
    """Return the Nth working day strictly before `day` (walking back through the calendar)."""
    found, current = 0, day
    while found < n:
        current -= timedelta(days=1)
        if calendar.is_workday(current):
            found += 1
    return current


def _schedule(calendar: WorkingCalendar, policy: WarningPolicy, start: datetime, due: datetime,
              limit_days: int | None, close: time) -> list[tuple[datetime, str]]:
    """Return the instants at which the level becomes yellow, red and escalated.

    Both yellow rules are counted back from the due date ("≤ 2 working days left"; "≥ 80 % used"
    is "≤ 20 % of the limit left"), so clock stops and extensions, which move the due date, move the
    warning with it instead of counting paused days as used.
    """
    days_left = policy.yellow_days_left
    if limit_days:
        days_left = max(days_left, limit_days - math.ceil(limit_days * policy.yellow_fraction_used))
    due_local = due.astimezone(SHANGHAI)
    schedule: list[tuple[datetime, str]] = []
    if days_left > 0:
        last_calm_day = _nth_workday_before(calendar, due_local.date(), days_left)
        yellow_at = datetime.combine(last_calm_day, close, SHANGHAI)
        schedule.append((max(start, yellow_at), "yellow"))
    escalated_at = workday_deadline(calendar, due, policy.escalate_after_days, close)
    return [*schedule, (due, "red"), (escalated_at, "escalated")]


def warning_state(calendar: WorkingCalendar, policy: WarningPolicy, start: datetime, due: datetime | None,
                  now: datetime, close: time, limit_days: int | None = None) -> WarningState:
    """Compute the level at `now` for a limit of `limit_days` running from `start` to `due`."""
    if due is None:
        return WarningState("green", None)
    try:
        schedule = _schedule(calendar, policy, start, due, limit_days, close)
    except CalendarUnknownDayError:
        # Beyond the loaded calendar we only know the due time itself.
        schedule = [(due, "red")]
    level, upcoming = "green", None
    for instant, name in schedule:
        if instant <= now:
            level = name
        else:
            upcoming = instant
            break
    return WarningState(level, upcoming)


def highest_level(levels: list[str]) -> str:
    """Return the most urgent level (an instance is as late as its latest task)."""
    return max(levels, key=LEVEL_ORDER.__getitem__, default="green")
