"""Clock stops (暂停计时) as the instance page and public tracking show them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Pause

__all__ = ["instance_pauses"]


def instance_pauses(session: Session, instance_id: int) -> list[Pause]:
    """Return every clock stop of an instance, oldest first (the history the instance page shows)."""
    return list(session.scalars(select(Pause).where(Pause.instance_id == instance_id).order_by(Pause.id)))
