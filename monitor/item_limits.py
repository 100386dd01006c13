"""When an application is due by its catalogue item's promised and legal limits (承诺 and 法定办结时限).

Each of the item's limits runs from the day the application was registered, in working days of the
official calendar, ending at the close of the last day, and moves later by the working days the
window's correction notices stopped the whole application. While such a stop is in force the dates
are not final (`stopped`). A 即办件's promise (0 days) is the close of the day it was registered.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time

from engine.models import Pause
from engine.workdays import SHANGHAI, WorkingCalendar, workday_deadline

__all__ = ["ItemDueDates", "item_due_dates"]


@dataclass(frozen=True)
class ItemDueDates:
    """The promised and legal completion times of one application, and whether its clock is stopped."""

    promised: datetime
    legal: datetime
    stopped: bool


def _due(calendar: WorkingCalendar, start: datetime, days: int, close: time) -> datetime:
    if days <= 0:
        return datetime.combine(start.astimezone(SHANGHAI).date(), close, tzinfo=SHANGHAI)
    return workday_deadline(calendar, start, days, close)


def item_due_dates(calendar: WorkingCalendar, close: time, registered_at: datetime, promised_days: int,
                   legal_days: int, pauses: Iterable[Pause]) -> ItemDueDates:
    """Both completion times, each moved by the working days whole-application stops lasted."""
    whole = [p for p in pauses if p.task_id is None]
    stopped_days = sum(p.paused_working_days or 0 for p in whole if p.ended_at is not None)
    stopped = any(p.ended_at is None for p in whole)
    promised = promised_days + stopped_days if promised_days else 0  # a 即办件's promise is its own day
    return ItemDueDates(_due(calendar, registered_at, promised, close),
                        _due(calendar, registered_at, legal_days + stopped_days, close), stopped)
