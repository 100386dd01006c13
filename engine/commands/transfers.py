"""Task transfers (转办): a department hands a task outside its remit to another, once approved.

The first-question-responsibility rule (首问负责制) forbids simply refusing work that belongs
elsewhere: the department that received it asks to transfer it, with a mandatory reason, and the
move takes effect only when someone outside that department (a lead of another department, or
supervision) approves — otherwise a department could push unwanted work away on its own say-so.

What moves is the task row (the task index that worklists, boards and warnings read); the
SpiffWorkflow lane in the stored workflow state stays as it was. The unit of work keeps an open
row's department when it re-syncs the index, so the transferred task stays with the new department
until it is completed, and its deadline and warning level carry over unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ..command_context import CommandContext
from ..exceptions import ConflictError, ForbiddenError, InvalidError, NotFoundError, Problem
from ..instance_change import InstanceChange
from ..models import Department, TaskRecord, Transfer
from ..permissions import can_act_on, can_decide_transfer
from ..status_words import DECISION_STATUS_ZH, TASK_STATUS_ZH, in_words
from ..unit_of_work import change_instance
from .guards import department_task, require_open_task
from .reasons import decision_reason_problems, reason_problems

__all__ = ["TRANSFER_STATUSES", "DecideTransferCommand", "RequestTransferCommand"]

TRANSFER_STATUSES = ("pending", "approved", "refused")


def _not_transferable(row: TaskRecord) -> ConflictError:
    """Build the error for transferring a task that is no longer open."""
    return ConflictError(f"该环节{in_words(TASK_STATUS_ZH, row.status)}，只有正在办理的环节可以移交",
                         task_id=row.id)


@dataclass(frozen=True)
class RequestTransferCommand:
    """The task's department asks to hand it to another department."""

    task_id: str
    to_department: str
    reason: str

    def execute(self, ctx: CommandContext) -> Transfer:
        """Record a pending transfer; at most one pending transfer per task."""
        row = department_task(ctx, self.task_id, with_state=False)
        target = (self.to_department or "").strip()
        problems = reason_problems(self.reason)
        if not target or ctx.session.scalar(select(Department.id).where(Department.code == target)) is None:
            problems.append(Problem(f"未知部门：{target}" if target else "请选择接收部门",
                                    field="to_department"))
        elif target == row.department_code:
            problems.append(Problem("该环节已属于这个部门", field="to_department"))
        if problems:
            raise InvalidError("移交申请填写有误", problems)

        def act(change: InstanceChange) -> Transfer:
            require_open_task(change, row, closed=_not_transferable)
            if not can_act_on(ctx.actor, row) or row.department_code == target:
                raise ConflictError("该环节已在此期间被移交", task_id=row.id)
            pending = change.session.scalar(select(Transfer.id).where(
                Transfer.task_id == row.id, Transfer.status == "pending").limit(1))
            if pending is not None:
                raise ConflictError("该环节已有一份待审批的移交申请", task_id=row.id,
                                    transfer_id=pending)
            transfer = Transfer(instance_id=row.instance_id, task_id=row.id,
                                from_department=row.department_code, to_department=target,
                                reason=self.reason.strip(), status="pending", requested_by=ctx.actor_name,
                                requested_at=change.now)
            change.session.add(transfer)
            change.session.flush()  # the id goes into the audit event
            change.record("transfer.requested", row.id, transfer_id=transfer.id, bpmn_id=row.bpmn_id,
                          **{"from": transfer.from_department, "to": target}, reason=transfer.reason)
            return transfer

        return change_instance(ctx, row.instance_id, act, load_workflow=False)


@dataclass(frozen=True)
class DecideTransferCommand:
    """Approve (the task moves to the new department's worklist) or refuse a pending transfer, once."""

    transfer_id: int
    approve: bool
    reason: str | None = None

    def execute(self, ctx: CommandContext) -> Transfer:
        """Approving rewrites the task row's department; the engine's lane is left alone (see module)."""
        transfer = ctx.session.get(Transfer, self.transfer_id)
        if transfer is None:
            raise NotFoundError(f"移交申请 {self.transfer_id} 不存在", transfer_id=self.transfer_id)
        if not can_decide_transfer(ctx.actor, transfer):
            raise ForbiddenError("移交申请由监察人员或其他部门的负责人审批",
                                 transfer_id=transfer.id)
        problems = decision_reason_problems(self.approve, self.reason)
        if problems:
            raise InvalidError("审批意见填写有误", problems)

        def act(change: InstanceChange) -> Transfer:
            change.session.refresh(transfer)
            if transfer.status != "pending":
                state = in_words(DECISION_STATUS_ZH, transfer.status)
                raise ConflictError(f"移交申请 {transfer.id} {state}，不能重复审批",
                                    transfer_id=transfer.id, status=transfer.status)
            transfer.decided_by, transfer.decided_at = ctx.actor_name, change.now
            transfer.decision_reason = (self.reason or "").strip() or None
            if not self.approve:
                transfer.status = "refused"
                change.record("transfer.refused", transfer.task_id, transfer_id=transfer.id,
                              **{"from": transfer.from_department, "to": transfer.to_department},
                              reason=transfer.decision_reason, refused_by=ctx.actor_name)
                return transfer
            row = change.session.get(TaskRecord, transfer.task_id, populate_existing=True)
            if row is None:
                raise NotFoundError(f"环节 {transfer.task_id} 不存在", task_id=transfer.task_id)
            require_open_task(change, row, closed=_not_transferable)
            if row.department_code != transfer.from_department:
                raise ConflictError("该环节已不属于申请移交的部门",
                                    task_id=row.id, department=row.department_code)
            row.department_code = transfer.to_department
            row.status, row.assignee, row.claimed_at = "ready", None, None
            transfer.status = "approved"
            change.record("task.transferred", row.id, transfer_id=transfer.id, bpmn_id=row.bpmn_id,
                          **{"from": transfer.from_department, "to": transfer.to_department},
                          reason=transfer.reason, approved_by=ctx.actor_name,
                          decision_reason=transfer.decision_reason)
            return transfer

        return change_instance(ctx, transfer.instance_id, act, load_workflow=False)
