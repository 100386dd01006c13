"""Score periods: a Beijing month `YYYY-MM` or quarter `YYYY-Qn`, from local midnight to local midnight."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from engine.workdays import SHANGHAI

__all__ = ["Period", "in_period", "parse_period", "year_to_period_end"]

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")


@dataclass(frozen=True)
class Period:
    """A month or quarter as the half-open interval [start, end) of Beijing local midnights."""

    label: str
    start: datetime
    end: datetime


def parse_period(text: str) -> Period:
    """Read `2026-11` or `2026-Q4`; raise ValueError for anything else."""
    text = (text or "").strip().upper()
    if match := _MONTH.fullmatch(text):
        year, first, months = int(match.group(1)), int(match.group(2)), 1
    elif match := _QUARTER.fullmatch(text):
        year, first, months = int(match.group(1)), 3 * int(match.group(2)) - 2, 3
    else:
        raise ValueError("period must be a month like 2026-11 or a quarter like 2026-Q4")
    if not 2000 <= year <= 2100:
        raise ValueError("period year must be between 2000 and 2100")
    after = first + months
    end_year, end_month = (year + 1, after - 12) if after > 12 else (year, after)
    return Period(text, datetime(year, first, 1, tzinfo=SHANGHAI),
                  datetime(end_year, end_month, 1, tzinfo=SHANGHAI))


def year_to_period_end(period: Period) -> tuple[date, date]:
    """1 January of the period's year and the period's last day (Beijing dates)."""
    start = period.start.astimezone(SHANGHAI).date()
    return date(start.year, 1, 1), (period.end.astimezone(SHANGHAI) - timedelta(days=1)).date()


def in_period(column: Any, period: Period) -> Any:
    """SQL for start <= column < end."""
    return (column >= period.start) & (column < period.end)
