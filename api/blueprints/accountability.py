"""E-supervision API: accountability records (效能问责), the ladder, and the proposed next rung."""

from __future__ import annotations

from typing import Any

from flask import current_app
from marshmallow import Schema, fields, validate

from engine.exceptions import InvalidError, Problem
from monitor.commands.accountability import RecordAccountabilityCommand
from monitor.models import LADDER, AccountabilityRecord, EscalationPolicy
from monitor.queries.accountability import (
    accountability_page,
    accountability_record_for,
    corrected_by,
    propose,
)

from ..auth import current_actor, requires, run_command
from ..presenters import iso
from ..schema_fields import NON_BLANK, PageSchema, instant, record_id, whole_number
from ..wiring import Blueprint, request_session, services

blp = Blueprint("accountability", __name__, url_prefix="/api", description="E-supervision: accountability")

SUPERVISION_VIEW = ("supervisor", "admin")
POLICY_CONFIG_KEY = "ONEWINDOW_ESCALATION_POLICY"


class LinksSchema(Schema):
    """The alerts, complaints and orders a record rests on, so the case can be traced back."""

    alerts = fields.List(record_id(), load_default=list)
    complaints = fields.List(record_id(), load_default=list)
    orders = fields.List(record_id(), load_default=list)


class RecordBodySchema(Schema):
    """A measure on the ladder for a person, a department or both, with the facts behind it."""

    person = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=64),
                           metadata={"description": "a person, a department, or both must be named"})
    department = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=32))
    # The rung's range and a non-blank reason are stated for clients but checked by the command, which
    # reports them with the other problems (no one named, unknown department or links): 422, all at once.
    rung = whole_number(required=True, metadata={"minimum": min(LADDER), "maximum": max(LADDER),
                                                 "description": "see /ladder"})
    reason = fields.String(required=True, validate=validate.Length(max=5000),
                           metadata={"minLength": 1, "pattern": NON_BLANK})
    links = fields.Nested(LinksSchema, load_default=dict)
    corrects_id = record_id(load_default=None, allow_none=True,
                             metadata={"description": "the record this one corrects"})


class RecordQuerySchema(Schema):
    """Filters for the accountability register."""

    person = fields.String(load_default=None)
    department = fields.String(load_default=None)
    year = fields.Integer(load_default=None, validate=validate.Range(min=2000, max=2100))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))


class ProposalQuerySchema(Schema):
    """Whom to propose the next rung for: the rung depends on earlier measures in the window."""

    person = fields.String(load_default=None, metadata={"description": "a person, a department, or both"})
    department = fields.String(load_default=None)


class RecordLinksSchema(Schema):
    """What caused a measure, as sorted unique id lists (the form that is hashed)."""

    alerts = fields.List(fields.Integer(), required=True)
    complaints = fields.List(fields.Integer(), required=True)
    orders = fields.List(fields.Integer(), required=True)


class AccountabilityRecordSchema(Schema):
    """One accountability record (问责记录) with its place in the hash chain."""

    id = fields.Integer(required=True)
    seq = fields.Integer(required=True, metadata={"description": "position in the global chain"})
    person = fields.String(required=True, allow_none=True)
    department = fields.String(required=True, allow_none=True)
    rung = fields.Integer(required=True)
    measure = fields.String(required=True, metadata={"description": "the rung's measure, e.g. 提醒"})
    reason = fields.String(required=True)
    links = fields.Nested(RecordLinksSchema, required=True)
    decided_by = fields.String(required=True)
    decided_at = instant(required=True)
    corrects_id = fields.Integer(required=True, allow_none=True)
    corrected_by = fields.Integer(required=True, allow_none=True,
                                  metadata={"description": "the record correcting this one, if any"})
    prev_hash = fields.String(required=True)
    hash = fields.String(required=True)


class AccountabilityPageSchema(PageSchema):
    """A page of records, newest first (by chain position)."""

    items = fields.List(fields.Nested(AccountabilityRecordSchema), required=True)


class RungSchema(Schema):
    """One rung of the ladder, lightest measure first."""

    rung = fields.Integer(required=True)
    measure = fields.String(required=True)


class EscalationPolicySchema(Schema):
    """How earlier cases raise the proposed rung: first_rung + cases within window_days, up to max_rung."""

    window_days = fields.Integer(required=True)
    first_rung = fields.Integer(required=True)
    max_rung = fields.Integer(required=True)


class LadderSchema(Schema):
    """The accountability ladder (问责阶梯) and the escalation policy in force."""

    rungs = fields.List(fields.Nested(RungSchema), required=True)
    policy = fields.Nested(EscalationPolicySchema, required=True)


