"""The working-day calendar: read a year, upload a whole year (JSON or CSV), toggle one day."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import request
from flask_smorest import abort
from marshmallow import Schema, ValidationError, fields, validate
from sqlalchemy import select
from werkzeug.exceptions import BadRequest, UnsupportedMediaType

from engine.commands.calendar import (
    CSV_HEADER,
    MAX_NOTE,
    MAX_YEAR,
    MIN_YEAR,
    UNCHANGED,
    ReplaceCalendarYearCommand,
    SetCalendarDayCommand,
    entries_from_json,
    parse_calendar_csv,
)
from engine.exceptions import NotFoundError
from engine.models import DEFAULT_CENTRE, CalendarDay

from ..auth import requires
from ..extensions import Blueprint, db, run_command

blp = Blueprint("calendar", __name__, url_prefix="/api/admin/calendar",
                description="Working-day calendar (statutory holidays, 调休) per service centre")

CSV_TYPES = ("text/csv", "application/csv")


class CalendarDaySchema(Schema):
    date = fields.String()
    is_workday = fields.Boolean()
    note = fields.String(allow_none=True)


class CalendarYearSchema(Schema):
    year = fields.Integer()
    centre = fields.String()
    days = fields.List(fields.Nested(CalendarDaySchema))
    workdays = fields.Integer(metadata={"description": "how many working days the year has"})


class UploadDaySchema(Schema):
    date = fields.String(required=True, metadata={"example": "2027-01-01"})
    is_workday = fields.Boolean(required=True)
    note = fields.String(load_default=None, allow_none=True, metadata={"example": "元旦"})


class YearUploadSchema(Schema):
    days = fields.List(fields.Nested(UploadDaySchema), required=True,
                       metadata={"description": "every day of the year, once"})


class DayPatchSchema(Schema):
    is_workday = fields.Boolean(required=True)
    note = fields.String(allow_none=True, validate=validate.Length(max=MAX_NOTE),
                         metadata={"description": "left out: unchanged; null: removed"})


def _day_json(row: CalendarDay) -> dict[str, Any]:
    return {"date": row.day.isoformat(), "is_workday": row.is_workday, "note": row.note}


def _year_or_404(year: int) -> dict[str, Any]:
    """Return a stored year of the default centre, or 404 when it has no rows."""
    rows = []
    if MIN_YEAR <= year <= MAX_YEAR:
        rows = db.session.scalars(select(CalendarDay).where(
            CalendarDay.centre == DEFAULT_CENTRE, CalendarDay.day >= date(year, 1, 1),
            CalendarDay.day < date(year + 1, 1, 1)).order_by(CalendarDay.day)).all()
    if not rows:
        raise NotFoundError(f"the calendar has no data for {year}", year=year, centre=DEFAULT_CENTRE)
    return {"year": year, "centre": DEFAULT_CENTRE, "days": [_day_json(r) for r in rows],
            "workdays": sum(1 for r in rows if r.is_workday)}


def _uploaded_year(year: int) -> ReplaceCalendarYearCommand:
    """Read the body as JSON {days: [...]} or as CSV text into a replace command."""
    if request.mimetype == "application/json":
        try:
            body = YearUploadSchema().load(request.get_json(silent=True) or {})
        except ValidationError as err:
            abort(400, messages={"json": err.messages})
        return ReplaceCalendarYearCommand(year, entries_from_json(body["days"]))
    if request.mimetype in CSV_TYPES:
        try:
            text = request.get_data(cache=False).decode("utf-8")
        except UnicodeDecodeError:
            raise BadRequest("the CSV must be UTF-8 encoded") from None
        entries, problems = parse_calendar_csv(text)
        return ReplaceCalendarYearCommand(year, tuple(entries), tuple(problems))
    raise UnsupportedMediaType(f"send the year as application/json or as text/csv "
                               f"with header {','.join(CSV_HEADER)}")


@blp.route("/<int:year>", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.response(200, CalendarYearSchema)
@requires()
def get_year(year: int) -> dict[str, Any]:
    """Return every day of a year with its working-day flag and note (404 when not loaded)."""
    return _year_or_404(year)


@blp.route("/<int:year>", methods=["PUT"])
@blp.doc(security=[{"bearerAuth": []}], requestBody={"content": {
    "application/json": {"schema": YearUploadSchema},
    "text/csv": {"schema": {"type": "string", "example": "date,is_workday,note\n2027-01-01,否,元旦\n"}},
}}, responses={"201": {"description": "the year was not loaded before"},
               "422": {"description": "nothing stored; details.problems lists every problem (line for CSV)"}})
@blp.response(200, CalendarYearSchema, description="the year replaced an earlier one")
@requires("admin")
def put_year(year: int) -> Any:
    """Load or replace a whole year; deadlines already computed from the old data are not recomputed."""
    result = run_command(_uploaded_year(year))
    return _year_or_404(year), (201 if result.created else 200)


@blp.route("/<int:year>/days/<string:day>", methods=["PATCH"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(DayPatchSchema)
@blp.response(200, CalendarDaySchema)
@requires("admin")
def patch_day(body: dict[str, Any], year: int, day: str) -> dict[str, Any]:
    """Make one loaded day a working day or a day off; the next deadline computed sees it."""
    row = run_command(SetCalendarDayCommand(year, day, body["is_workday"], body.get("note", UNCHANGED)))
    return _day_json(row)
