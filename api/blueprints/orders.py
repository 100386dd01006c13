"""Supervision orders, recommendations and cards (the bureau's measures), and task transfers (转办).

Transfers live here rather than in the tasks blueprint because they need a lead or the bureau to
decide, like the other measures; the blueprint is mounted at /api so the paths read naturally.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from engine.commands.transfers import TRANSFER_STATUSES, DecideTransferCommand, RequestTransferCommand
from engine.models import Transfer
from engine.queries.transfers import list_transfers, transfer_subjects
from monitor.commands.cards import CARD_COLORS, IssueCardCommand, LiftCardCommand
from monitor.commands.orders import (
    MAX_REPLY_WORKING_DAYS,
    DecideOrderReplyCommand,
    IssueOrderCommand,
    ReplyOrderCommand,
    is_late,
)
from monitor.models import ORDER_KINDS, ORDER_STATES, Card, SupervisionOrder
from monitor.queries.cards import recent_cards
from monitor.queries.orders import order_for, orders_page

from ..auth import current_actor, requires, run_command
from ..field_limits import TRANSFER_REASON
from ..presenters import iso
from ..schema_fields import NON_BLANK, PageSchema, instant, non_blank_text, record_id, whole_number
from ..wiring import Blueprint, request_session

blp = Blueprint("orders", __name__, url_prefix="/api", description="E-supervision: orders, cards, transfers")

MAX_TEXT = 5000


class OrderRequestSchema(Schema):
    """A supervision order or recommendation sent to a department, with a reply deadline."""

    kind = fields.String(required=True, validate=validate.OneOf(ORDER_KINDS))
    department = fields.String(required=True, validate=validate.Length(min=1, max=32))
    content = non_blank_text(MAX_TEXT, required=True)
    # The range is stated for clients but checked by the command, which reports it together with an
    # unknown department or alert (422, every problem at once).
    reply_working_days = whole_number(required=True, metadata={
        "minimum": 1, "maximum": MAX_REPLY_WORKING_DAYS,
        "description": f"1 to {MAX_REPLY_WORKING_DAYS}; the reply is due at the close of that working day"})
    alert_id = record_id(load_default=None, allow_none=True)
    instance_id = record_id(load_default=None, allow_none=True)


class ListQuerySchema(Schema):
    """Filters and page of the orders list."""

    status = fields.String(load_default=None, validate=validate.OneOf(ORDER_STATES))
    department = fields.String(load_default=None)
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))


class ReplySchema(Schema):
    """The department's written reply to an order."""

    reply = non_blank_text(MAX_TEXT, required=True)


class OrderDecisionSchema(Schema):
    """The bureau accepts a reply or sends it back with a reason."""

    accept = fields.Boolean(required=True)
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=MAX_TEXT),
                           metadata={"description": "required (not blank) when rejecting"})


class CardRequestSchema(Schema):
    """A yellow or red card for a department, which counts against its score."""

    department = fields.String(required=True, validate=validate.Length(min=1, max=32))
    color = fields.String(required=True, validate=validate.OneOf(CARD_COLORS))
    reason = non_blank_text(MAX_TEXT, required=True)
    alert_id = record_id(load_default=None, allow_none=True)
    order_id = record_id(load_default=None, allow_none=True)


class CardQuerySchema(Schema):
    """Filters of the cards list."""

    department = fields.String(load_default=None)
    active = fields.Boolean(load_default=None, metadata={"description": "true: not lifted yet"})


class LiftSchema(Schema):
    """Why a card is lifted before it runs out."""

    reason = non_blank_text(MAX_TEXT, required=True)


class TransferRequestSchema(Schema):
    """A reviewing department asks to hand its task to the department really in charge."""

    to_department = fields.String(required=True, validate=validate.Length(min=1, max=32))
    # Not blank: stated for clients, checked by the command with the department (422, both at once).
    reason = fields.String(required=True, validate=validate.Length(max=TRANSFER_REASON),
                           metadata={"minLength": 1, "pattern": NON_BLANK})


class TransferDecisionSchema(Schema):
    """The lead department approves or refuses a transfer; a refusal needs a reason."""

    approve = fields.Boolean(required=True)
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000),
                           metadata={"description": "required when refusing"})


class TransferQuerySchema(Schema):
    """Which transfers to list."""

    status = fields.String(load_default="pending", validate=validate.OneOf(TRANSFER_STATUSES))


