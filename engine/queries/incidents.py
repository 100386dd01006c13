"""Instances an engine error stopped: the administrators' list to retry from."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Instance

__all__ = ["incidents"]


def incidents(session: Session, limit: int = 200) -> list[Instance]:
    """Instances an engine error stopped, newest first: the administrators' list to retry from."""
    return list(session.scalars(select(Instance).where(Instance.status == "incident")
                                .order_by(Instance.updated_at.desc(), Instance.id.desc()).limit(limit)))
