"""Registering an approval at the window, with supervision's reservation about which processes.

The complaint-handling and public-inquiry processes are started by filing a complaint or asking a
question: starting one as if it were an approval would leave a handling instance without its
complaint or inquiry row (and so without anyone able to follow or close it). The engine cannot know
that, so the window's registration goes through here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from engine.command_context import CommandContext
from engine.commands.instances import StartInstanceCommand
from engine.exceptions import InvalidError, Problem
from engine.models import Instance

from ..models import COMPLAINT_PROCESS, INQUIRY_PROCESS

__all__ = ["RegisterApprovalCommand"]


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