class OrderSchema(Schema):
    """An order (督办单) or recommendation (监察建议书) with its reply and the bureau's decisions so far."""

    id = fields.Integer(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(ORDER_KINDS))
    department = fields.String(required=True)
    alert_id = fields.Integer(required=True, allow_none=True)
    instance_id = fields.Integer(required=True, allow_none=True)
    content = fields.String(required=True)
    reply_working_days = fields.Integer(required=True)
    due_at = instant(required=True, metadata={"description": "the reply deadline in force"})
    status = fields.String(required=True, validate=validate.OneOf(ORDER_STATES))
    issued_by = fields.String(required=True)
    issued_at = instant(required=True)
    reply = fields.String(required=True, allow_none=True)
    replied_by = fields.String(required=True, allow_none=True)
    replied_at = instant(required=True, allow_none=True)
    late = fields.Boolean(required=True, metadata={"description": "the standing reply came after due_at"})
    decided_by = fields.String(required=True, allow_none=True)
    decided_at = instant(required=True, allow_none=True)
    decision_reason = fields.String(required=True, allow_none=True, metadata={
        "description": "every acceptance or rejection so far, one dated line each"})
    escalated_at = instant(required=True, allow_none=True, metadata={"description": "reply deadline missed"})


class OrderPageSchema(PageSchema):
    """A page of orders, newest first."""

    items = fields.List(fields.Nested(OrderSchema), required=True)


class CardSchema(Schema):
    """A yellow or red card (黄牌/红牌) and, once lifted (摘牌), who lifted it and why."""

    id = fields.Integer(required=True)
    department = fields.String(required=True)
    color = fields.String(required=True, validate=validate.OneOf(CARD_COLORS))
    reason = fields.String(required=True)
    alert_id = fields.Integer(required=True, allow_none=True)
    order_id = fields.Integer(required=True, allow_none=True)
    issued_by = fields.String(required=True)
    issued_at = instant(required=True)
    active = fields.Boolean(required=True, metadata={"description": "not lifted yet"})
    lifted_by = fields.String(required=True, allow_none=True)
    lifted_at = instant(required=True, allow_none=True)
    lift_reason = fields.String(required=True, allow_none=True)


class CardListSchema(Schema):
    """Cards, newest first (at most 500)."""

    items = fields.List(fields.Nested(CardSchema), required=True)


class TransferSchema(Schema):
    """A request to hand a task to another department (转办), and its decision."""

    id = fields.Integer(required=True)
    instance_id = fields.Integer(required=True)
    task_id = fields.String(required=True)
    from_department = fields.String(required=True)
    to_department = fields.String(required=True)
    reason = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(TRANSFER_STATUSES))
    requested_by = fields.String(required=True)
    requested_at = instant(required=True)
    decided_by = fields.String(required=True, allow_none=True)
    decided_at = instant(required=True, allow_none=True)
    decision_reason = fields.String(required=True, allow_none=True)
    project_name = fields.String(metadata={"description": "in lists: the approval's project"})
    task_name = fields.String(metadata={"description": "in lists: the step being handed over"})


class TransferListSchema(Schema):
    """Transfers the caller could decide, oldest first."""

    items = fields.List(fields.Nested(TransferSchema), required=True)


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


