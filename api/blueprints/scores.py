"""Performance scores for the supervision bureau: JSON, or CSV/XLSX exports for Excel."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime
from typing import Any

from flask import Response
from marshmallow import Schema, ValidationError, fields, validate
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from monitor.queries.evaluations import with_composites
from monitor.queries.periods import parse_period, year_to_period_end
from monitor.queries.score_items import SCORE_MEASURES, score_items
from monitor.queries.score_table import score_table
from monitor.queries.scores import RATE_NAMES, scores
from monitor.queries.service_measures import service_measures

from ..auth import requires
from ..presenters import iso
from ..schema_fields import instant
from ..score_settings import score_settings
from ..wiring import Blueprint, request_session, services

blp = Blueprint("scores", __name__, url_prefix="/api", description="E-supervision: scores")

SCORE_VIEW = ("supervisor", "admin")
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The periods monitor.queries.scores.parse_period reads, with ASCII digits and its years (2000-2100)
# spelt out, so the document shows clients (and schema-driven testers) which periods exist.
PERIOD = re.compile(r"(20[0-9]{2}|2100)-(0[1-9]|1[0-2]|[Qq][1-4])")


def _period(value: str) -> None:
    """Refuse what the document's pattern refuses: the whole text must be a period (no trailing newline)."""
    if PERIOD.fullmatch(value) is None:
        raise ValidationError("期间须为月份（如 2026-11）或季度（如 2026-Q4）")


class ScoreQuerySchema(Schema):
    """Which period to score and in which file format."""

    period = fields.String(required=True, validate=_period, metadata={
        "pattern": f"^{PERIOD.pattern}$", "description": "a month 2026-11 or a quarter 2026-Q4 (2000-2100)"})
    format = fields.String(load_default="json", validate=validate.OneOf(["json", "csv", "xlsx"]))


def _rates(names: Any) -> dict[str, fields.Field]:
    """One nullable rate per name: null when there was nothing to measure."""
    return {name: fields.Float(required=True, allow_none=True, metadata={"description": RATE_NAMES[name]})
            for name in names}


class CompositeSchema(Schema):
    """The composite of the founding documents: 30 % daily, 20 % report, 25 % questioning, 25 % survey."""

    daily = fields.Float(required=True, metadata={"description": "the period's score, out of 100"})
    report = fields.Float(required=True, allow_none=True, metadata={"description": "年中述职, out of 100"})
    questioning = fields.Float(required=True, allow_none=True,
                               metadata={"description": "质询评议, out of 100"})
    survey = fields.Float(required=True, allow_none=True, metadata={"description": "社会调查, out of 100"})
    total = fields.Float(required=True, allow_none=True, metadata={
        "description": "0.3·daily + 0.2·report + 0.25·questioning + 0.25·survey; "
                       "null until every part has one"})


class ScoreCountsSchema(Schema):
    """The counts behind the rates and deductions (numerators and denominators)."""

    registered = fields.Integer(required=True)
    refused_at_acceptance = fields.Integer(required=True)
    completed = fields.Integer(required=True)
    with_deadline = fields.Integer(required=True)
    on_time = fields.Integer(required=True)
    early = fields.Integer(required=True)
    same_day = fields.Integer(required=True)
    with_limit = fields.Integer(required=True)
    due = fields.Integer(required=True)
    overdue = fields.Integer(required=True, metadata={
        "description": "late items: due in the period and late"})
    open_late = fields.Integer(required=True, metadata={
        "description": "of those, still open past the deadline with the clock running"})
    late_days = fields.Integer(required=True, metadata={
        "description": "working days of the period the department's tasks spent late"})
    approvals = fields.Integer(required=True)
    rated = fields.Integer(required=True)
    satisfied = fields.Integer(required=True)
    yellow_cards = fields.Integer(required=True)
    red_cards = fields.Integer(required=True)
    orders = fields.Integer(required=True)
    overdue_orders = fields.Integer(required=True)
    red_alerts = fields.Integer(required=True)
    red_video_alerts = fields.Integer(required=True, metadata={"description": "of those, raised by video"})
    complaints_upheld = fields.Integer(required=True, metadata={
        "description": "complaints about it the investigation found upheld in the period"})
    complaints_partly_upheld = fields.Integer(required=True)
    video_upheld = fields.Integer(required=True, metadata={
        "description": "video alerts about it the bureau decided in the period other than by dismissal"})
    inquiry_answers = fields.Integer(required=True)
    inquiry_on_time = fields.Integer(required=True)
    forwards = fields.Integer(required=True)
    forwards_refused = fields.Integer(required=True)
    inquiry_rated = fields.Integer(required=True)
    inquiry_satisfied = fields.Integer(required=True)


