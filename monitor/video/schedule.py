"""Working hours of a camera: per-weekday hours with a lunch break, holidays from the working-day calendar."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from engine.workdays import SHANGHAI, CalendarUnknownDayError, WorkingCalendar

from .config import DAY_NAMES, DayHours, ScheduleConfig

__all__ = ["WorkingHours"]


class WorkingHours:
    """Answer "do the rules apply at this instant?" for one camera's schedule."""

    def __init__(self, schedule: ScheduleConfig, calendar: WorkingCalendar | None,
                 tz: ZoneInfo = SHANGHAI) -> None:
        self.schedule = schedule
        self.calendar = calendar
        self.tz = tz
        # An adjusted working weekend (调休) keeps the hours of an ordinary weekday.
        self._weekday_hours = next((h for h in schedule.days.values() if h is not None), None)

    def hours_for(self, local: datetime) -> DayHours | None:
        """Return the hours of the local day, or None when the centre is closed that day."""
        hours = self.schedule.days.get(DAY_NAMES[local.weekday()])
        if not self.schedule.use_calendar or self.calendar is None:
            return hours
        try:
            workday = self.calendar.is_workday(local.date())
        except CalendarUnknownDayError:
            return hours  # no calendar data: fall back to the weekday pattern rather than guessing a holiday
        if not workday:
            return None
        return hours or self._weekday_hours

    def is_working(self, instant: datetime) -> bool:
        """Tell whether `instant` (aware) lies in opening hours and outside the lunch break."""
        if self.schedule.always:
            return True
        local = instant.astimezone(self.tz)
        hours = self.hours_for(local)
        if hours is None:
            return False
        now = local.time()
        if not (_t(hours.open) <= now < _t(hours.close)):
            return False
        if hours.lunch_start and hours.lunch_end and _t(hours.lunch_start) <= now < _t(hours.lunch_end):
            return False
        return True


def _t(text: str) -> time:
    return time.fromisoformat(text)
