"""Reading selections: every candidate of one (for the bureau), or only the confirmed (for the public)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Selection

__all__ = ["confirmed_selections", "latest_confirmed_year", "selections_of"]


def selections_of(session: Session, kind: str, period: str) -> list[Selection]:
    """Every candidate of one selection, by rank."""
    return list(session.scalars(select(Selection).where(Selection.kind == kind, Selection.period == period)
                                .order_by(Selection.rank, Selection.id)))


def confirmed_selections(session: Session, kind: str, period: str) -> list[Selection]:
    """The confirmed ones of one selection, by rank: what the public is told."""
    return [s for s in selections_of(session, kind, period) if s.status == "confirmed"]


def latest_confirmed_year(session: Session, kind: str, up_to: str) -> str | None:
    """The latest period up to `up_to` with a confirmed selection of `kind` (the windows the public sees)."""
    confirmed = (Selection.kind == kind) & (Selection.status == "confirmed") & (Selection.period <= up_to)
    latest = select(Selection.period).where(confirmed).order_by(Selection.period.desc()).limit(1)
    return session.scalar(latest)