class ScorePartSchema(Schema):
    """One part of the monthly score (考核项) and the marks it earned."""

    part = fields.String(required=True, metadata={"description": "e.g. deadlines, satisfaction"})
    name = fields.String(required=True)
    weight = fields.Float(required=True)
    measured = fields.Boolean(required=True, metadata={"description": "computed from the data"})
    basis = fields.String(required=True, validate=validate.OneOf((
        "on_time_rate", "late_items_and_days", "satisfaction_rate", "orders_and_alerts", "complaints_found",
        "video_alerts_upheld", "configured", "full_marks_by_default")))
    marks = fields.Float(required=True)


DepartmentScoreSchema = Schema.from_dict({
    "department": fields.String(required=True),
    "name": fields.String(required=True),
    **_rates(RATE_NAMES),
    "counts": fields.Nested(ScoreCountsSchema, required=True),
    "parts": fields.List(fields.Nested(ScorePartSchema), required=True),
    "deductions": fields.Float(required=True, metadata={"description": "for cards issued in the period"}),
    "score": fields.Float(required=True),
    "composite": fields.Nested(CompositeSchema, required=True),
}, name="DepartmentScoreSchema")
"""A department's rates, parts, card deductions and score for the period."""

WindowUserScoreSchema = Schema.from_dict({
    "user": fields.String(required=True),
    "department": fields.String(required=True),
    **_rates(name for name in RATE_NAMES if name != "overdue_rate"),
    "counts": fields.Nested(ScoreCountsSchema, required=True),
}, name="WindowUserScoreSchema")
"""A window user's rates (no overdue rate: open tasks have nobody who completed them)."""


class ScoreReportSchema(Schema):
    """Performance scores (绩效考核) for one month or quarter."""

    period = fields.String(required=True, metadata={"description": "e.g. 2026-11 or 2026-Q4"})
    start = instant(required=True, metadata={"description": "first instant of the period (Beijing)"})
    end = instant(required=True, metadata={"description": "first instant after the period"})
    max_score = fields.Float(required=True, metadata={"description": "the sum of the weights"})
    departments = fields.List(fields.Nested(DepartmentScoreSchema), required=True)
    windows = fields.List(fields.Nested(WindowUserScoreSchema), required=True)


