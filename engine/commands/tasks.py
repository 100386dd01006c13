"""Commands department staff run on their tasks: claim and complete."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select

from ..command_context import CommandContext
from ..data_ownership import foreign_keys
from ..deadlines import ensure_not_paused
from ..exceptions import ConflictError, ForbiddenError, InvalidError, NotFoundError, Problem
from ..instance_change import InstanceChange
from ..models import OPEN_TASK_STATUSES, Department, Instance, TaskRecord
from ..permissions import TASK_ROLES
from ..stages import definition_stages
from ..status_words import TASK_STATUS_ZH, in_words
from ..unit_of_work import change_instance, run_or_incident
from .guards import department_task, require_open_task
from .instances import validate_data_keys
from .task_forms import check_against_form, step_form

__all__ = ["ClaimTaskCommand", "CompleteTaskCommand", "RemindCoReviewerCommand"]

MAX_OPINION = 4000


def _finished(row: TaskRecord) -> ConflictError:
    """Build the error for claiming or completing a task that is done or was cancelled."""
    if row.status == "completed":
        return ConflictError("该环节已办结", task_id=row.id)
    return ConflictError("该环节已取消", task_id=row.id)


@dataclass(frozen=True)
class ClaimTaskCommand:
    """Take a ready task so colleagues see who handles it."""

    task_id: str
    optimistic: ClassVar[bool] = True  # all it writes goes through the unit of work's version check

    def execute(self, ctx: CommandContext) -> TaskRecord:
        """Claim; claiming one's own claimed task again changes nothing."""
        row = department_task(ctx, self.task_id, with_state=False)

        def act(change: InstanceChange) -> TaskRecord:
            require_open_task(change, row, closed=_finished, actor=ctx.actor)
            if row.status == "claimed":
                return row
            row.status, row.assignee, row.claimed_at = "claimed", ctx.actor.username, change.now
            change.record("task.claimed", row.id, bpmn_id=row.bpmn_id, assignee=row.assignee)
            return row

        return change_instance(ctx, row.instance_id, act, load_workflow=False)


@dataclass(frozen=True)
class CompleteTaskCommand:
    """Record a department's decision and opinion, and move the process on."""

    task_id: str
    data: dict[str, Any] = field(default_factory=dict)
    decision: str | None = None
    opinion: str | None = None
    optimistic: ClassVar[bool] = True  # all it writes goes through the unit of work's version check

    def execute(self, ctx: CommandContext) -> TaskRecord:
        """Complete a ready or own claimed task exactly once."""
        row = department_task(ctx, self.task_id)
        decision = self._validate()

        def act(change: InstanceChange) -> TaskRecord:
            require_open_task(change, row, closed=_finished, actor=ctx.actor)
            ensure_not_paused(row)  # a stopped clock is lifted (resume) before deciding
            foreign = foreign_keys(change, row.department_code, self.data)
            if foreign:  # owners by their names: the message is for the clerk, who knows no codes
                names = dict(ctx.session.execute(select(Department.code, Department.name)
                                                 .where(Department.code.in_(set(foreign.values())))).all())
                raise InvalidError("办理结果填写有误", [Problem(
                    f"data.{key} 由{names.get(owner, owner)}写入，本部门不能修改（流程未声明该字段为共享）",
                    field=f"data.{key}")
                    for key, owner in sorted(foreign.items())])
            spiff_task = change.spiff_task(row.id)
            if spiff_task is None or not spiff_task.has_state(TaskState.READY):
                raise ConflictError("该环节已不在等待决定", task_id=row.id)
            check_against_form(step_form(change, row.bpmn_id), decision, self.opinion)
            values = dict(self.data)
            if decision is not None:
                values["decision"] = decision
            spiff_task.set_data(**values)
            run_or_incident(change, spiff_task.run)
            if not spiff_task.has_state(TaskState.COMPLETED):
                return row  # its own step failed: an incident; the task stays open for the retry
            submission = {"decision": decision, "data": self.data, "opinion": self.opinion,
                          "user": ctx.actor.username, "at": change.now.isoformat()}
            row.status, row.completed_at, row.completed_by = "completed", change.now, ctx.actor.username
            row.assignee = row.assignee or ctx.actor.username
            row.submission = submission
            change.finished_rows[row.id] = row
            change.record("task.completed", row.id, bpmn_id=row.bpmn_id, department=row.department_code,
                          decision=decision, opinion=self.opinion, data=self.data)
            return row

        return change_instance(ctx, row.instance_id, act)

    def _validate(self) -> str | None:
        """Check the submission; return the decision, given top-level or inside the data."""
        problems = validate_data_keys(self.data)
        decision = self.decision
        if "decision" in self.data:
            inner = self.data["decision"]
            if not isinstance(inner, str):
                problems.append(Problem("data.decision 必须是文字", field="data.decision"))
            elif decision is not None and inner != decision:
                problems.append(Problem(f"decision（{decision}）与 data.decision（{inner}）不一致，"
                                        "请只给一个",
                                        field="data.decision"))
            else:
                decision = inner
        if decision is not None and (not decision.strip() or len(decision) > 64):
            problems.append(Problem("决定须为1至64个字符的简短词语", field="decision"))
        if self.opinion is not None and len(self.opinion) > MAX_OPINION:
            problems.append(Problem(f"意见不能超过{MAX_OPINION}个字符", field="opinion"))
        if problems:
            raise InvalidError("办理结果填写有误", problems)
        return decision


MAX_REMINDER = 500


@dataclass(frozen=True)
class RemindCoReviewerCommand:
    """The lead department nudges a co-reviewer of its stage; the reminder is kept in the audit history."""

    task_id: str
    note: str | None = None

    def execute(self, ctx: CommandContext) -> TaskRecord:
        """Record `task.reminded` on an open co-review of a stage the caller's department leads."""
        if self.note is not None and len(self.note) > MAX_REMINDER:
            raise InvalidError("催办信息有误", [Problem(f"附言不能超过 {MAX_REMINDER} 个字符",
                                                            field="note")])
        row = ctx.session.get(TaskRecord, self.task_id)
        if row is None:
            raise NotFoundError(f"环节 {self.task_id} 不存在", task_id=self.task_id)
        instance = ctx.session.get(Instance, row.instance_id)
        assert instance is not None
        leads = {s.lead_department for s in definition_stages(ctx.session, instance.definition_id)
                 if row.bpmn_id in s.co_reviews}
        if ctx.actor.role not in TASK_ROLES or ctx.actor.department_code not in leads:
            raise ForbiddenError("只有本阶段的牵头部门可以催办协办部门",
                                 task_id=row.id)

        def act(change: InstanceChange) -> TaskRecord:
            change.session.refresh(row)
            if row.status not in OPEN_TASK_STATUSES:
                raise ConflictError(f"该环节{in_words(TASK_STATUS_ZH, row.status)}，只能催办正在办理的环节",
                                    task_id=row.id)
            change.record("task.reminded", row.id, bpmn_id=row.bpmn_id, department=row.department_code,
                          by_department=ctx.actor.department_code, note=self.note)
            return row

        return change_instance(ctx, row.instance_id, act, load_workflow=False)
