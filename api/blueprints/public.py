"""Public tracking by query code: no login, no personal data, no hint about which codes exist."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields

from engine.commands.pauses import instance_pauses
from engine.commands.shortfalls import instance_shortfall
from engine.queries import department_names, track

from ..extensions import Blueprint, db
from ..presenters import tracking_json

blp = Blueprint("public", __name__, url_prefix="/api/public", description="Applicant tracking")


class TrackedTaskSchema(Schema):
    name = fields.String()
    department = fields.String()
    department_name = fields.String()
    state = fields.String()
    due_at = fields.String(allow_none=True)
    completed_at = fields.String(allow_none=True)
    decision = fields.String(allow_none=True)
    blzt = fields.Integer(allow_none=True)
    blzt_name = fields.String(allow_none=True)
    paused = fields.Dict(allow_none=True, metadata={"description": "{kind, reason, since} while stopped"})


class TrackingSchema(Schema):
    query_code = fields.String()
    project_name = fields.String()
    status = fields.String()
    stage = fields.String()
    accepted_at = fields.String()
    completed_at = fields.String(allow_none=True)
    outcome = fields.String(allow_none=True)
    blzt = fields.Integer(allow_none=True)
    blzt_name = fields.String(allow_none=True)
    passed_with_shortfall = fields.Boolean()
    correction = fields.Dict(allow_none=True, metadata={"description": "the correction notice in force"})
    shortfall = fields.Dict(allow_none=True, metadata={"description": "容缺: documents still to supply"})
    tasks = fields.List(fields.Nested(TrackedTaskSchema))


@blp.route("/track/<string:query_code>", methods=["GET"])
@blp.response(200, TrackingSchema)
@blp.alt_response(404, description="unknown or malformed code (identical answers)")
def track_application(query_code: str) -> dict[str, Any]:
    """Show an application's progress to whoever holds its query code."""
    instance, tasks = track(db.session, query_code)
    correction = next((p for p in instance_pauses(db.session, instance.id)
                       if p.task_id is None and p.ended_at is None), None)
    return tracking_json(instance, tasks, department_names(db.session),
                         shortfall=instance_shortfall(db.session, instance.id), correction=correction)
