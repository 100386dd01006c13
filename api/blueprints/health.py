"""Health: the database answers, and how far the timer sweep lags behind (from the timer rows).

Counters come from the `timer` table rather than process memory, so every app process reports the
same figures whichever scheduler process did the work.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields

from engine.queries.timers import timer_backlog

from ..presenters import iso
from ..wiring import Blueprint, request_session, services

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
    session = request_session()
    backlog = timer_backlog(session, now)
    oldest = backlog.oldest_due_unfired
    lag = (now - oldest).total_seconds() if oldest else 0.0
    return {"status": "ok", "database": session.get_bind().dialect.name, "timer_lag_seconds": lag,
            "timers": {"due_unfired": backlog.due_unfired, "claimed": backlog.claimed,
                       "pending": backlog.pending, "fired_last_hour": backlog.fired_last_hour,
                       "oldest_due_unfired": iso(oldest), "lag_seconds": lag}}
