"""Beijing calendar dates of stored UTC instants, computed in SQL on either database."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Date, cast, func, literal_column
from sqlalchemy.orm import Session

__all__ = ["as_date", "local_date_sql"]

_SHANGHAI_OFFSET = "'+8 hours'"  # Asia/Shanghai has kept UTC+8 without daylight saving since 1991


def local_date_sql(session: Session, column: Any) -> Any:
    """SQL for the Beijing date of a stored UTC instant (literals, so GROUP BY matches the SELECT)."""
    if session.get_bind().dialect.name == "postgresql":
        return cast(func.timezone(literal_column("'Asia/Shanghai'"), column), Date)
    return func.date(column, literal_column(_SHANGHAI_OFFSET))


def as_date(value: date | str | None) -> date | None:
    """Accept PostgreSQL's dates and SQLite's ISO strings alike."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)