@blp.route("/supervision/orders", methods=["POST"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(OrderRequestSchema)
@blp.alt_response(201, schema=OrderSchema, success=True)
@requires("supervisor")
def issue_order(body: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """Issue an order or a recommendation to a department with a reply deadline in working days.

    422 when the department, the linked alert or the instance does not exist, or reply_working_days is
    out of range; every problem is listed at once.
    """
    order = run_command(IssueOrderCommand(body["kind"], body["department"], body["content"],
                                          body["reply_working_days"], body["alert_id"], body["instance_id"]))
    return order_json(order), 201


@blp.route("/supervision/orders", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(ListQuerySchema, location="query")
@blp.alt_response(200, schema=OrderPageSchema, success=True)
@requires()
def list_orders(args: dict[str, Any]) -> dict[str, Any]:
    """List orders, newest first: all for supervision, a department's own otherwise."""
    rows, total = orders_page(request_session(), current_actor(), department=args["department"],
                              status=args["status"], page=args["page"], per_page=args["per_page"])
    return {"items": [order_json(o) for o in rows], "total": total, "page": args["page"],
            "per_page": args["per_page"]}


@blp.route("/supervision/orders/<int:order_id>", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.alt_response(200, schema=OrderSchema, success=True)
@requires()
def get_order(order_id: int) -> dict[str, Any]:
    """Return one order the caller may see (another department's is not found)."""
    return order_json(order_for(request_session(), current_actor(), order_id))


@blp.route("/supervision/orders/<int:order_id>/reply", methods=["POST"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(ReplySchema)
@blp.alt_response(200, schema=OrderSchema, success=True)
@requires("window", "reviewer", "lead", "head")
def reply_order(body: dict[str, Any], order_id: int) -> dict[str, Any]:
    """The department concerned replies; a reply after the deadline is accepted and marked late."""
    return order_json(run_command(ReplyOrderCommand(order_id, body["reply"])))


@blp.route("/supervision/orders/<int:order_id>/decision", methods=["POST"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(OrderDecisionSchema)
@blp.alt_response(200, schema=OrderSchema, success=True)
@requires("supervisor")
def decide_order(body: dict[str, Any], order_id: int) -> dict[str, Any]:
    """Accept the reply (closing the order) or reject it with a reason (re-issued, new deadline).

    422 when rejecting (accept false) without a reason, or with a blank one.
    """
    return order_json(run_command(DecideOrderReplyCommand(order_id, body["accept"], body["reason"])))


@blp.route("/supervision/cards", methods=["POST"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(CardRequestSchema)
@blp.alt_response(201, schema=CardSchema, success=True)
@requires("supervisor")
def issue_card(body: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """Show a department a yellow or red card, with the reason.

    422 when the department, the linked alert or the linked order does not exist (all listed at once).
    """
    card = run_command(IssueCardCommand(body["department"], body["color"], body["reason"], body["alert_id"],
                                        body["order_id"]))
    return card_json(card), 201


@blp.route("/supervision/cards", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(CardQuerySchema, location="query")
@blp.alt_response(200, schema=CardListSchema, success=True)
@requires()
def list_cards(args: dict[str, Any]) -> dict[str, Any]:
    """List cards, newest first: all for supervision, a department's own otherwise."""
    rows = recent_cards(request_session(), current_actor(), department=args["department"],
                        active=args["active"])
    return {"items": [card_json(c) for c in rows]}


@blp.route("/supervision/cards/<int:card_id>/lift", methods=["POST"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(LiftSchema)
@blp.alt_response(200, schema=CardSchema, success=True)
@requires("supervisor")
def lift_card(body: dict[str, Any], card_id: int) -> dict[str, Any]:
    """Lift a card (摘牌) with the reason; a card is lifted once."""
    return card_json(run_command(LiftCardCommand(card_id, body["reason"])))


@blp.route("/tasks/<string:task_id>/transfers", methods=["POST"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(TransferRequestSchema)
@blp.alt_response(201, schema=TransferSchema, success=True)
@requires()
def request_transfer(body: dict[str, Any], task_id: str) -> tuple[dict[str, Any], int]:
    """Ask to hand one of the caller's department's open tasks to another department, with the reason.

    422 when the target department does not exist or already holds the task, or the reason is blank.
    """
    transfer = run_command(RequestTransferCommand(task_id, body["to_department"], body["reason"]))
    return transfer_json(transfer), 201


@blp.route("/transfers", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(TransferQuerySchema, location="query")
@blp.alt_response(200, schema=TransferListSchema, success=True)
@requires("lead", "supervisor", "admin")
def transfers(args: dict[str, Any]) -> dict[str, Any]:
    """List the transfers the caller could decide (default: pending), oldest first."""
    session = request_session()
    rows = list_transfers(session, current_actor(), args["status"])
    described = transfer_subjects(session, rows)
    return {"items": [{**transfer_json(t), "project_name": described[t.id][0],
                       "task_name": described[t.id][1]} for t in rows]}


@blp.route("/transfers/<int:transfer_id>/decision", methods=["POST"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(TransferDecisionSchema)
@blp.alt_response(200, schema=TransferSchema, success=True)
@requires("lead", "supervisor")
def decide_transfer(body: dict[str, Any], transfer_id: int) -> dict[str, Any]:
    """Approve (the task moves to the other department's worklist) or refuse (with a reason), once.

    422 when refusing (approve false) without a reason, or with a blank one.
    """
    return transfer_json(run_command(DecideTransferCommand(transfer_id, body["approve"], body["reason"])))
