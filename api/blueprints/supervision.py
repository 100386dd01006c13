"""Supervision bureau (监察局/效能办): the board and the alert lifecycle."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from engine.models import OPEN_TASK_STATUSES, WARNING_LEVELS
from monitor.chain import verify_all_chains
from monitor.commands.alerts import (
    ALERT_DECISIONS,
    AcknowledgeAlertCommand,
    CloseAlertCommand,
    DecideAlertCommand,
    ExplainAlertCommand,
)
from monitor.models import ALERT_LEVELS, ALERT_SOURCES, ALERT_STATES, Alert
from monitor.queries.alerts import alert_for, alerts_page
from monitor.queries.board import board, board_items
from monitor.queries.trends import alerts_today, complaints_by_month, warnings_by_day

from ..auth import current_actor, requires, run_command
from ..presenters import countdown, iso
from ..schema_fields import PageSchema, instant, non_blank_text
from ..wiring import Blueprint, request_session, services

blp = Blueprint("supervision", __name__, url_prefix="/api/supervision", description="E-supervision")

SUPERVISION_VIEW = ("supervisor", "admin")


class AlertQuerySchema(Schema):
    """Filters and page of the alerts list."""

    source = fields.String(load_default=None, validate=validate.OneOf(ALERT_SOURCES))
    level = fields.String(load_default=None, validate=validate.OneOf(ALERT_LEVELS))
    state = fields.String(load_default=None, validate=validate.OneOf(ALERT_STATES))
    department = fields.String(load_default=None)
    since = fields.AwareDateTime(load_default=None, metadata={
        "description": "only alerts opened at or after this instant (ISO 8601 with offset)"})
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))


class BoardItemsQuerySchema(Schema):
    """One cell of the supervision board: the approvals of a department at a stage."""

    department = fields.String(required=True, validate=validate.Length(min=1, max=32))
    stage = fields.String(required=True, validate=validate.Length(min=1, max=255),
                          metadata={"description": "a board cell's stage: s1…s4 or a process key"})
    level = fields.String(load_default=None, validate=validate.OneOf((*WARNING_LEVELS, "incident")),
                        metadata={"description": "a warning level, or incident: work an incident stopped"})
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))


class ChartsQuerySchema(Schema):
    """How far back the board's charts look."""

    days = fields.Integer(load_default=30, validate=validate.Range(min=1, max=366))
    months = fields.Integer(load_default=12, validate=validate.Range(min=1, max=60))


class ExplainSchema(Schema):
    """The department's explanation of an alert."""

    explanation = non_blank_text(5000, required=True)


class DecideSchema(Schema):
    """The bureau's decision on an alert and why."""

    decision = fields.String(required=True, validate=validate.OneOf(ALERT_DECISIONS))
    reason = non_blank_text(5000, required=True)


class BoardCellSchema(Schema):
    """One board cell: a department's open tasks in one stage, counted by warning level."""

    department = fields.String(required=True)
    stage = fields.String(required=True, metadata={"description": "s1…s4, or a process key"})
    stage_name = fields.String(required=True, metadata={"description": "阶段名称"})
    green = fields.Integer(required=True)
    yellow = fields.Integer(required=True)
    red = fields.Integer(required=True)
    escalated = fields.Integer(required=True)
    incident = fields.Integer(required=True, metadata={"description": "open work an incident stopped"})


class RedListItemSchema(Schema):
    """One of the most overdue open tasks (红色清单), soonest due first."""

    task_id = fields.String(required=True)
    instance_id = fields.Integer(required=True)
    project_name = fields.String(required=True)
    query_code = fields.String(required=True)
    department = fields.String(required=True)
    name = fields.String(required=True)
    level = fields.String(required=True, validate=validate.OneOf(("red", "escalated")))
    due_at = instant(required=True, allow_none=True)
    working_days_left = fields.Integer(required=True, allow_none=True, metadata={
        "description": "working days to the due day, negative once late; null outside the calendar"})