def _csv(header: list[str], rows: list[list[Any]]) -> bytes:
    """UTF-8 with a byte-order mark, so Excel opens the Chinese headers correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([["" if v is None else v for v in row] for row in rows])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _xlsx(title: str, header: list[str], rows: list[list[Any]]) -> bytes:
    """One sheet named after the period: a bold header row, then numbers as numbers."""
    book = Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:  # a control character (in a department's name, say) is not allowed in a cell
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row])
    sheet.freeze_panes = "C2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@blp.route("/supervision/scores", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(ScoreQuerySchema, location="query")
@blp.alt_response(200, schema=ScoreReportSchema, success=True, description="format=json")
@blp.alt_response(200, schema={"type": "string"}, content_type="text/csv", success=True,
                  description="format=csv: UTF-8 with a byte-order mark, for Excel")
@blp.alt_response(200, schema={"type": "string", "format": "binary"}, content_type=XLSX_MIMETYPE,
                  success=True, description="format=xlsx")
@requires(*SCORE_VIEW)
def department_scores(args: dict[str, Any]) -> Any:
    """Rates, weighted score and card deductions per department (and rates per window user) for a period."""
    period = parse_period(args["period"])
    runtime = services().runtime
    report = scores(request_session(), runtime.calendar, period, score_settings(), runtime.clock.now())
    with_composites(request_session(), report, *year_to_period_end(period))
    if args["format"] == "json":
        return report
    header, rows = score_table(report)
    name = f"scores-{period.label}"
    if args["format"] == "csv":
        body, mimetype, filename = _csv(header, rows), "text/csv", f"{name}.csv"
    else:
        body, mimetype, filename = _xlsx(period.label, header, rows), XLSX_MIMETYPE, f"{name}.xlsx"
    disposition = f'attachment; filename="{filename}"'
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": disposition})


class PeriodQuerySchema(Schema):
    """Which period."""

    period = fields.String(required=True, validate=_period, metadata={
        "pattern": f"^{PERIOD.pattern}$", "description": "a month 2026-11 or a quarter 2026-Q4 (2000-2100)"})


_MEASURES = {
    "applications": fields.Integer(required=True, metadata={"description": "registered under the item"}),
    "one_trip": fields.Integer(required=True), "on_the_spot": fields.Integer(required=True),
    "trips": fields.Integer(required=True),
    "one_trip_rate": fields.Float(required=True, allow_none=True, metadata={"description": "一次办结率"}),
    "on_the_spot_rate": fields.Float(required=True, allow_none=True, metadata={"description": "即办率"}),
    "average_trips": fields.Float(required=True, allow_none=True, metadata={"description": "平均跑动次数"}),
}
ItemMeasuresSchema = Schema.from_dict({
    "code": fields.String(required=True), "name": fields.String(required=True),
    "department": fields.String(required=True), **_MEASURES}, name="ItemMeasuresSchema")
DepartmentMeasuresSchema = Schema.from_dict({"department": fields.String(required=True), **_MEASURES},
                                            name="DepartmentMeasuresSchema")


class ServiceMeasuresSchema(Schema):
    """即办率, 一次办结率 and trips of the applications registered in the period, by item and department."""

    period = fields.String(required=True)
    items = fields.List(fields.Nested(ItemMeasuresSchema), required=True)
    departments = fields.List(fields.Nested(DepartmentMeasuresSchema), required=True)


@blp.route("/supervision/service-measures", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(PeriodQuerySchema, location="query")
@blp.response(200, ServiceMeasuresSchema)
@requires(*SCORE_VIEW)
def measures(args: dict[str, Any]) -> dict[str, Any]:
    """Trips (跑动次数), one-trip and on-the-spot rates of the applications registered in a period."""
    period = parse_period(args["period"])
    return {"period": period.label, **service_measures(request_session(), period)}


class ScoreItemsQuerySchema(Schema):
    """Which figure of which department's score, in which period."""

    period = fields.String(required=True, validate=_period, metadata={
        "pattern": f"^{PERIOD.pattern}$", "description": "a month 2026-11 or a quarter 2026-Q4 (2000-2100)"})
    department = fields.String(required=True, validate=validate.Length(min=1, max=32))
    measure = fields.String(required=True, validate=validate.OneOf(SCORE_MEASURES), metadata={
        "description": "late (超期件数: the tasks), late_days (超期工作日: the tasks with their days), "
                       "on_time (按时办结率: the tasks it is over, each on time or not), supervision "
                       "(cards, orders and red alerts of the period), complaints (complaints found upheld "
                       "or partly upheld), video (video alerts upheld)"})


ScoreItemSchema = Schema.from_dict({
    "kind": fields.String(required=True, metadata={"enum": ["task", "card", "order", "alert", "complaint"]}),
    "task_id": fields.String(), "task_name": fields.String(), "status": fields.String(),
    "instance_id": fields.Integer(allow_none=True), "query_code": fields.String(),
    "project_name": fields.String(), "due_at": instant(allow_none=True),
    "completed_at": instant(allow_none=True),
    "still_open": fields.Boolean(), "late_days": fields.Integer(), "on_time": fields.Boolean(),
    "id": fields.Integer(), "color": fields.String(), "reason": fields.String(), "title": fields.String(),
    "at": instant(), "issued_in_period": fields.Boolean(), "missed_in_period": fields.Boolean(),
    "video": fields.Boolean(), "code": fields.String(), "decision": fields.String(),
    "finding": fields.String(metadata={"enum": ["upheld", "partly_upheld"]}),
}, name="ScoreItemSchema")


class ScoreItemsSchema(Schema):
    """The items behind one figure: their number (for late_days, the sum of their days) is the figure."""

    period = fields.String(required=True)
    department = fields.String(required=True)
    measure = fields.String(required=True)
    items = fields.List(fields.Nested(ScoreItemSchema), required=True)


@blp.route("/supervision/scores/items", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(ScoreItemsQuerySchema, location="query")
@blp.response(200, ScoreItemsSchema)
@requires(*SCORE_VIEW)
def items_behind(args: dict[str, Any]) -> dict[str, Any]:
    """The approvals, tasks and records behind one figure of a department's score (what was counted)."""
    period = parse_period(args["period"])
    runtime = services().runtime
    found = score_items(request_session(), runtime.calendar, period, args["department"], args["measure"],
                        runtime.clock.now())
    items = [{k: iso(v) if isinstance(v, datetime) else v for k, v in item.items()} for item in found]
    return {"period": period.label, "department": args["department"], "measure": args["measure"],
            "items": items}
