"""Figures over time for the bureau's charts: warnings per day, complaints per month, alerts today."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.models import WarningEvent
from engine.workdays import SHANGHAI

from ..local_dates import as_date, local_date_sql
from ..models import Alert, Complaint

__all__ = ["alerts_today", "complaints_by_month", "local_midnight", "warnings_by_day"]

RAISED_LEVELS = ("yellow", "red", "escalated")


def local_midnight(day: date) -> datetime:
    """The instant a Beijing calendar day starts."""
    return datetime.combine(day, time(0), SHANGHAI)


def warnings_by_day(session: Session, now: datetime, days: int = 30) -> list[dict[str, Any]]:
    """How many items turned yellow, red or escalated on each of the last `days` Beijing days."""
    today = now.astimezone(SHANGHAI).date()
    first = today - timedelta(days=days - 1)
    day = local_date_sql(session, WarningEvent.at)
    rows = session.execute(
        select(day, WarningEvent.level_to, func.count())
        .where(WarningEvent.at >= local_midnight(first), WarningEvent.level_to.in_(RAISED_LEVELS))
        .group_by(day, WarningEvent.level_to))
    counts = {(as_date(d), level): n for d, level, n in rows}
    return [{"day": (first + timedelta(days=i)).isoformat(),
             **{level: counts.get((first + timedelta(days=i), level), 0) for level in RAISED_LEVELS}}
            for i in range(days)]


def _month_back(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def complaints_by_month(session: Session, now: datetime, months: int = 12) -> list[dict[str, Any]]:
    """Complaints filed in each of the last `months` months (this one included), by Beijing date."""
    this_month = now.astimezone(SHANGHAI).date().replace(day=1)
    first = _month_back(this_month, months - 1)
    day = local_date_sql(session, Complaint.filed_at)
    per_month: Counter[str] = Counter()
    for filed, count in session.execute(select(day, func.count())
                                        .where(Complaint.filed_at >= local_midnight(first)).group_by(day)):
        per_month[as_date(filed).strftime("%Y-%m")] += count
    labels = [_month_back(this_month, months - 1 - i).strftime("%Y-%m") for i in range(months)]
    return [{"month": label, "count": per_month.get(label, 0)} for label in labels]


def alerts_today(session: Session, now: datetime) -> dict[str, Any]:
    """Alerts opened since Beijing midnight, in total and by source."""
    since = local_midnight(now.astimezone(SHANGHAI).date())
    rows = session.execute(select(Alert.source, func.count()).where(Alert.opened_at >= since)
                           .group_by(Alert.source))
    by_source = {source: n for source, n in rows}
    return {"since": since, "total": sum(by_source.values()), "by_source": by_source}
