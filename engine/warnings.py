"""Early-warning levels (预警): green → yellow → red → escalated, as a schedule of instants.

A task's level changes by itself only when time passes, so instead of recomputing levels per
request we store the instant of the next change (`next_warning_at`) and let the sweeper flip rows
whose instant has come. This module is pure arithmetic; the commands do the writing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, time

from .workdays import (
    SHANGHAI,
    CalendarUnknownDayError,
    WorkingCalendar,
    workday_deadline,
    working_days_between,
)

__all__ = ["LEVEL_ORDER", "WarningPolicy", "WarningState", "highest_level", "warning_state"]

LEVEL_ORDER = {"green": 0, "yellow": 1, "red": 2, "escalated": 3}


@dataclass(frozen=True)
class WarningPolicy:
    """Thresholds (settings per item type; DOMAIN.md §4 defaults)."""

    yellow_days_left: int = 2
    yellow_fraction_used: float = 0.8
    escalate_after_days: int = 2


@dataclass(frozen=True)
class WarningState:
    """The level now and when it next changes (None: never again by time alone)."""

    level: str
    next_change_at: datetime | None


def _schedule(calendar: WorkingCalendar, policy: WarningPolicy, start: datetime, due: datetime,
              close: time) -> list[tuple[datetime, str]]:
    """Return the instants at which the level becomes yellow, red and escalated."""
    limit = working_days_between(calendar, start.astimezone(SHANGHAI).date(), due.astimezone(SHANGHAI).date())
    candidates = [start]
    if limit - policy.yellow_days_left >= 1:
        candidates.append(workday_deadline(calendar, start, limit - policy.yellow_days_left, close))
    used_days = math.ceil(limit * policy.yellow_fraction_used)
    if 1 <= used_days < limit:
        candidates.append(workday_deadline(calendar, start, used_days, close))
    yellow_at = max(start, min(candidates[1:], default=start))
    escalated_at = workday_deadline(calendar, due, policy.escalate_after_days, close)
    return [(yellow_at, "yellow"), (due, "red"), (escalated_at, "escalated")]


def warning_state(calendar: WorkingCalendar, policy: WarningPolicy, start: datetime, due: datetime | None,
                  now: datetime, close: time) -> WarningState:
    """Compute the level at `now` for a limit running from `start` to `due`."""
    if due is None:
        return WarningState("green", None)
    try:
        schedule = _schedule(calendar, policy, start, due, close)
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
