"""Public inquiries (政务信息查询): ask, follow by code, rate, search the knowledge base; staff handle steps.

Public endpoints live under /api/public/ (no login). The asker's name and contact are never part of
a public answer; the knowledge base shows only what was published.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, request
from marshmallow import Schema, fields, validate
from sqlalchemy.orm import Session
from werkzeug.exceptions import BadRequest, NotFound

from engine.commands import Actor
from engine.queries.departments import department_names
from engine.query_codes import format_query_code
from engine.workdays import SHANGHAI, touches_provisional
from monitor.commands.inquiries import (
    ASKER_ROLE,
    MAX_CATEGORY,
    MAX_FIELD,
    MAX_QUESTION,
    MAX_TEXT,
    NOT_ANSWERING,
    AskInquiryCommand,
    ExplainDelayCommand,
    HandleInquiryStepCommand,
    RateInquiryCommand,
)
from monitor.commands.inquiry_classification import ClassifyInquiryCommand
from monitor.models import INQUIRY_CHANNELS, INQUIRY_COMPLEXITIES, MAX_COMMENT, Inquiry, KnowledgeEntry
from monitor.queries.inquiries import (
    INQUIRY_STATES,
    MAX_SEARCH,
    InquiryPart,
    inquiry_by_code,
    inquiry_figures,
    inquiry_handling,
    inquiry_of_instance,
    list_inquiries,
    search_knowledge,
)
from monitor.rate_limit import InquiryRateLimits

from ..auth import requires, run_command
from ..code_guard import guarded
from ..presenters import iso
from ..schema_fields import NON_BLANK, PageSchema, instant, whole_number
from ..wiring import Blueprint, client_ip, request_session, run_in_request, services

blp = Blueprint("inquiries", __name__, url_prefix="/api", description="Public inquiries (政务信息查询)")

PUBLIC = Actor(None, ASKER_ROLE)
LIMITS_CONFIG_KEY = "ONEWINDOW_INQUIRY_LIMITS"  # app.config: an InquiryRateLimits (tests tighten it)
QUESTION = validate.Length(min=1, max=MAX_QUESTION)
SHORT = validate.Length(max=MAX_FIELD)
CATEGORY = validate.Length(min=1, max=MAX_CATEGORY)
DEPARTMENT = validate.Length(min=1, max=32)
KNOWLEDGE_RESULTS = 20


class InquiryAskSchema(Schema):
    """A question from the public, asked online."""

    question = fields.String(required=True, validate=QUESTION, metadata={"pattern": NON_BLANK})
    category = fields.String(required=True, validate=CATEGORY, metadata={"pattern": NON_BLANK})
    department = fields.String(load_default=None, allow_none=True, validate=DEPARTMENT, metadata={
        "description": "the department the asker believes answers it; left out when unsure (政府办 routes)"})
    name = fields.String(load_default=None, allow_none=True, validate=SHORT)
    contact = fields.String(load_default=None, allow_none=True, validate=SHORT,
                            metadata={"description": "never shown publicly"})


class InquiryStaffAskSchema(InquiryAskSchema):
    """A question typed in by a hotline liaison or a window clerk, who may classify it."""

    channel = fields.String(required=True, validate=validate.OneOf(["hotline", "window"]))
    complexity = fields.String(load_default="general", validate=validate.OneOf(INQUIRY_COMPLEXITIES),
                               metadata={"description": "general: 5 working days per part; complex: 10"})


class InquiryAskedSchema(Schema):
    """What the asker keeps: the code to follow the inquiry, rate it and complain about it."""

    query_code = fields.String(required=True)
    id = fields.Integer(required=True)


class InquiryPartSchema(Schema):
    """One step of an inquiry's handling: who, by when, and what they said."""

    step = fields.String(required=True, metadata={"description": "answer (a department) or route (政府办)"})
    name = fields.String(required=True)
    department = fields.String(required=True)
    department_name = fields.String(required=True)
    state = fields.String(required=True, validate=validate.OneOf(("pending", "in_progress", "completed")))
    due_at = instant(required=True, allow_none=True)
    completed_at = instant(required=True, allow_none=True)
    action = fields.String(required=True, allow_none=True,
                           metadata={"description": "answer | pass_on | forward | route | refuse"})
    text = fields.String(required=True, allow_none=True)
    next_department = fields.String(required=True, allow_none=True)
    explanation = fields.String(required=True, allow_none=True,
                                metadata={"description": "why this part is late, as its department said"})
    explained_at = instant(required=True, allow_none=True)
    provisional = fields.Boolean(required=True, metadata={
        "description": "the due time was reckoned over a year whose holiday notice is not out yet (暂定)"})


