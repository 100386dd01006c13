"""Supervision orders, recommendations and cards (the bureau's measures), and task transfers (转办).

Transfers live here rather than in the tasks blueprint because they need a lead or the bureau to
decide, like the other measures; the blueprint is mounted at /api so the paths read naturally.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate
from sqlalchemy import func, select

from engine.commands.transfers import (
    TRANSFER_STATUSES,
    DecideTransferCommand,
    RequestTransferCommand,
    list_transfers,
)
from engine.exceptions import NotFoundError
from engine.models import Transfer
from monitor.commands.cards import CARD_COLORS, IssueCardCommand, LiftCardCommand
from monitor.commands.orders import (
    MAX_REPLY_WORKING_DAYS,
    DecideOrderReplyCommand,
    IssueOrderCommand,
    ReplyOrderCommand,
    can_see_order,
    is_late,
)
from monitor.models import ORDER_KINDS, ORDER_STATES, Card, SupervisionOrder

from ..auth import current_actor, requires
from ..extensions import Blueprint, db, run_command
from ..presenters import iso
from ..schema_fields import record_id

blp = Blueprint("orders", __name__, url_prefix="/api", description="E-supervision: orders, cards, transfers")

SEE_ALL = ("supervisor", "admin")
TEXT = validate.Length(min=1, max=5000)


class OrderSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(ORDER_KINDS))
    department = fields.String(required=True, validate=validate.Length(min=1, max=32))
    content = fields.String(required=True, validate=TEXT)
    reply_working_days = fields.Integer(required=True, strict=True, metadata={
        "description": f"1 to {MAX_REPLY_WORKING_DAYS}; the reply is due at the close of that working day"})
    alert_id = record_id(load_default=None, allow_none=True)
    instance_id = record_id(load_default=None, allow_none=True)


class ListQuerySchema(Schema):
    status = fields.String(load_default=None, validate=validate.OneOf(ORDER_STATES))
    department = fields.String(load_default=None)
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))


class ReplySchema(Schema):
    reply = fields.String(required=True, validate=TEXT)


class OrderDecisionSchema(Schema):
    accept = fields.Boolean(required=True)
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=5000),
                           metadata={"description": "required when rejecting"})


class CardSchema(Schema):
    department = fields.String(required=True, validate=validate.Length(min=1, max=32))
    color = fields.String(required=True, validate=validate.OneOf(CARD_COLORS))
    reason = fields.String(required=True, validate=TEXT)
    alert_id = record_id(load_default=None, allow_none=True)
    order_id = record_id(load_default=None, allow_none=True)


class CardQuerySchema(Schema):
    department = fields.String(load_default=None)
    active = fields.Boolean(load_default=None, metadata={"description": "true: not lifted yet"})


class LiftSchema(Schema):
    reason = fields.String(required=True, validate=TEXT)


class TransferRequestSchema(Schema):
    to_department = fields.String(required=True, validate=validate.Length(min=1, max=32))
    reason = fields.String(required=True, validate=validate.Length(max=2000))


class TransferDecisionSchema(Schema):
    approve = fields.Boolean(required=True)
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000),
                           metadata={"description": "required when refusing"})


class TransferQuerySchema(Schema):
    status = fields.String(load_default="pending", validate=validate.OneOf(TRANSFER_STATUSES))


def order_json(order: SupervisionOrder) -> dict[str, Any]:
    """Describe an order with its reply and the bureau's decisions so far."""
    return {
        "id": order.id, "kind": order.kind, "department": order.department_code, "alert_id": order.alert_id,
        "instance_id": order.instance_id, "content": order.content,
        "reply_working_days": order.reply_working_days, "due_at": iso(order.due_at), "status": order.status,
        "issued_by": order.issued_by, "issued_at": iso(order.issued_at), "reply": order.reply,
        "replied_by": order.replied_by, "replied_at": iso(order.replied_at), "late": is_late(order),
        "decided_by": order.decided_by, "decided_at": iso(order.decided_at),
        "decision_reason": order.decision_reason, "escalated_at": iso(order.escalated_at),
    }


def card_json(card: Card) -> dict[str, Any]:
    """Describe a card and, once lifted, who lifted it and why."""
    return {"id": card.id, "department": card.department_code, "color": card.color, "reason": card.reason,
            "alert_id": card.alert_id, "order_id": card.order_id, "issued_by": card.issued_by,
            "issued_at": iso(card.issued_at), "active": card.lifted_at is None, "lifted_by": card.lifted_by,
            "lifted_at": iso(card.lifted_at), "lift_reason": card.lift_reason}


def transfer_json(transfer: Transfer) -> dict[str, Any]:
    """Describe a transfer request and its decision."""
    return {"id": transfer.id, "instance_id": transfer.instance_id, "task_id": transfer.task_id,
            "from_department": transfer.from_department, "to_department": transfer.to_department,
            "reason": transfer.reason, "status": transfer.status, "requested_by": transfer.requested_by,
            "requested_at": iso(transfer.requested_at), "decided_by": transfer.decided_by,
            "decided_at": iso(transfer.decided_at), "decision_reason": transfer.decision_reason}


