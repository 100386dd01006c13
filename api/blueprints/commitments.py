"""Department public commitments (一把手公开承诺、阳光考评): read by all, written by heads and the bureau."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from engine.queries.departments import department_names
from engine.workdays import SHANGHAI
from monitor.commands.commitments import (
    MAX_PLEDGER,
    AssessCommitmentCommand,
    PublishCommitmentCommand,
    ReportCommitmentProgressCommand,
)
from monitor.models import ASSESSMENTS, CommitmentProgress, DepartmentCommitment
from monitor.models.commitments import MAX_NOTE, MAX_TARGET, MAX_TITLE
from monitor.queries.commitments import commitments_of_year, progress_reports

from ..auth import requires, run_command
from ..presenters import iso
from ..schema_fields import instant
from ..wiring import Blueprint, request_session, services

blp = Blueprint("commitments", __name__, url_prefix="/api",
                description="Department public commitments (公开承诺) and their assessment")


class CommitmentBodySchema(Schema):
    """A commitment as its department's head publishes it; the wording is final."""

    title = fields.String(required=True, validate=validate.Length(max=MAX_TITLE), metadata={
        "description": "承诺事项"})
    target = fields.String(required=True, validate=validate.Length(max=MAX_TARGET), metadata={
        "description": "the measurable target (承诺目标)"})
    due_on = fields.String(required=True, metadata={"format": "date", "description": "YYYY-MM-DD, from "
                                                    "today to the end of next year; the commitment's year"})
    pledged_by = fields.String(required=True, validate=validate.Length(max=MAX_PLEDGER), metadata={
        "description": "the head's title and name as published (承诺人)"})


class ProgressBodySchema(Schema):
    """How far the commitment has come and what was done."""

    percent = fields.Integer(required=True, metadata={"minimum": 0, "maximum": 100})
    note = fields.String(required=True, validate=validate.Length(max=MAX_NOTE))


class AssessmentBodySchema(Schema):
    """The bureau's verdict."""

    assessment = fields.String(required=True, validate=validate.OneOf(ASSESSMENTS), metadata={
        "description": "fulfilled (兑现), partly_fulfilled (部分兑现) or not_fulfilled (未兑现)"})
    note = fields.String(required=True, validate=validate.Length(max=MAX_NOTE))


class ProgressSchema(Schema):
    """One progress report."""

    percent = fields.Integer(required=True)
    note = fields.String(required=True)
    reported_at = instant(required=True)


class CommitmentSchema(Schema):
    """A commitment, where it stands, its reports and the verdict once given."""

    id = fields.Integer(required=True)
    department = fields.String(required=True)
    department_name = fields.String(required=True)
    year = fields.Integer(required=True)
    title = fields.String(required=True)
    target = fields.String(required=True)
    due_on = fields.String(required=True, metadata={"format": "date"})
    pledged_by = fields.String(required=True)
    published_at = instant(required=True)
    progress_percent = fields.Integer(required=True)
    progress_note = fields.String(required=True, allow_none=True)
    progress_at = instant(required=True, allow_none=True)
    assessment = fields.String(required=True, allow_none=True)
    assessment_note = fields.String(required=True, allow_none=True)
    assessed_at = instant(required=True, allow_none=True)
    reports = fields.List(fields.Nested(ProgressSchema), required=True)


class CommitmentListSchema(Schema):
    """A year's commitments by department, then due date."""

    year = fields.Integer(required=True)
    items = fields.List(fields.Nested(CommitmentSchema), required=True)


class CommitmentQuerySchema(Schema):
    """Which year (this year when left out), and optionally one department."""

    year = fields.Integer(load_default=None, validate=validate.Range(min=2000, max=2100))
    department = fields.String(load_default=None, validate=validate.Length(max=32))


def _report_json(report: CommitmentProgress) -> dict[str, Any]:
    return {"percent": report.percent, "note": report.note, "reported_at": iso(report.reported_at)}


def commitment_json(commitment: DepartmentCommitment, names: dict[str, str],
                    reports: list[CommitmentProgress]) -> dict[str, Any]:
    """A commitment as the public and the pages see it (who in the department typed it is not shown)."""
    return {"id": commitment.id, "department": commitment.department_code,
            "department_name": names.get(commitment.department_code, commitment.department_code),
            "year": commitment.year, "title": commitment.title, "target": commitment.target,
            "due_on": commitment.due_on.isoformat(), "pledged_by": commitment.pledged_by,
            "published_at": iso(commitment.published_at), "progress_percent": commitment.progress_percent,
            "progress_note": commitment.progress_note, "progress_at": iso(commitment.progress_at),
            "assessment": commitment.assessment, "assessment_note": commitment.assessment_note,
            "assessed_at": iso(commitment.assessed_at), "reports": [_report_json(r) for r in reports]}


def _one(commitment: DepartmentCommitment) -> dict[str, Any]:
    session = request_session()
    return commitment_json(commitment, department_names(session),
                           progress_reports(session, [commitment.id])[commitment.id])


def year_listing(year: int | None, department: str | None = None) -> dict[str, Any]:
    """A year's commitments with their reports (this year's when `year` is None)."""
    session = request_session()
    year = year or services().runtime.clock.now().astimezone(SHANGHAI).year
    listed = commitments_of_year(session, year, department)
    reports = progress_reports(session, [c.id for c in listed])
    names = department_names(session)
    return {"year": year, "items": [commitment_json(c, names, reports[c.id]) for c in listed]}


@blp.route("/public/commitments", methods=["GET"])
@blp.arguments(CommitmentQuerySchema, location="query")
@blp.response(200, CommitmentListSchema)
def public_commitments(args: dict[str, Any]) -> dict[str, Any]:
    """Every department's public commitments of a year, with progress and the bureau's verdict (no login)."""
    return year_listing(args["year"], args["department"])


@blp.route("/commitments", methods=["POST"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(CommitmentBodySchema)
@blp.response(201, CommitmentSchema)
@blp.alt_response(422, description="every problem named: a blank field, a date before today or after next "
                                   "year, more than the yearly number of commitments")
@requires("head")
def publish(body: dict[str, Any]) -> dict[str, Any]:
    """The head of a department publishes one of its commitments for the year."""
    return _one(run_command(PublishCommitmentCommand(body["title"], body["target"], body["due_on"],
                                                     body["pledged_by"])))


@blp.route("/commitments/<int:commitment_id>/progress", methods=["POST"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(ProgressBodySchema)
@blp.response(200, CommitmentSchema)
@blp.alt_response(404, description="no such commitment")
@blp.alt_response(409, description="the commitment is assessed already")
@blp.alt_response(422, description="the percentage is out of 0–100 or the note is blank")
@requires("head")
def report_progress(body: dict[str, Any], commitment_id: int) -> dict[str, Any]:
    """The head reports progress on one of the department's commitments."""
    return _one(run_command(ReportCommitmentProgressCommand(commitment_id, body["percent"], body["note"])))


@blp.route("/commitments/<int:commitment_id>/assessment", methods=["POST"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(AssessmentBodySchema)
@blp.response(200, CommitmentSchema)
@blp.alt_response(404, description="no such commitment")
@blp.alt_response(409, description="the commitment is assessed already")
@blp.alt_response(422, description="the note is blank")
@requires("supervisor")
def assess(body: dict[str, Any], commitment_id: int) -> dict[str, Any]:
    """The bureau's public verdict on a commitment (阳光考评)."""
    return _one(run_command(AssessCommitmentCommand(commitment_id, body["assessment"], body["note"])))
