"""Tests for the working-day calendar used for legal time limits."""

from __future__ import annotations

import pickle
import random
from datetime import UTC, date, datetime, time, timedelta

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.runtime import EngineRuntime
from engine.workdays import (
    SHANGHAI,
    CalendarUnknownDayError,
    ChineseOfficialCalendar,
    Clock,
    FixedClock,
    SystemClock,
    WorkingCalendar,
    earlier_workday_deadline,
    nth_workday_after,
    nth_workday_before,
    workday_deadline,
    working_days_between,
)

FIRST_KNOWN = date(2004, 1, 1)
LAST_KNOWN = date(2026, 12, 31)


@pytest.fixture
def cal() -> ChineseOfficialCalendar:
    """A fresh calendar per test so caches never leak between tests."""
    return ChineseOfficialCalendar()


def shanghai(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    """Build an aware Shanghai datetime for readable expectations."""
    return datetime(y, m, d, hh, mm, tzinfo=SHANGHAI)


# --- pinned cases -----------------------------------------------------------


def test_pinned_20_working_days_after_2026_09_18(cal: ChineseOfficialCalendar) -> None:
    assert nth_workday_after(cal, date(2026, 9, 18), 20) == date(2026, 10, 22)
    deadline = workday_deadline(cal, shanghai(2026, 9, 18, 10, 0), 20)
    assert deadline == shanghai(2026, 10, 22, 17, 30)
    assert deadline.tzinfo is SHANGHAI
    assert deadline.utcoffset() == timedelta(hours=8)
    assert deadline.isoformat() == "2026-10-22T17:30:00+08:00"
    assert working_days_between(cal, date(2026, 9, 18), date(2026, 10, 22)) == 20


def test_data_assumptions_for_pinned_dates() -> None:
    """Guard the calendar facts the pinned tests rely on, so a data change fails loudly here."""
    # 2026: Sunday 09-20 and Saturday 10-10 are adjusted working days (National Day);
    # 09-25..09-27 Mid-Autumn and 10-01..10-07 National Day are off.
    assert date(2026, 9, 20).weekday() == 6 and chinese_calendar.is_workday(date(2026, 9, 20))
    assert date(2026, 10, 10).weekday() == 5 and chinese_calendar.is_workday(date(2026, 10, 10))
    for d in range(25, 28):
        assert not chinese_calendar.is_workday(date(2026, 9, d))
    for d in range(1, 8):
        assert not chinese_calendar.is_workday(date(2026, 10, d))
    # 2025 Spring Festival: Sunday 01-26 and Saturday 02-08 worked; 01-28..02-04 off.
    assert date(2025, 1, 26).weekday() == 6 and chinese_calendar.is_workday(date(2025, 1, 26))
    assert date(2025, 2, 8).weekday() == 5 and chinese_calendar.is_workday(date(2025, 2, 8))
    for offset in range(8):
        assert not chinese_calendar.is_workday(date(2025, 1, 28) + timedelta(days=offset))


def test_national_day_2026_with_adjusted_saturday(cal: ChineseOfficialCalendar) -> None:
    # Accepted on 2026-09-30, the last working day before the 10-01..10-07 holiday.
    accepted = date(2026, 9, 30)
    assert nth_workday_after(cal, accepted, 1) == date(2026, 10, 8)
    assert nth_workday_after(cal, accepted, 2) == date(2026, 10, 9)
    assert nth_workday_after(cal, accepted, 3) == date(2026, 10, 10)  # Saturday, worked
    assert nth_workday_after(cal, accepted, 4) == date(2026, 10, 12)  # Sunday 10-11 is off
    assert workday_deadline(cal, shanghai(2026, 9, 30, 16, 0), 3) == shanghai(2026, 10, 10, 17, 30)


def test_adjusted_sunday_before_mid_autumn_2026(cal: ChineseOfficialCalendar) -> None:
    # Friday 2026-09-18 -> Saturday 09-19 off, Sunday 09-20 worked.
    assert nth_workday_after(cal, date(2026, 9, 18), 1) == date(2026, 9, 20)
    # Friday 09-25 .. Sunday 09-27 are Mid-Autumn holidays.
    assert nth_workday_after(cal, date(2026, 9, 24), 1) == date(2026, 9, 28)


def test_spring_festival_2025(cal: ChineseOfficialCalendar) -> None:
    accepted = date(2025, 1, 24)  # Friday
    assert nth_workday_after(cal, accepted, 1) == date(2025, 1, 26)  # Sunday, worked
    assert nth_workday_after(cal, accepted, 2) == date(2025, 1, 27)
    assert nth_workday_after(cal, accepted, 3) == date(2025, 2, 5)  # after 01-28..02-04 off
    assert nth_workday_after(cal, accepted, 6) == date(2025, 2, 8)  # Saturday, worked
    assert nth_workday_after(cal, accepted, 7) == date(2025, 2, 10)  # Sunday 02-09 is off
    # Acceptance on a non-working Saturday: the clock still starts the next working day.
    assert nth_workday_after(cal, date(2025, 1, 25), 1) == date(2025, 1, 26)
    assert working_days_between(cal, accepted, date(2025, 2, 10)) == 7


# --- time zones and closing time ------------------------------------------------


def test_utc_evening_is_next_day_in_shanghai(cal: ChineseOfficialCalendar) -> None:
    start = datetime(2026, 9, 17, 18, 0, tzinfo=UTC)  # 2026-09-18 02:00 Shanghai
    assert start.astimezone(SHANGHAI).date() == date(2026, 9, 18)
    assert workday_deadline(cal, start, 20) == shanghai(2026, 10, 22, 17, 30)
    # One hour earlier in UTC terms it is still 09-17 in Shanghai, so 09-18 is day 1.
    earlier = datetime(2026, 9, 17, 15, 59, tzinfo=UTC)  # 23:59 Shanghai
    assert workday_deadline(cal, earlier, 20) == shanghai(2026, 10, 21, 17, 30)


def test_deadline_in_utc_and_custom_close(cal: ChineseOfficialCalendar) -> None:
    deadline = workday_deadline(cal, shanghai(2026, 9, 18, 9), 20)
    assert deadline.astimezone(UTC) == datetime(2026, 10, 22, 9, 30, tzinfo=UTC)
    custom = workday_deadline(cal, shanghai(2026, 9, 18, 9), 20, close=time(17, 0))
    assert custom == shanghai(2026, 10, 22, 17, 0)


def test_naive_datetime_refused(cal: ChineseOfficialCalendar) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        workday_deadline(cal, datetime(2026, 9, 18, 10, 0), 20)


def test_aware_close_refused(cal: ChineseOfficialCalendar) -> None:
    with pytest.raises(ValueError, match="close"):
        workday_deadline(cal, shanghai(2026, 9, 18), 1, close=time(17, 30, tzinfo=UTC))


def test_datetime_where_date_expected_refused(cal: ChineseOfficialCalendar) -> None:
    with pytest.raises(TypeError):
        nth_workday_after(cal, shanghai(2026, 9, 18), 1)
    with pytest.raises(TypeError):
        cal.is_workday(shanghai(2026, 9, 18))


# --- argument validation ---------------------------------------------------------


@pytest.mark.parametrize("n", [0, -1, 3651])
def test_bad_n_refused(cal: ChineseOfficialCalendar, n: int) -> None:
    with pytest.raises(ValueError, match="n must be"):
        nth_workday_after(cal, date(2026, 9, 18), n)
    with pytest.raises(ValueError, match="n must be"):
        workday_deadline(cal, shanghai(2026, 9, 18), n)


def test_non_int_n_refused(cal: ChineseOfficialCalendar) -> None:
    with pytest.raises(TypeError):
        nth_workday_after(cal, date(2026, 9, 18), 1.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        nth_workday_after(cal, date(2026, 9, 18), True)


# --- unknown days ------------------------------------------------------------------


@pytest.mark.parametrize("day", [date(2027, 1, 4), date(2003, 12, 31)])
def test_unknown_year_raises(cal: ChineseOfficialCalendar, day: date) -> None:
    with pytest.raises(CalendarUnknownDayError) as info:
        cal.is_workday(day)
    assert info.value.day == day
    assert str(info.value) == f"working-day calendar has no entry for {day.isoformat()}"
    assert isinstance(info.value, LookupError)
    assert isinstance(info.value.__cause__, NotImplementedError)


def test_unknown_day_error_pickles() -> None:
    err = pickle.loads(pickle.dumps(CalendarUnknownDayError(date(2027, 1, 4))))
    assert err.day == date(2027, 1, 4)
    assert str(err) == "working-day calendar has no entry for 2027-01-04"


def test_limit_running_into_2027_raises(cal: ChineseOfficialCalendar) -> None:
    with pytest.raises(CalendarUnknownDayError) as info:
        workday_deadline(cal, shanghai(2026, 12, 20, 10), 10)
    assert info.value.day == date(2027, 1, 1)
    with pytest.raises(CalendarUnknownDayError):
        working_days_between(cal, date(2026, 12, 30), date(2027, 1, 4))


def test_unknown_day_is_not_cached_as_answer(cal: ChineseOfficialCalendar) -> None:
    for _ in range(2):
        with pytest.raises(CalendarUnknownDayError):
            cal.is_workday(date(2027, 1, 4))


# --- cross-checks against chinese_calendar ----------------------------------------


def _all_known_days() -> list[date]:
    """Every day chinese_calendar has data for."""
    count = (LAST_KNOWN - FIRST_KNOWN).days + 1
    return [FIRST_KNOWN + timedelta(days=i) for i in range(count)]


def test_next_workday_matches_chinese_calendar_everywhere(cal: ChineseOfficialCalendar) -> None:
    days = _all_known_days()
    flags = {d: chinese_calendar.is_workday(d) for d in days}
    # Sweep backwards: next_known[d] is the first workday strictly after d, or None
    # if there is none before the end of the known range.
    next_known: dict[date, date | None] = {}
    following: date | None = None
    for d in reversed(days):
        next_known[d] = following
        if flags[d]:
            following = d
    tail_unknown = 0
    for d in days:
        expected = next_known[d]
        if expected is None:
            tail_unknown += 1
            with pytest.raises(CalendarUnknownDayError) as info:
                nth_workday_after(cal, d, 1)
            assert info.value.day.year == 2027
        else:
            assert nth_workday_after(cal, d, 1) == expected, d
    # Only 2026-12-31 (a Thursday, last known working day) has no known successor.
    assert tail_unknown == 1
    assert cal.is_workday(LAST_KNOWN)


def test_working_days_between_matches_naive_count(cal: ChineseOfficialCalendar) -> None:
    rng = random.Random(20260918)
    span = (LAST_KNOWN - FIRST_KNOWN).days
    for _ in range(40):
        a = FIRST_KNOWN + timedelta(days=rng.randrange(span + 1))
        b = FIRST_KNOWN + timedelta(days=rng.randrange(span + 1))
        start, end = min(a, b), max(a, b)
        if (end - start).days > 400:
            end = start + timedelta(days=rng.randrange(401))
        naive = sum(
            chinese_calendar.is_workday(start + timedelta(days=i)) for i in range(1, (end - start).days + 1)
        )
        assert working_days_between(cal, start, end) == naive, (start, end)
        assert working_days_between(cal, end, start) == 0
    assert working_days_between(cal, date(2026, 9, 18), date(2026, 9, 18)) == 0


def test_between_inverts_nth(cal: ChineseOfficialCalendar) -> None:
    rng = random.Random(7)
    for _ in range(40):
        start = FIRST_KNOWN + timedelta(days=rng.randrange((date(2025, 12, 31) - FIRST_KNOWN).days))
        n = rng.randint(1, 200)
        assert working_days_between(cal, start, nth_workday_after(cal, start, n)) == n


@settings(max_examples=200, deadline=None)
@given(day=st.dates(min_value=date(2005, 1, 1), max_value=LAST_KNOWN), n=st.integers(1, 250))
def test_nth_workday_before_counts_back_as_chinese_calendar_does(day: date, n: int) -> None:
    cal = ChineseOfficialCalendar()
    expected, remaining = day, n  # an independent walk over chinese_calendar's own answers
    while remaining:
        expected -= timedelta(days=1)
        remaining -= chinese_calendar.is_workday(expected)
    assert nth_workday_before(cal, day, n) == expected


@settings(max_examples=200, deadline=None)
@given(start=st.dates(min_value=date(2005, 1, 1), max_value=date(2025, 12, 31)), n=st.integers(1, 120),
       cut=st.integers(1, 120))
def test_a_deadline_moved_sooner_is_the_shorter_limit_from_the_same_start(start: date, n: int, cut: int) -> None:
    """Shortening a 20-day limit to 15 by moving its deadline 5 working days sooner gives the 15-day deadline."""
    cal = ChineseOfficialCalendar()
    accepted = datetime.combine(start, time(10), tzinfo=SHANGHAI)
    longer = workday_deadline(cal, accepted, n + cut)
    assert earlier_workday_deadline(cal, longer, cut) == workday_deadline(cal, accepted, n)
    assert earlier_workday_deadline(cal, longer.astimezone(UTC), cut).tzinfo is not None


def test_moving_a_deadline_sooner_checks_its_arguments(cal: ChineseOfficialCalendar) -> None:
    with pytest.raises(ValueError):
        nth_workday_before(cal, date(2026, 9, 18), 0)
    with pytest.raises(ValueError):
        earlier_workday_deadline(cal, datetime(2026, 9, 18, 17, 30), 1)  # naive
    # The adjusted Saturday 2026-10-10 counts; the National Day holiday 10-01..10-07 does not.
    assert nth_workday_before(cal, date(2026, 10, 12), 1) == date(2026, 10, 10)
    assert nth_workday_before(cal, date(2026, 10, 8), 1) == date(2026, 9, 30)


# --- protocols and clocks --------------------------------------------------------


def test_protocol_conformance() -> None:
    assert isinstance(ChineseOfficialCalendar(), WorkingCalendar)
    assert isinstance(SystemClock(), Clock)
    assert isinstance(FixedClock(shanghai(2026, 9, 18)), Clock)


def test_any_working_calendar_is_accepted() -> None:
    class WeekdaysOnly:
        def is_workday(self, day: date) -> bool:
            return day.weekday() < 5

    assert nth_workday_after(WeekdaysOnly(), date(2026, 10, 2), 1) == date(2026, 10, 5)
    assert working_days_between(WeekdaysOnly(), date(2026, 10, 2), date(2026, 10, 9)) == 5


def test_system_clock_is_aware_utc() -> None:
    now = SystemClock().now()
    assert now.utcoffset() == timedelta(0)


def test_fixed_clock() -> None:
    clock = FixedClock(shanghai(2026, 9, 18, 10, 0))
    assert clock.now() == datetime(2026, 9, 18, 2, 0, tzinfo=UTC)
    assert clock.now().utcoffset() == timedelta(0)
    assert clock.advance(timedelta(hours=1)) == datetime(2026, 9, 18, 3, 0, tzinfo=UTC)
    assert clock.now() == datetime(2026, 9, 18, 3, 0, tzinfo=UTC)
    clock.set(datetime(2026, 10, 1, tzinfo=UTC))
    assert clock.now() == datetime(2026, 10, 1, tzinfo=UTC)


def test_fixed_clock_rejects_naive() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        FixedClock(datetime(2026, 9, 18, 10, 0))
    clock = FixedClock(datetime(2026, 9, 18, tzinfo=UTC))
    with pytest.raises(ValueError, match="timezone-aware"):
        clock.set(datetime(2026, 9, 19))
    with pytest.raises(TypeError):
        clock.advance(3600)  # type: ignore[arg-type]


@given(start=st.dates(min_value=date(2010, 1, 1), max_value=date(2026, 10, 31)),
       hour=st.integers(min_value=0, max_value=23), n=st.integers(min_value=1, max_value=25),
       later=st.integers(min_value=0, max_value=40))
@settings(max_examples=150, deadline=None)
def test_workdays_left_counts_the_days_chinese_calendar_says_remain(
        start: date, hour: int, n: int, later: int) -> None:
    """workdays_left(workdays(n)) is n on the day it was set, then counts down by chinese_calendar's days.

    Never below 1: a step started after the deadline still gets a day (EngineRuntime.workdays_left).
    """
    clock = FixedClock(datetime.combine(start, time(hour), SHANGHAI))
    runtime = EngineRuntime(clock, ChineseOfficialCalendar())
    due = runtime.workdays(n)
    assert runtime.workdays_left(due) == n
    today = start + timedelta(days=later)
    due_day = datetime.fromisoformat(due).date()
    clock.set(datetime.combine(today, time(9), SHANGHAI))
    expected = sum(1 for k in range(1, (due_day - today).days + 1)
                   if chinese_calendar.is_workday(today + timedelta(days=k)))  # independent: the package itself
    assert runtime.workdays_left(due) == max(1, expected)