class OnTimeSchema(Schema):
    """A department's tasks completed this month, those open past their deadline, and the on-time ones."""

    department = fields.String(required=True)
    completed = fields.Integer(required=True)
    open_late = fields.Integer(required=True, metadata={
        "description": "open now with the clock running and the deadline passed (not on time either)"})
    on_time = fields.Integer(required=True)
    rate = fields.Float(required=True, allow_none=True,
                        metadata={"description": "on_time / (completed + open_late)"})


class AlertsTodaySchema(Schema):
    """Alerts opened since Beijing midnight, by source."""

    since = instant(required=True)
    total = fields.Integer(required=True)
    by_source = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True,
                            metadata={"description": "source → count; sources without alerts are left out"})


class SupervisionBoardSchema(Schema):
    """The bureau's board: why a department's work is late, at a glance."""

    cells = fields.List(fields.Nested(BoardCellSchema), required=True)
    cells_as_of = instant(required=True, metadata={"description": "when the counts were made"})
    red_list = fields.List(fields.Nested(RedListItemSchema), required=True, metadata={
        "description": "the most overdue red or escalated open work (incidents apart), up to 50"})
    red_total = fields.Integer(required=True, metadata={
        "description": "how many items the red list has in all (it shows the first 50)"})
    on_time = fields.List(fields.Nested(OnTimeSchema), required=True,
                          metadata={"description": "this Beijing month, by department"})
    month = fields.String(required=True, metadata={"description": "the month of on_time, e.g. 2026-12"})
    alerts_today = fields.Nested(AlertsTodaySchema, required=True)


class BoardItemSchema(Schema):
    """One open task behind a board cell."""

    task_id = fields.String(required=True)
    instance_id = fields.Integer(required=True)
    project_name = fields.String(required=True)
    query_code = fields.String(required=True)
    name = fields.String(required=True)
    level = fields.String(required=True, validate=validate.OneOf(WARNING_LEVELS))
    due_at = instant(required=True, allow_none=True)
    status = fields.String(required=True, validate=validate.OneOf(OPEN_TASK_STATUSES))
    instance_status = fields.String(required=True)
    working_days_left = fields.Integer(required=True, allow_none=True)


class BoardItemsSchema(Schema):
    """A page of a board cell's open tasks (no total: the cell's count is on the board)."""

    items = fields.List(fields.Nested(BoardItemSchema), required=True)
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)


class WarningsDaySchema(Schema):
    """Items that turned yellow, red or escalated on one Beijing day."""

    day = fields.Date(required=True)
    yellow = fields.Integer(required=True)
    red = fields.Integer(required=True)
    escalated = fields.Integer(required=True)


class ComplaintsMonthSchema(Schema):
    """Complaints filed in one Beijing month."""

    month = fields.String(required=True, metadata={"description": "e.g. 2026-12"})
    count = fields.Integer(required=True)


class SupervisionChartsSchema(Schema):
    """The board's chart series, oldest first, one entry per day or month even when zero."""

    warnings_by_day = fields.List(fields.Nested(WarningsDaySchema), required=True)
    complaints_by_month = fields.List(fields.Nested(ComplaintsMonthSchema), required=True)


class BrokenLinkSchema(Schema):
    """A row whose link in its hash chain does not hold, and why."""

    table = fields.String(required=True)
    instance_id = fields.Integer(required=True, allow_none=True)
    seq = fields.Integer(required=True, allow_none=True)
    reason = fields.String(required=True)
    text = fields.String(required=True, metadata={"description": "the line `ow verify-chain` prints"})


class ChainCheckSchema(Schema):
    """The result of checking every audit chain and the accountability chain."""

    intact = fields.Boolean(required=True)
    checked_at = instant(required=True)
    broken = fields.List(fields.Nested(BrokenLinkSchema), required=True)


