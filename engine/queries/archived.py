"""Finding archived applications by the codes people hold: the query code, or the project code."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..models import ArchivedInstance

__all__ = ["archived_by_code", "archived_matching"]


def archived_matching(session: Session, code: str, limit: int = 50) -> list[ArchivedInstance]:
    """Archived applications whose query code or project code is `code` (exact), newest first."""
    return list(session.scalars(
        select(ArchivedInstance).where(or_(ArchivedInstance.query_code == code,
                                           ArchivedInstance.project_code == code))
        .order_by(ArchivedInstance.completed_at.desc()).limit(limit)))


def archived_by_code(session: Session, query_code: str) -> ArchivedInstance | None:
    """The archived application with this query code."""
    return session.scalar(select(ArchivedInstance).where(ArchivedInstance.query_code == query_code))
