"""Extensions (延期): a department asks for more working days; its own head (本单位负责人) decides.

The law allows a limit to be extended once, with the approval of the handling unit's head rather
than the handler (行政许可法: +10 days with the head's approval, +15 for joint handling; public
inquiries: up to 20 working days in all; complaints: up to 30). An approved extension
moves the task's due time and its engine timers by the granted working days; a refusal changes
nothing but the record.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from ..command_context import CommandContext
from ..deadlines import shift_task_deadline
from ..exceptions import ConflictError, ForbiddenError, InvalidError, NotFoundError, Problem
from ..instance_change import InstanceChange
from ..models import OPEN_TASK_STATUSES, Extension, TaskRecord
from ..permissions import can_decide_extension
from ..status_words import DECISION_STATUS_ZH, TASK_STATUS_ZH, in_words
from ..task_warnings import refresh_task_warning
from ..unit_of_work import change_instance
from ..workdays import SHANGHAI, CalendarUnknownDayError, working_days_between
from .guards import department_task, require_open_task
from .reasons import decision_reason_problems, reason_problems

__all__ = ["DecideExtensionCommand", "ExtensionPolicy", "RequestExtensionCommand"]

@dataclass(frozen=True)
class ExtensionPolicy:
    """Limits on extensions (settings per item type; defaults follow the law's single extension)."""

    max_per_task: int = 1
    max_working_days: int = 20


@dataclass(frozen=True)
class RequestExtensionCommand:
    """A department asks for more working days on its open task."""

    task_id: str
    working_days: int
    reason: str
    policy: ExtensionPolicy = field(default_factory=ExtensionPolicy)

    def execute(self, ctx: CommandContext) -> Extension:
        """Record a pending request; at most one pending and `max_per_task` approved per task."""
        row = department_task(ctx, self.task_id, with_state=False)
        problems = reason_problems(self.reason)
        days, limit = self.working_days, self.policy.max_working_days
        if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= limit:
            problems.append(Problem(f"延期天数须为 1 至 {limit} 之间的整数（工作日）",
                                    field="working_days"))
        if problems:
            raise InvalidError("延期申请填写有误", problems)

        def act(change: InstanceChange) -> Extension:
            require_open_task(change, row, closed=_nothing_to_extend)
            counts = {status: n for status, n in change.session.execute(
                select(Extension.status, func.count()).where(Extension.task_id == row.id)
                .group_by(Extension.status))}
            if counts.get("pending"):
                raise ConflictError("该环节已有一份待审批的延期申请", task_id=row.id)
            if counts.get("approved", 0) >= self.policy.max_per_task:
                raise ConflictError(f"该环节已批准延期 {self.policy.max_per_task} 次，"
                                    "已达到允许的最多次数", task_id=row.id)
            _check_total_cap(change, row, days)
            extension = Extension(instance_id=row.instance_id, task_id=row.id, working_days=days,
                                  reason=self.reason.strip(), status="pending", requested_by=ctx.actor_name,
                                  requested_at=change.now)
            change.session.add(extension)
            change.session.flush()  # the id goes into the audit event
            change.record("extension.requested", row.id, extension_id=extension.id, working_days=days,
                          reason=extension.reason, department=row.department_code)
            return extension

        return change_instance(ctx, row.instance_id, act, load_workflow=False)


def _check_total_cap(change: InstanceChange, row: TaskRecord, days: int) -> None:
    """Refuse more days than the task's cap leaves, counted from the step's start or from the receipt.

    `maxDaysWithExtension` counts from the step's own start (an inquiry's part: 20 in all);
    `maxDaysFromReceipt` from the instance's registration (a complaint: 30 from its receipt, whichever
    step asks). The due time already holds any approved extension.
    """
    policy = row.warning_policy or {}
    for key, start in (("max_days_with_extension", row.created_at),
                       ("max_days_from_receipt", change.instance.created_at)):
        cap = policy.get(key)
        if not cap or row.due_at is None:
            continue
        try:
            used = working_days_between(change.ctx.runtime.calendar, start.astimezone(SHANGHAI).date(),
                                        row.due_at.astimezone(SHANGHAI).date())
        except CalendarUnknownDayError:
            continue
        left = cap - used
        if days > left:
            message = f"此事项连同延期最长{cap}个工作日，最多还能延长{max(left, 0)}个工作日"
            raise InvalidError("延期申请填写有误", [Problem(message, field="working_days")])


@dataclass(frozen=True)
class DecideExtensionCommand:
    """Approve or refuse a pending extension request, exactly once."""

    extension_id: int
    approve: bool
    reason: str | None = None

    def execute(self, ctx: CommandContext) -> Extension:
        """Approving moves the task's deadline (row and engine timers) by the requested working days."""
        extension = ctx.session.get(Extension, self.extension_id)
        if extension is None:
            raise NotFoundError(f"延期申请 {self.extension_id} 不存在", extension_id=self.extension_id)
        row = ctx.session.get(TaskRecord, extension.task_id)
        if row is None or not can_decide_extension(ctx.actor, row):
            raise ForbiddenError("延期申请只能由本部门负责人审批",
                                 extension_id=self.extension_id)
        problems = decision_reason_problems(self.approve, self.reason)
        if problems:
            raise InvalidError("审批意见填写有误", problems)

        def act(change: InstanceChange) -> Extension:
            change.advance = False
            change.session.refresh(extension)
            change.session.refresh(row)
            if extension.status != "pending":
                state = in_words(DECISION_STATUS_ZH, extension.status)
                raise ConflictError(f"延期申请 {extension.id} {state}，不能重复审批",
                                    extension_id=extension.id, status=extension.status)
            extension.decided_by, extension.decided_at = ctx.actor_name, change.now
            extension.decision_reason = (self.reason or "").strip() or None
            if not self.approve:
                extension.status = "refused"
                change.record("extension.refused", row.id, extension_id=extension.id,
                              working_days=extension.working_days, reason=extension.decision_reason)
                return extension
            if row.status not in OPEN_TASK_STATUSES or change.instance.status != "running":
                raise _nothing_to_extend(row)
            shift_task_deadline(change, row, extension.working_days)
            refresh_task_warning(change, row)  # the unit of work then recomputes the instance's level
            extension.status = "approved"
            change.record("extension.approved", row.id, extension_id=extension.id,
                          working_days=extension.working_days, reason=extension.decision_reason,
                          due_at=row.due_at.isoformat() if row.due_at else None)
            return extension

        return change_instance(ctx, extension.instance_id, act, load_workflow=self.approve)


def _nothing_to_extend(row: TaskRecord) -> ConflictError:
    """Build the error for extending a task whose clock has already ended."""
    return ConflictError(f"该环节{in_words(TASK_STATUS_ZH, row.status)}，已没有可延期的办理时限",
                         task_id=row.id)
