"""Department worklists: list own tasks, claim, complete with decision and opinion."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from engine.commands import ClaimTaskCommand, CompleteTaskCommand, PauseTaskCommand, ResumeTaskCommand
from engine.commands.reasons import MAX_REASON
from engine.commands.tasks import MAX_OPINION, RemindCoReviewerCommand
from engine.models import OPEN_TASK_STATUSES, PAUSE_KINDS, TASK_STATUSES, WARNING_LEVELS, TaskRecord
from engine.queries.instances import instance_for
from engine.queries.tasks import TaskFilter, list_tasks, worklist_instances
from monitor.commands.approvals import CompleteStepCommand

from ..auth import current_actor, requires, run_command
from ..presenters import incident_json, task_json
from ..schema_fields import NON_BLANK, FullMatch, anchored
from ..wiring import Blueprint, request_session, services

blp = Blueprint("tasks", __name__, url_prefix="/api/tasks", description="Worklists")


STATUS_LIST = anchored(TASK_STATUSES, repeat=True)
STATUS_ERROR = f"每个取值须为以英文逗号分隔的状态（{', '.join(TASK_STATUSES)}）"


class TaskQuerySchema(Schema):
    """Filters, order and page of the caller's worklist."""

    # Each value may itself list statuses, so `status=ready,claimed` and `status=ready&status=claimed`
    # (and both mixed) mean the same; the pattern documents the comma form.
    status = fields.List(fields.String(validate=FullMatch(STATUS_LIST, error=STATUS_ERROR)),
                         load_default=None, metadata={
                             "description": "repeat or comma-separate, e.g. status=ready,claimed; "
                                            "default ready+claimed"})
    definition = fields.String(load_default=None)
    overdue = fields.Boolean(load_default=None)
    warning = fields.List(fields.String(validate=validate.OneOf(WARNING_LEVELS)), load_default=None,
                          metadata={"description": "warning levels (green, yellow, red, escalated)"})
    department = fields.String(load_default=None, metadata={"description": "supervision roles only"})
    sort = fields.String(load_default="due_at", validate=validate.OneOf(["due_at", "-due_at"]),
                         metadata={"description": "due_at: soonest due first; -due_at: latest first"})
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))


class CompleteSchema(Schema):
    """A decision on a task: rules stated for clients, checked by the command (422, all at once)."""

    decision = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=64), metadata={
        "minLength": 1, "pattern": NON_BLANK,
        "description": "may also come as data.decision (then the two must agree)"})
    data = fields.Dict(keys=fields.String(), load_default=dict, metadata={
        "description": "merged into the process; each key a letter then up to 63 letters, digits or _, "
                       "not project or applicant, and not a field another department owns (422)"})
    opinion = fields.String(load_default=None, allow_none=True, metadata={
        "maxLength": MAX_OPINION, "description": "required (not blank) when the decision refuses (422)"})


class TaskSchema(Schema):
    """A task as task_json (and the worklist) describes it."""

    id = fields.String()
    instance_id = fields.Integer()
    project_name = fields.String(metadata={"description": "worklist only"})
    definition_key = fields.String()
    bpmn_id = fields.String()
    name = fields.String()
    department = fields.String()
    status = fields.String(metadata={"enum": list(TASK_STATUSES)})
    assignee = fields.String(allow_none=True)
    created_at = fields.String()
    claimed_at = fields.String(allow_none=True)
    due_at = fields.String(allow_none=True)
    completed_at = fields.String(allow_none=True)
    completed_by = fields.String(allow_none=True)
    overdue = fields.Boolean()
    warning_level = fields.String(metadata={"enum": list(WARNING_LEVELS)})
    limit_days = fields.Integer(allow_none=True)
    working_days_left = fields.Integer(allow_none=True, metadata={
        "description": "working days until the due day (0: due today, negative: late; null when closed)"})
    provisional = fields.Boolean(metadata={
        "description": "the due time was reckoned over a provisional calendar year (暂定)"})
    incident = fields.Dict(allow_none=True, metadata={
        "description": "{reason, task, at} while an incident stops it"})
    instance_status = fields.String(metadata={"description": "after complete: the instance's status"})
    submission = fields.Dict(allow_none=True)
    blzt = fields.Integer(allow_none=True, metadata={"description": "national item-state code (办件状态)"})
    blzt_name = fields.String(allow_none=True)
    pause = fields.Dict(allow_none=True, metadata={"description": "{kind, reason, since} while stopped"})


