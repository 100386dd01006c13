"""Designers' drafts: a diagram saved between edits, before it is good enough to deploy."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select

from ..bpmn_input import DEFAULT_MAX_BPMN_BYTES, parse_untrusted_bpmn
from ..command_context import CommandContext
from ..exceptions import ConflictError, ForbiddenError, InvalidError, NotFoundError, Problem
from ..models import ProcessDraft
from ..permissions import DESIGN_ROLES

__all__ = ["DRAFT_KEY", "DiscardDraftCommand", "SaveDraftCommand"]

# What a BPMN process id may be (an XML NCName, without the rarer characters).
DRAFT_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]{0,254}$")


def _require_designer(ctx: CommandContext) -> None:
    if ctx.actor.role not in DESIGN_ROLES:
        raise ForbiddenError("只有流程设计员和管理员可以保存流程草稿")


def _check_key(key: str) -> None:
    if not DRAFT_KEY.fullmatch(key):
        raise InvalidError("流程标识有误", [Problem(
            "流程标识须以字母或 _ 开头，只能包含字母、数字和 _ . -（即流程的 id）",
            field="key")])


@dataclass(frozen=True)
class SaveDraftCommand:
    """Save a draft; with `expected_revision`, refuse when someone else saved in between.

    A draft need not pass lint (it is work in progress) but must be well-formed XML that is safe to
    parse, so the modeler can always open it again.
    """

    key: str
    xml: bytes
    expected_revision: int | None = None
    max_bytes: int = DEFAULT_MAX_BPMN_BYTES

    def execute(self, ctx: CommandContext) -> ProcessDraft:
        """Check, then create or replace the draft with the next revision number."""
        _require_designer(ctx)
        _check_key(self.key)
        parse_untrusted_bpmn(self.xml, self.max_bytes)
        draft = ctx.session.scalar(select(ProcessDraft).where(ProcessDraft.key == self.key).with_for_update())
        current = draft.revision if draft is not None else 0
        if self.expected_revision is not None and self.expected_revision != current:
            by = draft.saved_by if draft is not None else "他人"
            raise ConflictError(
                f"流程 {self.key} 的草稿在此期间已被 {by} 保存（当前为第 {current} 版，"
                f"您编辑的是第 {self.expected_revision} 版），请重新载入后再保存",
                key=self.key, revision=current)
        text = self.xml.decode("utf-8", errors="replace")
        if draft is None:
            draft = ProcessDraft(key=self.key, xml=text, revision=1, saved_at=ctx.now(),
                                 saved_by=ctx.actor.username)
            ctx.session.add(draft)
        else:
            draft.xml, draft.revision = text, current + 1
            draft.saved_at, draft.saved_by = ctx.now(), ctx.actor.username
        ctx.session.flush()
        return draft


@dataclass(frozen=True)
class DiscardDraftCommand:
    """Throw a draft away (deployed versions are never affected)."""

    key: str

    def execute(self, ctx: CommandContext) -> None:
        """Delete the draft of `key`."""
        _require_designer(ctx)
        draft = ctx.session.scalar(select(ProcessDraft).where(ProcessDraft.key == self.key))
        if draft is None:
            raise NotFoundError(f"流程 {self.key} 没有草稿", key=self.key)
        ctx.session.delete(draft)
