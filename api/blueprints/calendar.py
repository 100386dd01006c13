"""The working-day calendar: read a year, upload a whole year (JSON or CSV), toggle one day."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import request
from flask_smorest import abort
from marshmallow import Schema, ValidationError, fields, validate
from werkzeug.exceptions import BadRequest, UnsupportedMediaType

from engine.calendar_store import years_loaded
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
from engine.deadline_recompute import MovedDeadline
from engine.models import DEFAULT_CENTRE
from engine.queries.calendar import calendar_year
from engine.workdays import SHANGHAI
from monitor.commands.calendar_watch import WatchCalendarCommand

from ..auth import requires, run_command
from ..schema_fields import instant
from ..wiring import Blueprint, request_session, services

blp = Blueprint("calendar", __name__, url_prefix="/api/admin/calendar",
                description="Working-day calendar (statutory holidays, 调休) per service centre")

CSV_TYPES = ("text/csv", "application/csv")


# The path parameters as the commands check them: a year they accept, a day written YYYY-MM-DD.
YEAR_PARAMETER = {"in": "path", "name": "year", "required": True,
                  "schema": {"type": "integer", "minimum": MIN_YEAR, "maximum": MAX_YEAR}}
DAY_PATTERN = r"^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
DAY_PARAMETER = {"in": "path", "name": "day", "required": True,
                 "schema": {"type": "string", "pattern": DAY_PATTERN},
                 "description": "a day of `year`, e.g. 2027-01-01 (a date that does not exist, or one of "
                                "another year, answers 422)"}


class CalendarDaySchema(Schema):
    """One day of a year: whether it is a working day, and why (元旦, 调休上班, …)."""

    date = fields.String(required=True, metadata={"format": "date"})
    is_workday = fields.Boolean(required=True)
    note = fields.String(required=True, allow_none=True)
    provisional = fields.Boolean(required=True, metadata={
        "description": "counted by the provisional rule, not an official notice"})


class MovedDeadlineSchema(Schema):
    """A deadline a calendar change moved, as MovedDeadline.as_json writes it."""

    subject = fields.String(required=True,
                            validate=validate.OneOf(("task", "shortfall", "order", "follow_up")))
    id = fields.String(required=True)
    instance_id = fields.Integer(required=True, allow_none=True)
    old = instant(required=True, allow_none=True)
    new = instant(required=True, allow_none=True)


class RecomputedSchema(Schema):
    """The deadlines a calendar change moved (or, on a dry run, would move)."""

    dry_run = fields.Boolean(required=True,
                             metadata={"description": "true: nothing was stored, this is what would move"})
    count = fields.Integer(required=True)
    deadlines = fields.List(fields.Nested(MovedDeadlineSchema), required=True)


class CalendarYearSchema(Schema):
    """Every day of a year of the default centre, official or provisional."""

    year = fields.Integer(required=True)
    centre = fields.String(required=True)
    provisional = fields.Boolean(required=True, metadata={
        "description": "no official notice loaded: weekends and statutory holidays only, no adjusted "
                       "working days"})
    days = fields.List(fields.Nested(CalendarDaySchema), required=True)
    workdays = fields.Integer(required=True, metadata={"description": "how many working days the year has"})


class UploadedYearSchema(CalendarYearSchema):
    """A year after an upload, with the deadlines it moved; a dry run lists no days, only what would move."""

    recomputed = fields.Nested(RecomputedSchema, required=True)


class ChangedDaySchema(CalendarDaySchema):
    """A day after a change, with the deadlines it moved."""

    recomputed = fields.Nested(RecomputedSchema, required=True)


class CalendarStatusSchema(Schema):
    """Which years are official, and the banner while next year is missing."""

    official_years = fields.List(fields.Integer())
    next_year = fields.Integer()
    next_year_official = fields.Boolean()
    warning = fields.String(allow_none=True, metadata={"description": "the banner the admin page shows"})


class DryRunSchema(Schema):
    """Whether to store the change or only answer what it would move."""

    dry_run = fields.Boolean(load_default=False, metadata={
        "description": "answer what would move; store nothing"})


class UploadDaySchema(Schema):
    """One day of an uploaded year (checked by the command, which lists every problem)."""

    date = fields.String(required=True, metadata={"example": "2027-01-01"})
    is_workday = fields.Boolean(required=True)
    note = fields.String(load_default=None, allow_none=True, metadata={"example": "元旦"})


class YearUploadSchema(Schema):
    """A whole year as JSON: every day once."""

    days = fields.List(fields.Nested(UploadDaySchema), required=True,
                       metadata={"description": "every day of the year, once"})


class DayPatchSchema(Schema):
    """The new state of one day, and optionally its note."""

    is_workday = fields.Boolean(required=True)
    note = fields.String(allow_none=True, validate=validate.Length(max=MAX_NOTE),
                         metadata={"description": "left out: unchanged; null: removed"})


def _day_json(day: date, is_workday: bool, note: str | None, provisional: bool = False) -> dict[str, Any]:
    return {"date": day.isoformat(), "is_workday": is_workday, "note": note, "provisional": provisional}


def _year_or_404(year: int) -> dict[str, Any]:
    """A year of the default centre as the page shows it (404 before the first loaded year)."""
    found = calendar_year(request_session(), services().calendar, year)
    return {"year": year, "centre": DEFAULT_CENTRE, "provisional": found.provisional,
            "days": [_day_json(day, flag, note, found.provisional) for day, flag, note in found.days],
            "workdays": sum(1 for _day, flag, _note in found.days if flag)}


def _recomputed(moved: tuple[MovedDeadline, ...], dry_run: bool) -> dict[str, Any]:
    return {"dry_run": dry_run, "count": len(moved), "deadlines": [m.as_json() for m in moved]}


def _watch_next_year() -> None:
    """Close the missing-calendar alert as soon as the year is loaded, not at the next daily check."""
    run_command(WatchCalendarCommand(services().settings.calendar_warning_from))


def calendar_warning(today: date, official_years: frozenset[int],
                     from_month_day: tuple[int, int]) -> str | None:
    """The banner text while next year's official calendar is missing, from the configured date on."""
    following = today.year + 1
    if following in official_years or (today.month, today.day) < from_month_day:
        return None
    return (f"{following}年节假日安排尚未导入，{following}年的办理期限按法定节假日暂算（暂定）；"
            f"国务院办公厅通知发布后请上传{following}年全年日历，已算出的期限将自动重算。")


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
            raise BadRequest("CSV 文件须为 UTF-8 编码") from None
        entries, problems = parse_calendar_csv(text)
        return ReplaceCalendarYearCommand(year, tuple(entries), tuple(problems))
    raise UnsupportedMediaType(f"请以 application/json 或 text/csv 格式提交全年日历，"
                               f"CSV 表头为 {','.join(CSV_HEADER)}")


