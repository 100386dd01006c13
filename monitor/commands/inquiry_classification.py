"""The first answering department classifies a question (首问负责制): its category, and whether it is complex.

A question asked online arrives as a general one under the asker's own category; the department that
first answers it knows better. While no department has answered any part, the department holding the
answering step may correct the category and raise the question to important/complex, which gives its
part, and every later part of a joint answer, 10 working days instead of 5. Lowering a complex question
to general is refused: it would take days from a department that may already be counting on them.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from engine.command_context import CommandContext
from engine.deadlines import shift_task_deadline
from engine.exceptions import ConflictError, InvalidError, NotFoundError, Problem
from engine.instance_change import InstanceChange
from engine.models import OPEN_TASK_STATUSES
from engine.task_warnings import refresh_task_warning
from engine.unit_of_work import change_instance

from ..models import INQUIRY_COMPLEXITIES, Inquiry
from ..queries.inquiries import answered_parts, inquiry_handling
from .inquiries import MAX_CATEGORY, MAX_FIELD, answering_step

__all__ = ["COMPLEXITY_DAYS", "ClassifyInquiryCommand"]

COMPLEXITY_DAYS = {"general": 5, "complex": 10}
"""Each part's limit in working days; the diagram's intake script writes the same as `answer_limit`."""


@dataclass(frozen=True)
class ClassifyInquiryCommand:
    """Correct a question's category and raise it to complex, from its first answering step."""

    task_id: str
    category: str
    complexity: str

    def execute(self, ctx: CommandContext) -> Inquiry:
        """Check, then change the inquiry row and, when raised, the open part's deadline and later limits."""
        session = ctx.session
        row = answering_step(ctx, self.task_id, "只有承办部门可以确定问题分类")
        category = (self.category or "").strip() if isinstance(self.category, str) else ""
        problems: list[Problem] = []
        if not category:
            problems.append(Problem("请填写问题类别", field="category"))
        elif len(category) > MAX_CATEGORY:
            problems.append(Problem(f"问题类别不能超过{MAX_CATEGORY}个字", field="category"))
        if self.complexity not in INQUIRY_COMPLEXITIES:
            problems.append(Problem("问题分类只能是一般（general）或重要复杂（complex）", field="complexity"))
        inquiry = session.scalar(select(Inquiry).where(Inquiry.instance_id == row.instance_id))
        if inquiry is None:
            raise NotFoundError("没有这个查询答复任务", task_id=self.task_id)
        if not problems and inquiry.complexity == "complex" and self.complexity == "general":
            problems.append(Problem("已按重要复杂问题办理，不能改为一般问题", field="complexity"))
        if problems:
            raise InvalidError("分类信息有误", problems)

        def act(change: InstanceChange) -> Inquiry:
            change.advance = False
            change.session.refresh(row)
            change.session.refresh(inquiry)
            if row.status not in OPEN_TASK_STATUSES:
                raise ConflictError("此部分已办结，不能再改分类", task_id=row.id)
            if answered_parts(inquiry_handling(change.session, inquiry)[1]):
                raise ConflictError("已有部门答复了部分内容，问题分类由首问部门在答复前确定", task_id=row.id)
            raised = inquiry.complexity == "general" and self.complexity == "complex"
            inquiry.category, inquiry.complexity = category, self.complexity
            change.instance.project_name = f"查询：{category}"[:MAX_FIELD]
            spiff_task = change.spiff_task(row.id)
            assert spiff_task is not None, "an open task row has its engine task"
            values: dict[str, object] = {"category": category, "complexity": self.complexity}
            if raised:
                extra = COMPLEXITY_DAYS["complex"] - COMPLEXITY_DAYS["general"]
                shift_task_deadline(change, row, extra)
                row.limit_days = (row.limit_days or COMPLEXITY_DAYS["general"]) + extra
                refresh_task_warning(change, row)
                values["answer_limit"] = COMPLEXITY_DAYS["complex"]  # the later parts of a joint answer
            spiff_task.set_data(**values)
            change.record("inquiry.classified", row.id, department=row.department_code, category=category,
                          complexity=self.complexity, due_at=row.due_at.isoformat() if row.due_at else None)
            return inquiry

        return change_instance(ctx, row.instance_id, act)
