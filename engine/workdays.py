"""Working-day calendar arithmetic for legal time limits (Asia/Shanghai official calendar)."""

from __future__ import annotations

import time as time_module
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Protocol, runtime_checkable
from zoneinfo import ZoneInfo

import chinese_calendar

__all__ = [
    "DEFAULT_CLOSE",
    "MAX_WORKDAYS",
    "SHANGHAI",
    "CalendarUnknownDayError",
    "ChineseOfficialCalendar",
    "Clock",
    "FixedClock",
    "StartedClock",
    "SystemClock",
    "WorkingCalendar",
    "days_of_year",
    "earlier_workday_deadline",
    "nth_workday_after",
    "nth_workday_before",
    "touches_provisional",
    "working_days_between",
    "workday_deadline",
]

SHANGHAI = ZoneInfo("Asia/Shanghai")
"""Time zone in which working days and closing times are reckoned."""

DEFAULT_CLOSE = time(17, 30)
"""Default close of business: a limit ends at this local time on its last working day."""

MAX_WORKDAYS = 3650
"""Upper bound on a limit in working days; anything larger is a data error, not a limit."""


class CalendarUnknownDayError(LookupError):
    """Raised for a day the calendar has no data for, so no deadline is ever silently guessed."""

    def __init__(self, day: date) -> None:
        """Keep the offending day so callers can report which calendar entry is missing."""
        self.day = day
        super().__init__(f"working-day calendar has no entry for {day.isoformat()}")

    def __reduce__(self) -> tuple[type[CalendarUnknownDayError], tuple[date]]:
        """Pickle by the day, because the default would pass the message back as the day."""
        return (type(self), (self.day,))


@runtime_checkable
class WorkingCalendar(Protocol):
    """Source of truth for which days are working days, so the data source can be swapped."""

    def is_workday(self, day: date) -> bool:
        """Say whether `day` is a working day; raise CalendarUnknownDayError outside known data."""
        ...


def _official_is_workday(day: date) -> bool:
    """Ask chinese_calendar, translating its out-of-range error into our domain error."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError as exc:
        raise CalendarUnknownDayError(day) from exc


class ChineseOfficialCalendar:
    """China's State Council calendar (weekends, statutory holidays and 调休) via chinese_calendar."""

    def __init__(self) -> None:
        """Give each instance its own cache; it stays bounded because unknown days raise, uncached."""
        self._lookup = lru_cache(maxsize=None)(_official_is_workday)

    def is_workday(self, day: date) -> bool:
        """Say whether `day` is a working day, caching because deadline scans repeat lookups."""
        return self._lookup(_require_date(day, "day"))


def days_of_year(year: int) -> list[date]:
    """Return every calendar day of `year` in order."""
    first = date(year, 1, 1)
    return [first + timedelta(days=i) for i in range((date(year + 1, 1, 1) - first).days)]


def _require_date(value: date, name: str) -> date:
    """Refuse datetimes where a calendar day is meant, since their local date is ambiguous."""
    if isinstance(value, datetime):
        raise TypeError(f"{name} must be a date, not a datetime (use workday_deadline for instants)")
    if not isinstance(value, date):
        raise TypeError(f"{name} must be a date, got {type(value).__name__}")
    return value


def _require_aware(value: datetime, name: str) -> datetime:
    """Refuse naive datetimes, because an instant without a zone cannot be placed on a calendar."""
    if not isinstance(value, datetime):
        raise TypeError(f"{name} must be a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {value.isoformat()}")
    return value


def nth_workday_after(calendar: WorkingCalendar, day: date, n: int) -> date:
    """Return the Nth working day strictly after `day`, because the acceptance day never counts."""
    return _walk_workdays(calendar, day, n, timedelta(days=1))


def nth_workday_before(calendar: WorkingCalendar, day: date, n: int) -> date:
    """Return the Nth working day strictly before `day`: a limit cut by N days ends N working days sooner."""
    return _walk_workdays(calendar, day, n, timedelta(days=-1))


