"""Extensions (延期): a department asks for more working days; its own head (本单位负责人) decides."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from engine.commands import DecideExtensionCommand, ExtensionPolicy, RequestExtensionCommand
from engine.commands.reasons import MAX_REASON
from engine.queries.extensions import pending_extensions, task_extensions

from ..auth import current_actor, requires, run_command
from ..presenters import extension_json
from ..schema_fields import NON_BLANK, instant, whole_number
from ..wiring import Blueprint, request_session, services

blp = Blueprint("extensions", __name__, url_prefix="/api", description="Deadline extensions")


class ExtensionRequestSchema(Schema):
    """How many working days to add to a task, and why."""

    # The bounds are stated for clients but checked by the command (the maximum is a setting), which
    # answers 422 naming every problem at once.
    working_days = whole_number(required=True, metadata={
        "minimum": 1, "description": "working days to add (1 to the policy's maximum; 422 beyond it)"})
    reason = fields.String(required=True, validate=validate.Length(max=MAX_REASON),
                           metadata={"minLength": 1, "pattern": NON_BLANK})


class DecisionSchema(Schema):
    """Approve or refuse a pending extension; a refusal says why."""

    approve = fields.Boolean(required=True)
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=MAX_REASON),
                           metadata={"description": "required (not blank) when refusing: 422 without it"})


class ExtensionSchema(Schema):
    """An extension request and its decision, as extension_json describes it."""

    id = fields.Integer(required=True)
    instance_id = fields.Integer(required=True)
    task_id = fields.String(required=True)
    working_days = fields.Integer(required=True)
    reason = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(["pending", "approved", "refused"]))
    requested_by = fields.String(required=True, allow_none=True)
    requested_at = instant(required=True)
    decided_by = fields.String(required=True, allow_none=True)
    decided_at = instant(required=True, allow_none=True)
    decision_reason = fields.String(required=True, allow_none=True)


class ExtensionListSchema(Schema):
    """Extension requests, oldest first."""

    items = fields.List(fields.Nested(ExtensionSchema), required=True)


@blp.route("/tasks/<string:task_id>/extensions", methods=["POST"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(ExtensionRequestSchema)
@blp.response(201, ExtensionSchema)
@requires()
def request_extension(body: dict[str, Any], task_id: str) -> dict[str, Any]:
    """Ask for more working days on one of the caller's department's open tasks."""
    settings = services().settings
    policy = ExtensionPolicy(max_per_task=settings.extension_max_per_task,
                             max_working_days=settings.extension_max_working_days)
    return extension_json(run_command(RequestExtensionCommand(task_id, body["working_days"], body["reason"],
                                                              policy)))


@blp.route("/tasks/<string:task_id>/extensions", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.response(200, ExtensionListSchema)
@requires()
def list_task_extensions(task_id: str) -> dict[str, Any]:
    """List a task's extension requests (its department, deciders and supervision)."""
    rows = task_extensions(request_session(), current_actor(), task_id)
    return {"items": [extension_json(e) for e in rows]}


@blp.route("/extensions", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.response(200, ExtensionListSchema)
@requires("head", "supervisor", "admin")
def list_pending() -> dict[str, Any]:
    """List the pending requests the caller may decide, oldest first."""
    return {"items": [extension_json(e) for e in pending_extensions(request_session(), current_actor())]}


@blp.route("/extensions/<int:extension_id>/decision", methods=["POST"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(DecisionSchema)
@blp.response(200, ExtensionSchema)
@requires("head")
def decide(body: dict[str, Any], extension_id: int) -> dict[str, Any]:
    """Approve (the task's due time moves) or refuse (with a reason) a pending request, once."""
    return extension_json(run_command(DecideExtensionCommand(extension_id, body["approve"], body["reason"])))