class ProposalSchema(Schema):
    """The rung proposed for a new case, and the count of earlier cases it rests on."""

    rung = fields.Integer(required=True)
    measure = fields.String(required=True)
    previous_count = fields.Integer(required=True)


def escalation_policy() -> EscalationPolicy:
    """Return the configured escalation policy (a policy or a dict of its fields), else the defaults."""
    configured = current_app.config.get(POLICY_CONFIG_KEY)
    if isinstance(configured, EscalationPolicy):
        return configured
    return EscalationPolicy(**configured) if configured else EscalationPolicy()


def record_json(record: AccountabilityRecord, corrected_by: int | None = None) -> dict[str, Any]:
    """Describe a record with its place in the chain (decided_at is hashed in UTC, shown in Beijing time)."""
    return {
        "id": record.id, "seq": record.seq, "person": record.person, "department": record.department_code,
        "rung": record.rung, "measure": record.measure, "reason": record.reason, "links": record.links,
        "decided_by": record.decided_by, "decided_at": iso(record.decided_at),
        "corrects_id": record.corrects_id, "corrected_by": corrected_by,
        "prev_hash": record.prev_hash, "hash": record.hash,
    }


@blp.route("/supervision/accountability/ladder", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.alt_response(200, schema=LadderSchema, success=True)
@requires()
def ladder() -> dict[str, Any]:
    """List the rungs of the ladder and the escalation policy in force."""
    policy = escalation_policy()
    return {"rungs": [{"rung": rung, "measure": measure} for rung, measure in sorted(LADDER.items())],
            "policy": {"window_days": policy.window_days, "first_rung": policy.first_rung,
                       "max_rung": policy.max_rung}}


@blp.route("/supervision/accountability/proposal", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(ProposalQuerySchema, location="query")
@blp.alt_response(200, schema=ProposalSchema, success=True)
@requires(*SUPERVISION_VIEW)
def proposal(args: dict[str, Any]) -> dict[str, Any]:
    """Propose the rung for a new case from the person's (else the department's) cases this past year.

    Name a person, a department, or both: with neither (or only blanks) the answer is 422, since there
    is nobody whose earlier cases could be counted.
    """
    person = (args["person"] or "").strip() or None
    department = (args["department"] or "").strip() or None
    if person is None and department is None:
        raise InvalidError("请指明责任人或责任部门",
                           [Problem("请填写责任人、责任部门或两者", field="person")])
    now = services().runtime.clock.now()
    result = propose(request_session(), person, department, now, escalation_policy())
    return {"rung": result.rung, "measure": result.measure, "previous_count": result.previous_count}


@blp.route("/supervision/accountability", methods=["POST"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(RecordBodySchema)
@blp.alt_response(201, schema=AccountabilityRecordSchema, success=True)
@requires("supervisor")
def record(body: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """Record a measure; a correction is a new record naming the one it corrects.

    422 when the body names nobody (no person and no department), breaks a stated rule (rung, blank
    reason), or names a department, linked alert, complaint or order, or corrected record that does not
    exist; every problem is listed at once. 409 when the corrected record was already corrected.
    """
    created = run_command(RecordAccountabilityCommand(
        body["person"], body["department"], body["rung"], body["reason"], body["links"],
        body["corrects_id"]))
    return record_json(created), 201


@blp.route("/supervision/accountability", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(RecordQuerySchema, location="query")
@blp.alt_response(200, schema=AccountabilityPageSchema, success=True)
@requires()
def list_records(args: dict[str, Any]) -> dict[str, Any]:
    """List records in chain order, newest first: all for supervision, those naming a department otherwise."""
    session = request_session()
    rows, total = accountability_page(session, current_actor(), person=args["person"],
                                      department=args["department"], year=args["year"], page=args["page"],
                                      per_page=args["per_page"])
    corrected = corrected_by(session, [r.id for r in rows])
    return {"items": [record_json(r, corrected.get(r.id)) for r in rows], "total": total,
            "page": args["page"], "per_page": args["per_page"]}


@blp.route("/supervision/accountability/<int:record_id>", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.alt_response(200, schema=AccountabilityRecordSchema, success=True)
@requires()
def get_record(record_id: int) -> dict[str, Any]:
    """Return one record the caller may see, with the record that corrects it if any."""
    session = request_session()
    found = accountability_record_for(session, current_actor(), record_id)
    return record_json(found, corrected_by(session, [found.id]).get(found.id))
