"""Which instances have a warning level whose time has come: what the warning sweep works through."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import TaskRecord

__all__ = ["instances_with_due_warnings"]


def instances_with_due_warnings(session: Session, now: datetime, limit: int = 500) -> list[int]:
    """Return instances with a task whose next level change is due, reading only that index."""
    rows = session.execute(
        select(TaskRecord.instance_id).where(TaskRecord.next_warning_at.is_not(None),
                                             TaskRecord.next_warning_at <= now)
        .order_by(TaskRecord.next_warning_at).limit(limit)
    )
    return list(dict.fromkeys(r[0] for r in rows))
