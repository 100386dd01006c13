"""Clock stops (暂停计时): a department pauses its task; the window sends the one correction notice.

Time spent waiting for the applicant (补正) or in a special procedure (hearing, survey, tendering,
expert review, public notice) does not count against a legal limit (行政许可法). While a task is
paused its timers are frozen and it cannot be completed; resuming moves its deadline later by the
working days the clock stood still.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..command_context import CommandContext
from ..deadlines import attached_timers, freeze_timers, paused_working_days, shift_task_deadline, thaw_timers
from ..exceptions import ConflictError, ForbiddenError, InvalidError, Problem
from ..instance_change import InstanceChange
from ..models import OPEN_TASK_STATUSES, PAUSE_KINDS, Pause, TaskRecord
from ..status_words import PAUSE_KIND_ZH, in_words
from ..task_warnings import refresh_task_warning
from ..timer_events import waiting_timers
from ..unit_of_work import change_instance
from ..workdays import SHANGHAI
from .guards import department_task, require_open_task, require_running
from .reasons import reason_problems

__all__ = ["CORRECTION_ROLES", "MAX_DOCUMENTS", "PauseInstanceCommand", "PauseTaskCommand",
           "ResumeInstanceCommand", "ResumeTaskCommand"]

CORRECTION_ROLES = frozenset({"window", "admin"})
MAX_DOCUMENTS = 100


def _stop(change: InstanceChange, row: TaskRecord, kind: str, reason: str) -> dict[str, Any]:
    """Mark a task paused and freeze its timers; return the frozen timers' original values."""
    originals = freeze_timers(attached_timers(change.spiff_task(row.id)))
    row.pause_kind, row.pause_reason, row.paused_at = kind, reason, change.now
    refresh_task_warning(change, row)  # clears next_warning_at: a stopped clock does not escalate
    change.record("task.paused", row.id, bpmn_id=row.bpmn_id, department=row.department_code,
                  kind=kind, reason=reason)
    return originals


def _restart(change: InstanceChange, row: TaskRecord, days: int) -> None:
    """Clear a task's stop and move its deadline later by the paused working days."""
    kind = row.pause_kind
    row.pause_kind = row.pause_reason = row.paused_at = None
    shift_task_deadline(change, row, days, timers=False)  # thaw_timers moved the engine's timers
    refresh_task_warning(change, row)
    change.record("task.resumed", row.id, bpmn_id=row.bpmn_id, department=row.department_code, kind=kind,
                  paused_working_days=days, due_at=row.due_at.isoformat() if row.due_at else None)


def _close(change: InstanceChange, pause: Pause, days: int) -> None:
    """End a stop, keeping who ended it and the working days it lasted for the history."""
    pause.ended_at, pause.ended_by, pause.paused_working_days = change.now, change.ctx.actor_name, days


@dataclass(frozen=True)
class PauseTaskCommand:
    """A department stops its task's clock for a correction or a special procedure."""

    task_id: str
    kind: str
    reason: str

    def execute(self, ctx: CommandContext) -> TaskRecord:
        """Stop the clock of an open, running task that is not already stopped."""
        row = department_task(ctx, self.task_id)
        problems = reason_problems(self.reason)
        if self.kind not in PAUSE_KINDS:
            problems.append(Problem(f"暂停类型须为以下之一：{', '.join(PAUSE_KINDS)}", field="kind"))
        if problems:
            raise InvalidError("暂停计时申请填写有误", problems)

        def act(change: InstanceChange) -> TaskRecord:
            change.advance = False  # stopping a clock must not move the process
            require_open_task(change, row)
            if row.pause_kind is not None:
                kind = in_words(PAUSE_KIND_ZH, row.pause_kind)
                raise ConflictError(f"该环节自 {_day(row.paused_at)} 起已暂停计时（{kind}）",
                                    task_id=row.id)
            originals = _stop(change, row, self.kind, self.reason.strip())
            change.session.add(Pause(instance_id=row.instance_id, task_id=row.id, kind=self.kind,
                                     reason=self.reason.strip(), details={"timers": originals},
                                     started_at=change.now, started_by=ctx.actor_name))
            return row

        return change_instance(ctx, row.instance_id, act)


@dataclass(frozen=True)
class ResumeTaskCommand:
    """A department restarts its task's clock; the deadline moves by the paused working days."""

    task_id: str

    def execute(self, ctx: CommandContext) -> TaskRecord:
        """Resume a task paused by its own department (the window lifts its correction notice)."""
        row = department_task(ctx, self.task_id)

        def act(change: InstanceChange) -> TaskRecord:
            change.advance = False
            require_open_task(change, row)
            if row.pause_kind is None:
                raise ConflictError("该环节未暂停计时", task_id=row.id)
            pause = change.session.scalar(select(Pause).where(
                Pause.task_id == row.id, Pause.ended_at.is_(None)).order_by(Pause.id.desc()).limit(1))
            if pause is None:
                raise ConflictError("该环节因窗口发出补正通知而暂停计时，"
                                    "申请人补齐材料后由窗口恢复计时", task_id=row.id)
            if change.instance.pause_kind is not None:
                # Ending the procedure now would restart a clock the correction notice still stops;
                # resuming later counts the whole stop once, so nothing is lost by waiting.
                raise ConflictError("窗口的补正通知尚未解除，"
                                    "请在补正通知解除后再恢复该环节的计时", task_id=row.id)
            days = paused_working_days(change, pause.started_at)
            thaw_timers(change, (pause.details or {}).get("timers") or {}, days)
            _restart(change, row, days)
            _close(change, pause, days)
            return row

        return change_instance(ctx, row.instance_id, act)


