"""Move running applications from one version of a process to another: plan, dry run, migration."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from engine.commands.migration import MigrateInstanceCommand
from engine.exceptions import EngineError, InvalidError, Problem
from engine.migration_plan import MAX_PLAN_ENTRIES, MigrationPlan, check_plan, plan_elements
from engine.models import ProcessDefinition
from engine.queries.definitions import definition_version
from engine.queries.migration import instances_on_version, waiting_points

from ..auth import current_actor, requires
from ..schema_fields import record_id
from ..wiring import Blueprint, request_session, run_in_request, services

blp = Blueprint("migrations", __name__, url_prefix="/api/definitions",
                description="Move running applications to another version of their process")

ELEMENT_ID = validate.Length(min=1, max=255)
MAX_BATCH = 100
VERSION = validate.Range(min=1, max=2**31)


class VersionPairSchema(Schema):
    """The version the applications are on and the one they move to."""

    from_version = fields.Integer(required=True, validate=VERSION)
    to_version = fields.Integer(required=True, validate=VERSION, metadata={
        "description": "another version than from_version (the same one is a 422)"})


class MigrationRequestSchema(VersionPairSchema):
    """A migration plan and what to run it on; `dry_run` is on unless turned off."""

    # Keys are checked against the old version's elements (a 422 naming the key): a schema limit on
    # them could not be stated in the OpenAPI document.
    mapping = fields.Dict(keys=fields.String(), values=fields.String(validate=ELEMENT_ID),
                          load_default=dict, validate=validate.Length(max=MAX_PLAN_ENTRIES), metadata={
                              "description": "old element id → new element id, for renamed elements"})
    cancel = fields.List(fields.String(validate=ELEMENT_ID), load_default=list,
                         validate=validate.Length(max=MAX_PLAN_ENTRIES), metadata={
                             "description": "removed human steps whose open tasks may be cancelled"})
    dry_run = fields.Boolean(load_default=True, metadata={
        "description": "report what would happen and change nothing (the default)"})
    instances = fields.List(record_id(), validate=validate.Length(min=1, max=MAX_BATCH), metadata={
        "description": "only these applications (default: every unfinished one of the version)"})
    after = fields.Integer(load_default=0, validate=validate.Range(min=0, max=2**62), metadata={
        "description": "continue after this application id (the previous answer's next_after)"})
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=MAX_BATCH))


class PlanElementSchema(Schema):
    """One flow element of a version."""

    id = fields.String(required=True)
    name = fields.String(allow_none=True)
    kind = fields.String(required=True, metadata={"description": "SpiffWorkflow's spec class, e.g. UserTask"})
    human = fields.Boolean(required=True, metadata={"description": "a step someone does"})
    default = fields.String(allow_none=True, metadata={
        "description": "old elements only: the new element it maps to by default (same id), or null"})
    suggested = fields.String(allow_none=True, metadata={
        "description": "old elements without a default: a new element of the same kind and name, to confirm"})


class OpenStepSchema(Schema):
    """How many open tasks the version's applications have at one step."""

    bpmn_id = fields.String(required=True)
    name = fields.String(required=True)
    count = fields.Integer(required=True)


class MigrationPreviewSchema(Schema):
    """What the plan page needs: both versions' elements and where the applications wait."""

    key = fields.String(required=True)
    from_version = fields.Integer(required=True)
    to_version = fields.Integer(required=True)
    old = fields.List(fields.Nested(PlanElementSchema), required=True)
    new = fields.List(fields.Nested(PlanElementSchema), required=True)
    added = fields.List(fields.String(), required=True)
    removed = fields.List(fields.String(), required=True)
    by_status = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True, metadata={
        "description": "unfinished applications on the old version by status"})
    open_steps = fields.List(fields.Nested(OpenStepSchema), required=True)


class MigrationResultSchema(Schema):
    """What happened (or would happen) to one application."""

    instance_id = fields.Integer(required=True)
    query_code = fields.String(required=True)
    project_name = fields.String(required=True)
    outcome = fields.String(required=True, validate=validate.OneOf(("migrated", "would_migrate", "refused")))
    reason = fields.String(allow_none=True, metadata={"description": "why it was refused (nothing changed)"})
    moved = fields.List(fields.Dict(), metadata={"description": "open tasks: from, to, name, department"})
    cancelled = fields.List(fields.Dict())
    started = fields.List(fields.Dict(), metadata={"description": "added steps started now"})
    not_started = fields.List(fields.Dict(), metadata={"description": "added steps not started, with reason"})
    deadlines = fields.List(fields.Dict(), metadata={
        "description": "deadlines moved (old/new due, old_days/new_days) or removed"})
    notes = fields.List(fields.String())


