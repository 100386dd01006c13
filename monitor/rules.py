"""Which alerts an engine fact calls for: deadline warnings, and rules besides lateness.

A warning-level change is one deadline alert per task (or shortfall) that rises with the level;
a task completion may break a rule: suspicious speed, refusal without reason, odd hours. Pure
functions; monitor.commands.feeds reads the facts and opens the alerts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import time
from typing import Any

from engine.models import REFUSING_DECISIONS, AuditEvent, TaskRecord, WarningEvent
from engine.workdays import SHANGHAI

from .models import AlertSignal

__all__ = ["DIGEST_LEVELS", "WARNING_TITLES", "RuleSettings", "rule_signals", "warning_signal"]

# Rule hits at these levels are not alerts one by one: each department gets one digest a day.
DIGEST_LEVELS = frozenset({"info"})

WARNING_TITLES = {"yellow": "办理时限预警（黄灯）", "red": "办理超时（红灯）", "escalated": "超时升级"}


def warning_signal(event: WarningEvent, task_name: str | None = None) -> AlertSignal | None:
    """A task or shortfall going yellow/red/escalated is one condition, raised as it worsens.

    The task's name travels in the details, so whoever reads the alert sees which work is late.
    """
    if event.level_to == "green":
        return None
    subject = f"task:{event.task_id}" if event.task_id else f"instance:{event.instance_id}"
    kind = f"{event.subject}_{event.level_to}"
    title = WARNING_TITLES.get(event.level_to, event.level_to)
    if event.subject == "shortfall":
        title = "容缺材料补齐期限已过"
    return AlertSignal(
        source="deadline", kind=kind, level=event.level_to, dedup_key=f"deadline:{subject}",
        subject=subject, title=title, department_code=event.department_code,
        instance_id=event.instance_id, task_id=event.task_id,
        details={"due_at": event.due_at.isoformat() if event.due_at else None, "level_from": event.level_from,
                 "warning_event_id": event.id, "task_name": task_name},
    )


@dataclass(frozen=True)
class RuleSettings:
    """Each rule can be switched off; thresholds are settings, tunable per task type.

    A 30-second answer is suspicious for a land-use review and normal for routing a public question,
    so `by_task_type` overrides any field for a process ("public_inquiry") or one of its steps
    ("investment_joint_approval:s1_zrzy_review"); the step's own values win over its process's.
    """

    fast_completion_enabled: bool = True
    fast_completion_seconds: int = 120
    refusal_reason_enabled: bool = True
    refusal_reason_min_chars: int = 10
    outside_hours_enabled: bool = True
    office_opens: time = time(8, 30)
    office_closes: time = time(17, 30)
    claimed_untouched_enabled: bool = True
    claimed_untouched_days: int = 3
    by_task_type: Mapping[str, Mapping[str, Any]] = field(default_factory=dict, hash=False)

    def for_task(self, definition_key: str, bpmn_id: str) -> RuleSettings:
        """The settings that apply to one step of one process."""
        merged = {**self.by_task_type.get(definition_key, {}),
                  **self.by_task_type.get(f"{definition_key}:{bpmn_id}", {})}
        return replace(self, **merged) if merged else self


def rule_signals(settings: RuleSettings, task: TaskRecord, completion: AuditEvent) -> list[AlertSignal]:
    """Return the alerts one task completion calls for (usually none)."""
    settings = settings.for_task(task.definition_key, task.bpmn_id)
    signals: list[AlertSignal] = []
    if (completion.actor or "").startswith("complainant:"):
        return signals  # a member of the public answering a call-back keeps no office hours
    details = completion.details or {}
    base = {"department_code": task.department_code, "instance_id": task.instance_id, "task_id": task.id,
            "subject": f"task:{task.id}"}
    seconds = (completion.at - task.created_at).total_seconds()
    # Speed is suspicious only in a review that runs against a legal time limit: a step without a
    # deadline (接件登记, an intake the clerk records on the spot) is meant to be done at once.
    is_review = task.due_at is not None
    if settings.fast_completion_enabled and is_review and seconds < settings.fast_completion_seconds:
        signals.append(AlertSignal(
            source="rule", kind="fast_completion", level="yellow", dedup_key=f"rule:fast:{task.id}",
            title=f"审查用时异常短（{int(seconds)}秒）", details={"seconds": seconds, "by": completion.actor},
            **base))
    decision, opinion = details.get("decision"), (details.get("opinion") or "").strip()
    if settings.refusal_reason_enabled and decision in REFUSING_DECISIONS \
            and len(opinion) < settings.refusal_reason_min_chars:
        signals.append(AlertSignal(
            source="rule", kind="refusal_without_reason", level="red", dedup_key=f"rule:refusal:{task.id}",
            title="不予通过但未充分说明理由", details={"decision": decision, "opinion": opinion,
                                                "by": completion.actor}, **base))
    local = completion.at.astimezone(SHANGHAI)
    off_hours = local.weekday() >= 5 or not settings.office_opens <= local.time() <= settings.office_closes
    if settings.outside_hours_enabled and off_hours and task.warning_level == "green":
        signals.append(AlertSignal(
            source="rule", kind="outside_hours", level="info", dedup_key=f"rule:hours:{task.id}",
            title="非工作时间办理非紧急事项", details={"at": local.isoformat(), "by": completion.actor},
            **base))
    return signals
