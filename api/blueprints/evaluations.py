"""Evaluation sessions (述职, 质询评议, 社会调查) for the composite score, entered by the bureau."""

from __future__ import annotations

from typing import Any

from flask import request
from marshmallow import Schema, fields, validate
from werkzeug.exceptions import BadRequest, UnsupportedMediaType

from engine.workdays import SHANGHAI
from monitor.commands.evaluations import (
    CSV_COLUMNS,
    MAX_RATERS,
    MAX_TITLE,
    ImportEvaluationsCommand,
    RecordEvaluationCommand,
    evaluation_rows,
    parse_evaluation_csv,
)
from monitor.models import EVALUATION_KINDS, EvaluationSession
from monitor.queries.evaluations import sessions_of_year
from monitor.workbook_reading import WORKBOOK_TYPES, WorkbookError, first_sheet

from ..auth import requires, run_command
from ..presenters import iso
from ..wiring import Blueprint, request_session, services

blp = Blueprint("evaluations", __name__, url_prefix="/api/supervision/evaluations",
                description="E-supervision: evaluation sessions for the composite score")

BUREAU = ("supervisor", "admin")
CSV_TYPES = ("text/csv", "application/csv")


class RaterScoreSchema(Schema):
    """One rater's score."""

    rater = fields.String(required=True, validate=validate.Length(max=64))
    score = fields.Float(required=True, metadata={"minimum": 0, "maximum": 100})


class EvaluationBodySchema(Schema):
    """One session: its kind, the department evaluated, when, and every rater's score."""

    kind = fields.String(required=True, validate=validate.OneOf(EVALUATION_KINDS), metadata={
        "description": "report (年中述职), questioning (质询评议) or survey (社会调查)"})
    department = fields.String(required=True, validate=validate.Length(max=32))
    held_on = fields.String(required=True, metadata={"format": "date", "description": "YYYY-MM-DD"})
    title = fields.String(required=True, validate=validate.Length(max=MAX_TITLE))
    scores = fields.List(fields.Nested(RaterScoreSchema), required=True,
                         validate=validate.Length(min=1, max=MAX_RATERS))


class EvaluationSchema(Schema):
    """A recorded session with its mean score."""

    id = fields.Integer(required=True)
    kind = fields.String(required=True)
    department = fields.String(required=True)
    title = fields.String(required=True)
    held_on = fields.String(required=True, metadata={"format": "date"})
    mean = fields.Float(required=True)
    raters = fields.Integer(required=True)
    entered_at = fields.String(required=True, metadata={"format": "date-time"})
    entered_by = fields.String(required=True)


class EvaluationListSchema(Schema):
    """The sessions of a year, oldest first."""

    items = fields.List(fields.Nested(EvaluationSchema), required=True)


class YearQuerySchema(Schema):
    """Which year's sessions (this year when left out)."""

    year = fields.Integer(load_default=None, validate=validate.Range(min=2000, max=2100))


def _json(held: EvaluationSession, mean: float, raters: int) -> dict[str, Any]:
    return {"id": held.id, "kind": held.kind, "department": held.department_code, "title": held.title,
            "held_on": held.held_on.isoformat(), "mean": round(mean, 2), "raters": raters,
            "entered_at": iso(held.entered_at), "entered_by": held.entered_by}


def _listed(year: int) -> list[dict[str, Any]]:
    return [_json(*row) for row in sessions_of_year(request_session(), year)]


@blp.route("", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(YearQuerySchema, location="query")
@blp.response(200, EvaluationListSchema)
@requires(*BUREAU)
def list_sessions(args: dict[str, Any]) -> dict[str, Any]:
    """The sessions held in a year, with their mean scores."""
    year = args["year"] or services().runtime.clock.now().astimezone(SHANGHAI).year
    return {"items": _listed(year)}


@blp.route("", methods=["POST"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(EvaluationBodySchema)
@blp.response(201, EvaluationSchema)
@blp.alt_response(422, description="every problem named at once, nothing stored: an unknown department, "
                                   "a date after today, a blank title or rater")
@requires(*BUREAU)
def record(body: dict[str, Any]) -> dict[str, Any]:
    """Record one session with its raters' scores."""
    held = run_command(RecordEvaluationCommand(body["kind"], body["department"], body["held_on"],
                                               body["title"], [dict(s) for s in body["scores"]]))
    scores = [s["score"] for s in body["scores"]]
    return _json(held, sum(scores) / len(scores), len(scores))


@blp.route("/import", methods=["POST"])
@blp.doc(security=[{"bearerAuth": []}], requestBody={"required": True, "content": {
    "text/csv": {"schema": {"type": "string", "example": (
        "kind,department,held_on,title,rater,score\n质询评议,sthj,2026-11-20,11月质询评议会,代表1,86\n")}},
    **{kind: {"schema": {"type": "string", "format": "binary"}} for kind in WORKBOOK_TYPES}}},
    description="A sheet saved as UTF-8 CSV, or an Excel workbook whose first sheet has the same header "
                "row; rows sharing kind, department, held_on and title are one session. 422 names every "
                "problem by the sheet's line (第N行 column), and nothing is stored.")
@blp.alt_response(201, schema=EvaluationListSchema, success=True)
@requires(*BUREAU)
def import_sheet() -> tuple[dict[str, Any], int]:
    """Import a sheet of raters' scores (评分表), all or nothing."""
    if request.mimetype in WORKBOOK_TYPES:
        try:
            rows, problems = evaluation_rows(enumerate(first_sheet(request.get_data(cache=False)), start=1))
        except WorkbookError as exc:
            raise BadRequest(str(exc)) from None
    elif request.mimetype in CSV_TYPES:
        try:
            text = request.get_data(cache=False).decode("utf-8")
        except UnicodeDecodeError:
            raise BadRequest("评分表须为 UTF-8 编码的 CSV") from None
        rows, problems = parse_evaluation_csv(text)
    else:
        header = ",".join(CSV_COLUMNS)
        raise UnsupportedMediaType(f"请上传 Excel 工作簿（.xlsx）或 CSV 评分表，表头为 {header}")
    stored = run_command(ImportEvaluationsCommand(rows, tuple(problems)))
    ids = {s.id for s in stored}
    year = min((s.held_on.year for s in stored), default=services().runtime.clock.now().year)
    return {"items": [item for item in _listed(year) if item["id"] in ids]}, 201
