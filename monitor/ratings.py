"""Applicant ratings (好差评): who a rating concerns, and the follow-ups a bad review opens.

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
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.command_context import Actor
from engine.exceptions import ForbiddenError
from engine.models import Department, Instance, TaskRecord, User
from engine.runtime import EngineRuntime
from engine.workdays import workday_deadline

from .models import FollowUp, Rating
from .roles import DEPARTMENT_ROLES, FOLLOW_UP_VIEW_ALL

__all__ = ["FOLLOW_UP_KINDS", "GRADES", "MAX_COMMENT", "RatingSettings", "follow_up_deadlines",
           "handling_department", "list_follow_ups", "registering_department"]

GRADES = (1, 2, 3, 4, 5)
MAX_COMMENT = 1000
FOLLOW_UP_KINDS = ("callback", "fix")


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


def registering_department(session: Session, instance: Instance) -> str | None:
    """Return the department of the staff member who registered the approval (the window), if any."""
    if not instance.created_by:
        return None
    return session.scalar(select(Department.code).join(User, User.department_id == Department.id)
                          .where(User.username == instance.created_by))


def follow_up_deadlines(runtime: EngineRuntime, settings: RatingSettings,
                        now: datetime) -> dict[str, datetime]:
    """Return the due time of each follow-up a bad review given at `now` opens."""
    days = {"callback": settings.callback_working_days, "fix": settings.fix_working_days}
    return {kind: workday_deadline(runtime.calendar, now, n, runtime.workday_close)
            for kind, n in days.items()}


def list_follow_ups(session: Session, actor: Actor, *, department: str | None = None, open_only: bool = False,
                    page: int = 1, per_page: int = 50) -> tuple[list[tuple[FollowUp, Rating, Instance]], int]:
    """Return one page of follow-ups the caller may see, soonest due first, and the total count."""
    query: Any = (select(FollowUp, Rating, Instance).join(Rating, Rating.id == FollowUp.rating_id)
                  .join(Instance, Instance.id == Rating.instance_id))
    if actor.role not in FOLLOW_UP_VIEW_ALL:
        if actor.role not in DEPARTMENT_ROLES or actor.department_code is None:
            raise ForbiddenError("only supervision and departments see follow-ups")
        if department is not None and department != actor.department_code:
            raise ForbiddenError("you may only list your own department's follow-ups")
        department = actor.department_code
    if department is not None:
        query = query.where(FollowUp.department_code == department)
    if open_only:
        query = query.where(FollowUp.done_at.is_(None))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.execute(query.order_by(FollowUp.due_at, FollowUp.id)
                           .offset((page - 1) * per_page).limit(per_page)).all()
    return [(f, r, i) for f, r, i in rows], total
