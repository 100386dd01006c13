"""Evaluation sessions the bureau holds (述职, 质询评议, 社会调查): what the system cannot measure itself.

The founding documents weigh a department's evaluation as daily evaluation 30 %, the mid-year report
(年中述职) 20 %, public questioning (质询评议) 25 % and a social survey (社会调查) 25 %. The daily part
is the monthly score computed from the data (monitor/queries/scores.py); the other three are held as
sessions where raters give scores from 0 to 100, entered by the bureau or imported from a sheet.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Float, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.models import Base, UTCDateTime

__all__ = ["COMPOSITE_WEIGHTS", "EVALUATION_KINDS", "EvaluationScore", "EvaluationSession"]

EVALUATION_KINDS = ("report", "questioning", "survey")
"""年中述职 (mid-year report), 质询评议 (public questioning), 社会调查 (social survey)."""
COMPOSITE_WEIGHTS = {"daily": 0.30, "report": 0.20, "questioning": 0.25, "survey": 0.25}
"""The composite of the founding documents: each part out of 100, weighted to a total out of 100."""


class EvaluationSession(Base):
    """One session of one kind about one department: when it was held, and by whom it was entered."""

    __tablename__ = "evaluation_session"
    __table_args__ = (Index("ix_evaluation_session_department", "department_code", "held_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    department_code: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(255))
    held_on: Mapped[date] = mapped_column(Date)
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime())
    entered_by: Mapped[str] = mapped_column(String(64))


class EvaluationScore(Base):
    """One rater's score in a session, from 0 to 100."""

    __tablename__ = "evaluation_score"
    __table_args__ = (Index("ix_evaluation_score_session", "session_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("evaluation_session.id"))
    rater: Mapped[str] = mapped_column(String(64))
    score: Mapped[float] = mapped_column(Float)