class InquiryTrackingSchema(Schema):
    """An inquiry's progress for whoever holds its code; never the asker's name or contact."""

    query_code = fields.String(required=True)
    category = fields.String(required=True)
    complexity = fields.String(required=True)
    channel = fields.String(required=True)
    question = fields.String(required=True)
    asked_at = instant(required=True)
    status = fields.String(required=True, metadata={"description": "running | completed | incident"})
    answered = fields.Boolean(required=True)
    published = fields.Boolean(required=True)
    satisfaction = fields.Integer(required=True, allow_none=True)
    parts = fields.List(fields.Nested(InquiryPartSchema), required=True)


class InquiryStaffViewSchema(InquiryTrackingSchema):
    """An inquiry as the departments handling it see it: the question and chain, no asker's contact."""

    id = fields.Integer(required=True)
    instance_id = fields.Integer(required=True)
    departments = fields.Dict(keys=fields.String(), values=fields.String(), required=True,
                              metadata={"description": "every department a step may name, code -> name"})


class InquiryRateSchema(Schema):
    """The asker's rating of the answer (满意度评价)."""

    grade = whole_number(required=True, validate=validate.Range(min=1, max=5))
    comment = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=MAX_COMMENT))


class InquiryStepSchema(Schema):
    """How a department (or the 政府办) handles its step of an inquiry."""

    action = fields.String(required=True, validate=validate.OneOf(
        ["answer", "pass_on", "forward", "route", "refuse"]), metadata={"description": (
            "a department: answer, pass_on (answer its part, then the next department) or forward "
            "(to 政府办, with a reason); 政府办: route (to next_department) or refuse (back to the "
            "forwarding department)")})
    text = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=MAX_TEXT),
                         metadata={"description": "the answer, or the reason for forwarding or refusing"})
    next_department = fields.String(load_default=None, allow_none=True, validate=DEPARTMENT)
    publish = fields.Boolean(load_default=False, truthy={True}, falsy={False},
                             metadata={"description": "put a final answer into the public knowledge base"})


class InquiryStepDoneSchema(Schema):
    """The step was handled."""

    task_id = fields.String(required=True)
    instance_id = fields.Integer(required=True)


class InquiryClassificationSchema(Schema):
    """The first answering department's classification of the question (首问负责制)."""

    category = fields.String(required=True, validate=CATEGORY, metadata={"pattern": NON_BLANK})
    complexity = fields.String(required=True, validate=validate.OneOf(INQUIRY_COMPLEXITIES), metadata={
        "description": "general (5 working days a part) or complex (10); complex cannot go back to general"})


class InquiryDelaySchema(Schema):
    """Why a part cannot be answered in time."""

    text = fields.String(required=True, validate=validate.Length(min=1, max=MAX_TEXT),
                         metadata={"pattern": NON_BLANK})


class InquiryDelayExplainedSchema(Schema):
    """The explanation as recorded and published."""

    task_id = fields.String(required=True)
    text = fields.String(required=True)
    explained_at = instant(required=True)


class KnowledgeSearchSchema(Schema):
    """A search of the knowledge base: the newest matches; a longer phrase narrows them."""

    q = fields.String(required=True, validate=validate.Length(min=1, max=MAX_SEARCH))


class KnowledgeEntrySchema(Schema):
    """A published question and its answer."""

    id = fields.Integer(required=True)
    category = fields.String(required=True)
    question = fields.String(required=True)
    answer = fields.String(required=True)
    departments = fields.List(fields.String(), required=True)
    department_names = fields.List(fields.String(), required=True)
    published_at = instant(required=True)


class KnowledgeResultsSchema(Schema):
    """The newest matching entries (at most KNOWLEDGE_RESULTS) and how many match."""

    items = fields.List(fields.Nested(KnowledgeEntrySchema), required=True)
    total = fields.Integer(required=True)


