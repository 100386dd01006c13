"""Applicant ratings (好差评) and their follow-ups: the tables, and who a rating concerns.

Rules, all settings in `RatingSettings`:

- Grades are 1 to 5; 1 and 2 are a bad review (差评).
- The department a rating concerns is the one that finished the approval: the department of the
  task completed last. When several tasks share that completion instant, the lead department's
  step wins (a `bpmn_id` with a `lead` part, as in `s1_lead_decide`), then the task created last,
  then the smallest `bpmn_id`, so the choice never depends on row order. An approval without a
  completed task falls back to the department of the staff member who registered it (the window).
- A bad review opens two follow-ups for that department: a call-back (回访) due at the close of the
  1st working day after the rating and a fix (整改) due at the close of the 15th, counted on the
  centre's working-day calendar like every legal limit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.models import Base, TaskRecord, UTCDateTime

__all__ = ["FOLLOW_UP_KINDS", "GRADES", "MAX_COMMENT", "FollowUp", "Rating", "RatingSettings",
           "handling_department"]

GRADES = (1, 2, 3, 4, 5)
MAX_COMMENT = 1000
FOLLOW_UP_KINDS = ("callback", "fix")


class Rating(Base):
    """An applicant's grade (1-5) of a completed approval; the bottom two are a bad review."""

    __tablename__ = "rating"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("instance.id"), unique=True)
    grade: Mapped[int]
    comment: Mapped[str | None] = mapped_column(Text)
    rated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class FollowUp(Base):
    """Work a bad review creates for a department: a call-back (1 working day) and a fix (15)."""

    __tablename__ = "follow_up"
    __table_args__ = (Index("ix_follow_up_department", "department_code", "done_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rating_id: Mapped[int] = mapped_column(ForeignKey("rating.id"))
    kind: Mapped[str] = mapped_column(String(16))  # callback | fix
    department_code: Mapped[str] = mapped_column(String(32))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    done_by: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)


@dataclass(frozen=True)
class RatingSettings:
    """Which grades are a bad review and how many working days each follow-up gets."""

    bad_grades: frozenset[int] = field(default_factory=lambda: frozenset({1, 2}))
    callback_working_days: int = 1
    fix_working_days: int = 15

    def is_bad(self, grade: int) -> bool:
        """Tell a bad review (差评) from the rest."""
        return grade in self.bad_grades


def _lead_step(task: TaskRecord) -> bool:
    """Tell the lead department's step by the naming convention `s<N>_lead_<verb>`."""
    return "lead" in task.bpmn_id.lower().split("_")


def handling_department(tasks: Sequence[TaskRecord]) -> str | None:
    """Return the department of the task completed last (ties: the lead's step); None if none completed."""
    done = [t for t in tasks if t.status == "completed" and t.completed_at is not None]
    if not done:
        return None
    last = max(t.completed_at for t in done if t.completed_at is not None)
    tied = [t for t in done if t.completed_at == last]
    tied.sort(key=lambda t: (not _lead_step(t), -t.created_at.timestamp(), t.bpmn_id))
    return tied[0].department_code
