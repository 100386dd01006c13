"""The working-day calendar kept in the `calendar_day` table: cached reads and the official seed."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any

import chinese_calendar
from chinese_calendar.constants import Holiday
from sqlalchemy import Engine, extract, insert, select
from sqlalchemy.orm import Session, sessionmaker

from .database import WRITE_OPTIONS
from .models import DEFAULT_CENTRE, CalendarDay
from .provisional_calendar import provisional_days
from .workdays import CalendarUnknownDayError, days_of_year

__all__ = [
    "CALENDAR_CHANGED",
    "CALENDAR_NEXT_YEAR_MISSING",
    "DEFAULT_RELOAD_SECONDS",
    "MAX_PROVISIONAL_YEAR",
    "OFFICIAL_YEARS",
    "DatabaseCalendar",
    "days_of_year",
    "official_days",
    "seed_from_official",
    "years_loaded",
]

CALENDAR_CHANGED = "calendar.changed"
"""Event emitted after commit by every command that changes calendar rows (payload: centre, year)."""

CALENDAR_NEXT_YEAR_MISSING = "calendar.next_year_missing"
"""Event the scheduler publishes while next year's official calendar is missing (payload: year)."""

DEFAULT_RELOAD_SECONDS = 60.0
"""How old a DatabaseCalendar cache may get before it re-reads the table (other processes' edits)."""

MAX_PROVISIONAL_YEAR = 2100
"""The last year the provisional rule covers; later days stay unknown (no limit runs that far)."""

OFFICIAL_YEARS = range(2004, 2027)
"""The years chinese_calendar 1.11 knows, including 调休; later years must be loaded by an admin."""

# The loader must not take SQLite's write lock: it runs inside commands that already hold it.
_READ_OPTIONS = dict.fromkeys(WRITE_OPTIONS, "DEFERRED")


@dataclass(frozen=True)
class _Snapshot:
    """One centre's days as read at one moment, and when that reading goes stale."""

    days: dict[date, bool]
    expires: float
    official_years: frozenset[int] = frozenset()

    @property
    def first_year(self) -> int | None:
        """The earliest loaded year: days before it are unknown, days after it at worst provisional."""
        return min(self.official_years, default=None)


@lru_cache(maxsize=64)
def _provisional_lookup(year: int) -> dict[date, bool]:
    """Working days of a provisional year as a dict, built once per year per process."""
    return {day: is_workday for day, is_workday, _note in provisional_days(year)}


