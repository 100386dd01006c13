"""容缺受理: accept an application with secondary documents missing, and chase the promised supply.

The applicant signs a commitment listing the missing documents and a deadline in working days.
The window marks them supplied; a sweep flips shortfalls past their deadline to `missed` and raises
a red warning for supervision exactly once. An instance approved while its shortfall is still open
or missed ends as "passed with shortfall" (办结·容缺通过, BLZT 12; see engine/state_codes.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..command_context import CommandContext
from ..exceptions import ConflictError, ForbiddenError, NotFoundError, Problem
from ..instance_change import InstanceChange
from ..models import Shortfall, User, WarningEvent
from ..status_words import SHORTFALL_STATUS_ZH, in_words
from ..unit_of_work import change_instance
from ..workdays import workday_deadline

__all__ = ["MAX_SHORTFALL_DAYS", "MarkMissedShortfallCommand", "MarkShortfallSuppliedCommand",
           "open_shortfall", "shortfall_problems"]

MAX_SHORTFALL_DAYS = 60
SHORTFALL_ROLES = frozenset({"window", "admin"})


def shortfall_problems(spec: dict[str, Any]) -> list[Problem]:
    """Check a 容缺 commitment: documents listed, a deadline of 1..60 working days, a signed promise."""
    problems = []
    documents = spec.get("documents")
    if not isinstance(documents, list) or not documents:
        problems.append(Problem("请列明容缺的材料（至少一项）", field="shortfall.documents"))
    elif len(documents) > 100 or any(not isinstance(d, str) or not d.strip() or len(d) > 255
                                     for d in documents):
        problems.append(Problem("材料最多 100 项，每项 1 至 255 个字符",
                                field="shortfall.documents"))
    days = spec.get("deadline_working_days")
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_SHORTFALL_DAYS:
        problems.append(Problem(f"补齐时限须为 1 至 {MAX_SHORTFALL_DAYS} 之间的整数（工作日）",
                                field="shortfall.deadline_working_days"))
    commitment = spec.get("commitment")
    if not isinstance(commitment, str) or not commitment.strip() or len(commitment) > 4000:
        problems.append(Problem("须填写申请人的承诺（1 至 4000 个字符）",
                                field="shortfall.commitment"))
    return problems


def open_shortfall(change: InstanceChange, spec: dict[str, Any]) -> Shortfall:
    """Create the shortfall of a just-accepted instance, due at the close of the Nth working day."""
    runtime = change.ctx.runtime
    days = spec["deadline_working_days"]
    shortfall = Shortfall(
        instance_id=change.instance.id, documents=[d.strip() for d in spec["documents"]],
        commitment=spec["commitment"].strip(), status="open", working_days=days,
        due_at=workday_deadline(runtime.calendar, change.now, days, runtime.workday_close))
    change.session.add(shortfall)
    change.record("shortfall.accepted", None, documents=shortfall.documents, deadline_working_days=days,
                  due_at=shortfall.due_at.isoformat(), commitment=shortfall.commitment)
    return shortfall


def _locked_shortfall(change: InstanceChange) -> Shortfall | None:
    """Re-read the instance's shortfall under its lock, so a racing sweep sees the other's flip."""
    return change.session.scalars(select(Shortfall).where(Shortfall.instance_id == change.instance.id)
                                  .execution_options(populate_existing=True)).first()


@dataclass(frozen=True)
class MarkShortfallSuppliedCommand:
    """The window records that the promised documents arrived."""

    instance_id: int

    def execute(self, ctx: CommandContext) -> Shortfall:
        """Close an open shortfall; a supplied or missed one cannot be supplied again."""
        if ctx.actor.role not in SHORTFALL_ROLES:
            raise ForbiddenError("只有窗口人员可以登记补齐的材料")

        def act(change: InstanceChange) -> Shortfall:
            shortfall = _locked_shortfall(change)
            if shortfall is None:
                raise NotFoundError("该申请不是容缺受理的",
                                    instance_id=self.instance_id)
            if shortfall.status != "open":
                state = in_words(SHORTFALL_STATUS_ZH, shortfall.status)
                raise ConflictError(f"容缺材料{state}，不能再登记补齐",
                                    instance_id=self.instance_id, status=shortfall.status)
            shortfall.status, shortfall.supplied_at = "supplied", change.now
            change.record("shortfall.supplied", None, documents=shortfall.documents,
                          due_at=shortfall.due_at.isoformat())
            return shortfall

        return change_instance(ctx, self.instance_id, act, load_workflow=False)


@dataclass(frozen=True)
class MarkMissedShortfallCommand:
    """Flip one instance's overdue open shortfall to missed and raise its red warning, once."""

    instance_id: int

    def execute(self, ctx: CommandContext) -> bool:
        """Return True when this call flipped it; re-checked under the instance lock, so sweeps may race."""

        def act(change: InstanceChange) -> bool:
            shortfall = _locked_shortfall(change)
            if shortfall is None or shortfall.status != "open" or shortfall.due_at > change.now:
                return False
            shortfall.status = "missed"
            department = _accepting_department(change.session, change.instance.created_by)
            change.session.add(WarningEvent(
                instance_id=change.instance.id, task_id=None, subject="shortfall", department_code=department,
                level_from="green", level_to="red", due_at=shortfall.due_at, at=change.now))
            change.record("shortfall.missed", None, documents=shortfall.documents,
                          due_at=shortfall.due_at.isoformat())
            return True

        return change_instance(ctx, self.instance_id, act, load_workflow=False)


def _accepting_department(session: Session, username: str | None) -> str | None:
    """The window department that accepted the application answers for chasing the documents."""
    if username is None:
        return None
    user = session.scalar(select(User).where(User.username == username))
    return user.department_code if user is not None else None
