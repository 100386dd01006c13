"""E-supervision API: accountability records (效能问责), the ladder, and the proposed next rung."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import current_app
from marshmallow import Schema, fields, validate
from sqlalchemy import func, select

from engine.commands.executor import Actor
from engine.exceptions import InvalidError, NotFoundError, Problem
from engine.workdays import SHANGHAI
from monitor.accountability import LADDER, EscalationPolicy, propose
from monitor.commands.accountability import RecordAccountabilityCommand
from monitor.commands.alerts import DEPARTMENT_ROLES
from monitor.models import AccountabilityRecord

from ..auth import current_actor, requires
from ..extensions import Blueprint, db, run_command, services
from ..presenters import iso
from ..schema_fields import record_id

blp = Blueprint("accountability", __name__, url_prefix="/api", description="E-supervision: accountability")

SUPERVISION_VIEW = ("supervisor", "admin")
POLICY_CONFIG_KEY = "ONEWINDOW_ESCALATION_POLICY"


class LinksSchema(Schema):
    alerts = fields.List(record_id(), load_default=list)
    complaints = fields.List(record_id(), load_default=list)
    orders = fields.List(record_id(), load_default=list)


class RecordBodySchema(Schema):
    person = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=64))
    department = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=32))
    rung = fields.Integer(required=True, strict=True, metadata={"description": "1..8, see /ladder"})
    reason = fields.String(required=True, validate=validate.Length(max=5000))
    links = fields.Nested(LinksSchema, load_default=dict)
    corrects_id = record_id(load_default=None, allow_none=True,
                                 metadata={"description": "the record this one corrects"})


class RecordQuerySchema(Schema):
    person = fields.String(load_default=None)
    department = fields.String(load_default=None)
    year = fields.Integer(load_default=None, validate=validate.Range(min=2000, max=2100))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))


class ProposalQuerySchema(Schema):
    person = fields.String(load_default=None)
    department = fields.String(load_default=None)


def escalation_policy() -> EscalationPolicy:
    """Return the configured escalation policy (a policy or a dict of its fields), else the defaults."""
    configured = current_app.config.get(POLICY_CONFIG_KEY)
    if isinstance(configured, EscalationPolicy):
        return configured
    return EscalationPolicy(**configured) if configured else EscalationPolicy()


def can_see_record(actor: Actor, record: AccountabilityRecord) -> bool:
    """Supervision sees every record; a department sees the records naming it."""
    if actor.role in SUPERVISION_VIEW:
        return True
    return (actor.role in DEPARTMENT_ROLES and record.department_code is not None
            and actor.department_code == record.department_code)


def _corrections(ids: list[int]) -> dict[int, int]:
    """Map each of these record ids to the record that corrects it, if any."""
    if not ids:
        return {}
    rows = db.session.execute(select(AccountabilityRecord.corrects_id, AccountabilityRecord.id)
                              .where(AccountabilityRecord.corrects_id.in_(ids)))
    return {corrected: by for corrected, by in rows}


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
@requires(*SUPERVISION_VIEW)
def proposal(args: dict[str, Any]) -> dict[str, Any]:
    """Propose the rung for a new case from the person's (else the department's) cases this past year."""
    person = (args["person"] or "").strip() or None
    department = (args["department"] or "").strip() or None
    if person is None and department is None:
        raise InvalidError("name a person or a department",
                           [Problem("name a person, a department, or both", field="person")])
    result = propose(db.session, person, department, services().runtime.clock.now(), escalation_policy())
    return {"rung": result.rung, "measure": result.measure, "previous_count": result.previous_count}


@blp.route("/supervision/accountability", methods=["POST"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(RecordBodySchema)
@requires("supervisor")
def record(body: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """Record a measure; a correction is a new record naming the one it corrects."""
    created = run_command(RecordAccountabilityCommand(
        body["person"], body["department"], body["rung"], body["reason"], body["links"],
        body["corrects_id"]))
    return record_json(created), 201


@blp.route("/supervision/accountability", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(RecordQuerySchema, location="query")
@requires()
def list_records(args: dict[str, Any]) -> dict[str, Any]:
    """List records in chain order, newest first: all for supervision, those naming a department otherwise."""
    actor = current_actor()
    query = select(AccountabilityRecord)
    if actor.role not in SUPERVISION_VIEW:
        if actor.role not in DEPARTMENT_ROLES or not actor.department_code:
            return {"items": [], "total": 0, "page": args["page"], "per_page": args["per_page"]}
        query = query.where(AccountabilityRecord.department_code == actor.department_code)
    elif args["department"]:
        query = query.where(AccountabilityRecord.department_code == args["department"])
    if args["person"]:
        query = query.where(AccountabilityRecord.person == args["person"])
    if args["year"]:
        # The year as people in the centre count it: Beijing time.
        start = datetime(args["year"], 1, 1, tzinfo=SHANGHAI)
        end = datetime(args["year"] + 1, 1, 1, tzinfo=SHANGHAI)
        query = query.where(AccountabilityRecord.decided_at >= start, AccountabilityRecord.decided_at < end)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = list(db.session.scalars(query.order_by(AccountabilityRecord.seq.desc())
                                   .offset((args["page"] - 1) * args["per_page"]).limit(args["per_page"])))
    corrected = _corrections([r.id for r in rows])
    return {"items": [record_json(r, corrected.get(r.id)) for r in rows], "total": total,
            "page": args["page"], "per_page": args["per_page"]}


@blp.route("/supervision/accountability/<int:record_id>", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
@requires()
def get_record(record_id: int) -> dict[str, Any]:
    """Return one record the caller may see, with the record that corrects it if any."""
    found = db.session.get(AccountabilityRecord, record_id)
    if found is None or not can_see_record(current_actor(), found):
        raise NotFoundError(f"accountability record {record_id} not found", record_id=record_id)
    return record_json(found, _corrections([found.id]).get(found.id))