class InquiryListQuerySchema(Schema):
    """Filters and page of the bureau's inquiry list."""

    channel = fields.String(load_default=None, validate=validate.OneOf(INQUIRY_CHANNELS))
    department = fields.String(load_default=None, validate=DEPARTMENT)
    state = fields.String(load_default=None, validate=validate.OneOf(INQUIRY_STATES))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=30, validate=validate.Range(min=1, max=500))


class InquiryOpenStepSchema(Schema):
    """A step an inquiry is waiting for."""

    department = fields.String(required=True)
    department_name = fields.String(required=True)
    name = fields.String(required=True)
    due_at = instant(required=True, allow_none=True)


class InquiryListItemSchema(Schema):
    """An inquiry as the bureau lists it, with who asked and how to reach them."""

    id = fields.Integer(required=True)
    instance_id = fields.Integer(required=True, allow_none=True)
    query_code = fields.String(required=True)
    channel = fields.String(required=True, validate=validate.OneOf(INQUIRY_CHANNELS))
    category = fields.String(required=True)
    complexity = fields.String(required=True, validate=validate.OneOf(INQUIRY_COMPLEXITIES))
    department = fields.String(required=True, allow_none=True, metadata={"description": "named by the asker"})
    question = fields.String(required=True)
    asked_at = instant(required=True)
    asked_by = fields.String(required=True, allow_none=True)
    status = fields.String(required=True)
    overdue = fields.Boolean(required=True)
    open_steps = fields.List(fields.Nested(InquiryOpenStepSchema), required=True)
    satisfaction = fields.Integer(required=True, allow_none=True)
    asker = fields.Dict(required=True, metadata={"description": "{name, contact}: the bureau's eyes only"})


class InquiryFiguresSchema(Schema):
    """Counts over the filter (not the page): asked, answered, open, routed by the 政府办, overdue now."""

    asked = fields.Integer(required=True)
    answered = fields.Integer(required=True)
    open = fields.Integer(required=True)
    routed = fields.Integer(required=True)
    overdue = fields.Integer(required=True)


class InquiryListSchema(PageSchema):
    """A page of inquiries, newest first, and the figures of everything the filter matches."""

    items = fields.List(fields.Nested(InquiryListItemSchema), required=True)
    figures = fields.Nested(InquiryFiguresSchema, required=True)


def tracking_json(inquiry: Inquiry) -> dict[str, Any]:
    """Describe an inquiry for whoever holds its code: the chain so far, no personal data."""
    session = request_session()
    instance, parts = inquiry_handling(session, inquiry)
    names = department_names(session)
    calendar = services().runtime.calendar

    def provisional(part: InquiryPart) -> bool:
        if part.due_at is None or part.state == "completed":
            return False
        return touches_provisional(calendar, part.started_at.astimezone(SHANGHAI).date(),
                                   part.due_at.astimezone(SHANGHAI).date())

    outcome = (instance.outcome or {}) if instance is not None else {}
    return {
        "query_code": format_query_code(inquiry.code), "category": inquiry.category,
        "complexity": inquiry.complexity, "channel": inquiry.channel, "question": inquiry.question,
        "asked_at": iso(inquiry.asked_at), "status": instance.status if instance is not None else "asked",
        "answered": instance is not None and instance.status == "completed",
        "published": outcome.get("end_event") == "end_published", "satisfaction": inquiry.satisfaction,
        "parts": [{"step": p.step, "name": p.name, "department": p.department,
                   "department_name": names.get(p.department, p.department), "state": p.state,
                   "due_at": iso(p.due_at), "completed_at": iso(p.completed_at), "action": p.action,
                   "text": p.text, "next_department": p.next_department, "explanation": p.explanation,
                   "explained_at": iso(p.explained_at), "provisional": provisional(p)} for p in parts],
    }


def knowledge_json(entry: KnowledgeEntry, names: dict[str, str]) -> dict[str, Any]:
    """A published entry as anyone may read it."""
    codes = entry.departments.split()
    return {"id": entry.id, "category": entry.category, "question": entry.question, "answer": entry.answer,
            "departments": codes, "department_names": [names.get(c, c) for c in codes],
            "published_at": iso(entry.published_at)}