class MigrationAnswerSchema(Schema):
    """One batch of a migration (or its dry run)."""

    key = fields.String(required=True)
    from_version = fields.Integer(required=True)
    to_version = fields.Integer(required=True)
    dry_run = fields.Boolean(required=True)
    results = fields.List(fields.Nested(MigrationResultSchema), required=True)
    next_after = fields.Integer(allow_none=True, metadata={
        "description": "send as `after` for the next batch; null when this batch was the last"})


def _versions(key: str, from_version: int, to_version: int) -> tuple[ProcessDefinition, ProcessDefinition]:
    if from_version == to_version:
        raise InvalidError("源版本与目标版本相同", [Problem("须为另一个版本", field="to_version")])
    session = request_session()
    return definition_version(session, key, from_version), definition_version(session, key, to_version)


def _specs(definition: ProcessDefinition) -> Any:
    return services().runtime.specs(definition.id, lambda: definition.spec_json)


@blp.route("/<string:key>/migration", methods=["GET"])
@blp.arguments(VersionPairSchema, location="query")
@blp.response(200, MigrationPreviewSchema)
@blp.doc(security=[{"bearerAuth": []}], description="422 when the two versions are the same one.")
@requires("designer", "admin")
def preview(query: dict[str, Any], key: str) -> dict[str, Any]:
    """The default plan between two versions and where the old version's applications wait."""
    old, new = _versions(key, query["from_version"], query["to_version"])
    return {"key": key, "from_version": old.version, "to_version": new.version,
            **plan_elements(_specs(old), _specs(new)), **waiting_points(request_session(), old.id)}


@blp.route("/<string:key>/migration", methods=["POST"])
@blp.arguments(MigrationRequestSchema)
@blp.response(200, MigrationAnswerSchema)
@blp.doc(security=[{"bearerAuth": []}], description=(
    "Each application is its own transaction: one the plan cannot apply to is refused with the reason "
    "and left untouched, the others move. 422 when the plan names elements the versions do not have, "
    "maps elements of different kinds, or the two versions are the same one."))
@requires("designer", "admin")
def migrate(body: dict[str, Any], key: str) -> dict[str, Any]:
    """Run (or, by default, dry-run) a migration plan on one batch of the old version's applications."""
    old, new = _versions(key, body["from_version"], body["to_version"])
    plan = MigrationPlan(dict(body["mapping"]), frozenset(body["cancel"]))
    check_plan(_specs(old), _specs(new), plan)
    only = body.get("instances")
    batch = instances_on_version(request_session(), old.id, after_id=body["after"], limit=body["limit"] + 1,
                                 only=only)
    more = len(batch) > body["limit"]
    batch = batch[:body["limit"]]
    if only is not None and not batch:
        raise InvalidError("所选办件都不是该版本的未办结办件",
                           [Problem("没有可迁移的办件", field="instances")])
    cases = [(i.id, i.query_code, i.project_name) for i in batch]
    actor, dry_run = current_actor(), body["dry_run"]
    # read before the loop: each command's rollback expires the rows
    old_id, new_id, old_version, new_version = old.id, new.id, old.version, new.version
    results = []
    for instance_id, query_code, project_name in cases:
        result: dict[str, Any] = {"instance_id": instance_id, "query_code": query_code,
                                  "project_name": project_name}
        try:
            command = MigrateInstanceCommand(instance_id, old_id, new_id, plan)
            report = run_in_request(command, actor, dry_run=dry_run)
        except EngineError as exc:
            result.update(outcome="refused", reason=exc.message)
        else:
            result.update(outcome="would_migrate" if dry_run else "migrated", reason=None, **report.as_dict())
        results.append(result)
    return {"key": key, "from_version": old_version, "to_version": new_version, "dry_run": dry_run,
            "results": results, "next_after": cases[-1][0] if more else None}
