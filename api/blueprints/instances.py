"""Applications (workflow instances): register at the window, read with history, retry failures."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate
from sqlalchemy.orm import Session

from engine.commands import (
    MarkShortfallSuppliedCommand,
    PauseInstanceCommand,
    ResumeInstanceCommand,
    RetryInstanceCommand,
    StartInstanceCommand,
)
from engine.commands.intake import NOT_ACCEPTED_OUTCOMES, RecordNotAcceptedCommand
from engine.commands.pauses import MAX_DOCUMENTS
from engine.commands.shortfalls import MAX_SHORTFALL_DAYS
from engine.models import INSTANCE_STATUSES, Instance
from engine.queries.board import lead_board
from engine.queries.definitions import definition_task_forms
from engine.queries.departments import department_names
from engine.queries.extensions import instance_extensions
from engine.queries.instances import instance_for, instance_history, instance_tasks
from engine.queries.pauses import instance_pauses
from engine.queries.shortfalls import instance_shortfall
from engine.query_codes import format_query_code
from monitor.commands.approvals import RegisterApprovalCommand
from monitor.queries.registrations import MAX_REGISTRATION_SEARCH, Registration, registrations

from ..auth import current_actor, requires, run_command
from ..presenters import board_row_json, incident_json, instance_json, iso, shortfall_json
from ..schema_fields import PageSchema, non_blank_text
from ..wiring import Blueprint, request_session, services
from .catalogue import application_item_json

blp = Blueprint("instances", __name__, url_prefix="/api/instances", description="Applications")


class ProjectSchema(Schema):
    """The investment project as registered at the window."""

    name = fields.String(required=True, validate=validate.Length(min=1, max=255))
    code = fields.String(required=True, validate=validate.Length(min=1, max=64))
    investment = fields.Decimal(required=True, as_string=False, allow_nan=False,
                                metadata={"description": "total investment in yuan"})


class ApplicantSchema(Schema):
    """Who applied and how to reach them."""

    name = fields.String(required=True, validate=validate.Length(min=1, max=255))
    contact = fields.String(required=True, validate=validate.Length(min=1, max=255))


class ShortfallSchema(Schema):
    """Secondary documents accepted as missing (容缺), with the working days to bring them."""

    documents = fields.List(fields.String(), required=True,
                            metadata={"description": "secondary documents accepted as missing"})
    deadline_working_days = fields.Integer(required=True, strict=True,
                                           metadata={"description": f"1..{MAX_SHORTFALL_DAYS}"})
    commitment = fields.String(load_default=None, metadata={"description": "the applicant's signed promise"})


class StartInstanceSchema(Schema):
    """One registration at the window: which process, for which project and applicant."""

    definition_key = fields.String(required=True, validate=validate.Length(min=1, max=255))
    item_code = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=64),
                              metadata={"description": "the catalogue item (事项) applied for: its latest "
                                                       "published version is kept with the application"})
    project = fields.Nested(ProjectSchema, required=True)
    applicant = fields.Nested(ApplicantSchema, required=True)
    data = fields.Dict(keys=fields.String(), load_default=dict)
    shortfall = fields.Nested(ShortfallSchema, load_default=None, allow_none=True,
                              metadata={"description": "容缺受理: accept with these documents to follow"})


class CorrectionSchema(Schema):
    """A stop of the whole approval while the applicant corrects documents."""

    kind = fields.String(load_default="correction", validate=validate.OneOf(["correction"]))
    reason = non_blank_text(2000, required=True)
    missing_documents = fields.List(non_blank_text(255), required=True,
                                    validate=validate.Length(min=1, max=MAX_DOCUMENTS),
                                    metadata={"description": "every missing document, listed at once"})


class StartedSchema(Schema):
    """What the window hands the applicant: the query code to follow the approval."""

    id = fields.Integer()
    query_code = fields.String()
    status = fields.String(metadata={"description": "running, or incident: registered but stopped by a "
                                                    "diagram error (no acceptance notice is printed)"})
    definition_version = fields.Integer()
    incident = fields.Dict(allow_none=True, metadata={
        "description": "{reason, task, at} while an incident stops it"})


class RetrySchema(Schema):
    """Corrected data for an instance stopped by an incident."""

    data = fields.Dict(keys=fields.String(), load_default=dict)


class InstanceSchema(Schema):
    """One approval as staff see it: tasks, clock stops, extensions and history."""

    id = fields.Integer()
    query_code = fields.String()
    definition_key = fields.String()
    definition_version = fields.Integer()
    status = fields.String(metadata={"enum": list(INSTANCE_STATUSES)})
    outcome = fields.Dict(allow_none=True)
    error = fields.Dict(allow_none=True)
    incident = fields.Dict(allow_none=True, metadata={
        "description": "{reason, task, at} while an incident stops it"})
    provisional = fields.Boolean(metadata={"description": "an open deadline is provisional (暂定)"})
    project = fields.Dict()
    applicant = fields.Dict()
    data = fields.Dict()
    created_at = fields.String()
    updated_at = fields.String()
    completed_at = fields.String(allow_none=True)
    blzt = fields.Integer(allow_none=True, metadata={"description": "national item-state code (办件状态)"})
    blzt_name = fields.String(allow_none=True)
    pause = fields.Dict(allow_none=True, metadata={"description": "the window's correction stop in force"})
    pauses = fields.List(fields.Dict(), metadata={"description": "every clock stop with its working days"})
    extensions = fields.List(fields.Dict())
    shortfall = fields.Dict(allow_none=True, metadata={"description": "容缺: documents, due_at, status"})
    tasks = fields.List(fields.Dict())
    departments = fields.Dict(metadata={"description": "display names of the departments in tasks"})
    history = fields.List(fields.Dict())
    service_item = fields.Dict(allow_none=True, metadata={"description": (
        "the catalogue item version it was registered under: {code, version, name, legal_days, "
        "promised_days, kind, charged, fee: {amount, receipt_no, recorded_at, recorded_by} | null}")})
    task_forms = fields.Dict(metadata={"description": (
        "per step of this instance that declares them (ow:choice / ow:opinion): "
        "{choices: [{value, label, needs_opinion}], opinion: {label, required} | null}; "
        "a step absent here offers the approval pair")})


@blp.route("", methods=["POST"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(StartInstanceSchema)
@blp.response(201, StartedSchema)
@requires("window", "admin")
def start(body: dict[str, Any]) -> dict[str, Any]:
    """Register an application and hand out its query code."""
    registration = StartInstanceCommand(body["definition_key"], body["project"], body["applicant"],
                                        body["data"], shortfall=body["shortfall"])
    instance = run_command(RegisterApprovalCommand(registration, body["item_code"]))
    return {"id": instance.id, "query_code": instance.query_code, "status": instance.status,
            "definition_version": instance.definition_version, "incident": incident_json(instance)}


class NotAcceptedSchema(Schema):
    """An application the window could not accept, recorded so that it is counted and supervised."""

    intended_process = fields.String(required=True, validate=validate.Length(min=1, max=255),
                                     metadata={"description": "the process the applicant applied for"})
    outcome = fields.String(required=True, validate=validate.OneOf(NOT_ACCEPTED_OUTCOMES),
                            metadata={"description": "refuse (不予受理) or correct (一次性告知补正)"})
    project = fields.Nested(ProjectSchema, required=True)
    applicant = fields.Nested(ApplicantSchema, required=True)
    reason = fields.String(load_default="", validate=validate.Length(max=2000),
                           metadata={"description": "required when refusing"})
    missing_documents = fields.List(fields.String(validate=validate.Length(min=1, max=255)),
                                    load_default=list, validate=validate.Length(max=100),
                                    metadata={"description": "required for a correction notice"})
    data = fields.Dict(keys=fields.String(), load_default=dict)


@blp.route("/not-accepted", methods=["POST"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(NotAcceptedSchema)
@blp.response(201, StartedSchema)
@requires("window", "admin")
def not_accepted(body: dict[str, Any]) -> dict[str, Any]:
    """Record a refusal or a one-time correction notice in one transaction; the receipt shows its code."""
    instance = run_command(RecordNotAcceptedCommand(
        body["intended_process"], body["outcome"], body["project"], body["applicant"], body["reason"],
        body["missing_documents"], body["data"]))
    return {"id": instance.id, "query_code": instance.query_code, "status": instance.status,
            "definition_version": instance.definition_version}


class BoardSchema(Schema):
    """The lead department's view of its parallel reviews, one row per approval."""

    items = fields.List(fields.Dict(), metadata={
        "description": "per instance: project, stage, co_reviews [{department, task, decision, opinion, "
                       "pending_extension (an extension request awaiting the unit head, or null)}], "
                       "all_in, lead_task, can_decide"})


