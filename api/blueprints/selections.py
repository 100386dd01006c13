"""Selections (服务之星, 优质服务窗口): proposed by rules, decided by the bureau, published once confirmed."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from engine.queries.departments import department_names
from monitor.commands.selections import MAX_NOTE, DecideSelectionCommand, ProposeSelectionsCommand
from monitor.models import SELECTION_KINDS, Selection
from monitor.queries.selections import confirmed_selections, selections_of

from ..auth import requires, run_command
from ..presenters import iso
from ..schema_fields import instant
from ..score_settings import score_settings
from ..wiring import Blueprint, request_session

blp = Blueprint("selections", __name__, url_prefix="/api",
                description="Selections: monthly 服务之星, annual 优质服务窗口")

KIND_DESCRIPTION = ("service_star (服务之星, a window staff member, period YYYY-MM) or quality_window "
                    "(优质服务窗口, a department, period YYYY); the period must have ended")


class SelectionQuerySchema(Schema):
    """Which selection."""

    kind = fields.String(required=True, validate=validate.OneOf(SELECTION_KINDS), metadata={
        "description": KIND_DESCRIPTION})
    period = fields.String(required=True, validate=validate.Length(min=4, max=7))


class DecisionBodySchema(Schema):
    """Confirm a candidate, or reject it with the reason."""

    decision = fields.String(required=True, validate=validate.OneOf(["confirm", "reject"]))
    note = fields.String(load_default=None, validate=validate.Length(max=MAX_NOTE))


class SelectionSchema(Schema):
    """A candidate, the figures that proposed it, and the bureau's decision."""

    id = fields.Integer(required=True)
    kind = fields.String(required=True)
    period = fields.String(required=True)
    subject = fields.String(required=True, metadata={"description": "a username, or a department code"})
    department = fields.String(required=True)
    department_name = fields.String(required=True)
    rank = fields.Integer(required=True)
    figures = fields.Dict(required=True)
    status = fields.String(required=True, metadata={"enum": ["proposed", "confirmed", "rejected"]})
    proposed_at = instant(required=True)
    decided_at = instant(required=True, allow_none=True)
    note = fields.String(required=True, allow_none=True)


class SelectionListSchema(Schema):
    """The candidates of one selection, by rank."""

    items = fields.List(fields.Nested(SelectionSchema), required=True)


def _json(selection: Selection, names: dict[str, str]) -> dict[str, Any]:
    return {"id": selection.id, "kind": selection.kind, "period": selection.period,
            "subject": selection.subject, "department": selection.department_code,
            "department_name": names.get(selection.department_code, selection.department_code),
            "rank": selection.rank, "figures": selection.figures, "status": selection.status,
            "proposed_at": iso(selection.proposed_at), "decided_at": iso(selection.decided_at),
            "note": selection.note}


def _listed(selections: list[Selection]) -> dict[str, Any]:
    names = department_names(request_session())
    return {"items": [_json(s, names) for s in selections]}


@blp.route("/supervision/selections", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(SelectionQuerySchema, location="query")
@blp.response(200, SelectionListSchema)
@requires("supervisor", "admin")
def list_candidates(args: dict[str, Any]) -> dict[str, Any]:
    """Every candidate of one selection, with its figures and decision."""
    return _listed(selections_of(request_session(), args["kind"], args["period"]))


@blp.route("/supervision/selections/proposals", methods=["POST"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(SelectionQuerySchema)
@blp.response(201, SelectionListSchema)
@blp.alt_response(422, description="the period is not a finished month (服务之星) or year (优质服务窗口)")
@requires("supervisor")
def propose(body: dict[str, Any]) -> dict[str, Any]:
    """Propose the candidates by the rules (replacing undecided ones); decided candidates stay."""
    return _listed(run_command(ProposeSelectionsCommand(body["kind"], body["period"], score_settings())))


@blp.route("/supervision/selections/<int:selection_id>/decision", methods=["POST"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(DecisionBodySchema)
@blp.response(200, SelectionSchema)
@blp.alt_response(404, description="no such candidate")
@blp.alt_response(409, description="already decided")
@blp.alt_response(422, description="a rejection without its reason")
@requires("supervisor")
def decide(body: dict[str, Any], selection_id: int) -> dict[str, Any]:
    """Confirm a candidate (it is then published) or reject it with the reason."""
    decided = run_command(DecideSelectionCommand(selection_id, body["decision"], body["note"]))
    return _json(decided, department_names(request_session()))


@blp.route("/public/selections", methods=["GET"])
@blp.arguments(SelectionQuerySchema, location="query")
@blp.response(200, SelectionListSchema)
def public_selections(args: dict[str, Any]) -> dict[str, Any]:
    """The confirmed 服务之星 of a month or 优质服务窗口 of a year (no login)."""
    return _listed(confirmed_selections(request_session(), args["kind"], args["period"]))
