"""Supervision orders (督办单) and recommendations (监察建议书): issued → replied → accepted.

The bureau issues one to a department with a reply deadline in working days; the department
replies (a late reply is still taken, and shows as late); the bureau accepts it, which closes the
matter, or rejects it, which re-issues the order with a fresh deadline of the same length. The
rejections stay readable in `decision_reason`, one dated line each, so the history needs no
extra table. An order left unanswered past its deadline is escalated, exactly once
(EscalateOverdueOrdersCommand; monitor.sweeps runs it in batches).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.command_context import CommandContext
from engine.exceptions import ConflictError, InvalidError, NotFoundError, Problem
from engine.models import Department, Instance
from engine.workdays import SHANGHAI, CalendarUnknownDayError, workday_deadline

from ..models import LEVEL_RANK, ORDER_KINDS, Alert, SupervisionOrder, order_overdue_signal
from ..roles import can_see_order, require_department, require_supervisor
from .alerts import close_alert, decide_by_measure, open_alert, required_text

__all__ = ["MAX_REPLY_WORKING_DAYS", "DecideOrderReplyCommand", "EscalateOverdueOrdersCommand",
           "IssueOrderCommand", "ReplyOrderCommand", "department_problem", "is_late", "linked_alert",
           "reply_deadline"]

MAX_REPLY_WORKING_DAYS = 60
_KIND_LABELS = {"order": "督办通知", "recommendation": "监察建议"}
_STATUS_LABELS = {"issued": "待回复", "replied": "已回复", "accepted": "已认可", "rejected": "未认可"}


def is_late(order: SupervisionOrder) -> bool:
    """A reply (still standing) that came after the reply deadline in force."""
    return order.status != "issued" and order.replied_at is not None and order.replied_at > order.due_at


def department_problem(session: Session, code: str | None, field: str = "department") -> Problem | None:
    """Name the problem with a department code that is not in the department table."""
    if code and session.scalar(select(Department.id).where(Department.code == code)) is not None:
        return None
    return Problem(f"未知部门：{code}" if code else "请选择部门", field=field)


def linked_alert(session: Session, alert_id: int | None, problems: list[Problem]) -> Alert | None:
    """Load (and lock) the alert a measure refers to; an unknown id is a bad value in the body."""
    if alert_id is None:
        return None
    alert = session.get(Alert, alert_id, with_for_update=True)
    if alert is None:
        problems.append(Problem(f"未找到预警 #{alert_id}", field="alert_id"))
    return alert


def reply_deadline(ctx: CommandContext, working_days: int) -> tuple[datetime, datetime]:
    """Return (now, the close of the Nth working day from now); a missing calendar year is a conflict."""
    now = ctx.now()
    runtime = ctx.runtime
    try:
        due = workday_deadline(runtime.calendar, now, working_days, runtime.workday_close)
    except CalendarUnknownDayError as exc:
        raise ConflictError(f"无法计算答复期限：{exc}", day=exc.day.isoformat()) from exc
    return now, due.astimezone(UTC)


def _status(order: SupervisionOrder) -> str:
    return _STATUS_LABELS.get(order.status, order.status)


def _load(ctx: CommandContext, order_id: int) -> SupervisionOrder:
    order = ctx.session.get(SupervisionOrder, order_id, with_for_update=True)
    if order is None or not can_see_order(ctx.actor, order):
        raise NotFoundError(f"未找到督办单 #{order_id}", order_id=order_id)
    return order


def _history_line(ctx: CommandContext, verb: str, reason: str | None) -> str:
    stamp = ctx.now().astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
    return f"{stamp} {verb}（{ctx.actor_name}）" + (f"：{reason}" if reason else "")


@dataclass(frozen=True)
class IssueOrderCommand:
    """The bureau issues an order or a recommendation to a department."""

    kind: str
    department_code: str
    content: str
    reply_working_days: int
    alert_id: int | None = None
    instance_id: int | None = None

    def execute(self, ctx: CommandContext) -> SupervisionOrder:
        """Create the order, status issued; a linked undecided alert is decided as "order"."""
        require_supervisor(ctx.actor)
        session, problems = ctx.session, []
        if self.kind not in ORDER_KINDS:
            kinds = "、".join(f"{_KIND_LABELS.get(k, k)}（{k}）" for k in ORDER_KINDS)
            problems.append(Problem(f"类型须为以下之一：{kinds}", field="kind"))
        days = self.reply_working_days
        if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_REPLY_WORKING_DAYS:
            problems.append(Problem(f"答复期限须为1至{MAX_REPLY_WORKING_DAYS}个工作日（整数）",
                                    field="reply_working_days"))
        problem = department_problem(session, self.department_code)
        if problem is not None:
            problems.append(problem)
        if not (self.content or "").strip() or len(self.content) > 5000:
            problems.append(Problem("请填写督办内容（1至5000个字）", field="content"))
        alert = linked_alert(session, self.alert_id, problems)
        instance_id = self.instance_id
        if instance_id is None and alert is not None:
            instance_id = alert.instance_id  # an order about an alert is about the alert's instance
        if self.instance_id is not None and session.get(Instance, self.instance_id) is None:
            problems.append(Problem(f"未找到办件 #{self.instance_id}", field="instance_id"))
        if problems:
            raise InvalidError("督办单填写有误", problems)
        now, due = reply_deadline(ctx, days)
        order = SupervisionOrder(kind=self.kind, alert_id=self.alert_id, instance_id=instance_id,
                                 department_code=self.department_code, content=self.content.strip(),
                                 reply_working_days=days, due_at=due, status="issued",
                                 issued_by=ctx.actor_name, issued_at=now)
        session.add(order)
        session.flush()
        reason = f"{'督办单' if self.kind == 'order' else '监察建议书'} #{order.id}"
        if alert is not None:
            decide_by_measure(alert, "order", reason, ctx.actor_name, now)
        return order


@dataclass(frozen=True)
class ReplyOrderCommand:
    """The department an order is addressed to replies; after the deadline the reply is late, not refused."""

    order_id: int
    reply: str

    def execute(self, ctx: CommandContext) -> SupervisionOrder:
        """Record the reply of an issued order."""
        order = _load(ctx, self.order_id)
        require_department(ctx.actor, order.department_code,
                           "只有督办单送达的部门可以答复", order_id=order.id)
        text = required_text(self.reply, "reply")
        if order.status != "issued":
            raise ConflictError(f"该督办单当前状态为“{_status(order)}”，无需答复", order_id=order.id)
        order.status, order.reply = "replied", text
        order.replied_by, order.replied_at = ctx.actor_name, ctx.now()
        return order


@dataclass(frozen=True)
class DecideOrderReplyCommand:
    """The bureau accepts a reply (closing the order) or rejects it (re-issuing with a new deadline)."""

    order_id: int
    accept: bool
    reason: str | None = None

    def execute(self, ctx: CommandContext) -> SupervisionOrder:
        """Accept or reject a replied order; a rejection must give its reason."""
        require_supervisor(ctx.actor)
        with_reason = not self.accept or (self.reason or "").strip()
        reason = required_text(self.reason, "reason") if with_reason else None
        order = _load(ctx, self.order_id)
        if order.status != "replied":
            raise ConflictError(f"该督办单当前状态为“{_status(order)}”，没有待审核的答复", order_id=order.id)
        now = ctx.now()
        order.decided_by, order.decided_at = ctx.actor_name, now
        line = _history_line(ctx, "采纳" if self.accept else "驳回", reason)
        order.decision_reason = f"{order.decision_reason}\n{line}" if order.decision_reason else line
        if self.accept:
            order.status = "accepted"
            alert = ctx.session.get(Alert, order.alert_id, with_for_update=True) if order.alert_id else None
            if alert is not None and alert.state == "decided":
                close_alert(alert, now)
        else:
            _now, order.due_at = reply_deadline(ctx, order.reply_working_days)
            order.status = "issued"
        return order


@dataclass(frozen=True)
class EscalateOverdueOrdersCommand:
    """Escalate one batch of issued orders past their reply deadline that were not escalated yet.

    An unanswered order is itself something the bureau must act on (it feeds accountability), so it
    becomes an alert of its own, and the alert the order was about is raised to "escalated". The
    `escalated_at` stamp, set in the same transaction as the alerts, is what makes re-runs and
    several schedulers harmless; on PostgreSQL rows another sweeper holds are skipped, not waited for.
    """

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
            open_alert(ctx, order_overdue_signal(order), self.now)
            if order.alert_id is not None:
                self._escalate_linked(ctx, order)
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
