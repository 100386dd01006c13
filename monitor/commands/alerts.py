"""The alert lifecycle: open → acknowledged → explained → decided → closed.

Every source opens its alerts through `open_alert` (one live alert per ongoing condition,
deduplicated); the bureau acknowledges and decides; the department the alert concerns explains.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.command_context import CommandContext
from engine.exceptions import ConflictError, InvalidError, NotFoundError, Problem

from ..models import LEVEL_RANK, Alert, AlertSignal
from ..roles import can_see_alert, require_department, require_supervisor

__all__ = ["ALERT_DECISIONS", "AcknowledgeAlertCommand", "CloseAlertCommand", "DecideAlertCommand",
           "ExplainAlertCommand", "RaiseAlertCommand", "close_alert", "decide_by_measure", "open_alert",
           "required_text"]

ALERT_DECISIONS = ("dismiss", "order", "card", "accountability")
MAX_TEXT = 5000
_TEXT_LABELS = {"explanation": "情况说明", "reason": "理由", "reply": "答复内容"}
_STATE_LABELS = {"open": "新预警", "acknowledged": "已查看", "explained": "已说明", "decided": "已处理",
                 "closed": "已关闭"}
_DECISION_LABELS = {"dismiss": "不予追究", "order": "发督办单", "card": "亮牌", "accountability": "效能问责"}


def required_text(value: str | None, field: str) -> str:
    """Return the stripped text of a required field; 400 when it is blank or longer than MAX_TEXT."""
    text = (value or "").strip()
    label = _TEXT_LABELS.get(field, field)
    if not text:
        raise InvalidError(f"请填写{label}", [Problem(f"请填写{label}", field=field)])
    if len(text) > MAX_TEXT:
        raise InvalidError(f"{label}过长", [Problem(f"{label}不能超过{MAX_TEXT}个字", field=field)])
    return text


def open_alert(ctx: CommandContext, signal: AlertSignal, at: datetime | None = None) -> tuple[Alert, bool]:
    """Open an alert for the signal's condition, or update the live one; return (alert, opened_now).

    Every source of alerts (feed, rules, orders, ratings, video, calendar watch, complaints) comes
    through here, so "one live alert per condition" holds everywhere; callers count `opened_now`.
    `at` is when the condition was seen (default: the command's clock).
    """
    return _raise_alert(ctx.session, signal, ctx.now() if at is None else at)


def _raise_alert(session: Session, signal: AlertSignal, now: datetime) -> tuple[Alert, bool]:
    """Insert the condition's alert, or update the live one; return (alert, inserted_now).

    The level only rises while an alert is live (yellow → red → escalated); details are merged and
    evidence is replaced by the newest report.
    """
    alert = session.scalar(select(Alert).where(Alert.dedup_key == signal.dedup_key, Alert.state != "closed"))
    if alert is None:
        alert = Alert(source=signal.source, kind=signal.kind, level=signal.level,
                      department_code=signal.department_code, instance_id=signal.instance_id,
                      task_id=signal.task_id, subject=signal.subject, dedup_key=signal.dedup_key,
                      title=signal.title, details=dict(signal.details), evidence=signal.evidence,
                      state="open", opened_at=now, updated_at=now)
        session.add(alert)
        session.flush()
        return alert, True
    if LEVEL_RANK.get(signal.level, 0) > LEVEL_RANK.get(alert.level, 0):
        alert.level = signal.level
        alert.kind = signal.kind
        alert.title = signal.title
    if signal.department_code:  # a transferred task's alert follows it to its new department
        alert.department_code = signal.department_code
    alert.details = {**(alert.details or {}), **signal.details}
    if signal.evidence is not None:
        alert.evidence = signal.evidence
    alert.updated_at = now
    return alert, False


def close_alert(alert: Alert, now: datetime) -> None:
    """Close an alert; a recurrence of its condition opens a new one."""
    alert.state = "closed"
    alert.closed_at = alert.updated_at = now


def decide_by_measure(alert: Alert, decision: str, reason: str, by: str | None, now: datetime) -> bool:
    """Mark an undecided alert as decided by the measure just taken (order, card, accountability).

    Returns whether it changed: an alert the bureau already decided keeps its own decision.
    """
    if alert.state in ("decided", "closed"):
        return False
    alert.state, alert.decision, alert.decision_reason = "decided", decision, reason
    alert.decided_by, alert.decided_at, alert.updated_at = by, now, now
    return True


def _state(alert: Alert) -> str:
    return _STATE_LABELS.get(alert.state, alert.state)


def _load(ctx: CommandContext, alert_id: int) -> Alert:
    alert = ctx.session.get(Alert, alert_id, with_for_update=True)
    if alert is None or not can_see_alert(ctx.actor, alert):
        raise NotFoundError(f"未找到预警 #{alert_id}", alert_id=alert_id)
    return alert


@dataclass(frozen=True)
class RaiseAlertCommand:
    """Raise (or update) an alert as a command of its own, as the bureau or a system account.

    Filing a complaint runs it nested, as the complaints account (FileComplaintCommand). The feeds,
    order escalation, ratings, the calendar watch and the video commands call `open_alert` inside
    their own commands instead.
    """

    signal: AlertSignal

    def execute(self, ctx: CommandContext) -> Alert:
        """Open or update the live alert for the signal's condition."""
        require_supervisor(ctx.actor)
        alert, _opened = open_alert(ctx, self.signal)
        return alert


@dataclass(frozen=True)
class AcknowledgeAlertCommand:
    """The bureau has seen the alert."""

    alert_id: int

    def execute(self, ctx: CommandContext) -> Alert:
        """Move an open alert to acknowledged."""
        require_supervisor(ctx.actor)
        alert = _load(ctx, self.alert_id)
        if alert.state != "open":
            raise ConflictError(f"该预警当前状态为“{_state(alert)}”，只有新预警可以标记为已查看",
                                alert_id=alert.id)
        alert.state, alert.acknowledged_by, alert.acknowledged_at = "acknowledged", ctx.actor_name, ctx.now()
        alert.updated_at = ctx.now()
        return alert


@dataclass(frozen=True)
class ExplainAlertCommand:
    """The department concerned gives its explanation (情况说明)."""

    alert_id: int
    explanation: str

    def execute(self, ctx: CommandContext) -> Alert:
        """Record the explanation of an open or acknowledged alert."""
        alert = _load(ctx, self.alert_id)
        require_department(ctx.actor, alert.department_code,
                           "只有预警涉及的部门可以作情况说明", alert_id=alert.id)
        text = required_text(self.explanation, "explanation")
        if alert.state not in ("open", "acknowledged"):
            raise ConflictError(f"该预警当前状态为“{_state(alert)}”，已不能再作情况说明", alert_id=alert.id)
        now = ctx.now()
        alert.state, alert.explanation = "explained", text
        alert.explained_by, alert.explained_at, alert.updated_at = ctx.actor_name, now, now
        return alert


@dataclass(frozen=True)
class DecideAlertCommand:
    """The bureau decides: dismiss (closes it), or a measure (order, card, accountability record)."""

    alert_id: int
    decision: str
    reason: str

    def execute(self, ctx: CommandContext) -> Alert:
        """Record the decision; a dismissal also closes the alert."""
        require_supervisor(ctx.actor)
        if self.decision not in ALERT_DECISIONS:
            choices = "、".join(f"{_DECISION_LABELS[d]}（{d}）" for d in ALERT_DECISIONS)
            raise InvalidError("处理决定无效", [
                Problem(f"处理决定须为以下之一：{choices}", field="decision")])
        reason = required_text(self.reason, "reason")
        alert = _load(ctx, self.alert_id)
        if alert.state in ("decided", "closed"):
            raise ConflictError(f"该预警当前状态为“{_state(alert)}”，不能重复处理", alert_id=alert.id)
        now = ctx.now()
        alert.state, alert.decision, alert.decision_reason = "decided", self.decision, reason
        alert.decided_by, alert.decided_at, alert.updated_at = ctx.actor_name, now, now
        if self.decision == "dismiss":
            close_alert(alert, now)
        return alert


@dataclass(frozen=True)
class CloseAlertCommand:
    """The bureau closes a decided alert once its measure is in place."""

    alert_id: int

    def execute(self, ctx: CommandContext) -> Alert:
        """Close a decided alert."""
        require_supervisor(ctx.actor)
        alert = _load(ctx, self.alert_id)
        if alert.state != "decided":
            raise ConflictError(f"该预警当前状态为“{_state(alert)}”，须先作出处理决定才能关闭",
                                alert_id=alert.id)
        close_alert(alert, ctx.now())
        return alert
