"""The editable working-day calendar: one row per day, per service centre."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base

__all__ = ["DEFAULT_CENTRE", "CalendarDay"]

DEFAULT_CENTRE = "default"


class CalendarDay(Base):
    """Whether a day is a working day; a day without a row is unknown, never guessed."""

    __tablename__ = "calendar_day"

    centre: Mapped[str] = mapped_column(String(32), primary_key=True, default=DEFAULT_CENTRE)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    is_workday: Mapped[bool]
    note: Mapped[str | None] = mapped_column(String(200))
