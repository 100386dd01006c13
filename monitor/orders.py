"""Escalate supervision orders whose reply deadline passed without a reply, exactly once each.

An unanswered order is itself something the bureau must act on (it feeds accountability), so it
becomes an alert of its own, and the alert the order was about is raised to "escalated". The
`escalated_at` stamp, set in the same transaction as the alerts, is what makes re-runs and
several schedulers harmless; on PostgreSQL rows another sweeper holds are skipped, not waited for.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from engine.command_context import Actor, CommandContext
from engine.commands.executor import CommandExecutor

from .commands.alerts import open_alert
from .models import LEVEL_RANK, Alert, AlertSignal, SupervisionOrder
from .roles import require_supervisor

__all__ = ["EscalateOverdueOrdersCommand", "order_overdue_signal", "sweep_overdue_orders"]

SWEEP_ACTOR = Actor.system("supervision")
KIND_TITLES = {"order": "督办单逾期未回复", "recommendation": "监察建议书逾期未回复"}


def order_overdue_signal(order: SupervisionOrder) -> AlertSignal:
    """Describe an unanswered order as an alert condition of its own (one per order)."""
    return AlertSignal(
        source="order", kind="order_overdue", level="escalated", dedup_key=f"order:{order.id}",
        subject=f"order:{order.id}", title=KIND_TITLES.get(order.kind, KIND_TITLES["order"]),
        department_code=order.department_code, instance_id=order.instance_id,
        details={"order_id": order.id, "order_kind": order.kind, "alert_id": order.alert_id,
                 "instance_id": order.instance_id, "due_at": order.due_at.isoformat()},
    )


@dataclass(frozen=True)
class EscalateOverdueOrdersCommand:
    """Escalate one batch of issued orders past their reply deadline that were not escalated yet."""

    now: datetime
    batch: int = 200

    def execute(self, ctx: CommandContext) -> int:
        """Return how many orders were escalated."""
        require_supervisor(ctx.actor)
        session = ctx.session
        orders = session.scalars(
            select(SupervisionOrder)
            .where(SupervisionOrder.status == "issued", SupervisionOrder.due_at < self.now,
                   SupervisionOrder.escalated_at.is_(None))
            .order_by(SupervisionOrder.due_at, SupervisionOrder.id).limit(self.batch)
            .with_for_update(skip_locked=True)
        ).all()
        for order in orders:
            order.escalated_at = self.now
            alert, _opened = open_alert(ctx, order_overdue_signal(order), self.now)
            if order.alert_id is not None:
                self._escalate_linked(ctx, order)
            ctx.emit("order.escalated", order_id=order.id, department=order.department_code,
                     alert_id=alert.id)
        return len(orders)

    def _escalate_linked(self, ctx: CommandContext, order: SupervisionOrder) -> None:
        """Raise the alert the order was about to escalated, in place (it is usually decided already)."""
        linked = ctx.session.get(Alert, order.alert_id, with_for_update=True)
        if linked is None or linked.state == "closed":
            return
        if LEVEL_RANK.get(linked.level, 0) < LEVEL_RANK["escalated"]:
            linked.level = "escalated"
        linked.details = {**(linked.details or {}), "escalated_by_order": order.id}
        linked.updated_at = self.now


def sweep_overdue_orders(executor: CommandExecutor, now: datetime | None = None, batch: int = 200) -> int:
    """Escalate every overdue unanswered order, a batch per transaction; return how many."""
    now = now or executor.runtime.clock.now()
    total = 0
    while True:
        done = executor.execute(EscalateOverdueOrdersCommand(now, batch), SWEEP_ACTOR)
        total += done
        if done < batch:
            return total
