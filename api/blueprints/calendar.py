"""The working-day calendar: read a year, upload a whole year (JSON or CSV), toggle one day."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import request
from flask_smorest import abort
from marshmallow import Schema, ValidationError, fields, validate
from sqlalchemy import select
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
from engine.exceptions import NotFoundError
from engine.models import DEFAULT_CENTRE, CalendarDay
from engine.provisional_calendar import provisional_days
from engine.workdays import SHANGHAI
from monitor.commands.calendar_watch import WatchCalendarCommand

from ..auth import requires
from ..extensions import Blueprint, db, run_command, services

blp = Blueprint("calendar", __name__, url_prefix="/api/admin/calendar",
                description="Working-day calendar (statutory holidays, 调休) per service centre")

CSV_TYPES = ("text/csv", "application/csv")


class CalendarDaySchema(Schema):
    date = fields.String()
    is_workday = fields.Boolean()
    note = fields.String(allow_none=True)
    provisional = fields.Boolean(metadata={
        "description": "counted by the provisional rule, not an official notice"})


class MovedDeadlineSchema(Schema):
    subject = fields.String(metadata={"enum": ["task", "shortfall", "order", "follow_up"]})
    id = fields.String()
    instance_id = fields.Integer(allow_none=True)
    old = fields.String(allow_none=True)
    new = fields.String(allow_none=True)


class RecomputedSchema(Schema):
    dry_run = fields.Boolean(metadata={"description": "true: nothing was stored, this is what would move"})
    count = fields.Integer()
    deadlines = fields.List(fields.Nested(MovedDeadlineSchema))


class CalendarYearSchema(Schema):
    year = fields.Integer()
    centre = fields.String()
    provisional = fields.Boolean(metadata={"description": "no official notice loaded: weekends and statutory "
                                                          "holidays only, no adjusted working days"})
    days = fields.List(fields.Nested(CalendarDaySchema))
    workdays = fields.Integer(metadata={"description": "how many working days the year has"})
    recomputed = fields.Nested(RecomputedSchema, metadata={
        "description": "after an upload: the deadlines moved"})


class ChangedDaySchema(CalendarDaySchema):
    recomputed = fields.Nested(RecomputedSchema)


class CalendarStatusSchema(Schema):
    official_years = fields.List(fields.Integer())
    next_year = fields.Integer()
    next_year_official = fields.Boolean()
    warning = fields.String(allow_none=True, metadata={"description": "the banner the admin page shows"})


class DryRunSchema(Schema):
    dry_run = fields.Boolean(load_default=False, metadata={
        "description": "answer what would move; store nothing"})


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


def _day_json(day: date, is_workday: bool, note: str | None, provisional: bool = False) -> dict[str, Any]:
    return {"date": day.isoformat(), "is_workday": is_workday, "note": note, "provisional": provisional}


def _year_or_404(year: int) -> dict[str, Any]:
    """Return a year of the default centre: its official rows, else its provisional days, else 404."""
    rows = []
    if MIN_YEAR <= year <= MAX_YEAR:
        rows = db.session.execute(select(CalendarDay.day, CalendarDay.is_workday, CalendarDay.note).where(
            CalendarDay.centre == DEFAULT_CENTRE, CalendarDay.day >= date(year, 1, 1),
            CalendarDay.day < date(year + 1, 1, 1)).order_by(CalendarDay.day)).all()
    provisional = not rows and MIN_YEAR <= year <= MAX_YEAR and services().calendar.is_provisional_year(year)
    if provisional:
        rows = list(provisional_days(year))
    if not rows:
        raise NotFoundError(f"工作日历没有{year}年的数据", year=year, centre=DEFAULT_CENTRE)
    return {"year": year, "centre": DEFAULT_CENTRE, "provisional": provisional,
            "days": [_day_json(day, flag, note, provisional) for day, flag, note in rows],
            "workdays": sum(1 for _day, flag, _note in rows if flag)}


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
            raise BadRequest("the CSV must be UTF-8 encoded") from None
        entries, problems = parse_calendar_csv(text)
        return ReplaceCalendarYearCommand(year, tuple(entries), tuple(problems))
    raise UnsupportedMediaType(f"send the year as application/json or as text/csv "
                               f"with header {','.join(CSV_HEADER)}")


@blp.route("/status", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.response(200, CalendarStatusSchema)
@requires()
def get_status() -> dict[str, Any]:
    """Which years are official, and the warning shown while next year's notice is not loaded."""
    today = services().runtime.clock.now().astimezone(SHANGHAI).date()
    official = frozenset(years_loaded(db.session))  # from the table: another worker may have just loaded one
    return {"official_years": sorted(official), "next_year": today.year + 1,
            "next_year_official": today.year + 1 in official,
            "warning": calendar_warning(today, official, services().settings.calendar_warning_from)}


@blp.route("/<int:year>", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.response(200, CalendarYearSchema)
@requires()
def get_year(year: int) -> dict[str, Any]:
    """Return every day of a year with its working-day flag and note; a year not loaded yet is provisional.

    Years before the first loaded year answer 404.
    """
    return _year_or_404(year)


@blp.route("/<int:year>", methods=["PUT"])
@blp.doc(security=[{"bearerAuth": []}], requestBody={"content": {
    "application/json": {"schema": YearUploadSchema},
    "text/csv": {"schema": {"type": "string", "example": "date,is_workday,note\n2027-01-01,否,元旦\n"}},
}}, responses={"201": {"description": "the year was not loaded before"},
               "422": {"description": "nothing stored; details.problems lists every problem (line for CSV)"}})
@blp.arguments(DryRunSchema, location="query", as_kwargs=True)
@blp.response(200, CalendarYearSchema,
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


@blp.route("/<int:year>/days/<string:day>", methods=["PATCH"])
@blp.doc(security=[{"bearerAuth": []}])
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
