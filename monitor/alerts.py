"""Open, update and close alerts: one live alert per ongoing condition (deduplicated)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import Alert

__all__ = ["LEVEL_RANK", "AlertSignal", "close_alert", "decide_by_measure", "raise_alert"]

LEVEL_RANK = {"info": 0, "yellow": 1, "red": 2, "escalated": 3}


@dataclass(frozen=True)
class AlertSignal:
    """What a source reports; `dedup_key` names the condition so repeats update one alert."""

    source: str
    kind: str
    level: str
    dedup_key: str
    subject: str
    title: str
    department_code: str | None = None
    instance_id: int | None = None
    task_id: str | None = None
    details: dict[str, Any] = field(default_factory=dict)
    evidence: dict[str, Any] | None = None


def raise_alert(session: Session, signal: AlertSignal, now: datetime) -> tuple[Alert, bool]:
    """Open an alert for the condition, or update the live one; return (alert, opened_now).

    The level only rises while an alert is live (yellow → red → escalated); details and evidence
    are replaced by the newest report.
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
