"""Applications (workflow instances): register at the window, read with history, retry failures."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from engine.commands import RetryInstanceCommand, StartInstanceCommand
from engine.queries import instance_for, instance_history, instance_tasks

from ..auth import current_actor, requires
from ..extensions import Blueprint, db, run_command, services
from ..presenters import instance_json

blp = Blueprint("instances", __name__, url_prefix="/api/instances", description="Applications")


class ProjectSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=255))
    code = fields.String(required=True, validate=validate.Length(min=1, max=64))
    investment = fields.Decimal(required=True, as_string=False, allow_nan=False,
                                metadata={"description": "total investment in yuan"})


class ApplicantSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=255))
    contact = fields.String(required=True, validate=validate.Length(min=1, max=255))


class StartInstanceSchema(Schema):
    definition_key = fields.String(required=True, validate=validate.Length(min=1, max=255))
    project = fields.Nested(ProjectSchema, required=True)
    applicant = fields.Nested(ApplicantSchema, required=True)
    data = fields.Dict(keys=fields.String(), load_default=dict)


class StartedSchema(Schema):
    id = fields.Integer()
    query_code = fields.String()
    status = fields.String()
    definition_version = fields.Integer()


class RetrySchema(Schema):
    data = fields.Dict(keys=fields.String(), load_default=dict)


class InstanceSchema(Schema):
    id = fields.Integer()
    query_code = fields.String()
    definition_key = fields.String()
    definition_version = fields.Integer()
    status = fields.String(metadata={"enum": ["running", "suspended", "completed", "failed", "withdrawn"]})
    outcome = fields.Dict(allow_none=True)
    error = fields.Dict(allow_none=True)
    project = fields.Dict()
    applicant = fields.Dict()
    data = fields.Dict()
    created_at = fields.String()
    updated_at = fields.String()
    completed_at = fields.String(allow_none=True)
    tasks = fields.List(fields.Dict())
    history = fields.List(fields.Dict())


@blp.route("", methods=["POST"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(StartInstanceSchema)
@blp.response(201, StartedSchema)
@requires("window", "admin")
def start(body: dict[str, Any]) -> dict[str, Any]:
    """Register an application and hand out its query code."""
    instance = run_command(
        StartInstanceCommand(body["definition_key"], body["project"], body["applicant"], body["data"]))
    return {"id": instance.id, "query_code": instance.query_code, "status": instance.status,
            "definition_version": instance.definition_version}


@blp.route("/<int:instance_id>", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.response(200, InstanceSchema)
@requires()
def get_instance(instance_id: int) -> dict[str, Any]:
    """Return an instance with its tasks and audit history."""
    return _instance_detail(instance_id)


def _instance_detail(instance_id: int) -> dict[str, Any]:
    instance = instance_for(db.session, current_actor(), instance_id)
    return instance_json(instance, instance_tasks(db.session, instance_id),
                         instance_history(db.session, instance_id), services().runtime.clock.now())


@blp.route("/<int:instance_id>/retry", methods=["POST"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(RetrySchema)
@blp.response(200, InstanceSchema)
@requires("admin")
def retry(body: dict[str, Any], instance_id: int) -> dict[str, Any]:
    """Re-run a failed instance's failing step, optionally with corrected data."""
    run_command(RetryInstanceCommand(instance_id, body["data"]))
    return _instance_detail(instance_id)