class DatabaseCalendar:
    """WorkingCalendar over one centre's `calendar_day` rows, cached in memory for deadline loops.

    Any thread may call it: it opens its own short read sessions from the given engine or
    sessionmaker (never a request's session). The cache is dropped by `invalidate()` (this
    process's calendar commands trigger it after commit) and re-read at most `reload_seconds`
    after loading, which is how edits made by other processes arrive.
    """

    def __init__(self, bind: Engine | sessionmaker[Session], centre: str = DEFAULT_CENTRE,
                 reload_seconds: float = DEFAULT_RELOAD_SECONDS,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        """Remember where to read from; nothing is read until the first lookup."""
        if reload_seconds < 0:
            raise ValueError(f"reload_seconds must not be negative, got {reload_seconds}")
        self._sessions = bind if isinstance(bind, sessionmaker) else sessionmaker(bind=bind)
        self.centre = centre
        self.reload_seconds = reload_seconds
        self._monotonic = monotonic
        self._snapshot: _Snapshot | None = None
        self._lock = threading.Lock()

    def is_workday(self, day: date) -> bool:
        """Say whether `day` is a working day: its row, else the provisional rule for a later year.

        Days before the first loaded year (or with no calendar loaded at all) raise
        CalendarUnknownDayError: nothing was ever accepted then, so a lookup there is a bug.
        """
        if type(day) is not date:
            _refuse_non_date(day)
        snapshot = self._current()
        try:
            return snapshot.days[day]
        except KeyError:
            if self._provisional_year(snapshot, day.year):
                return _provisional_lookup(day.year)[day]
            raise CalendarUnknownDayError(day) from None

    def is_provisional_year(self, year: int) -> bool:
        """Tell whether `year` is counted by the provisional rule (no official rows loaded for it)."""
        return self._provisional_year(self._current(), year)

    def official_years(self) -> frozenset[int]:
        """Return the years whose official days are loaded."""
        return self._current().official_years

    @staticmethod
    def _provisional_year(snapshot: _Snapshot, year: int) -> bool:
        """A year after the first loaded one, without rows and within the supported range."""
        first = snapshot.first_year
        return (first is not None and first < year <= MAX_PROVISIONAL_YEAR
                and year not in snapshot.official_years)

    def _current(self) -> _Snapshot:
        """Return the cached days, reloading them when they are older than reload_seconds."""
        snapshot = self._snapshot
        if snapshot is None or self._monotonic() >= snapshot.expires:
            snapshot = self._reload()
        return snapshot

    def invalidate(self) -> None:
        """Forget the cached days so the next lookup re-reads the table."""
        # Taking the lock waits out a load that began before the change committed, then drops it.
        with self._lock:
            self._snapshot = None

    def handle_event(self, name: str, payload: dict[str, Any]) -> None:
        """Executor listener: invalidate after a committed change to this centre's calendar."""
        if name == CALENDAR_CHANGED and payload.get("centre", self.centre) == self.centre:
            self.invalidate()

    def _reload(self) -> _Snapshot:
        """Read the centre's days once, even when many threads find the cache stale together."""
        with self._lock:
            snapshot = self._snapshot
            if snapshot is not None and self._monotonic() < snapshot.expires:
                return snapshot
            with self._sessions() as session:
                session.connection(execution_options=_READ_OPTIONS)
                rows = session.execute(select(CalendarDay.day, CalendarDay.is_workday)
                                       .where(CalendarDay.centre == self.centre))
                days = {day: bool(is_workday) for day, is_workday in rows}
            snapshot = _Snapshot(days, self._monotonic() + self.reload_seconds,
                                 frozenset(day.year for day in days))
            self._snapshot = snapshot
            return snapshot


def _refuse_non_date(value: object) -> None:
    """Refuse datetimes and other types, as the arithmetic in engine.workdays does."""
    if isinstance(value, datetime):
        raise TypeError("day must be a date, not a datetime (use workday_deadline for instants)")
    if not isinstance(value, date):
        raise TypeError(f"day must be a date, got {type(value).__name__}")


def _chinese_name(english: str | None) -> str | None:
    """Translate chinese_calendar's English holiday name to the Chinese one staff know."""
    if english is None:
        return None
    try:
        return Holiday(english).chinese
    except ValueError:
        return english


def official_days(year: int) -> list[tuple[date, bool, str | None]]:
    """Return (day, is_workday, note) for every day of `year` from the State Council calendar."""
    result = []
    for day in days_of_year(year):
        try:
            is_workday = bool(chinese_calendar.is_workday(day))
            _, english = chinese_calendar.get_holiday_detail(day)
        except NotImplementedError as exc:
            raise CalendarUnknownDayError(day) from exc
        name = _chinese_name(english)
        if is_workday and day.weekday() >= 5:
            note: str | None = f"调休上班（{name}）" if name else "调休上班"
        else:
            note = None if is_workday else name
        result.append((day, is_workday, note))
    return result


def years_loaded(session: Session, centre: str = DEFAULT_CENTRE) -> list[int]:
    """Return the years that have at least one row for `centre`, ascending."""
    year = extract("year", CalendarDay.day)
    rows = session.scalars(select(year).where(CalendarDay.centre == centre).distinct().order_by(year))
    return [int(y) for y in rows]


def seed_from_official(session: Session, years: Iterable[int] = OFFICIAL_YEARS,
                       centre: str = DEFAULT_CENTRE) -> list[int]:
    """Insert chinese_calendar's days for each year `centre` has no rows for; return those years.

    Years already present are left alone, so admin edits survive and running it again is a
    no-op. Adds without committing: the caller's transaction decides.
    """
    present = set(years_loaded(session, centre))
    missing = sorted(set(years) - present)
    rows = [{"centre": centre, "day": day, "is_workday": is_workday, "note": note}
            for year in missing for day, is_workday, note in official_days(year)]
    if rows:
        session.execute(insert(CalendarDay), rows)
    return missing
