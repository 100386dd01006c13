"""Turn what the engine recorded into alerts, by polling engine tables as outboxes with a cursor.

Nothing is pushed to supervision: the scheduler runs FeedSupervisionCommand every sweep, and it
reads the `warning_event` and `audit_event` rows committed since the last run (monitor.outbox: in
commit order, each row marked handled in the same transaction as the alerts it produces). So each
engine fact produces its alert exactly once, even across crashes, with several schedulers (the
cursor row is locked while a batch is handled) and with transactions that commit out of id order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.command_context import CommandContext
from engine.models import AuditEvent, Instance, TaskRecord, WarningEvent
from engine.workdays import SHANGHAI, CalendarUnknownDayError, working_days_between

from ..models import Alert, AlertSignal
from ..outbox import Outbox
from ..rules import DIGEST_LEVELS, RuleSettings, rule_signals, warning_signal
from .alerts import close_alert, open_alert
from .digests import add_to_digest

__all__ = ["FED_ACTIONS", "FeedSupervisionCommand"]

FED_ACTIONS = ("task.completed", "instance.incident", "instance.retried")
"""Audit actions supervision reads: completions (rules) and incidents (an alert until retried)."""


@dataclass(frozen=True)
class FeedSupervisionCommand:
    """Read new warning and audit events since the cursors and raise the alerts they imply."""

    rules: RuleSettings = field(default_factory=RuleSettings)
    batch: int = 500

    def execute(self, ctx: CommandContext) -> int:
        """Return how many alerts were opened."""
        session, now, opened = ctx.session, ctx.now(), 0
        warnings = Outbox(session, "warning_event", WarningEvent)
        events = warnings.unread(self.batch)
        task_ids = {e.task_id for e in events if e.task_id}
        names = dict(session.execute(select(TaskRecord.id, TaskRecord.name)
                                     .where(TaskRecord.id.in_(task_ids))).all()) if task_ids else {}
        for event in events:
            signal = warning_signal(event, names.get(event.task_id))
            if signal is not None:
                opened += open_alert(ctx, signal, now)[1]
        warnings.handled(events)
        warnings.advance(now, events, self.batch)
        audit = Outbox(session, "audit_event", AuditEvent, AuditEvent.action.in_(FED_ACTIONS))
        audits = audit.unread(self.batch)
        digests: dict[tuple[str | None, date], list[dict[str, Any]]] = {}
        for event in audits:
            if event.action != "task.completed":
                opened += _incident_alert(ctx, event)
                continue
            task = session.get(TaskRecord, event.task_id) if event.task_id else None
            if task is None:
                continue
            for signal in rule_signals(self.rules, task, event):
                if signal.level in DIGEST_LEVELS:
                    day = event.at.astimezone(SHANGHAI).date()
                    hit = _hit(session, task, event, signal)
                    digests.setdefault((task.department_code, day), []).append(hit)
                else:
                    opened += open_alert(ctx, signal, now)[1]
        for (department, day), hits in digests.items():
            opened += add_to_digest(ctx, department, day, hits)
        audit.handled(audits)
        audit.advance(now, audits, self.batch)
        opened += self._claimed_untouched(ctx)
        return opened

    def _claimed_untouched(self, ctx: CommandContext) -> int:
        """Tasks claimed and then left alone for N working days (N per task type)."""
        session, now, opened = ctx.session, ctx.now(), 0
        shortest = min([self.rules.claimed_untouched_days,
                        *(o["claimed_untouched_days"] for o in self.rules.by_task_type.values()
                          if "claimed_untouched_days" in o)])
        horizon = now - timedelta(days=shortest)  # cheap prefilter, calendar below
        rows = session.scalars(select(TaskRecord).where(TaskRecord.status == "claimed",
                                                        TaskRecord.claimed_at <= horizon).limit(self.batch))
        today = now.astimezone(SHANGHAI).date()
        for row in rows:
            assert row.claimed_at is not None
            rules = self.rules.for_task(row.definition_key, row.bpmn_id)
            if not rules.claimed_untouched_enabled:
                continue
            try:
                claimed_on = row.claimed_at.astimezone(SHANGHAI).date()
                idle = working_days_between(ctx.runtime.calendar, claimed_on, today)
            except CalendarUnknownDayError:
                continue
            if idle < rules.claimed_untouched_days:
                continue
            _alert, new = open_alert(ctx, AlertSignal(
                source="rule", kind="claimed_untouched", level="yellow",
                dedup_key=f"rule:claimed_untouched:{row.id}", subject=f"task:{row.id}",
                title=f"已签收但{idle}个工作日未办理", department_code=row.department_code,
                instance_id=row.instance_id, task_id=row.id,
                details={"assignee": row.assignee, "claimed_at": row.claimed_at.isoformat(),
                         "idle_days": idle},
            ), now)
            opened += new
        return opened


def _hit(session: Session, task: TaskRecord, completion: AuditEvent, signal: AlertSignal) -> dict[str, Any]:
    """One line of a department's daily digest: which step of which project, when, by whom."""
    instance = session.get(Instance, task.instance_id)
    return {"kind": signal.kind, "title": signal.title, "task_id": task.id, "task_name": task.name,
            "instance_id": task.instance_id, "project_name": instance.project_name if instance else None,
            "at": completion.at.isoformat(), "by": completion.actor}


def _incident_alert(ctx: CommandContext, audit: AuditEvent) -> int:
    """An incident is one red alert per instance for the bureau and the administrators; a retry closes it."""
    session, now = ctx.session, ctx.now()
    key = f"incident:{audit.instance_id}"
    if audit.action == "instance.retried":
        live = session.scalar(select(Alert).where(Alert.dedup_key == key, Alert.state != "closed"))
        if live is not None:
            close_alert(live, now)
        return 0
    details = audit.details or {}
    step = details.get("task_name") or details.get("task") or "流程"
    _alert, new = open_alert(ctx, AlertSignal(
        source="incident", kind="instance_incident", level="red", dedup_key=key,
        subject=f"instance:{audit.instance_id}", title=f"办件故障：{step}处出错，待管理员处理",
        department_code=None, instance_id=audit.instance_id, task_id=audit.task_id,
        details={"reason": details.get("message"), "task": details.get("task"), "at": details.get("at")},
    ), now)
    return int(new)