class RegistrationsQuerySchema(Schema):
    """Filters and page of the window's registrations."""

    mine = fields.Boolean(load_default=False, metadata={"description": "only those the caller registered"})
    status = fields.String(load_default=None, validate=validate.OneOf(INSTANCE_STATUSES))
    q = fields.String(load_default=None, validate=validate.Length(min=1, max=MAX_REGISTRATION_SEARCH),
                      metadata={"description": "part of the project name, project code or applicant, "
                                               "or a whole query code"})
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class RegistrationSchema(Schema):
    """One registration with what the window may still do for it (容缺 documents, correction notice)."""

    id = fields.Integer(required=True)
    query_code = fields.String(required=True, metadata={"description": "grouped in fours, as printed"})
    definition_key = fields.String(required=True)
    item_name = fields.String(required=True, allow_none=True, metadata={"description": "catalogue item"})
    project_name = fields.String(required=True)
    project_code = fields.String(required=True)
    applicant_name = fields.String(required=True)
    status = fields.String(required=True, metadata={"enum": list(INSTANCE_STATUSES)})
    outcome_name = fields.String(required=True, allow_none=True,
                                 metadata={"description": "the end event reached"})
    created_at = fields.String(required=True)
    created_by = fields.String(required=True, allow_none=True)
    correction = fields.Dict(required=True, allow_none=True, metadata={
        "description": "the correction notice in force: {reason, since}"})
    shortfall = fields.Dict(required=True, allow_none=True, metadata={
        "description": "容缺: {documents, commitment, due_at, status, supplied_at}"})


