"""A year of the working-day calendar as the administrator's page shows it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..calendar_store import DatabaseCalendar
from ..commands.calendar import MAX_YEAR, MIN_YEAR
from ..exceptions import NotFoundError
from ..models import DEFAULT_CENTRE, CalendarDay
from ..provisional_calendar import provisional_days

__all__ = ["CalendarYear", "calendar_year"]


@dataclass(frozen=True)
class CalendarYear:
    """Every day of a year, official when loaded, else as the provisional reckoning assumes it."""

    year: int
    provisional: bool
    days: list[tuple[date, bool, str | None]]


def calendar_year(session: Session, calendar: DatabaseCalendar, year: int) -> CalendarYear:
    """The official rows of a year, else its provisional days, else 404 (years before the first loaded one).

    The same fallback the deadlines use, so the page shows the days the deadlines were reckoned on.
    """
    rows: list[tuple[date, bool, str | None]] = []
    if MIN_YEAR <= year <= MAX_YEAR:
        rows = [(day, flag, note) for day, flag, note in session.execute(
            select(CalendarDay.day, CalendarDay.is_workday, CalendarDay.note).where(
                CalendarDay.centre == DEFAULT_CENTRE, CalendarDay.day >= date(year, 1, 1),
                CalendarDay.day < date(year + 1, 1, 1)).order_by(CalendarDay.day))]
    provisional = not rows and MIN_YEAR <= year <= MAX_YEAR and calendar.is_provisional_year(year)
    if provisional:
        rows = list(provisional_days(year))
    if not rows:
        raise NotFoundError(f"工作日历没有{year}年的数据", year=year, centre=DEFAULT_CENTRE)
    return CalendarYear(year, provisional, rows)