class PauseSchema(Schema):
    """Why a task's clock stops: the kind of stop and its reason."""

    kind = fields.String(required=True, validate=validate.OneOf(PAUSE_KINDS))
    reason = fields.String(required=True, validate=validate.Length(max=MAX_REASON), metadata={
        "minLength": 1, "pattern": NON_BLANK,
        "description": "for a correction: what the applicant must supply"})


class ReminderSchema(Schema):
    """An optional note sent with a reminder to a late co-reviewer."""

    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))


class TaskPageSchema(Schema):
    """A page of the worklist."""

    items = fields.List(fields.Nested(TaskSchema))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()


def _statuses(raw: list[str] | None) -> tuple[str, ...]:
    """The statuses asked for, from repeated and comma-separated values alike; open tasks by default."""
    if not raw:
        return OPEN_TASK_STATUSES
    return tuple(dict.fromkeys(s for item in raw for s in item.split(",")))


@blp.route("", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(TaskQuerySchema, location="query")
@blp.response(200, TaskPageSchema)
@requires()
def worklist(args: dict[str, Any]) -> dict[str, Any]:
    """List the caller's department's tasks, soonest due first."""
    flt = TaskFilter(status=_statuses(args["status"]), definition_key=args["definition"],
                     overdue=args["overdue"], department_code=args["department"], page=args["page"],
                     warning_levels=tuple(args["warning"] or ()), descending=args["sort"] == "-due_at",
                     per_page=args["per_page"])
    runtime = services().runtime
    now = runtime.clock.now()
    rows, total = list_tasks(request_session(), current_actor(), flt, now)
    instances = worklist_instances(request_session(), {r.instance_id for r in rows})
    items = [{**task_json(r, now, runtime.calendar), "project_name": instances[r.instance_id].project_name,
              "incident": incident_json(instances[r.instance_id])} for r in rows]
    return {"items": items, "total": total, "page": flt.page, "per_page": flt.per_page}


@blp.route("/<string:task_id>/claim", methods=["POST"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.response(200, TaskSchema)
@requires()
def claim(task_id: str) -> dict[str, Any]:
    """Claim a ready task of the caller's department."""
    row = run_command(ClaimTaskCommand(task_id))
    return _answer(row)


@blp.route("/<string:task_id>/complete", methods=["POST"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(CompleteSchema)
@blp.response(200, TaskSchema)
@requires()
def complete(body: dict[str, Any], task_id: str) -> dict[str, Any]:
    """Complete a task with a decision, data merged into the process, and an opinion."""
    command = CompleteTaskCommand(task_id, body["data"], body["decision"], body["opinion"])
    row = run_command(CompleteStepCommand(command))
    # An error in the diagram after this step stops the instance: the answer says so at once.
    instance = instance_for(request_session(), current_actor(), row.instance_id)
    assert instance is not None
    return {**_answer(row),
            "instance_status": instance.status, "incident": incident_json(instance)}


@blp.route("/<string:task_id>/pause", methods=["POST"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(PauseSchema)
@blp.response(200, TaskSchema)
@requires()
def pause(body: dict[str, Any], task_id: str) -> dict[str, Any]:
    """Stop the task's clock for a correction or a special procedure (its timers stop too)."""
    row = run_command(PauseTaskCommand(task_id, body["kind"], body["reason"]))
    return _answer(row)


@blp.route("/<string:task_id>/resume", methods=["POST"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.response(200, TaskSchema)
@requires()
def resume(task_id: str) -> dict[str, Any]:
    """Restart the task's clock; its due time moves later by the working days it stood still."""
    row = run_command(ResumeTaskCommand(task_id))
    return _answer(row)


@blp.route("/<string:task_id>/remind", methods=["POST"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(ReminderSchema)
@blp.response(200, TaskSchema)
@requires()
def remind(body: dict[str, Any], task_id: str) -> dict[str, Any]:
    """Remind a late co-reviewer (lead department of the stage only); kept in the instance's history."""
    row = run_command(RemindCoReviewerCommand(task_id, body["note"]))
    return _answer(row)


def _answer(row: TaskRecord) -> dict[str, Any]:
    """The task as the worklist shows it now: with its countdown in working days."""
    runtime = services().runtime
    return task_json(row, runtime.clock.now(), runtime.calendar)
