"""Department display names, for pages that show codes."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Department

__all__ = ["department_names"]


def department_names(session: Session) -> dict[str, str]:
    """Map department codes to display names (a small table, read whole)."""
    return {code: name for code, name in session.execute(select(Department.code, Department.name))}
