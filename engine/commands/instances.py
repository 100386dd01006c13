"""Commands that start and repair workflow instances."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select

from ..command_context import CommandContext
from ..exceptions import ConflictError, ForbiddenError, InvalidError, Problem
from ..instance_change import InstanceChange
from ..models import Instance, ProcessDefinition
from ..query_codes import new_query_code
from ..status_words import INSTANCE_STATUS_ZH, in_words
from ..unit_of_work import change_instance, create_instance, run_or_incident
from .shortfalls import open_shortfall, shortfall_problems

__all__ = ["RetryInstanceCommand", "StartInstanceCommand", "validate_data_keys"]

INTAKE_ROLES = frozenset({"window", "admin", "system"})
RETRY_ROLES = frozenset({"admin", "system"})
RESERVED_KEYS = frozenset({"project", "applicant"})
_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")
MAX_INVESTMENT = Decimal("1e16")


def validate_data_keys(data: dict[str, Any], field_name: str = "data") -> list[Problem]:
    """Data keys become expression names, so they must be plain identifiers and not reserved."""
    problems = []
    for key in data:
        if not isinstance(key, str) or not _KEY.fullmatch(key):
            problems.append(Problem(f"数据名 {key} 须以字母开头，只能包含字母、数字和 _",
                                    field=f"{field_name}.{key}"))
        elif key in RESERVED_KEYS:
            problems.append(Problem(f"数据名 {key} 为系统保留名称，不能使用", field=f"{field_name}.{key}"))
    return problems


@dataclass(frozen=True)
class StartInstanceCommand:
    """Register an application at the window against the latest version of a process."""

    definition_key: str
    project: dict[str, Any]
    applicant: dict[str, Any]
    data: dict[str, Any] = field(default_factory=dict)
    # 容缺受理: {documents, deadline_working_days, commitment}; None for a complete application.
    shortfall: dict[str, Any] | None = None
    # A new instance conflicts with nothing but a duplicate query code, which the executor retries.
    optimistic: ClassVar[bool] = True

    def execute(self, ctx: CommandContext) -> Instance:
        """Check the application, pick the latest version, start it, hand out a query code."""
        if ctx.actor.role not in INTAKE_ROLES:
            raise ForbiddenError("只有窗口人员可以登记申请")
        investment = self._investment()
        problems = validate_data_keys(self.data)
        if self.shortfall is not None:
            problems += shortfall_problems(self.shortfall)
        if problems:
            raise InvalidError("申请信息填写有误", problems)
        definition = ctx.session.scalars(
            select(ProcessDefinition).where(ProcessDefinition.key == self.definition_key)
            .order_by(ProcessDefinition.version.desc()).limit(1)
        ).first()
        if definition is None:
            raise InvalidError(f"没有已发布的流程 {self.definition_key}",
                               [Problem("未知的流程标识", field="definition_key")])
        project = {"name": self.project["name"], "code": self.project["code"],
                   "investment": float(investment)}
        instance = Instance(
            query_code=new_query_code(), definition_id=definition.id, definition_key=definition.key,
            definition_version=definition.version, project_name=project["name"], project_code=project["code"],
            investment=investment, applicant_name=self.applicant["name"],
            applicant_contact=self.applicant["contact"], created_by=ctx.actor.username,
        )
        instance = create_instance(ctx, definition, instance, {**self.data, "project": project})
        if self.shortfall is not None:
            # Same transaction: the instance never exists without its shortfall.
            spec = self.shortfall
            change_instance(ctx, instance.id, lambda change: open_shortfall(change, spec),
                            load_workflow=False)
        return instance

    def _investment(self) -> Decimal:
        try:
            value = Decimal(str(self.project["investment"]))
        except (InvalidOperation, ValueError):
            value = Decimal("NaN")
        if not value.is_finite() or value < 0 or value >= MAX_INVESTMENT:
            raise InvalidError("投资额填写有误", [Problem(
                "投资额须为不小于 0 且小于 10^16 的金额（元）", field="project.investment")])
        return value.quantize(Decimal("0.01"))


@dataclass(frozen=True)
class RetryInstanceCommand:
    """Re-run the failed step of an incident, optionally with corrected data."""

    instance_id: int
    data: dict[str, Any] = field(default_factory=dict)

    def execute(self, ctx: CommandContext) -> Instance:
        """Reset errored tasks to ready and let the engine run them again."""
        if ctx.actor.role not in RETRY_ROLES:
            raise ForbiddenError("只有管理员可以重试故障办件")
        problems = validate_data_keys(self.data)
        if problems:
            raise InvalidError("更正的数据有误", problems)

        def act(change: InstanceChange) -> Instance:
            if change.instance.status != "incident":
                state = in_words(INSTANCE_STATUS_ZH, change.instance.status)
                raise ConflictError(f"办件 {self.instance_id} {state}，不是故障办件")
            change.rederive = True
            assert change.workflow is not None
            errored = change.workflow.get_tasks(state=TaskState.ERROR)
            for task in errored:
                task.data.update(self.data)
                task._set_state(TaskState.READY)
            stuck = _stuck_arrivals(change.workflow)
            for task in stuck:
                task.parent.data.update(self.data)  # the arrival reads its predecessor's data
            change.instance.status = "running"
            change.instance.error = None
            change.record("instance.retried", None, data=self.data,
                          tasks=[t.task_spec.bpmn_id for t in [*errored, *stuck]])
            run_or_incident(change, lambda: [t.task_spec._update(t) for t in stuck])
            return change.instance

        return change_instance(ctx, self.instance_id, act)


def _stuck_arrivals(workflow: BpmnWorkflow) -> list[Task]:
    """Tasks whose arrival failed: still FUTURE although the task before them completed.

    A condition that fails as the token arrives (a conditional event's, say) raises before the task
    ever becomes READY or ERROR, so there is nothing in ERROR to reset; the retry makes the token
    arrive again instead.
    """
    return [t for t in workflow.get_tasks(state=TaskState.FUTURE)
            if t.parent is not None and t.parent.state == TaskState.COMPLETED]
