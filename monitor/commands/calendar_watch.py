"""Watch that next year's official working-day calendar is loaded in time.

Until it is, deadlines reaching into next year are provisional (weekends and statutory holidays
only). From a configured day of the year (1 November by default) the bureau and the
administrators get one alert per missing year; it closes itself once the year is loaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import exists, select

from engine.command_context import CommandContext
from engine.models import DEFAULT_CENTRE, CalendarDay
from engine.workdays import SHANGHAI

from ..models import Alert, AlertSignal
from .alerts import close_alert, open_alert

__all__ = ["CALENDAR_ALERT_KIND", "CalendarWatch", "WatchCalendarCommand", "calendar_alert_key"]

CALENDAR_ALERT_KIND = "calendar_missing"


def calendar_alert_key(year: int) -> str:
    """The one live alert per missing year."""
    return f"calendar:{year}"


@dataclass(frozen=True)
class CalendarWatch:
    """What one check found: the year watched, whether it is loaded, whether an alert is open now."""

    year: int
    official: bool
    alert_open: bool


@dataclass(frozen=True)
class WatchCalendarCommand:
    """Raise (or keep) the alert while next year is missing past `warning_from`; close it once loaded."""

    warning_from: tuple[int, int] = (11, 1)
    centre: str = DEFAULT_CENTRE

    def execute(self, ctx: CommandContext) -> CalendarWatch:
        """Check next year (and close alerts of years loaded since)."""
        session, now = ctx.session, ctx.now()
        today = now.astimezone(SHANGHAI).date()
        year = today.year + 1
        official = _loaded(ctx, year, self.centre)
        for alert in session.scalars(select(Alert).where(Alert.kind == CALENDAR_ALERT_KIND,
                                                         Alert.state != "closed")):
            watched = (alert.details or {}).get("year")
            if isinstance(watched, int) and _loaded(ctx, watched, self.centre):
                close_alert(alert, now)
        due = (today.month, today.day) >= self.warning_from
        if official or not due:
            return CalendarWatch(year, official, False)
        open_alert(ctx, AlertSignal(
            source="calendar", kind=CALENDAR_ALERT_KIND, level="yellow", dedup_key=calendar_alert_key(year),
            subject=f"calendar:{year}", title=f"{year}年工作日历尚未导入（期限暂按法定节假日计算）",
            details={"year": year, "checked_on": today.isoformat()}), now)
        return CalendarWatch(year, official, True)


def _loaded(ctx: CommandContext, year: int, centre: str) -> bool:
    """Whether the centre has official rows for `year`, read in the command's own transaction."""
    in_year = (CalendarDay.day >= date(year, 1, 1), CalendarDay.day < date(year + 1, 1, 1))
    return bool(ctx.session.scalar(select(exists().where(CalendarDay.centre == centre, *in_year))))
