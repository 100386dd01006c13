"""The alert lifecycle: open → acknowledged → explained → decided → closed.

The bureau acknowledges and decides; the department the alert concerns explains.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.command_context import CommandContext
from engine.exceptions import ConflictError, InvalidError, NotFoundError, Problem

from ..alerts import AlertSignal, close_alert, raise_alert
from ..models import Alert
from ..roles import can_see_alert, require_department, require_supervisor

__all__ = ["ALERT_DECISIONS", "AcknowledgeAlertCommand", "CloseAlertCommand", "DecideAlertCommand",
           "ExplainAlertCommand", "RaiseAlertCommand", "required_text"]

ALERT_DECISIONS = ("dismiss", "order", "card", "accountability")
MAX_TEXT = 5000


def required_text(value: str | None, field: str) -> str:
    """Return the stripped text of a required field; 400 when it is blank or longer than MAX_TEXT."""
    text = (value or "").strip()
    if not text:
        raise InvalidError(f"{field} is required", [Problem(f"{field} must not be empty", field=field)])
    if len(text) > MAX_TEXT:
        raise InvalidError(f"{field} is too long", [Problem(f"at most {MAX_TEXT} characters", field=field)])
    return text


def _load(ctx: CommandContext, alert_id: int) -> Alert:
    alert = ctx.session.get(Alert, alert_id, with_for_update=True)
    if alert is None or not can_see_alert(ctx.actor, alert):
        raise NotFoundError(f"alert {alert_id} not found", alert_id=alert_id)
    return alert


@dataclass(frozen=True)
class RaiseAlertCommand:
    """Raise (or update) an alert from any source; the one entry point for video and other feeds."""

    signal: AlertSignal

    def execute(self, ctx: CommandContext) -> Alert:
        """Open or update the live alert for the signal's condition."""
        require_supervisor(ctx.actor)
        alert, opened = raise_alert(ctx.session, self.signal, ctx.now())
        if opened:
            ctx.emit("alert.opened", alert_id=alert.id, kind=alert.kind, level=alert.level)
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
            raise ConflictError(f"alert is {alert.state}, not open", alert_id=alert.id)
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
                           "only the department concerned explains an alert", alert_id=alert.id)
        text = required_text(self.explanation, "explanation")
        if alert.state not in ("open", "acknowledged"):
            raise ConflictError(f"alert is {alert.state}; it can no longer be explained", alert_id=alert.id)
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
            raise InvalidError("unknown decision", [
                Problem(f"decision must be one of {', '.join(ALERT_DECISIONS)}", field="decision")])
        reason = required_text(self.reason, "reason")
        alert = _load(ctx, self.alert_id)
        if alert.state in ("decided", "closed"):
            raise ConflictError(f"alert is already {alert.state}", alert_id=alert.id)
        now = ctx.now()
        alert.state, alert.decision, alert.decision_reason = "decided", self.decision, reason
        alert.decided_by, alert.decided_at, alert.updated_at = ctx.actor_name, now, now
        if self.decision == "dismiss":
            close_alert(alert, now)
        ctx.emit("alert.decided", alert_id=alert.id, decision=self.decision)
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
            raise ConflictError(f"alert is {alert.state}; decide it before closing", alert_id=alert.id)
        close_alert(alert, ctx.now())
        return alert
