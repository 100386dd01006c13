"""Read an engine table as an outbox in commit order, on SQLite and on PostgreSQL alike.

Supervision is not told about engine facts: it polls the engine's tables (the scheduler runs the
feeds every sweep, monitor.commands.feeds) and remembers here how far each feed has read.

Ids are taken when a row is inserted, but transactions commit in any order: on PostgreSQL a unit of
work may insert id 7, commit after another one's id 8 was read, and a cursor that had moved to 8
would never read 7 (no alert, no score). So a feed keeps, beside its low-water mark (every id at or
below it is handled), the ids it handled above the mark (`monitor_fed`). Each read takes the rows
above the mark that are not handled yet, whenever they committed. The mark only moves past rows
older than a grace period that is longer than any transaction lasts, and forgets the handled ids
below it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, delete, exists, func, insert, select
from sqlalchemy.orm import Session

from .models import FedEvent, MonitorCursor

__all__ = ["COMMIT_GRACE", "Outbox"]

COMMIT_GRACE = timedelta(minutes=30)
"""Longer than any transaction that writes engine facts may run (a unit of work is budgeted in seconds;
a whole-year calendar upload recomputing every open deadline is the longest)."""


class Outbox:
    """One feed over one engine table (a model with integer `id` and `at`), under a named cursor row."""

    def __init__(self, session: Session, name: str, model: Any, *criteria: ColumnElement[bool]) -> None:
        """Lock the feed's cursor (several schedulers take turns) and remember what rows it reads."""
        self.session, self.name, self.model, self.criteria = session, name, model, criteria
        cursor = session.scalar(select(MonitorCursor).where(MonitorCursor.name == name).with_for_update())
        if cursor is None:
            cursor = MonitorCursor(name=name, last_id=0)
            session.add(cursor)
            session.flush()
        self.cursor = cursor

    def unread(self, batch: int) -> Sequence[Any]:
        """Rows above the mark that this feed has not handled, oldest id first."""
        model = self.model
        handled = exists().where(FedEvent.feed == self.name, FedEvent.event_id == model.id)
        query = select(model).where(model.id > self.cursor.last_id, *self.criteria, ~handled)
        return self.session.scalars(query.order_by(model.id).limit(batch)).all()

    def handled(self, rows: Sequence[Any]) -> None:
        """Record rows as handled, in the same transaction as what handling them wrote."""
        if rows:
            self.session.execute(insert(FedEvent), [{"feed": self.name, "event_id": r.id} for r in rows])

    def advance(self, now: datetime, read: Sequence[Any], batch: int) -> None:
        """Move the mark past rows old enough that no transaction can still add one below them."""
        model = self.model
        mark = self.session.scalar(select(func.max(model.id)).where(
            model.id > self.cursor.last_id, model.at < now - COMMIT_GRACE))
        if mark is None:
            return
        if len(read) >= batch:  # rows were left for the next read: the mark stays below them
            mark = min(mark, read[-1].id)
        self.cursor.last_id = max(self.cursor.last_id, mark)
        self.session.execute(delete(FedEvent).where(FedEvent.feed == self.name,
                                                    FedEvent.event_id <= self.cursor.last_id))