@blp.route("/status", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.response(200, CalendarStatusSchema)
@requires()
def get_status() -> dict[str, Any]:
    """Which years are official, and the warning shown while next year's notice is not loaded."""
    today = services().runtime.clock.now().astimezone(SHANGHAI).date()
    # From the table, not the cache: another worker may have just loaded a year.
    official = frozenset(years_loaded(request_session()))
    return {"official_years": sorted(official), "next_year": today.year + 1,
            "next_year_official": today.year + 1 in official,
            "warning": calendar_warning(today, official, services().settings.calendar_warning_from)}


@blp.route("/<int:year>", methods=["GET"], parameters=[YEAR_PARAMETER])
@blp.doc(security=[{"bearerAuth": []}])
@blp.response(200, CalendarYearSchema)
@requires()
def get_year(year: int) -> dict[str, Any]:
    """Return every day of a year with its working-day flag and note; a year not loaded yet is provisional.

    Years before the first loaded year answer 404.
    """
    return _year_or_404(year)


@blp.route("/<int:year>", methods=["PUT"], parameters=[YEAR_PARAMETER])
@blp.doc(security=[{"bearerAuth": []}], requestBody={"required": True, "content": {
    "application/json": {"schema": YearUploadSchema},
    # application/csv is read as well; only the registered text/csv is documented.
    "text/csv": {"schema": {"type": "string", "example": "date,is_workday,note\n2027-01-01,否,元旦\n"}},
}}, description=(
    "422 when nothing was stored: details.problems lists every problem (with its line for CSV), e.g. a "
    "day missing, given twice, of another year, or not a date, or a year without working days. A JSON "
    "upload must hold every day of the year once."))
@blp.arguments(DryRunSchema, location="query", as_kwargs=True)
@blp.alt_response(201, schema=UploadedYearSchema, success=True, description="the year was not loaded before")
@blp.alt_response(200, schema=UploadedYearSchema, success=True,
                  description="the year replaced an earlier one (or, dry_run, nothing stored)")
@requires("admin")
def put_year(year: int, dry_run: bool) -> Any:
    """Load or replace a whole year; every open deadline reckoned over its days is recomputed.

    With `?dry_run=true` nothing is stored: the answer lists the deadlines that would move.
    """
    result = run_command(_uploaded_year(year), dry_run=dry_run)
    if not dry_run:
        _watch_next_year()
    body = _year_or_404(year) if not dry_run else {
        "year": year, "centre": DEFAULT_CENTRE, "provisional": False, "days": [], "workdays": result.workdays}
    body["recomputed"] = _recomputed(result.moved, dry_run)
    return body, (201 if result.created and not dry_run else 200)


@blp.route("/<int:year>/days/<string:day>", methods=["PATCH"], parameters=[YEAR_PARAMETER, DAY_PARAMETER])
@blp.doc(security=[{"bearerAuth": []}], description=(
    "404 while the year is not loaded; 422 when `day` is not a date of `year`, or when the change "
    "would leave the year without a working day."))
@blp.arguments(DayPatchSchema)
@blp.arguments(DryRunSchema, location="query", as_kwargs=True)
@blp.response(200, ChangedDaySchema)
@requires("admin")
def patch_day(body: dict[str, Any], year: int, day: str, dry_run: bool) -> dict[str, Any]:
    """Make one loaded day a working day or a day off; open deadlines over it are recomputed.

    With `?dry_run=true` nothing is stored: the answer lists the deadlines that would move.
    """
    changed = run_command(SetCalendarDayCommand(year, day, body["is_workday"], body.get("note", UNCHANGED)),
                          dry_run=dry_run)
    if not dry_run:
        _watch_next_year()
    return {**_day_json(changed.date, changed.is_workday, changed.note),
            "recomputed": _recomputed(changed.moved, dry_run)}