@dataclass(frozen=True)
class PauseInstanceCommand:
    """The window's one-time correction notice (一次性告知补正): every open task's clock stops."""

    instance_id: int
    reason: str
    missing_documents: list[str] = field(default_factory=list)
    kind: str = "correction"

    def execute(self, ctx: CommandContext) -> list[TaskRecord]:
        """Send the notice once per instance, listing every missing document at once."""
        if ctx.actor.role not in CORRECTION_ROLES:
            raise ForbiddenError("只有窗口人员可以发出补正通知")
        documents = self._validate()

        def act(change: InstanceChange) -> list[TaskRecord]:
            change.advance = False
            require_running(change)
            earlier = change.session.scalar(select(Pause).where(
                Pause.instance_id == self.instance_id, Pause.task_id.is_(None),
                Pause.kind == "correction").limit(1))
            if earlier is not None:
                raise ConflictError(f"已于 {_day(earlier.started_at)} 发出过补正通知；"
                                    "所缺材料须一次性告知", pause_id=earlier.id)
            rows = _open_rows(change.session, self.instance_id)
            paused = [r for r in rows if r.pause_kind is None]  # a task in a special procedure stays so
            originals: dict[str, Any] = {}
            for row in paused:
                originals.update(_stop(change, row, self.kind, self.reason.strip()))
            # The whole application's clock stops: timers on no human task (an overall limit) too.
            assert change.workflow is not None
            originals.update(freeze_timers(waiting_timers(change.workflow)))
            instance, reason = change.instance, self.reason.strip()
            instance.pause_kind, instance.pause_reason, instance.paused_at = self.kind, reason, change.now
            details = {"missing_documents": documents, "tasks": [r.id for r in paused], "timers": originals}
            change.session.add(Pause(instance_id=instance.id, task_id=None, kind=self.kind, reason=reason,
                                     details=details, started_at=change.now, started_by=ctx.actor_name))
            change.record("instance.paused", None, kind=self.kind, reason=self.reason.strip(),
                          missing_documents=documents, tasks=[r.id for r in paused])
            return paused

        return change_instance(ctx, self.instance_id, act)

    def _validate(self) -> list[str]:
        problems = reason_problems(self.reason)
        documents = [d.strip() for d in self.missing_documents if isinstance(d, str)]
        if self.kind != "correction":
            problems.append(Problem("整个办件只能因补正材料而暂停计时", field="kind"))
        if not documents:
            problems.append(Problem("请列明所缺的全部材料（至少一项）", field="missing_documents"))
        elif len(documents) > MAX_DOCUMENTS or any(not d or len(d) > 255 for d in documents):
            problems.append(Problem(f"材料最多 {MAX_DOCUMENTS} 项，每项 1 至 255 个字符",
                                    field="missing_documents"))
        if problems:
            raise InvalidError("补正通知填写有误", problems)
        return documents


@dataclass(frozen=True)
class ResumeInstanceCommand:
    """The applicant supplied the documents: restart every task the correction notice stopped."""

    instance_id: int

    def execute(self, ctx: CommandContext) -> list[TaskRecord]:
        """Lift the instance's correction stop; each task's deadline moves by the paused working days."""
        if ctx.actor.role not in CORRECTION_ROLES:
            raise ForbiddenError("只有窗口人员可以解除补正通知")

        def act(change: InstanceChange) -> list[TaskRecord]:
            change.advance = False
            require_running(change)
            pause = change.session.scalar(select(Pause).where(
                Pause.instance_id == self.instance_id, Pause.task_id.is_(None), Pause.ended_at.is_(None))
                .order_by(Pause.id.desc()).limit(1))
            if pause is None or change.instance.pause_kind is None:
                raise ConflictError("该办件未暂停计时", instance_id=self.instance_id)
            days = paused_working_days(change, pause.started_at)
            details = pause.details or {}
            thaw_timers(change, details.get("timers") or {}, days)
            stopped = set(details.get("tasks") or [])
            resumed = [r for r in _open_rows(change.session, self.instance_id)
                       if r.id in stopped and r.pause_kind == pause.kind]
            for row in resumed:
                _restart(change, row, days)
            instance = change.instance
            instance.pause_kind = instance.pause_reason = instance.paused_at = None
            _close(change, pause, days)
            change.record("instance.resumed", None, kind=pause.kind, paused_working_days=days,
                          tasks=[r.id for r in resumed])
            return resumed

        return change_instance(ctx, self.instance_id, act)


def _open_rows(session: Session, instance_id: int) -> list[TaskRecord]:
    """Return the instance's ready and claimed tasks in a stable order."""
    return list(session.scalars(select(TaskRecord).where(
        TaskRecord.instance_id == instance_id, TaskRecord.status.in_(OPEN_TASK_STATUSES))
        .order_by(TaskRecord.created_at, TaskRecord.bpmn_id)))


def _day(value: Any) -> str:
    """Render a stored instant as the Beijing date staff and applicants read."""
    return value.astimezone(SHANGHAI).date().isoformat() if value is not None else "?"
