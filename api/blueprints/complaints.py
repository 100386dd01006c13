"""Complaints (投诉): public filing and tracking by code, staff filing, and the bureau's view.

The complainant's name, contact and address are shown to the supervision bureau only; the public
tracking page shows the progress and the answer, like the tracking of an approval.
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from marshmallow import Schema, fields, validate
from sqlalchemy.orm import Session

from engine.commands import Actor
from engine.models import OPEN_TASK_STATUSES, PAUSE_KINDS, TASK_STATUSES, WARNING_LEVELS, Instance, TaskRecord
from engine.queries.definitions import definition_task_forms
from engine.queries.departments import department_names
from engine.query_codes import format_query_code
from monitor.commands.complaints import (
    COMPLAINANT_ROLE,
    MAX_FEEDBACK_COMMENT,
    FileComplaintCommand,
    GiveComplaintFeedbackCommand,
)
from monitor.models import COMPLAINT_CHANNELS, Complaint
from monitor.queries.complaints import (
    complaint_alert_id,
    complaint_by_code,
    complaint_for_instance,
    complaint_handling,
    complaint_or_404,
    complaint_subject,
    list_complaints,
)
from monitor.rate_limit import ComplaintRateLimits

from ..auth import current_actor, requires, run_command
from ..code_guard import guarded
from ..presenters import iso, task_json
from ..schema_fields import NON_BLANK, PageSchema, instant
from ..wiring import Blueprint, client_ip, request_session, run_in_request, services

blp = Blueprint("complaints", __name__, url_prefix="/api", description="E-supervision: complaints")

PUBLIC = Actor(None, COMPLAINANT_ROLE)
BUREAU = ("supervisor",)  # contact data is the bureau's only
LIMITS_CONFIG_KEY = "ONEWINDOW_COMPLAINT_LIMITS"  # app.config: a ComplaintRateLimits (from the settings)
TEXT = validate.Length(min=1, max=5000)
SHORT = validate.Length(max=255)
PUBLIC_STATES = {"ready": "pending", "claimed": "in_progress"}


class PublicComplaintSchema(Schema):
    """A complaint from the public, tied to an approval by its query code."""

    query_code = fields.String(required=True, validate=validate.Length(min=1, max=64),
                               metadata={"description": "the query code of the approval complained about"})
    # Not blank: stated for clients, checked by the command with the query code (422, both at once).
    text = fields.String(required=True, validate=TEXT, metadata={"pattern": NON_BLANK})
    name = fields.String(load_default=None, allow_none=True, validate=SHORT)
    contact = fields.String(load_default=None, allow_none=True, validate=SHORT,
                            metadata={"description": "shown to the supervision bureau only"})


class StaffComplaintSchema(PublicComplaintSchema):
    """A complaint typed in at a window or the bureau, who may name the department."""

    department = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=32),
                               metadata={"description": "the department complained about (default: guessed)"})
    channel = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(["window", "bureau"]))


class PublicFiledSchema(Schema):
    """What the complainant keeps: the code to follow the complaint and answer the call-back."""

    complaint_code = fields.String(required=True, metadata={"description": "follow the complaint with it"})


class FiledSchema(PublicFiledSchema):
    """What staff get back after filing for a complainant."""

    id = fields.Integer(required=True)


class FeedbackSchema(Schema):
    """The complainant's verdict on the handling, which closes the complaint."""

    satisfied = fields.Boolean(required=True, truthy={True}, falsy={False})
    comment = fields.String(load_default=None, allow_none=True,
                            validate=validate.Length(max=MAX_FEEDBACK_COMMENT))


class ListQuerySchema(Schema):
    """Filters and page of the complaints list."""

    department = fields.String(load_default=None)
    channel = fields.String(load_default=None, validate=validate.OneOf(COMPLAINT_CHANNELS))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))


class ComplaintTrackedTaskSchema(Schema):
    """One step of a complaint's handling as its holder sees it: no staff names."""

    name = fields.String(required=True)
    state = fields.String(required=True, validate=validate.OneOf(("pending", "in_progress", "completed")))
    due_at = instant(required=True, allow_none=True)
    completed_at = instant(required=True, allow_none=True)