class RegistrationPageSchema(PageSchema):
    """A page of registrations, newest first."""

    items = fields.List(fields.Nested(RegistrationSchema), required=True)


def _registration_json(row: Registration) -> dict[str, Any]:
    instance = row.instance
    return {"id": instance.id, "query_code": format_query_code(instance.query_code),
            "definition_key": instance.definition_key, "item_name": row.item_name,
            "project_name": instance.project_name, "project_code": instance.project_code,
            "applicant_name": instance.applicant_name,
            "status": instance.status, "outcome_name": (instance.outcome or {}).get("name"),
            "created_at": iso(instance.created_at), "created_by": instance.created_by,
            "correction": ({"reason": instance.pause_reason, "since": iso(instance.paused_at)}
                           if instance.pause_kind == "correction" else None),
            "shortfall": shortfall_json(row.shortfall)}


@blp.route("", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(RegistrationsQuerySchema, location="query")
@blp.response(200, RegistrationPageSchema)
@requires("window", "admin")
def list_registrations(args: dict[str, Any]) -> dict[str, Any]:
    """The caller's window's registrations, newest first (an administrator sees every window's)."""
    rows, total = registrations(request_session(), current_actor(), mine=args["mine"], status=args["status"],
                                q=args["q"], page=args["page"], per_page=args["per_page"])
    return {"items": [_registration_json(r) for r in rows], "total": total, "page": args["page"],
            "per_page": args["per_page"]}


@blp.route("/lead-board", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.response(200, BoardSchema)
@requires()
def stage_board() -> dict[str, Any]:
    """List every live instance whose current stage the caller's department leads, with its co-reviews."""
    runtime = services().runtime
    now = runtime.clock.now()
    names = department_names(request_session())
    return {"items": [board_row_json(row, names, now, runtime.calendar)
                      for row in lead_board(request_session(), current_actor().department_code)]}


@blp.route("/<int:instance_id>", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.response(200, InstanceSchema)
@requires()
def get_instance(instance_id: int) -> dict[str, Any]:
    """Return an instance with its tasks and audit history."""
    return _instance_detail(instance_id)


def _instance_detail(instance_id: int) -> dict[str, Any]:
    session = request_session()
    instance = instance_for(session, current_actor(), instance_id)
    return {**_instance_json(session, instance), "service_item": application_item_json(session, instance_id)}


def _instance_json(session: Session, instance: Instance) -> dict[str, Any]:
    instance_id = instance.id
    return instance_json(instance, instance_tasks(session, instance_id),
                         instance_history(session, instance_id), services().runtime.clock.now(),
                         pauses=instance_pauses(session, instance_id),
                         extensions=instance_extensions(session, instance_id),
                         shortfall=instance_shortfall(session, instance_id),
                         calendar=services().runtime.calendar, departments=department_names(session),
                         task_forms=definition_task_forms(session, instance.definition_id))


@blp.route("/<int:instance_id>/retry", methods=["POST"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(RetrySchema)
@blp.response(200, InstanceSchema)
@requires("admin")
def retry(body: dict[str, Any], instance_id: int) -> dict[str, Any]:
    """Re-run an incident's failing step, optionally with corrected data; deadlines are derived again."""
    run_command(RetryInstanceCommand(instance_id, body["data"]))
    return _instance_detail(instance_id)


@blp.route("/<int:instance_id>/pause", methods=["POST"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(CorrectionSchema)
@blp.response(200, InstanceSchema)
@requires("window", "admin")
def pause(body: dict[str, Any], instance_id: int) -> dict[str, Any]:
    """Send the one-time correction notice: every open task's clock stops until the documents arrive."""
    run_command(PauseInstanceCommand(instance_id, body["reason"], body["missing_documents"], body["kind"]))
    return _instance_detail(instance_id)


@blp.route("/<int:instance_id>/resume", methods=["POST"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.response(200, InstanceSchema)
@requires("window", "admin")
def resume(instance_id: int) -> dict[str, Any]:
    """Lift the correction notice; each stopped task's due time moves by the paused working days."""
    run_command(ResumeInstanceCommand(instance_id))
    return _instance_detail(instance_id)


@blp.route("/<int:instance_id>/shortfall/supplied", methods=["POST"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.response(200, InstanceSchema)
@requires("window", "admin")
def shortfall_supplied(instance_id: int) -> dict[str, Any]:
    """Record that the documents promised under 容缺受理 arrived."""
    run_command(MarkShortfallSuppliedCommand(instance_id))
    return _instance_detail(instance_id)
