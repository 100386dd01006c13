"""Registering and completing approval work, with supervision's reservations about which processes.

The complaint-handling and public-inquiry processes are started by filing a complaint or asking a
question: starting one as if it were an approval would leave a handling instance without its
complaint or inquiry row (and so without anyone able to follow or close it). An inquiry's steps are
completed through the inquiry rules only. The engine cannot know either, so the window's
registration and the generic completion go through here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from sqlalchemy import select

from engine.command_context import CommandContext
from engine.commands.instances import StartInstanceCommand
from engine.commands.tasks import CompleteTaskCommand
from engine.exceptions import ConflictError, InvalidError, Problem
from engine.models import Instance, TaskRecord

from ..models import COMPLAINT_PROCESS, INQUIRY_PROCESS

__all__ = ["CompleteStepCommand", "RegisterApprovalCommand"]


@dataclass(frozen=True)
class RegisterApprovalCommand:
    """Start an approval of any deployed process except the ones supervision starts itself."""

    start: StartInstanceCommand
    optimistic: ClassVar[bool] = True  # as the engine's start: see StartInstanceCommand

    def execute(self, ctx: CommandContext) -> Instance:
        """Refuse the complaint and inquiry processes, then register as the engine does."""
        if self.start.definition_key == COMPLAINT_PROCESS:
            raise InvalidError("投诉请通过投诉受理入口登记，不能作为审批事项受理",
                               [Problem("该流程只能由投诉登记启动", field="definition_key")])
        if self.start.definition_key == INQUIRY_PROCESS:
            raise InvalidError("政务信息查询请通过查询登记入口登记，不能作为审批事项受理",
                               [Problem("该流程只能由查询登记启动", field="definition_key")])
        return self.start.execute(ctx)


@dataclass(frozen=True)
class CompleteStepCommand:
    """Complete a task through the generic completion, except a public inquiry's step.

    An inquiry's step has rules of its own (an answer needs its text, a forwarding its reason, only a
    final answer is published) that monitor.commands.inquiries checks; through the generic completion
    a department could close a question with no answer at all.
    """

    complete: CompleteTaskCommand
    optimistic: ClassVar[bool] = True  # as the engine's completion: see CompleteTaskCommand

    def execute(self, ctx: CommandContext) -> TaskRecord:
        """Refuse an inquiry step with 409, then complete as the engine does."""
        task_id = self.complete.task_id
        key = ctx.session.scalar(select(TaskRecord.definition_key).where(TaskRecord.id == task_id))
        if key == INQUIRY_PROCESS:
            raise ConflictError("政务信息查询的环节请通过查询办理提交（答复、转发或分办）", task_id=task_id)
        return self.complete.execute(ctx)