class ComplaintTrackingSchema(Schema):
    """A complaint's progress and answers for whoever holds its code; never the complainant's data."""

    complaint_code = fields.String(required=True)
    filed_at = instant(required=True)
    department = fields.String(required=True, allow_none=True, metadata={"description": "complained about"})
    department_name = fields.String(required=True, allow_none=True)
    status = fields.String(required=True, metadata={"description": "the handling's status, or filed"})
    stage = fields.String(required=True, metadata={"description": "the open steps, or the outcome"})
    outcome = fields.String(required=True, allow_none=True)
    outcome_event = fields.String(required=True, allow_none=True)
    not_accepted_reason = fields.String(required=True, allow_none=True)
    finding = fields.String(required=True, allow_none=True, metadata={
        "description": "what the investigation found (投诉属实, 部分属实, 投诉不属实), once it has"})
    reply = fields.String(required=True, allow_none=True, metadata={"description": "the bureau's answer"})
    awaiting_feedback = fields.Boolean(required=True, metadata={"description": "POST …/feedback now"})
    satisfied = fields.Boolean(required=True, allow_none=True)
    tasks = fields.List(fields.Nested(ComplaintTrackedTaskSchema), required=True)


class ComplainantSchema(Schema):
    """Who filed a complaint and how to reach them (the bureau's eyes only)."""

    name = fields.String(required=True, allow_none=True)
    contact = fields.String(required=True, allow_none=True)


class TaskPauseSchema(Schema):
    """A task's clock stop in force."""

    kind = fields.String(required=True, validate=validate.OneOf(PAUSE_KINDS))
    reason = fields.String(required=True, allow_none=True)
    since = instant(required=True, allow_none=True)


class ComplaintTaskSchema(Schema):
    """A step of a complaint's handling as staff see it (api.presenters.task_json, no countdown)."""

    id = fields.String(required=True)
    instance_id = fields.Integer(required=True)
    definition_key = fields.String(required=True)
    bpmn_id = fields.String(required=True)
    name = fields.String(required=True)
    department = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(TASK_STATUSES))
    assignee = fields.String(required=True, allow_none=True)
    created_at = instant(required=True)
    claimed_at = instant(required=True, allow_none=True)
    due_at = instant(required=True, allow_none=True)
    completed_at = instant(required=True, allow_none=True)
    completed_by = fields.String(required=True, allow_none=True)
    overdue = fields.Boolean(required=True)
    warning_level = fields.String(required=True, validate=validate.OneOf(WARNING_LEVELS))
    limit_days = fields.Integer(required=True, allow_none=True)
    working_days_left = fields.Integer(required=True, allow_none=True)
    provisional = fields.Boolean(required=True)
    submission = fields.Dict(required=True, allow_none=True)
    blzt = fields.Integer(required=True, allow_none=True, metadata={"description": "办件状态 code"})
    blzt_name = fields.String(required=True, allow_none=True)
    pause = fields.Nested(TaskPauseSchema, required=True, allow_none=True)


class ComplaintSchema(Schema):
    """A complaint as the bureau sees it, including who filed it and how to reach them."""

    id = fields.Integer(required=True)
    complaint_code = fields.String(required=True)
    channel = fields.String(required=True, validate=validate.OneOf(COMPLAINT_CHANNELS))
    department = fields.String(required=True, allow_none=True)
    department_name = fields.String(required=True, allow_none=True)
    approval_instance_id = fields.Integer(required=True, allow_none=True)
    subject_kind = fields.String(required=True, allow_none=True, metadata={
        "enum": ["approval", "inquiry"], "description": "what the complaint is about"})
    approval_query_code = fields.String(required=True, allow_none=True, metadata={
        "description": "the code the complainant holds: the approval's, or the public inquiry's own"})
    project_name = fields.String(required=True, allow_none=True, metadata={
        "description": "the approval's project, or the inquiry's question"})
    handling_instance_id = fields.Integer(required=True, allow_none=True)
    status = fields.String(required=True, allow_none=True, metadata={"description": "the handling's status"})
    outcome = fields.Dict(required=True, allow_none=True, metadata={"description": "its end event"})
    complainant = fields.Nested(ComplainantSchema, required=True)
    text = fields.String(required=True)
    filed_at = instant(required=True)
    filed_by = fields.String(required=True, allow_none=True)
    source_ip = fields.String(required=True, allow_none=True)
    satisfied = fields.Boolean(required=True, allow_none=True)


