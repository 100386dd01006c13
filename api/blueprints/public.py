"""Public tracking by query code: no login, no personal data, no hint about which codes exist."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields

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


class TrackingSchema(Schema):
    query_code = fields.String()
    project_name = fields.String()
    status = fields.String()
    stage = fields.String()
    accepted_at = fields.String()
    completed_at = fields.String(allow_none=True)
    outcome = fields.String(allow_none=True)
    tasks = fields.List(fields.Nested(TrackedTaskSchema))


@blp.route("/track/<string:query_code>", methods=["GET"])
@blp.response(200, TrackingSchema)
@blp.alt_response(404, description="unknown or malformed code (identical answers)")
def track_application(query_code: str) -> dict[str, Any]:
    """Show an application's progress to whoever holds its query code."""
    instance, tasks = track(db.session, query_code)
    return tracking_json(instance, tasks, department_names(db.session))