class AlertSchema(Schema):
    """An alert (预警) and its handling so far: acknowledged, explained, decided, closed."""

    id = fields.Integer(required=True)
    source = fields.String(required=True, validate=validate.OneOf(ALERT_SOURCES))
    kind = fields.String(required=True, metadata={"description": "e.g. overdue, complaint, bad_review"})
    level = fields.String(required=True, validate=validate.OneOf(ALERT_LEVELS))
    department = fields.String(required=True, allow_none=True)
    instance_id = fields.Integer(required=True, allow_none=True)
    task_id = fields.String(required=True, allow_none=True)
    subject = fields.String(required=True, metadata={"description": "e.g. task:<id>, instance:12"})
    title = fields.String(required=True)
    details = fields.Dict(required=True)
    evidence = fields.Dict(required=True, allow_none=True, metadata={"description": "e.g. a snapshot"})
    state = fields.String(required=True, validate=validate.OneOf(ALERT_STATES))
    opened_at = instant(required=True)
    updated_at = instant(required=True)
    closed_at = instant(required=True, allow_none=True)
    acknowledged_by = fields.String(required=True, allow_none=True)
    explanation = fields.String(required=True, allow_none=True)
    explained_by = fields.String(required=True, allow_none=True)
    explained_at = instant(required=True, allow_none=True)
    decision = fields.String(required=True, allow_none=True, validate=validate.OneOf(ALERT_DECISIONS))
    decision_reason = fields.String(required=True, allow_none=True)
    decided_by = fields.String(required=True, allow_none=True)
    decided_at = instant(required=True, allow_none=True)


class AlertPageSchema(PageSchema):
    """A page of alerts, newest first."""

    items = fields.List(fields.Nested(AlertSchema), required=True)


def alert_json(alert: Alert) -> dict[str, Any]:
    """Describe an alert with its handling so far."""
    return {
        "id": alert.id, "source": alert.source, "kind": alert.kind, "level": alert.level,
        "department": alert.department_code, "instance_id": alert.instance_id, "task_id": alert.task_id,
        "subject": alert.subject, "title": alert.title, "details": alert.details, "evidence": alert.evidence,
        "state": alert.state, "opened_at": iso(alert.opened_at), "updated_at": iso(alert.updated_at),
        "closed_at": iso(alert.closed_at), "acknowledged_by": alert.acknowledged_by,
        "explanation": alert.explanation, "explained_by": alert.explained_by,
        "explained_at": iso(alert.explained_at), "decision": alert.decision,
        "decision_reason": alert.decision_reason, "decided_by": alert.decided_by,
        "decided_at": iso(alert.decided_at),
    }