class ComplaintDetailSchema(ComplaintSchema):
    """One complaint with its handling steps and the alert it raised."""

    tasks = fields.List(fields.Nested(ComplaintTaskSchema), required=True)
    alert_id = fields.Integer(required=True, allow_none=True)


class ComplaintPageSchema(PageSchema):
    """A page of complaints, newest first."""

    items = fields.List(fields.Nested(ComplaintSchema), required=True)


def _public(command: Any) -> Any:
    """Run a command for an anonymous caller (the public has no account and no department)."""
    return run_in_request(command, PUBLIC)


def _submission(tasks: list[TaskRecord], bpmn_id: str) -> dict[str, Any]:
    done = [t for t in tasks if t.bpmn_id == bpmn_id and t.status == "completed"]
    return (done[-1].submission or {}) if done else {}


def _finding(session: Session, instance: Instance | None, tasks: list[TaskRecord]) -> str | None:
    """What the investigation found (投诉属实 …), in the words the deployed diagram gives its choice."""
    decision = _submission(tasks, "handle").get("decision")
    if instance is None or decision is None:
        return None
    form = definition_task_forms(session, instance.definition_id).get("handle") or {}
    choices = form.get("choices") or []
    return next((c["label"] for c in choices if c["value"] == decision), decision)


def tracking_json(complaint: Complaint) -> dict[str, Any]:
    """Describe a complaint for whoever holds its code: progress and answers, no personal data."""
    session = request_session()
    instance, tasks = complaint_handling(session, complaint)
    names = department_names(session)
    open_names = [t.name for t in tasks if t.status in OPEN_TASK_STATUSES]
    outcome = (instance.outcome or {}) if instance is not None else {}
    acceptance = _submission(tasks, "accept_decision")
    return {
        "complaint_code": format_query_code(complaint.code),
        "filed_at": iso(complaint.filed_at),
        "department": complaint.department_code,
        "department_name": names.get(complaint.department_code or "", complaint.department_code),
        "status": instance.status if instance is not None else "filed",
        "stage": "、".join(dict.fromkeys(open_names)) if open_names else (outcome.get("name") or "—"),
        "outcome": outcome.get("name"),
        "outcome_event": outcome.get("end_event"),
        "not_accepted_reason": (acceptance.get("opinion")
                                if acceptance and acceptance.get("decision") != "accept" else None),
        "finding": _finding(session, instance, tasks),
        "reply": _submission(tasks, "reply").get("opinion"),
        "awaiting_feedback": any(t.bpmn_id == "feedback" and t.status == "ready" for t in tasks),
        "satisfied": complaint.satisfied,
        "tasks": [{"name": t.name, "state": PUBLIC_STATES.get(t.status, t.status), "due_at": iso(t.due_at),
                   "completed_at": iso(t.completed_at)} for t in tasks if t.status != "cancelled"],
    }


def complaint_json(complaint: Complaint, *, detail: bool = False,
                   names: dict[str, str] | None = None) -> dict[str, Any]:
    """Describe a complaint for the bureau, including who filed it and how to reach them.

    `names` are the departments' display names, read once by a caller that describes many complaints.
    """
    session = request_session()
    names = names if names is not None else department_names(session)
    instance, tasks = complaint_handling(session, complaint)
    subject = complaint_subject(session, complaint)
    body = {
        "id": complaint.id, "complaint_code": format_query_code(complaint.code), "channel": complaint.channel,
        "department": complaint.department_code,
        "department_name": names.get(complaint.department_code or "", complaint.department_code),
        "approval_instance_id": complaint.approval_instance_id,
        "subject_kind": subject.kind if subject is not None else None,
        "approval_query_code": subject.code if subject is not None else None,
        "project_name": subject.title if subject is not None else None,
        "handling_instance_id": complaint.handling_instance_id,
        "status": instance.status if instance is not None else None,
        "outcome": instance.outcome if instance is not None else None,
        "complainant": {"name": complaint.complainant_name, "contact": complaint.complainant_contact},
        "text": complaint.text, "filed_at": iso(complaint.filed_at), "filed_by": complaint.filed_by,
        "source_ip": complaint.source_ip, "satisfied": complaint.satisfied,
    }
    if detail:
        now = services().runtime.clock.now()
        body["tasks"] = [task_json(t, now) for t in tasks]
        body["alert_id"] = complaint_alert_id(session, complaint.id)
    return body


