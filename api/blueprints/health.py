"""Health: the database answers, and how far the timer sweep lags behind (from the timer rows).

Counters come from the `timer` table rather than process memory, so every app process reports the
same figures whichever scheduler process did the work.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from marshmallow import Schema, fields
from sqlalchemy import func, select

from engine.models import TimerRecord

from ..extensions import Blueprint, db, services
from ..presenters import iso

blp = Blueprint("health", __name__, url_prefix="/api/health", description="Health")


class TimerHealthSchema(Schema):
    """Timer backlog figures an operator watches to see that sweepers keep up."""

    due_unfired = fields.Integer(metadata={"description": "timers due now but not fired yet"})
    claimed = fields.Integer(metadata={"description": "timers a sweeper holds a lease on"})
    pending = fields.Integer(metadata={"description": "timers waiting for their due time"})
    fired_last_hour = fields.Integer()
    oldest_due_unfired = fields.String(allow_none=True)
    lag_seconds = fields.Float(metadata={"description": "now minus the due time of the oldest unfired timer"})


class HealthSchema(Schema):
    """Liveness for load balancers and operators: database reachable, timers not falling behind."""

    status = fields.String()
    database = fields.String()
    timers = fields.Nested(TimerHealthSchema)
    timer_lag_seconds = fields.Float()


@blp.route("", methods=["GET"])
@blp.response(200, HealthSchema)
def health() -> dict[str, Any]:
    """Report the backend and the timer backlog."""
    now = services().runtime.clock.now()
    live = TimerRecord.state.in_(("pending", "claimed"))
    oldest = db.session.scalar(select(func.min(TimerRecord.due_at)).where(live, TimerRecord.due_at < now))
    due_unfired = db.session.scalar(select(func.count()).where(live, TimerRecord.due_at < now)) or 0
    claimed = db.session.scalar(select(func.count()).where(TimerRecord.state == "claimed")) or 0
    pending = db.session.scalar(select(func.count()).where(TimerRecord.state == "pending")) or 0
    fired = db.session.scalar(select(func.count()).where(
        TimerRecord.state == "fired", TimerRecord.fired_at >= now - timedelta(hours=1))) or 0
    lag = (now - oldest).total_seconds() if oldest else 0.0
    return {"status": "ok", "database": db.engine.dialect.name, "timer_lag_seconds": lag,
            "timers": {"due_unfired": due_unfired, "claimed": claimed, "pending": pending,
                       "fired_last_hour": fired, "oldest_due_unfired": iso(oldest), "lag_seconds": lag}}
