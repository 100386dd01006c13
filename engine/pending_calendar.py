"""The calendar as it will be once a calendar change commits, for recomputing deadlines before it does."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from .workdays import WorkingCalendar

__all__ = ["PendingCalendar"]


class PendingCalendar:
    """The changed days laid over the stored calendar.

    The stored calendar is read through its own sessions, which cannot see the rows the calendar
    command has written but not committed; recomputing in the same transaction needs both.
    """

    def __init__(self, stored: WorkingCalendar, changed: Mapping[date, bool]) -> None:
        """Remember the stored calendar and the new value of every day the change sets."""
        self.stored = stored
        self.changed = dict(changed)
        self._years = frozenset(day.year for day in self.changed)

    def is_workday(self, day: date) -> bool:
        """The changed value where there is one, else the stored calendar's."""
        value = self.changed.get(day)
        return self.stored.is_workday(day) if value is None else value

    def is_provisional_year(self, year: int) -> bool:
        """A year the change loads is official from now on; the others are as stored."""
        if year in self._years:
            return False
        check = getattr(self.stored, "is_provisional_year", None)
        return bool(check(year)) if check is not None else False
