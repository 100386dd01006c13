"""The window's "not accepted" outcomes (不予受理, 一次性告知补正), recorded in one transaction.

Refusing or asking for a correction is recorded by running the acceptance process
(`bpmn/one_window_acceptance.bpmn`): start it, complete 接件登记, then complete 材料完整性审查 with the
window's decision. Doing the three steps in one command means a failure half-way leaves no
half-registered application behind, and the applicant's receipt always matches what was stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from ..command_context import CommandContext
from ..exceptions import ConflictError, InvalidError, Problem
from ..models import OPEN_TASK_STATUSES, Instance, TaskRecord
from .instances import StartInstanceCommand
from .tasks import CompleteTaskCommand

__all__ = ["INTAKE_PROCESS", "NOT_ACCEPTED_OUTCOMES", "RecordNotAcceptedCommand"]

INTAKE_PROCESS = "one_window_acceptance"
NOT_ACCEPTED_OUTCOMES = ("refuse", "correct")


@dataclass(frozen=True)
class RecordNotAcceptedCommand:
    """Register an application the window refuses, or returns once with every missing document listed."""

    intended_process: str
    outcome: str
    project: dict[str, Any]
    applicant: dict[str, Any]
    reason: str = ""
    missing_documents: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)

    def execute(self, ctx: CommandContext) -> Instance:
        """Check the outcome's requirements, then start and complete the acceptance steps."""
        problems = []
        if self.outcome not in NOT_ACCEPTED_OUTCOMES:
            problems.append(Problem("处理结果须为 refuse（不予受理）或 correct（补正告知）", field="outcome"))
        if self.outcome == "refuse" and not self.reason.strip():
            problems.append(Problem("不予受理须写明理由", field="reason"))
        documents = [d.strip() for d in self.missing_documents if d.strip()]
        if self.outcome == "correct" and not documents:
            problems.append(Problem("补正告知须一次性列明所缺的全部材料",
                                    field="missing_documents"))
        if problems:
            raise InvalidError("窗口处理意见不完整", problems)
        data = {**self.data, "intended_process": self.intended_process, "missing_documents": documents}
        instance = StartInstanceCommand(INTAKE_PROCESS, self.project, self.applicant, data).execute(ctx)
        opinion = self.reason.strip() or "、".join(documents)
        for bpmn_id, body in (("receive", {}), ("check_completeness", {"decision": self.outcome,
                                                                       "opinion": opinion})):
            task_id = ctx.session.scalar(select(TaskRecord.id).where(
                TaskRecord.instance_id == instance.id, TaskRecord.bpmn_id == bpmn_id,
                TaskRecord.status.in_(OPEN_TASK_STATUSES)))
            if task_id is None:  # the deployed acceptance diagram no longer has the step the code expects
                raise ConflictError(f"受理流程中没有待办理的环节 {bpmn_id}", step=bpmn_id)
            CompleteTaskCommand(task_id, **body).execute(ctx)
        return instance
