"""Rating a completed approval by query code, and the department closing a bad review's follow-ups."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from engine.command_context import CommandContext
from engine.exceptions import ConflictError, InvalidError, NotFoundError, Problem
from engine.queries.instances import track
from engine.runtime import EngineRuntime
from engine.workdays import CalendarUnknownDayError, workday_deadline

from ..models import GRADES, MAX_COMMENT, AlertSignal, FollowUp, Rating, RatingSettings, handling_department
from ..queries.ratings import registering_department
from ..roles import can_see_follow_up, require_department
from .alerts import open_alert

__all__ = ["CompleteFollowUpCommand", "RateApprovalCommand", "RatingResult", "follow_up_deadlines"]

MAX_NOTE = 5000


@dataclass(frozen=True)
class RatingResult:
    """The stored rating and, for a bad review, its follow-ups and the alert it raised."""

    rating: Rating
    department_code: str | None = None
    follow_ups: tuple[FollowUp, ...] = ()
    alert_id: int | None = None


def follow_up_deadlines(runtime: EngineRuntime, settings: RatingSettings,
                        now: datetime) -> dict[str, datetime]:
    """Return the due time of each follow-up a bad review given at `now` opens."""
    days = {"callback": settings.callback_working_days, "fix": settings.fix_working_days}
    return {kind: workday_deadline(runtime.calendar, now, n, runtime.workday_close)
            for kind, n in days.items()}


def _check_rating(grade: int, comment: str | None) -> str | None:
    """Report every problem with the grade and comment at once; return the trimmed comment."""
    problems = []
    if isinstance(grade, bool) or not isinstance(grade, int) or grade not in GRADES:
        problems.append(Problem("评价等级须为1至5的整数", field="grade"))
    text = (comment or "").strip() or None
    if text is not None and len(text) > MAX_COMMENT:
        problems.append(Problem(f"评价意见不能超过{MAX_COMMENT}个字", field="comment"))
    if problems:
        raise InvalidError("评价信息有误", problems)
    return text


@dataclass(frozen=True)
class RateApprovalCommand:
    """The applicant grades a completed approval once; a bad review opens follow-ups and an alert."""

    query_code: str
    grade: int
    comment: str | None = None
    settings: RatingSettings = field(default_factory=RatingSettings)

    def execute(self, ctx: CommandContext) -> RatingResult:
        """Store the rating; for grades 1-2 add the call-back and fix follow-ups and a yellow alert."""
        comment = _check_rating(self.grade, self.comment)
        # Unknown and malformed codes fail exactly like public tracking, so rating reveals nothing more.
        instance, tasks = track(ctx.session, self.query_code)
        if instance.status != "completed":
            raise ConflictError("只有已办结的办件才能评价")
        if ctx.session.scalar(select(Rating.id).where(Rating.instance_id == instance.id)) is not None:
            raise ConflictError("此办件已评价过，不能重复评价")
        now = ctx.now()
        rating = Rating(instance_id=instance.id, grade=self.grade, comment=comment, rated_at=now)
        ctx.session.add(rating)
        ctx.session.flush()  # a concurrent rating fails here on the unique instance_id; the retry sees 409
        if not self.settings.is_bad(self.grade):
            return RatingResult(rating)
        department = handling_department(tasks) or registering_department(ctx.session, instance)
        try:
            deadlines = follow_up_deadlines(ctx.runtime, self.settings, now)
        except CalendarUnknownDayError as exc:
            raise ConflictError(f"无法计算回访和整改期限：{exc}",
                                day=exc.day.isoformat()) from exc
        follow_ups: tuple[FollowUp, ...] = ()
        if department is not None:
            follow_ups = tuple(FollowUp(rating_id=rating.id, kind=kind, department_code=department,
                                        due_at=due) for kind, due in deadlines.items())
            ctx.session.add_all(follow_ups)
        alert, _opened = open_alert(ctx, AlertSignal(
            source="rule", kind="bad_review", level="yellow", dedup_key=f"rating:{rating.id}",
            subject=f"instance:{instance.id}", title=self._title(),
            department_code=department, instance_id=instance.id,
            details={"rating_id": rating.id, "grade": self.grade, "comment": comment,
                     **{f"{kind}_due": due.isoformat() for kind, due in deadlines.items()}},
        ), now)
        ctx.session.flush()
        return RatingResult(rating, department, follow_ups, alert.id)

    def _title(self) -> str:
        """Name the review and what it demands, in the words the bureau's staff read."""
        return (f"差评（{self.grade}分）：{self.settings.callback_working_days}个工作日内回访，"
                f"{self.settings.fix_working_days}个工作日内整改")


@dataclass(frozen=True)
class CompleteFollowUpCommand:
    """The department records that it called the applicant back, or fixed what the review was about."""

    follow_up_id: int
    note: str

    def execute(self, ctx: CommandContext) -> FollowUp:
        """Mark an open follow-up done with the department's note."""
        text = (self.note or "").strip()
        if not text or len(text) > MAX_NOTE:
            raise InvalidError("说明填写有误", [
                Problem(f"请填写说明（1至{MAX_NOTE}个字）", field="note")])
        follow_up = ctx.session.get(FollowUp, self.follow_up_id, with_for_update=True)
        if follow_up is None or not can_see_follow_up(ctx.actor, follow_up):
            raise NotFoundError(f"未找到回访整改任务 #{self.follow_up_id}", follow_up_id=self.follow_up_id)
        require_department(ctx.actor, follow_up.department_code,
                           "只有负责的部门可以办结此回访整改任务", follow_up_id=follow_up.id)
        if follow_up.done_at is not None:
            raise ConflictError("此回访整改任务已办结", follow_up_id=follow_up.id)
        follow_up.done_at, follow_up.done_by, follow_up.note = ctx.now(), ctx.actor_name, text
        return follow_up
