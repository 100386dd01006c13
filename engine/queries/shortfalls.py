"""容缺 shortfalls: an instance's commitment, and those whose promised documents are overdue."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Shortfall

__all__ = ["instance_shortfall", "missed_shortfall_instances"]


def instance_shortfall(session: Session, instance_id: int) -> Shortfall | None:
    """Return an instance's shortfall, if it was accepted with one."""
    return session.scalar(select(Shortfall).where(Shortfall.instance_id == instance_id))


def missed_shortfall_instances(session: Session, now: datetime, limit: int = 500) -> list[int]:
    """Return instances whose open shortfall is due by `now`, reading the partial due index only."""
    return list(session.scalars(
        select(Shortfall.instance_id).where(Shortfall.status == "open", Shortfall.due_at <= now)
        .order_by(Shortfall.due_at).limit(limit)))