@blp.route("/public/complaints", methods=["POST"])
@blp.arguments(PublicComplaintSchema)
@blp.response(201, PublicFiledSchema)
@blp.alt_response(422, description="unknown or malformed query code (identical answers), blank text")
@blp.alt_response(429, description="too many complaints from this address or about this application")
def file_public(body: dict[str, Any]) -> dict[str, Any]:
    """File a complaint about an approval by its query code; no login, rate-limited.

    422 when the query code names no approval (unknown and malformed codes get the same answer) or the
    text is blank.
    """
    command = FileComplaintCommand(
        body["query_code"], body["text"], body["name"], body["contact"], channel="public",
        source_ip=client_ip(), limits=current_app.config.get(LIMITS_CONFIG_KEY) or ComplaintRateLimits())
    complaint = guarded(lambda: _public(command))
    return {"complaint_code": format_query_code(complaint.code)}


@blp.route("/public/complaints/<string:code>", methods=["GET"])
@blp.alt_response(200, schema=ComplaintTrackingSchema, success=True)
@blp.alt_response(404, description="unknown or malformed code (identical answers)")
def track_complaint(code: str) -> dict[str, Any]:
    """Show a complaint's progress, deadlines and answer to whoever holds its code."""
    return tracking_json(guarded(lambda: complaint_by_code(request_session(), code)))


@blp.route("/public/complaints/<string:code>/feedback", methods=["POST"])
@blp.arguments(FeedbackSchema)
@blp.alt_response(200, schema=ComplaintTrackingSchema, success=True)
@blp.alt_response(409, description="the complaint is not waiting for feedback")
def give_feedback(body: dict[str, Any], code: str) -> dict[str, Any]:
    """Answer the satisfaction call-back: completes the bureau's feedback step on the complainant's behalf."""
    command = GiveComplaintFeedbackCommand(code, body["satisfied"], body["comment"])
    complaint = guarded(lambda: _public(command))
    return tracking_json(complaint)


@blp.route("/supervision/complaints", methods=["POST"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(StaffComplaintSchema)
@blp.response(201, FiledSchema)
@requires("window", "supervisor", "admin")
def file_for_complainant(body: dict[str, Any]) -> dict[str, Any]:
    """File a complaint on a complainant's behalf (phone, window); staff may name the department.

    422 when the query code names no approval, the named department does not exist, or the text is blank.
    """
    channel = body["channel"] or ("window" if current_actor().role == "window" else "bureau")
    complaint = run_command(FileComplaintCommand(
        body["query_code"], body["text"], body["name"], body["contact"], channel=channel,
        department_code=body["department"], source_ip=client_ip()))
    return {"id": complaint.id, "complaint_code": format_query_code(complaint.code)}


@blp.route("/supervision/complaints", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(ListQuerySchema, location="query")
@blp.alt_response(200, schema=ComplaintPageSchema, success=True)
@requires(*BUREAU)
def list_all(args: dict[str, Any]) -> dict[str, Any]:
    """List complaints, newest first, with the complainants' contact details."""
    rows, total = list_complaints(request_session(), department=args["department"], channel=args["channel"],
                                  page=args["page"], per_page=args["per_page"])
    names = department_names(request_session())
    return {"items": [complaint_json(c, names=names) for c in rows], "total": total, "page": args["page"],
            "per_page": args["per_page"]}


@blp.route("/supervision/complaints/<int:complaint_id>", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.alt_response(200, schema=ComplaintDetailSchema, success=True)
@requires(*BUREAU)
def get_complaint(complaint_id: int) -> dict[str, Any]:
    """Return one complaint with its handling tasks and alert."""
    return complaint_json(complaint_or_404(request_session(), complaint_id), detail=True)


@blp.route("/supervision/complaints/instance/<int:instance_id>", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.alt_response(200, schema=ComplaintSchema, success=True)
@blp.alt_response(404, description="the instance handles no complaint")
@requires(*BUREAU)
def complaint_of_instance(instance_id: int) -> dict[str, Any]:
    """Return the complaint a handling instance works on: the work page shows it beside the steps."""
    return complaint_json(complaint_for_instance(request_session(), instance_id))