def _own_department(query: Any, column: Any, department: str | None) -> Any:
    """Supervision filters by ?department; everyone else sees their own department's rows only."""
    actor = current_actor()
    if actor.role not in SEE_ALL:
        return query.where(column == actor.department_code)
    return query.where(column == department) if department else query


@blp.route("/supervision/orders", methods=["POST"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(OrderSchema)
@requires("supervisor")
def issue_order(body: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """Issue an order or a recommendation to a department with a reply deadline in working days."""
    order = run_command(IssueOrderCommand(body["kind"], body["department"], body["content"],
                                          body["reply_working_days"], body["alert_id"], body["instance_id"]))
    return order_json(order), 201


@blp.route("/supervision/orders", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(ListQuerySchema, location="query")
@requires()
def list_orders(args: dict[str, Any]) -> dict[str, Any]:
    """List orders, newest first: all for supervision, a department's own otherwise."""
    query = _own_department(select(SupervisionOrder), SupervisionOrder.department_code, args["department"])
    if args["status"]:
        query = query.where(SupervisionOrder.status == args["status"])
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = db.session.scalars(query.order_by(SupervisionOrder.issued_at.desc(), SupervisionOrder.id.desc())
                              .offset((args["page"] - 1) * args["per_page"]).limit(args["per_page"]))
    return {"items": [order_json(o) for o in rows], "total": total, "page": args["page"],
            "per_page": args["per_page"]}


@blp.route("/supervision/orders/<int:order_id>", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
@requires()
def get_order(order_id: int) -> dict[str, Any]:
    """Return one order the caller may see (another department's is not found)."""
    order = db.session.get(SupervisionOrder, order_id)
    if order is None or not can_see_order(current_actor(), order):
        raise NotFoundError(f"order {order_id} not found", order_id=order_id)
    return order_json(order)


@blp.route("/supervision/orders/<int:order_id>/reply", methods=["POST"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(ReplySchema)
@requires("window", "reviewer", "lead")
def reply_order(body: dict[str, Any], order_id: int) -> dict[str, Any]:
    """The department concerned replies; a reply after the deadline is accepted and marked late."""
    return order_json(run_command(ReplyOrderCommand(order_id, body["reply"])))


@blp.route("/supervision/orders/<int:order_id>/decision", methods=["POST"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(OrderDecisionSchema)
@requires("supervisor")
def decide_order(body: dict[str, Any], order_id: int) -> dict[str, Any]:
    """Accept the reply (closing the order) or reject it with a reason (re-issued, new deadline)."""
    return order_json(run_command(DecideOrderReplyCommand(order_id, body["accept"], body["reason"])))


@blp.route("/supervision/cards", methods=["POST"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(CardSchema)
@requires("supervisor")
def issue_card(body: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """Show a department a yellow or red card, with the reason."""
    card = run_command(IssueCardCommand(body["department"], body["color"], body["reason"], body["alert_id"],
                                        body["order_id"]))
    return card_json(card), 201


@blp.route("/supervision/cards", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(CardQuerySchema, location="query")
@requires()
def list_cards(args: dict[str, Any]) -> dict[str, Any]:
    """List cards, newest first: all for supervision, a department's own otherwise."""
    query = _own_department(select(Card), Card.department_code, args["department"])
    if args["active"] is True:
        query = query.where(Card.lifted_at.is_(None))
    elif args["active"] is False:
        query = query.where(Card.lifted_at.is_not(None))
    rows = db.session.scalars(query.order_by(Card.issued_at.desc(), Card.id.desc()).limit(500))
    return {"items": [card_json(c) for c in rows]}


@blp.route("/supervision/cards/<int:card_id>/lift", methods=["POST"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(LiftSchema)
@requires("supervisor")
def lift_card(body: dict[str, Any], card_id: int) -> dict[str, Any]:
    """Lift a card (摘牌) with the reason; a card is lifted once."""
    return card_json(run_command(LiftCardCommand(card_id, body["reason"])))


@blp.route("/tasks/<string:task_id>/transfers", methods=["POST"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(TransferRequestSchema)
@requires()
def request_transfer(body: dict[str, Any], task_id: str) -> tuple[dict[str, Any], int]:
    """Ask to hand one of the caller's department's open tasks to another department, with the reason."""
    transfer = run_command(RequestTransferCommand(task_id, body["to_department"], body["reason"]))
    return transfer_json(transfer), 201


@blp.route("/transfers", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(TransferQuerySchema, location="query")
@requires("lead", "supervisor", "admin")
def transfers(args: dict[str, Any]) -> dict[str, Any]:
    """List the transfers the caller could decide (default: pending), oldest first."""
    return {"items": [transfer_json(t) for t in list_transfers(db.session, current_actor(), args["status"])]}


@blp.route("/transfers/<int:transfer_id>/decision", methods=["POST"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(TransferDecisionSchema)
@requires("lead", "supervisor")
def decide_transfer(body: dict[str, Any], transfer_id: int) -> dict[str, Any]:
    """Approve (the task moves to the other department's worklist) or refuse (with a reason), once."""
    return transfer_json(run_command(DecideTransferCommand(transfer_id, body["approve"], body["reason"])))
