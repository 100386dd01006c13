"""The provisional working-day rule for a year whose official holiday notice is not loaded yet.

The State Council publishes next year's holiday arrangement (放假安排) late in the year, sometimes in
December, while applications accepted in December already have deadlines in January. Until the
notice is loaded, such a year counts weekends as days off plus the statutory holidays that the
national holiday regulation (全国年节及纪念日放假办法, as revised in force from 2025) fixes:
元旦 1 day, 春节 4 days from 除夕, 清明 1, 劳动节 2, 端午 1, 中秋 1, 国庆 3. Adjusted working
weekends (调休) cannot be known before the notice, so there are none.

The lunar dates come from the maintained `holidays` package. We keep only the statutory days it
names and drop its "observed" and "substituted" days, which are not part of the regulation.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import holidays

from .workdays import days_of_year

__all__ = ["PROVISIONAL_NOTE", "STATUTORY_NAMES", "provisional_days", "statutory_holidays"]

STATUTORY_NAMES = frozenset({"元旦", "农历除夕", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节"})
"""The names `holidays` gives (language zh_CN) to the days the regulation makes holidays."""

PROVISIONAL_NOTE = "暂定"
"""Suffix of every note in a provisional year, so nobody mistakes it for the official notice."""


@lru_cache(maxsize=64)
def statutory_holidays(year: int) -> dict[date, str]:
    """Return {day: festival name} for the statutory holidays of `year` (lunar dates included)."""
    calendar = holidays.China(years=year, observed=False, language="zh_CN")
    result: dict[date, str] = {}
    for day, names in calendar.items():
        statutory = [n.strip() for n in names.split(";") if n.strip() in STATUTORY_NAMES]
        if statutory and day.year == year:
            result[day] = "、".join("春节" if n == "农历除夕" else n for n in dict.fromkeys(statutory))
    return result


@lru_cache(maxsize=64)
def provisional_days(year: int) -> tuple[tuple[date, bool, str | None], ...]:
    """Return (day, is_workday, note) for every day of `year` under the provisional rule."""
    holidays_of_year = statutory_holidays(year)
    result = []
    for day in days_of_year(year):
        name = holidays_of_year.get(day)
        if name is not None:
            result.append((day, False, f"{name}（{PROVISIONAL_NOTE}）"))
        else:
            result.append((day, day.weekday() < 5, None))
    return tuple(result)
