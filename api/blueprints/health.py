"""Liveness and readiness: the database answers and the timer backlog is visible."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields
from sqlalchemy import func, select

from engine.models import TimerRecord

from ..extensions import Blueprint, db, services
from ..presenters import iso

blp = Blueprint("health", __name__, url_prefix="/api/health", description="Health")


class HealthSchema(Schema):
    status = fields.String()
    database = fields.String()
    oldest_due_timer = fields.String(allow_none=True)
    timer_lag_seconds = fields.Float()


@blp.route("", methods=["GET"])
@blp.response(200, HealthSchema)
def health() -> dict[str, Any]:
    """Report the database backend and how far the timer sweep lags behind."""
    now = services().runtime.clock.now()
    oldest = db.session.scalar(select(func.min(TimerRecord.due_at)).where(
        TimerRecord.state == "pending", TimerRecord.due_at <= now))
    return {"status": "ok", "database": db.engine.dialect.name, "oldest_due_timer": iso(oldest),
            "timer_lag_seconds": (now - oldest).total_seconds() if oldest else 0.0}
