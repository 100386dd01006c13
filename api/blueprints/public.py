"""Public tracking by query code: no login, no personal data, no hint about which codes exist."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import Response
from marshmallow import Schema, fields

from engine.models import Instance, TaskRecord
from engine.queries.definitions import definition_xml
from engine.queries.departments import department_names
from engine.queries.instances import track
from engine.queries.pauses import instance_pauses
from engine.queries.shortfalls import instance_shortfall
from engine.workdays import SHANGHAI, touches_provisional
from monitor.item_limits import item_due_dates
from monitor.queries.catalogue import application_item
from monitor.queries.ratings import approval_rating

from ..code_guard import guarded
from ..presenters import iso, tracking_json
from ..wiring import Blueprint, request_session, services

blp = Blueprint("public", __name__, url_prefix="/api/public", description="Applicant tracking")



class TrackedTaskSchema(Schema):
    """One step of an approval as the applicant may see it, without staff names."""

    name = fields.String()
    bpmn_id = fields.String(metadata={"description": "the diagram element, to colour it by state"})
    department = fields.String()
    department_name = fields.String()
    state = fields.String()
    due_at = fields.String(allow_none=True)
    completed_at = fields.String(allow_none=True)
    working_days_left = fields.Integer(allow_none=True,
                                       metadata={"description": "0: due today; negative: late"})
    overdue = fields.Boolean()
    provisional = fields.Boolean(metadata={
        "description": "the due time was reckoned over a provisional calendar year (暂定)"})
    decision = fields.String(allow_none=True)
    blzt = fields.Integer(allow_none=True)
    blzt_name = fields.String(allow_none=True)
    paused = fields.Dict(allow_none=True, metadata={"description": "{kind, reason, since} while stopped"})


class TrackingSchema(Schema):
    """What anyone holding the query code may learn about an approval."""

    query_code = fields.String()
    project_name = fields.String()
    status = fields.String(metadata={"description": "incident: stopped by a fault the centre is handling"})
    stage = fields.String()
    provisional = fields.Boolean(metadata={"description": "an open deadline is provisional (暂定)"})
    accepted_at = fields.String()
    completed_at = fields.String(allow_none=True)
    outcome = fields.String(allow_none=True)
    accepted = fields.Boolean(metadata={
        "description": "false for an intake record that ended without acceptance: accepted_at is then "
                       "when it was received"})
    refusal_reason = fields.String(allow_none=True, metadata={
        "description": "a refused application's reason, as the refusing department gave it"})
    blzt = fields.Integer(allow_none=True)
    blzt_name = fields.String(allow_none=True)
    passed_with_shortfall = fields.Boolean()
    correction = fields.Dict(allow_none=True, metadata={"description": "the correction notice in force"})
    shortfall = fields.Dict(allow_none=True, metadata={"description": "容缺: documents still to supply"})
    tasks = fields.List(fields.Nested(TrackedTaskSchema))
    departments = fields.Dict(keys=fields.String(), values=fields.String(), metadata={
        "description": "every department's name by code, for the diagram's lanes"})
    rating = fields.Dict(allow_none=True, metadata={
        "description": "the applicant's grade once given: {grade, rated_at}; an approval is rated once"})
    service_item = fields.Dict(allow_none=True, metadata={"description": (
        "the catalogue item applied for: {code, version, name, kind, promised_days, legal_days, "
        "promised_due_at, legal_due_at, clock_stopped, provisional}; the dates move with the window's "
        "correction stops, and are provisional (暂定) while they reach a year whose holidays are not out")})


def _tracked(query_code: str) -> tuple[Instance, list[TaskRecord]]:
    """Find the application under the guessing counter shared by every public code lookup."""
    return guarded(lambda: track(request_session(), query_code))


@blp.route("/track/<string:query_code>", methods=["GET"])
@blp.response(200, TrackingSchema)
@blp.alt_response(404, description="unknown or malformed code (identical answers)")
@blp.alt_response(429, description="too many unknown codes from this address; see Retry-After")
def track_application(query_code: str) -> dict[str, Any]:
    """Show an application's progress to whoever holds its query code."""
    instance, tasks = _tracked(query_code)
    correction = next((p for p in instance_pauses(request_session(), instance.id)
                       if p.task_id is None and p.ended_at is None), None)
    runtime = services().runtime
    names = department_names(request_session())
    body = tracking_json(instance, tasks, names,
                         shortfall=instance_shortfall(request_session(), instance.id), correction=correction,
                         now=runtime.clock.now(), calendar=runtime.calendar)
    rating = approval_rating(request_session(), instance.id)
    return {**body, "service_item": _item_limits(instance), "departments": names,
            "rating": {"grade": rating.grade, "rated_at": iso(rating.rated_at)} if rating else None}


def _item_limits(instance: Instance) -> dict[str, Any] | None:
    """The catalogue item applied for, its two limits, and the completion times they give (承诺, 法定)."""
    pair = application_item(request_session(), instance.id)
    if pair is None:
        return None
    item, version = pair
    runtime = services().runtime
    due = item_due_dates(runtime.calendar, runtime.workday_close, instance.created_at, version.promised_days,
                         version.legal_days, instance_pauses(request_session(), instance.id))
    return {"code": item.code, "version": version.version, "name": version.name, "kind": version.kind,
            "promised_days": version.promised_days, "legal_days": version.legal_days,
            "promised_due_at": iso(due.promised), "legal_due_at": iso(due.legal),
            "clock_stopped": due.stopped,
            "provisional": touches_provisional(runtime.calendar, _day(instance.created_at), _day(due.legal))}


def _day(instant: datetime) -> date:
    return instant.astimezone(SHANGHAI).date()


@blp.route("/track/<string:query_code>/diagram", methods=["GET"])
@blp.doc(responses={"200": {"description": "the BPMN XML of the version the application runs on",
                            "content": {"application/xml": {}}}})
@blp.alt_response(404, description="unknown or malformed code")
def track_diagram(query_code: str) -> Response:
    """Return the process diagram the application follows, for the tracking page's viewer."""
    instance, _ = _tracked(query_code)
    xml = definition_xml(request_session(), instance.definition_id)
    response = Response(xml, mimetype="application/xml")
    response.headers["Cache-Control"] = "private, max-age=3600"  # a deployed version never changes
    return response
