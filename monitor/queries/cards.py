"""Read paths for yellow and red cards: the most recent ones the caller may list."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.command_context import Actor

from ..models import Card
from .visibility import listed_departments

__all__ = ["MAX_CARDS", "recent_cards"]

MAX_CARDS = 500
"""The card list is not paged; it stops at this many, newest first, as its API schema states."""


def recent_cards(session: Session, actor: Actor, *, department: str | None = None,
                 active: bool | None = None) -> list[Card]:
    """Return the newest cards the caller may list (at most MAX_CARDS): active (not lifted), lifted or all."""
    query = listed_departments(select(Card), Card.department_code, actor, department)
    if active is True:
        query = query.where(Card.lifted_at.is_(None))
    elif active is False:
        query = query.where(Card.lifted_at.is_not(None))
    return list(session.scalars(query.order_by(Card.issued_at.desc(), Card.id.desc()).limit(MAX_CARDS)))
