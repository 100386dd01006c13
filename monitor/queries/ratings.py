"""Read paths for ratings: who registered an approval, and the follow-ups a caller may list."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.command_context import Actor
from engine.exceptions import ForbiddenError
from engine.models import Department, Instance, User
from engine.queries.paging import page_of

from ..models import FollowUp, Rating
from ..roles import DEPARTMENT_ROLES, FOLLOW_UP_VIEW_ALL

__all__ = ["approval_rating", "list_follow_ups", "rated_instance", "registering_department"]


def registering_department(session: Session, instance: Instance) -> str | None:
    """Return the department of the staff member who registered the approval (the window), if any."""
    if not instance.created_by:
        return None
    return session.scalar(select(Department.code).join(User, User.department_id == Department.id)
                          .where(User.username == instance.created_by))


def approval_rating(session: Session, instance_id: int) -> Rating | None:
    """The applicant's grade of an approval, if given (one per approval)."""
    return session.scalar(select(Rating).where(Rating.instance_id == instance_id))


def rated_instance(session: Session, rating: Rating) -> Instance | None:
    """Return the approval a rating grades, whose query code the applicant's receipt repeats."""
    return session.get(Instance, rating.instance_id)


def list_follow_ups(session: Session, actor: Actor, *, department: str | None = None, open_only: bool = False,
                    page: int = 1, per_page: int = 50) -> tuple[list[tuple[FollowUp, Rating, Instance]], int]:
    """Return one page of follow-ups the caller may see, soonest due first, and the total count."""
    query: Any = (select(FollowUp, Rating, Instance).join(Rating, Rating.id == FollowUp.rating_id)
                  .join(Instance, Instance.id == Rating.instance_id))
    if actor.role not in FOLLOW_UP_VIEW_ALL:
        if actor.role not in DEPARTMENT_ROLES or actor.department_code is None:
            raise ForbiddenError("只有监察局和各部门可以查看回访整改任务")
        if department is not None and department != actor.department_code:
            raise ForbiddenError("只能查看本部门的回访整改任务")
        department = actor.department_code
    if department is not None:
        query = query.where(FollowUp.department_code == department)
    if open_only:
        query = query.where(FollowUp.done_at.is_(None))
    return page_of(session, query, FollowUp.due_at, FollowUp.id, page=page, per_page=per_page)