@blp.route("/public/inquiries", methods=["POST"])
@blp.arguments(InquiryAskSchema)
@blp.response(201, InquiryAskedSchema)
@blp.alt_response(422, description="blank question or category, unknown department")
@blp.alt_response(429, description="too many questions from this address; see Retry-After")
def ask(body: dict[str, Any]) -> dict[str, Any]:
    """Ask a government question online; no login, rate-limited. Returns the query code to follow it."""
    inquiry = run_in_request(AskInquiryCommand(
        body["question"], body["category"], body["department"], name=body["name"], contact=body["contact"],
        source_ip=client_ip(), limits=current_app.config.get(LIMITS_CONFIG_KEY) or InquiryRateLimits()),
        PUBLIC)
    return {"query_code": format_query_code(inquiry.code), "id": inquiry.id}


@blp.route("/inquiries", methods=["POST"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(InquiryStaffAskSchema)
@blp.response(201, InquiryAskedSchema)
@blp.alt_response(422, description="blank question or category, unknown department")
@requires("window", "admin")
def ask_for_someone(body: dict[str, Any]) -> dict[str, Any]:
    """Type in a question taken by the 96128 hotline or at a window, with its channel and class."""
    inquiry = run_command(AskInquiryCommand(
        body["question"], body["category"], body["department"], complexity=body["complexity"],
        channel=body["channel"], name=body["name"], contact=body["contact"], source_ip=client_ip()))
    return {"query_code": format_query_code(inquiry.code), "id": inquiry.id}


@blp.route("/public/inquiries/<string:code>", methods=["GET"])
@blp.alt_response(200, schema=InquiryTrackingSchema, success=True)
@blp.alt_response(404, description="unknown or malformed code (identical answers)")
@blp.alt_response(429, description="too many unknown codes from this address; see Retry-After")
def track_inquiry(code: str) -> dict[str, Any]:
    """Show an inquiry's chain so far, each part's answer and due time, to whoever holds its code."""
    return tracking_json(guarded(lambda: inquiry_by_code(request_session(), code)))


@blp.route("/inquiries/instance/<int:instance_id>", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.alt_response(200, schema=InquiryStaffViewSchema, success=True)
@blp.alt_response(404, description="the instance handles no inquiry")
@requires("window", "reviewer", "lead", "head", "supervisor", "admin")
def staff_view(instance_id: int) -> dict[str, Any]:
    """The question and its chain for the staff handling it, with the departments a step may name."""
    session = request_session()
    inquiry = inquiry_of_instance(session, instance_id)
    if inquiry is None:
        raise NotFound("此办件不是政务信息查询")
    return _staff_json(session, inquiry)


def _staff_json(session: Session, inquiry: Inquiry) -> dict[str, Any]:
    names = department_names(session)
    return {**tracking_json(inquiry), "id": inquiry.id, "instance_id": inquiry.instance_id,
            "departments": {code: name for code, name in sorted(names.items()) if code not in NOT_ANSWERING}}


@blp.route("/public/inquiries/<string:code>/rating", methods=["POST"])
@blp.arguments(InquiryRateSchema)
@blp.alt_response(200, schema=InquiryTrackingSchema, success=True)
@blp.alt_response(404, description="unknown or malformed code")
@blp.alt_response(409, description="not answered yet, or already rated")
def rate(body: dict[str, Any], code: str) -> dict[str, Any]:
    """Rate the answer from 1 (very dissatisfied) to 5 (very satisfied), once."""
    command = RateInquiryCommand(code, body["grade"], body["comment"])
    inquiry = guarded(lambda: run_in_request(command, PUBLIC))
    return tracking_json(inquiry)


@blp.route("/inquiries/steps/<string:task_id>", methods=["POST"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(InquiryStepSchema)
@blp.response(200, InquiryStepDoneSchema)
@blp.alt_response(404, description="no inquiry step with this id")
@blp.alt_response(409, description="the step is no longer open")
@blp.alt_response(422, description="the action does not fit the step, or its text or department is missing")
@requires("reviewer", "lead", "head")
def handle_step(body: dict[str, Any], task_id: str) -> dict[str, Any]:
    """Answer, pass on or forward a department's step; route or refuse a forwarding at the 政府办."""
    row = run_command(HandleInquiryStepCommand(task_id, body["action"], body["text"], body["next_department"],
                                               body["publish"]))
    return {"task_id": row.id, "instance_id": row.instance_id}


@blp.route("/inquiries/steps/<string:task_id>/classification", methods=["POST"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(InquiryClassificationSchema)
@blp.alt_response(200, schema=InquiryStaffViewSchema, success=True)
@blp.alt_response(404, description="no inquiry answer step with this id")
@blp.alt_response(409, description="the part is closed, or a department has already answered a part")
@blp.alt_response(422, description="blank category, or complex lowered to general")
@requires("reviewer", "lead", "head")
def classify(body: dict[str, Any], task_id: str) -> dict[str, Any]:
    """Correct the category, or raise the question to complex (10 working days a part), before any answer."""
    inquiry = run_command(ClassifyInquiryCommand(task_id, body["category"], body["complexity"]))
    return _staff_json(request_session(), inquiry)


@blp.route("/inquiries/steps/<string:task_id>/delay", methods=["POST"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(InquiryDelaySchema)
@blp.response(201, InquiryDelayExplainedSchema)
@blp.alt_response(404, description="no inquiry answer step with this id")
@blp.alt_response(409, description="the part is closed or already explained")
@blp.alt_response(422, description="blank explanation")
@requires("reviewer", "lead", "head")
def explain_delay(body: dict[str, Any], task_id: str) -> dict[str, Any]:
    """Explain why a part cannot be answered in time: shown to the bureau and published to the asker."""
    explanation = run_command(ExplainDelayCommand(task_id, body["text"]))
    return {"task_id": explanation.task_id, "text": explanation.text,
            "explained_at": iso(explanation.explained_at)}


@blp.route("/supervision/inquiries", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(InquiryListQuerySchema, location="query")
@blp.alt_response(200, schema=InquiryListSchema, success=True)
@requires("supervisor", "admin")
def list_for_bureau(args: dict[str, Any]) -> dict[str, Any]:
    """Inquiries from every channel, newest first, with their open steps and the bureau's figures."""
    session = request_session()
    now = services().runtime.clock.now()
    filters = {"channel": args["channel"], "department": args["department"]}
    rows, total = list_inquiries(session, now, **filters, state=args["state"], page=args["page"],
                                 per_page=args["per_page"])
    names = department_names(session)
    items = [{
        "id": r.inquiry.id, "instance_id": r.inquiry.instance_id,
        "query_code": format_query_code(r.inquiry.code),
        "channel": r.inquiry.channel, "category": r.inquiry.category, "complexity": r.inquiry.complexity,
        "department": r.inquiry.department_code, "question": r.inquiry.question,
        "asked_at": iso(r.inquiry.asked_at), "asked_by": r.inquiry.asked_by, "status": r.status,
        "overdue": r.overdue, "satisfaction": r.inquiry.satisfaction,
        "open_steps": [{"department": d, "department_name": names.get(d, d), "name": n, "due_at": iso(due)}
                       for d, n, due in r.open_steps],
        "asker": {"name": r.inquiry.asker_name, "contact": r.inquiry.asker_contact},
    } for r in rows]
    return {"items": items, "total": total, "page": args["page"], "per_page": args["per_page"],
            "figures": inquiry_figures(session, now, **filters)}


@blp.route("/public/knowledge", methods=["GET"])
@blp.arguments(KnowledgeSearchSchema, location="query")
@blp.alt_response(200, schema=KnowledgeResultsSchema, success=True)
def search(args: dict[str, Any]) -> dict[str, Any]:
    """Search published answers by any phrase of their question or answer (查询信息库)."""
    if len(request.args.getlist("q")) > 1:  # one phrase; a repeated q is refused, not half-read
        raise BadRequest("查询参数 q 只能出现一次")
    session = request_session()
    rows, total = search_knowledge(session, args["q"], per_page=KNOWLEDGE_RESULTS)
    names = department_names(session)
    return {"items": [knowledge_json(e, names) for e in rows], "total": total}
