"""Publishing a department's public commitments, reporting their progress, and the bureau's verdict.

Only the head of a department (role `head`) speaks for it in public, so only the head publishes its
commitments and reports on them; only the supervision bureau assesses them. Each command names
every problem of its input at once, in Chinese, and changes one commitment under a row lock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from engine.command_context import CommandContext
from engine.exceptions import ConflictError, ForbiddenError, InvalidError, NotFoundError, Problem
from engine.workdays import SHANGHAI

from ..models import ASSESSMENTS, CommitmentProgress, DepartmentCommitment
from ..models.commitments import MAX_COMMITMENTS_A_YEAR, MAX_NOTE, MAX_TARGET, MAX_TITLE
from ..roles import require_supervisor

__all__ = ["AssessCommitmentCommand", "PublishCommitmentCommand", "ReportCommitmentProgressCommand"]

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
MAX_PLEDGER = 64


def _require_head(ctx: CommandContext, department_code: str | None = None) -> str:
    """The head's department; 403 for anyone else, or for the head of another department."""
    actor = ctx.actor
    if actor.role != "head" or not actor.department_code:
        raise ForbiddenError("只有本单位负责人可以发布公开承诺并报告进展")
    if department_code is not None and department_code != actor.department_code:
        raise ForbiddenError("只能报告本部门承诺的进展")
    return actor.department_code


def _text(value: object, limit: int, label: str, field: str, problems: list[Problem]) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not text or len(text) > limit:
        problems.append(Problem(f"请填写{label}（1至{limit}个字）", field=field))
    return text


def _load(ctx: CommandContext, commitment_id: int) -> DepartmentCommitment:
    commitment = ctx.session.scalar(select(DepartmentCommitment)
                                    .where(DepartmentCommitment.id == commitment_id).with_for_update())
    if commitment is None:
        raise NotFoundError("没有这项承诺", commitment_id=commitment_id)
    return commitment


def _not_assessed(commitment: DepartmentCommitment) -> None:
    if commitment.assessment is not None:
        raise ConflictError("这项承诺已经考评，不能再更改", commitment_id=commitment.id)


@dataclass(frozen=True)
class PublishCommitmentCommand:
    """The head publishes one commitment for the year its date falls in (this year or next)."""

    title: object
    target: object
    due_on: object
    pledged_by: object

    def execute(self, ctx: CommandContext) -> DepartmentCommitment:
        """422 naming every problem; the wording is final once published."""
        department = _require_head(ctx)
        problems: list[Problem] = []
        title = _text(self.title, MAX_TITLE, "承诺事项", "title", problems)
        target = _text(self.target, MAX_TARGET, "承诺目标（可衡量的标准）", "target", problems)
        pledged_by = _text(self.pledged_by, MAX_PLEDGER, "承诺人（职务和姓名）", "pledged_by", problems)
        today = ctx.now().astimezone(SHANGHAI).date()
        due = None
        if isinstance(self.due_on, str) and _DATE.fullmatch(self.due_on.strip()):
            try:
                due = date.fromisoformat(self.due_on.strip())
            except ValueError:
                due = None
        if due is None:
            problems.append(Problem("完成期限须为 YYYY-MM-DD 格式的日期", field="due_on"))
        elif not today <= due <= date(today.year + 1, 12, 31):
            problems.append(Problem("完成期限须在今天至明年年底之间", field="due_on"))
        elif ctx.session.scalar(select(func.count(DepartmentCommitment.id)).where(
                DepartmentCommitment.department_code == department,
                DepartmentCommitment.year == due.year)) >= MAX_COMMITMENTS_A_YEAR:
            problems.append(Problem(f"每个部门每年最多公开{MAX_COMMITMENTS_A_YEAR}项承诺", field="due_on"))
        if problems:
            raise InvalidError("承诺内容有误", problems)
        assert due is not None
        now = ctx.now()
        commitment = DepartmentCommitment(department_code=department, year=due.year, title=title,
                                          target=target, due_on=due, pledged_by=pledged_by, published_at=now,
                                          published_by=ctx.actor.username or "", progress_percent=0)
        ctx.session.add(commitment)
        ctx.session.flush()
        return commitment


@dataclass(frozen=True)
class ReportCommitmentProgressCommand:
    """The head reports how far a commitment of the department has come (0–100 %) and what was done."""

    commitment_id: int
    percent: object
    note: object

    def execute(self, ctx: CommandContext) -> DepartmentCommitment:
        """403 for another department's commitment, 409 once assessed, 422 naming every problem."""
        commitment = _load(ctx, self.commitment_id)
        _require_head(ctx, commitment.department_code)
        _not_assessed(commitment)
        problems: list[Problem] = []
        percent = self.percent
        if isinstance(percent, bool) or not isinstance(percent, int) or not 0 <= percent <= 100:
            problems.append(Problem("完成进度须为0至100的整数（百分比）", field="percent"))
        note = _text(self.note, MAX_NOTE, "进展情况", "note", problems)
        if problems:
            raise InvalidError("进展报告有误", problems)
        assert isinstance(percent, int)
        now = ctx.now()
        ctx.session.add(CommitmentProgress(commitment_id=commitment.id, percent=percent, note=note,
                                           reported_at=now, reported_by=ctx.actor.username or ""))
        commitment.progress_percent, commitment.progress_note, commitment.progress_at = percent, note, now
        ctx.session.flush()
        return commitment


@dataclass(frozen=True)
class AssessCommitmentCommand:
    """The bureau's public verdict on a commitment: 兑现, 部分兑现 or 未兑现, with its reasons."""

    commitment_id: int
    assessment: object
    note: object

    def execute(self, ctx: CommandContext) -> DepartmentCommitment:
        """403 for anyone but the bureau, 409 when already assessed, 422 naming every problem."""
        require_supervisor(ctx.actor, "只有监察局（效能办）可以考评公开承诺")
        commitment = _load(ctx, self.commitment_id)
        _not_assessed(commitment)
        problems: list[Problem] = []
        if self.assessment not in ASSESSMENTS:
            problems.append(Problem("考评结果只能是兑现、部分兑现或未兑现", field="assessment"))
        note = _text(self.note, MAX_NOTE, "考评意见", "note", problems)
        if problems:
            raise InvalidError("考评内容有误", problems)
        commitment.assessment, commitment.assessment_note = str(self.assessment), note
        commitment.assessed_at, commitment.assessed_by = ctx.now(), ctx.actor.username
        ctx.session.flush()
        return commitment