def _walk_workdays(calendar: WorkingCalendar, day: date, n: int, step: timedelta) -> date:
    _require_date(day, "day")
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"n must be an int, got {type(n).__name__}")
    if not 1 <= n <= MAX_WORKDAYS:
        raise ValueError(f"n must be between 1 and {MAX_WORKDAYS} working days, got {n}")
    current = day
    remaining = n
    while remaining:
        current += step
        if calendar.is_workday(current):
            remaining -= 1
    return current


def workday_deadline(
    calendar: WorkingCalendar,
    start: datetime,
    n: int,
    close: time = DEFAULT_CLOSE,
) -> datetime:
    """Return the close of the Nth working day after `start`'s Shanghai date, as the legal deadline."""
    _require_aware(start, "start")
    if close.tzinfo is not None:
        raise ValueError("close must be a naive local time; it is always read in Asia/Shanghai")
    local_day = start.astimezone(SHANGHAI).date()
    last_day = nth_workday_after(calendar, local_day, n)
    return datetime.combine(last_day, close, tzinfo=SHANGHAI)


def earlier_workday_deadline(calendar: WorkingCalendar, due: datetime, n: int,
                             close: time = DEFAULT_CLOSE) -> datetime:
    """Return the close of the Nth working day before `due`'s Shanghai date: a deadline moved sooner."""
    _require_aware(due, "due")
    if close.tzinfo is not None:
        raise ValueError("close must be a naive local time; it is always read in Asia/Shanghai")
    first_day = nth_workday_before(calendar, due.astimezone(SHANGHAI).date(), n)
    return datetime.combine(first_day, close, tzinfo=SHANGHAI)


def working_days_between(calendar: WorkingCalendar, start: date, end: date) -> int:
    """Count working days d with start < d <= end, e.g. to show how many working days are left."""
    _require_date(start, "start")
    _require_date(end, "end")
    count = 0
    current = start
    while current < end:
        current += timedelta(days=1)
        if calendar.is_workday(current):
            count += 1
    return count


def touches_provisional(calendar: WorkingCalendar, start: date, end: date) -> bool:
    """Tell whether any day from `start` to `end` is counted by a provisional year's rule.

    A deadline reckoned over such a day may still move when the official notice is loaded, so it
    is shown as 暂定. Calendars without provisional years (the packaged official one) never are.
    """
    check = getattr(calendar, "is_provisional_year", None)
    if check is None or end < start:
        return False
    return any(check(year) for year in range(start.year, end.year + 1))


@runtime_checkable
class Clock(Protocol):
    """Source of the current instant, injected so deadline logic can be tested deterministically."""

    def now(self) -> datetime:
        """Return the current instant as a timezone-aware datetime."""
        ...


class SystemClock:
    """The real clock, in UTC because storage is UTC."""

    def now(self) -> datetime:
        """Return the current instant in UTC."""
        return datetime.now(UTC)


class StartedClock:
    """A clock that starts at a chosen instant and then runs at real speed.

    For a whole server process in development and browser tests (set by ONEWINDOW_CLOCK_START):
    pages refresh, timers fire, but on the date the test chose.
    """

    def __init__(self, start: datetime, monotonic: Callable[[], float] = time_module.monotonic) -> None:
        """Remember where the clock starts and the real moment it starts there."""
        self._start = _require_aware(start, "start").astimezone(UTC)
        self._monotonic = monotonic
        self._started = monotonic()

    def now(self) -> datetime:
        """Return the start plus the real time elapsed since, in UTC."""
        return self._start + timedelta(seconds=self._monotonic() - self._started)


class FixedClock:
    """A clock that only moves when told to, so tests can pin 'now'."""

    def __init__(self, at: datetime) -> None:
        """Start at `at`, which must be aware so tests cannot smuggle in naive times."""
        self._now = _require_aware(at, "at").astimezone(UTC)

    def now(self) -> datetime:
        """Return the pinned instant in UTC, mirroring SystemClock."""
        return self._now

    def set(self, dt: datetime) -> None:
        """Jump to `dt`, which must be aware for the same reason as the constructor."""
        self._now = _require_aware(dt, "dt").astimezone(UTC)

    def advance(self, delta: timedelta) -> datetime:
        """Move forward (or back, if negative) by `delta` and return the new instant for convenience."""
        if not isinstance(delta, timedelta):
            raise TypeError(f"delta must be a timedelta, got {type(delta).__name__}")
        self._now += delta
        return self._now
