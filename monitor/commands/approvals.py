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

from ..models import COMPLAINT_PROCESS, INQUIRY_PROCESS, ApplicationItem, ServiceItem, ServiceItemVersion

__all__ = ["CompleteStepCommand", "RegisterApprovalCommand"]


@dataclass(frozen=True)
class RegisterApprovalCommand:
    """Start an approval of any deployed process except the ones supervision starts itself.

    With `item_code`, the application is registered under that catalogue item's latest published
    version: the item names the process, its 可容缺 materials are the only ones that may follow later,
    and the application keeps that version whatever is published after.
    """

    start: StartInstanceCommand
    item_code: str | None = None
    optimistic: ClassVar[bool] = True  # as the engine's start: see StartInstanceCommand

    def execute(self, ctx: CommandContext) -> Instance:
        """Refuse the complaint and inquiry processes, check the item, then register as the engine does."""
        if self.start.definition_key == COMPLAINT_PROCESS:
            raise InvalidError("投诉请通过投诉受理入口登记，不能作为审批事项受理",
                               [Problem("该流程只能由投诉登记启动", field="definition_key")])
        if self.start.definition_key == INQUIRY_PROCESS:
            raise InvalidError("政务信息查询请通过查询登记入口登记，不能作为审批事项受理",
                               [Problem("该流程只能由查询登记启动", field="definition_key")])
        version = self._item_version(ctx) if self.item_code is not None else None
        instance = self.start.execute(ctx)
        if version is not None:
            ctx.session.add(ApplicationItem(instance_id=instance.id, item_version_id=version.id))
        return instance

    def _item_version(self, ctx: CommandContext) -> ServiceItemVersion:
        """The item's latest published version, or 422 naming what does not fit it."""
        item = ctx.session.scalar(select(ServiceItem).where(ServiceItem.code == self.item_code))
        version = None if item is None else ctx.session.scalar(select(ServiceItemVersion).where(
            ServiceItemVersion.item_id == item.id, ServiceItemVersion.version == item.latest_version))
        if version is None:
            raise InvalidError("申请事项有误", [Problem("没有这个已发布的事项", field="item_code")])
        problems = []
        if version.definition_key != self.start.definition_key:
            problems.append(Problem(f"事项“{version.name}”按流程 {version.definition_key} 办理",
                                    field="definition_key"))
        may_follow = {m["name"] for m in version.content.get("materials", []) if m.get("shortfall_allowed")}
        following = (self.start.shortfall or {}).get("documents") or []
        # Malformed lists are the engine's to refuse (shortfall_problems); here only names count.
        later = [name for name in following if isinstance(name, str) and name not in may_follow] \
            if isinstance(following, list) else []
        if later:
            problems.append(Problem(f"以下材料不在本事项的可容缺材料中：{'、'.join(later)}",
                                    field="shortfall.documents"))
        if problems:
            raise InvalidError("申请与所选事项不符", problems)
        return version


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

