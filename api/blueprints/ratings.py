"""Ratings (好差评): the applicant grades a completed approval; departments close bad reviews' follow-ups."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from engine.commands import Actor
from engine.models import Instance
from engine.query_codes import format_query_code
from monitor.commands.ratings import CompleteFollowUpCommand, RateApprovalCommand
from monitor.models import FOLLOW_UP_KINDS, MAX_COMMENT, FollowUp, Rating
from monitor.queries.ratings import list_follow_ups, rated_instance

from ..auth import current_actor, requires, run_command
from ..code_guard import guarded
from ..presenters import iso
from ..schema_fields import PageSchema, instant, non_blank_text, whole_number
from ..wiring import Blueprint, request_session, run_in_request, services

blp = Blueprint("ratings", __name__, url_prefix="/api", description="E-supervision: ratings")

# Whoever holds a query code; the code is the only credential an applicant has.
APPLICANT = Actor("applicant", "applicant", None)
FOLLOW_UP_ROLES = ("supervisor", "admin", "window", "reviewer", "lead", "head")


class RatingSchema(Schema):
    """The applicant's grade of a completed approval; a bad one opens a follow-up."""

    grade = whole_number(required=True, validate=validate.Range(min=1, max=5),
                         metadata={"description": "5 best … 1 worst; 1 and 2 are a bad review"})
    comment = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=MAX_COMMENT))


class RatedSchema(Schema):
    """The stored rating, and for a bad review when the department will call back."""

    query_code = fields.String(required=True)
    grade = fields.Integer(required=True)
    comment = fields.String(required=True, allow_none=True)
    rated_at = instant(required=True)
    bad_review = fields.Boolean(required=True)
    callback_due = instant(required=True, allow_none=True,
                           metadata={"description": "when the department calls back"})


class FollowUpQuerySchema(Schema):
    """Filters and page of the follow-ups list."""

    department = fields.String(load_default=None)
    open = fields.Boolean(load_default=False, metadata={"description": "only follow-ups not yet done"})
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))


class DoneSchema(Schema):
    """What was done for a follow-up, kept as its record."""

    note = non_blank_text(5000, required=True)


class FollowUpSchema(Schema):
    """A bad review's follow-up (差评回访/整改): what the department must do, by when, and what it did."""

    id = fields.Integer(required=True)
    rating_id = fields.Integer(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(FOLLOW_UP_KINDS))
    department = fields.String(required=True)
    due_at = instant(required=True)
    done_at = instant(required=True, allow_none=True)
    done_by = fields.String(required=True, allow_none=True)
    note = fields.String(required=True, allow_none=True)
    overdue = fields.Boolean(required=True)


class ReviewedFollowUpSchema(FollowUpSchema):
    """A follow-up with the review it answers (never the applicant's contact or query code)."""

    grade = fields.Integer(required=True)
    comment = fields.String(required=True, allow_none=True)
    rated_at = instant(required=True)
    instance_id = fields.Integer(required=True)
    project_name = fields.String(required=True)


class FollowUpPageSchema(PageSchema):
    """A page of follow-ups, soonest due first."""

    items = fields.List(fields.Nested(ReviewedFollowUpSchema), required=True)


def follow_up_json(follow_up: FollowUp, rating: Rating | None = None, instance: Instance | None = None,
                   now: Any = None) -> dict[str, Any]:
    """Describe a follow-up with the review it answers (never the applicant's contact or query code)."""
    body: dict[str, Any] = {
        "id": follow_up.id, "rating_id": follow_up.rating_id, "kind": follow_up.kind,
        "department": follow_up.department_code, "due_at": iso(follow_up.due_at),
        "done_at": iso(follow_up.done_at), "done_by": follow_up.done_by, "note": follow_up.note,
        "overdue": bool(now and follow_up.done_at is None and follow_up.due_at < now),
    }
    if rating is not None:
        body.update(grade=rating.grade, comment=rating.comment, rated_at=iso(rating.rated_at))
    if instance is not None:
        body.update(instance_id=instance.id, project_name=instance.project_name)
    return body


@blp.route("/public/ratings/<string:query_code>", methods=["POST"])
@blp.arguments(RatingSchema)
@blp.response(201, RatedSchema)
@blp.alt_response(404, description="unknown or malformed code (the same answer as tracking)")
@blp.alt_response(409, description="the approval is not completed, or is already rated")
def rate(body: dict[str, Any], query_code: str) -> dict[str, Any]:
    """Grade a completed approval, once, by its query code (no login)."""
    command = RateApprovalCommand(query_code, body["grade"], body["comment"])
    result = guarded(lambda: run_in_request(command, APPLICANT))
    callback = next((f.due_at for f in result.follow_ups if f.kind == "callback"), None)
    instance = rated_instance(request_session(), result.rating)
    return {"query_code": format_query_code(instance.query_code) if instance else None,
            "grade": result.rating.grade, "comment": result.rating.comment,
            "rated_at": iso(result.rating.rated_at), "bad_review": result.alert_id is not None,
            "callback_due": iso(callback)}


@blp.route("/supervision/follow-ups", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(FollowUpQuerySchema, location="query")
@blp.alt_response(200, schema=FollowUpPageSchema, success=True)
@requires(*FOLLOW_UP_ROLES)
def follow_ups(args: dict[str, Any]) -> dict[str, Any]:
    """List bad-review follow-ups, soonest due first: all for supervision, a department's own otherwise."""
    rows, total = list_follow_ups(request_session(), current_actor(), department=args["department"],
                                  open_only=args["open"], page=args["page"], per_page=args["per_page"])
    now = services().runtime.clock.now()
    return {"items": [follow_up_json(f, r, i, now) for f, r, i in rows], "total": total,
            "page": args["page"], "per_page": args["per_page"]}


@blp.route("/supervision/follow-ups/<int:follow_up_id>/done", methods=["POST"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(DoneSchema)
@blp.alt_response(200, schema=FollowUpSchema, success=True)
@requires("window", "reviewer", "lead", "head")
def follow_up_done(body: dict[str, Any], follow_up_id: int) -> dict[str, Any]:
    """The department records the call-back or the fix as done, with a note."""
    follow_up = run_command(CompleteFollowUpCommand(follow_up_id, body["note"]))
    return follow_up_json(follow_up, now=services().runtime.clock.now())