@blp.route("/board", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.alt_response(200, schema=SupervisionBoardSchema, success=True)
@requires(*SUPERVISION_VIEW)
def supervision_board() -> dict[str, Any]:
    """Open work by department × stage × warning level, the red list, and on-time rates this month."""
    runtime = services().runtime
    now = runtime.clock.now()
    session = request_session()
    result = board(session, now)
    for item in result["red_list"]:
        item["working_days_left"] = countdown(runtime.calendar, item["due_at"], now)
        item["due_at"] = iso(item["due_at"])
    result["cells_as_of"] = iso(result["cells_as_of"])
    today = alerts_today(session, services().runtime.clock.now())
    result["alerts_today"] = {**today, "since": iso(today["since"])}
    return result


@blp.route("/board/items", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(BoardItemsQuerySchema, location="query")
@blp.alt_response(200, schema=BoardItemsSchema, success=True)
@requires(*SUPERVISION_VIEW)
def supervision_board_items(args: dict[str, Any]) -> dict[str, Any]:
    """The open items behind one board cell, soonest due first (the board's click-through)."""
    rows = board_items(request_session(), args["department"], args["stage"], args["level"],
                       limit=args["per_page"], offset=(args["page"] - 1) * args["per_page"])
    runtime = services().runtime
    now = runtime.clock.now()
    for row in rows:
        row["working_days_left"] = countdown(runtime.calendar, row["due_at"], now)
        row["due_at"] = iso(row["due_at"])
    return {"items": rows, "page": args["page"], "per_page": args["per_page"]}


@blp.route("/charts", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(ChartsQuerySchema, location="query")
@blp.alt_response(200, schema=SupervisionChartsSchema, success=True)
@requires(*SUPERVISION_VIEW)
def supervision_charts(args: dict[str, Any]) -> dict[str, Any]:
    """Series for the board's charts: warnings raised per day, complaints per month (Beijing dates)."""
    now = services().runtime.clock.now()
    session = request_session()
    return {"warnings_by_day": warnings_by_day(session, now, args["days"]),
            "complaints_by_month": complaints_by_month(session, now, args["months"])}


@blp.route("/chain", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.alt_response(200, schema=ChainCheckSchema, success=True)
@requires(*SUPERVISION_VIEW)
def verify_chains() -> dict[str, Any]:
    """Check every audit log and the accountability chain now (the verify-chain button)."""
    broken = verify_all_chains(request_session())
    return {"intact": not broken, "checked_at": iso(services().runtime.clock.now()),
            "broken": [{"table": b.table, "instance_id": b.instance_id, "seq": b.seq, "reason": b.reason,
                        "text": str(b)} for b in broken]}


@blp.route("/alerts", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(AlertQuerySchema, location="query")
@blp.alt_response(200, schema=AlertPageSchema, success=True)
@requires()
def list_alerts(args: dict[str, Any]) -> dict[str, Any]:
    """List alerts, newest first: all of them for supervision, a department's own otherwise."""
    rows, total = alerts_page(request_session(), current_actor(), department=args["department"],
                              source=args["source"], level=args["level"], state=args["state"],
                              since=args["since"], page=args["page"], per_page=args["per_page"])
    return {"items": [alert_json(a) for a in rows], "total": total, "page": args["page"],
            "per_page": args["per_page"]}


@blp.route("/alerts/<int:alert_id>", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.alt_response(200, schema=AlertSchema, success=True)
@requires()
def get_alert(alert_id: int) -> dict[str, Any]:
    """Return one alert the caller may see."""
    return alert_json(alert_for(request_session(), current_actor(), alert_id))


@blp.route("/alerts/<int:alert_id>/acknowledge", methods=["POST"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.alt_response(200, schema=AlertSchema, success=True)
@requires("supervisor")
def acknowledge(alert_id: int) -> dict[str, Any]:
    """The bureau has seen the alert."""
    return alert_json(run_command(AcknowledgeAlertCommand(alert_id)))


@blp.route("/alerts/<int:alert_id>/explanation", methods=["POST"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(ExplainSchema)
@blp.alt_response(200, schema=AlertSchema, success=True)
@requires("window", "reviewer", "lead", "head")
def explain(body: dict[str, Any], alert_id: int) -> dict[str, Any]:
    """The department concerned explains."""
    return alert_json(run_command(ExplainAlertCommand(alert_id, body["explanation"])))


@blp.route("/alerts/<int:alert_id>/decision", methods=["POST"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(DecideSchema)
@blp.alt_response(200, schema=AlertSchema, success=True)
@requires("supervisor")
def decide(body: dict[str, Any], alert_id: int) -> dict[str, Any]:
    """The bureau decides: dismiss, order, card or accountability."""
    return alert_json(run_command(DecideAlertCommand(alert_id, body["decision"], body["reason"])))


@blp.route("/alerts/<int:alert_id>/close", methods=["POST"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.alt_response(200, schema=AlertSchema, success=True)
@requires("supervisor")
def close(alert_id: int) -> dict[str, Any]:
    """Close a decided alert."""
    return alert_json(run_command(CloseAlertCommand(alert_id)))
