"""Performance scores (绩效考核): rates per department and window user, and the monthly score.

Period: a month `YYYY-MM` or a quarter `YYYY-Qn`, from local midnight (Asia/Shanghai) of its first
day up to local midnight of the day after its last; an instant t is in it when start <= t < end.
"Date" below is the Beijing date; working days come from the centre's calendar (`runtime.calendar`).
A rate is None when its denominator is 0 — there was nothing to measure — never a made-up 0 or 1.

Rates
-----
acceptance rate (受理率)
    Over applications registered in the period (`instance.created_at`), counted for the department of
    the staff member who registered them (`instance.created_by`, i.e. the window): the share not
    refused at acceptance. Refused at acceptance = an instance of an acceptance process (setting
    `acceptance_keys`, default `one_window_acceptance`) that completed at a refusal end event
    (不予受理, `engine.state_codes.is_refusal`). Running, withdrawn and passed ones are not refused.
on-time rate (按时办结率)
    Over the department's tasks completed in the period that have a deadline, plus its open tasks
    whose deadline fell in the period and has passed with the clock running (they can no longer be
    on time): the share completed with `completed_at <= due_at`. `due_at` is the deadline in force,
    already moved by clock stops (补正, special procedures) and approved extensions.
early-completion rate (提前办结率)
    Same denominator: the share completed at least `early_working_days` (1) working days before the
    deadline, i.e. with that many working days d such that completion date < d <= deadline date.
same-day rate (当日/现场办结率)
    Over all tasks completed in the period (with or without a deadline): the share completed on the
    date they became ready (`created_at`).
overdue rate (超期率)
    Over the department's tasks whose deadline falls in the period (cancelled ones excluded): the share
    completed after their deadline, or still open with a running clock after it (a stopped clock is
    not late; a deadline still ahead is not late yet). These are the period's late items.
    Deadlines are those in force now, so a later stop or extension moves a task out of the period.
late working days (超期工作日)
    For every task late at some point of the period: the working days d of the period with
    deadline date < d <= the date it was completed, or today while it is open with a running clock.
    A task late across two months counts each month's days in that month; one completed after the
    close of its deadline day is a late item with 0 late days. Work an incident stopped is not
    exempt: its clock runs.
speed-up (提速率)
    Mean over tasks completed in the period with a legal limit (`limit_days` >= 1) of
    1 − used / limit_days, where used = working days spent with the clock running =
    limit_days + approved extension days − working days left at completion (negative when late).
    Clock stops move the deadline by the days stopped, so they do not count as used; extensions do.
    Done the day it became ready: 1; on the deadline day: 0; late: below 0.
evaluation rate (评议率)
    Over approvals (instances) completed in the period that involve the department — it completed a
    task in them or registered them — the share the applicant has rated so far. Ratings come after
    completion, so a period's evaluation and satisfaction rates can still change after it ends.
satisfaction rate (满意率)
    Over the ratings of those approvals: the share with grade >= `satisfied_min_grade` (4).
inquiry on-time rate (查询按时答复率)
    Over the department's answering steps of public inquiries completed in the period: the share
    completed by their due time (each part's own limit, moved by an approved extension).
forwarding accuracy (转发准确率)
    Over the inquiries the department forwarded to the 政府办 in the period: the share the 政府办 did
    not send back as within the department's own remit (a refusal is counted in the period it is
    decided, against the department it returns to).
inquiry satisfaction rate (查询满意率)
    Over inquiries answered in the period and rated by the asker, counted for the department that
    gave the final answer: the share rated >= `satisfied_min_grade`.

The per-approval rates (acceptance, evaluation, satisfaction) leave out processes that are not
applications (setting `not_applications`, default `complaint_handling`); task rates count every task.

Window users (per 窗口 staff, the `window_department`'s users): acceptance over what they registered,
the task rates over the window department's tasks they completed (`completed_by`), evaluation and
satisfaction over the approvals they registered. No overdue rate (open tasks have no `completed_by`)
and no score.

Score (月度考核得分)
--------------------
Out of the sum of the weights of the model in force (`score_models`: the founding documents' daily
evaluation by default, every part measured — on-time rate, late items and days, orders and red alerts,
complaints found upheld, satisfaction, video alerts upheld — or the earlier nine-part table). Counts
behind the parts: late items and late working days as above; orders issued to the department in the
period and orders whose reply deadline it missed in the period; red or escalated alerts about it opened
in the period (video ones apart); complaints naming it whose investigation (the `handle` step of
`complaint_handling`) found them upheld or partly upheld in the period; video alerts about it the bureau
decided in the period other than by dismissing them. Deductions: yellow card 5, red card 10 for each
card issued to the department in the period, lifted or not. score = max(0, sum of parts − deductions),
2 decimals. The same formula applies to a quarter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import case, func, select, union
from sqlalchemy.orm import Session

from engine.models import (
    INSTANCE_STATUSES,
    Department,
    Extension,
    Instance,
    TaskRecord,
    User,
)
from engine.state_codes import is_refusal
from engine.workdays import SHANGHAI, WorkingCalendar

from ..local_dates import as_date, local_date_sql
from ..models import Alert, Card, Rating, SupervisionOrder
from .findings import FINDING_COUNTS, complaint_findings, finding_of, video_upheld
from .inquiry_scores import tally_inquiries
from .lateness import (
    WorkingDayDistances,
    due_in_period,
    late_days_in_period,
    late_in_period,
    open_and_late,
    was_late_in_period,
)
from .periods import Period, in_period
from .score_models import DEFAULT_WEIGHTS, MEASURED_PARTS, PART_NAMES, ScoreSettings, score_parts

__all__ = ["DEFAULT_WEIGHTS", "MEASURED_PARTS", "PART_NAMES", "RATE_NAMES", "ScoreSettings", "scores"]

RATE_NAMES = {"acceptance_rate": "受理率", "on_time_rate": "按时办结率", "early_rate": "提前办结率",
              "same_day_rate": "当日办结率", "overdue_rate": "超期率", "speed_up": "提速率",
              "evaluation_rate": "评议率", "satisfaction_rate": "满意率",
              "inquiry_on_time_rate": "查询按时答复率", "forward_accuracy": "转发准确率",
              "inquiry_satisfaction_rate": "查询满意率"}


@dataclass
class Tally:
    """Counts behind one department's (or window user's) rates."""

    registered: int = 0
    refused_at_acceptance: int = 0
    completed: int = 0
    with_deadline: int = 0
    on_time: int = 0
    early: int = 0
    same_day: int = 0
    with_limit: int = 0
    speed_up_sum: float = 0.0
    due: int = 0
    overdue: int = 0
    open_late: int = 0
    late_days: int = 0
    approvals: int = 0
    rated: int = 0
    satisfied: int = 0
    yellow_cards: int = 0
    red_cards: int = 0
    orders: int = 0
    overdue_orders: int = 0
    red_alerts: int = 0
    red_video_alerts: int = 0
    complaints_upheld: int = 0
    complaints_partly_upheld: int = 0
    video_upheld: int = 0
    inquiry_answers: int = 0
    inquiry_on_time: int = 0
    forwards: int = 0
    forwards_refused: int = 0
    inquiry_rated: int = 0
    inquiry_satisfied: int = 0

    def rates(self) -> dict[str, float | None]:
        """Return every rate, None where nothing was measured."""
        return {
            "acceptance_rate": _ratio(self.registered - self.refused_at_acceptance, self.registered),
            "on_time_rate": _ratio(self.on_time, self.with_deadline + self.open_late),
            "early_rate": _ratio(self.early, self.with_deadline),
            "same_day_rate": _ratio(self.same_day, self.completed),
            "overdue_rate": _ratio(self.overdue, self.due),
            "speed_up": _ratio(self.speed_up_sum, self.with_limit),
            "evaluation_rate": _ratio(self.rated, self.approvals),
            "satisfaction_rate": _ratio(self.satisfied, self.rated),
            "inquiry_on_time_rate": _ratio(self.inquiry_on_time, self.inquiry_answers),
            "forward_accuracy": _ratio(self.forwards - self.forwards_refused, self.forwards),
            "inquiry_satisfaction_rate": _ratio(self.inquiry_satisfied, self.inquiry_rated),
        }

    def counts(self) -> dict[str, int]:
        """Return the integer counts (the numerators and denominators)."""
        return {k: v for k, v in self.__dict__.items() if isinstance(v, int)}


def _ratio(numerator: float, denominator: int) -> float | None:
    """Divide, or None when there is nothing to measure."""
    return numerator / denominator if denominator else None


class _Scorer:
    """One computation: the session, the period, the settings and the tallies being filled."""

    def __init__(self, session: Session, calendar: WorkingCalendar, period: Period, settings: ScoreSettings,
                 now: datetime):
        self.session, self.period, self.settings = session, period, settings
        # Lateness is counted up to now, and never past the period's end.
        self.until = min(now, period.end)
        self.days = WorkingDayDistances(calendar)
        self.names = {code: name for code, name in session.execute(select(Department.code, Department.name))}
        self.window_users = set(session.scalars(
            select(User.username).join(Department, Department.id == User.department_id)
            .where(Department.code == settings.window_department)))
        self.departments: dict[str, Tally] = {code: Tally() for code in self.names}
        self.windows: dict[str, Tally] = {user: Tally() for user in self.window_users}

    def department(self, code: str) -> Tally:
        """Return a department's tally, adding codes only the data knows (a lane missing from the table)."""
        return self.departments.setdefault(code, Tally())

    def registered(self) -> None:
        """Acceptance: applications registered in the period, by the registering staff member."""
        registered_in = (Instance.status.in_(INSTANCE_STATUSES)  # lets the (status, created_at) index serve
                         & in_period(Instance.created_at, self.period)
                         & Instance.definition_key.not_in(self.settings.not_applications))
        by_registrar = (select(Department.code, Instance.created_by, func.count()).select_from(Instance)
                        .join(User, User.username == Instance.created_by)
                        .join(Department, Department.id == User.department_id)
                        .where(registered_in).group_by(Department.code, Instance.created_by))
        for code, user, count in self.session.execute(by_registrar):
            self._each(code, user, "registered", count)
        refusals = (select(Department.code, Instance.created_by, Instance.outcome).select_from(Instance)
                    .join(User, User.username == Instance.created_by)
                    .join(Department, Department.id == User.department_id)
                    .where(Instance.status == "completed", in_period(Instance.created_at, self.period),
                           Instance.definition_key.in_(self.settings.acceptance_keys)))
        for code, user, outcome in self.session.execute(refusals):
            if is_refusal(outcome):
                self._each(code, user, "refused_at_acceptance", 1)

    def _each(self, code: str, user: str | None, attr: str, count: int) -> None:
        """Add a count to the department and, for a window user, to the user too."""
        tallies = [self.department(code)] + ([self.windows[user]] if user in self.windows else [])
        for tally in tallies:
            setattr(tally, attr, getattr(tally, attr) + int(count))

    def completed_tasks(self) -> None:
        """On-time, early, same-day and speed-up, from tasks completed in the period grouped by dates."""
        extended = (select(Extension.task_id, func.sum(Extension.working_days).label("days"))
                    .where(Extension.status == "approved").group_by(Extension.task_id).subquery())
        in_window = TaskRecord.department_code == self.settings.window_department
        window_user = case((in_window, TaskRecord.completed_by), else_=None)
        rows = (select(TaskRecord.department_code.label("dept"), window_user.label("who"),
                       local_date_sql(self.session, TaskRecord.created_at).label("created"),
                       local_date_sql(self.session, TaskRecord.completed_at).label("done"),
                       local_date_sql(self.session, TaskRecord.due_at).label("due"),
                       TaskRecord.limit_days.label("limit_days"),
                       func.coalesce(extended.c.days, 0).label("extended"),
                       case((TaskRecord.completed_at <= TaskRecord.due_at, 1), else_=0).label("on_time"))
                .outerjoin(extended, extended.c.task_id == TaskRecord.id)
                # (status, completed_at) is indexed
                .where(TaskRecord.status == "completed", in_period(TaskRecord.completed_at, self.period))
                .subquery())
        keys = (rows.c.dept, rows.c.who, rows.c.created, rows.c.done, rows.c.due, rows.c.limit_days,
                rows.c.extended)
        grouped = select(*keys, func.count(), func.sum(rows.c.on_time)).group_by(*keys)
        for dept, who, created, done, due, limit_days, extended_days, count, on_time in \
                self.session.execute(grouped):
            tallies = [self.department(dept)] + ([self.windows[who]] if who in self.windows else [])
            for tally in tallies:
                self._add_completed(tally, as_date(created), as_date(done), as_date(due), limit_days,
                                    int(extended_days or 0), int(count), int(on_time or 0))

    def _add_completed(self, tally: Tally, created: date | None, done: date | None, due: date | None,
                       limit_days: int | None, extended: int, count: int, on_time: int) -> None:
        assert done is not None  # completed tasks always have completed_at
        tally.completed += count
        if created == done:
            tally.same_day += count
        if due is None:
            return
        left = self.days.left(done, due)
        tally.with_deadline += count
        tally.on_time += on_time
        if left >= self.settings.early_working_days:
            tally.early += count
        if limit_days:
            used = limit_days + extended - left
            tally.with_limit += count
            tally.speed_up_sum += count * (1 - used / limit_days)

    def due_tasks(self) -> None:
        """Late items: tasks due in the period, finished after the deadline or open and running past it."""
        late, open_late = late_in_period(self.until), open_and_late(self.until)
        # Every department and status listed, so (department_code, status, due_at) serves the range.
        query = (select(TaskRecord.department_code, func.count(), func.sum(case((late, 1), else_=0)),
                        func.sum(case((open_late, 1), else_=0)))
                 .where(due_in_period(self.period, list(self.names))).group_by(TaskRecord.department_code))
        for dept, count, overdue, still_open in self.session.execute(query):
            tally = self.department(dept)
            tally.due, tally.overdue, tally.open_late = int(count), int(overdue or 0), int(still_open or 0)

    def late_days(self) -> None:
        """Late working days inside the period, of every task late at some point of it."""
        if self.until <= self.period.start:
            return
        rows = (select(TaskRecord.department_code.label("dept"),
                       local_date_sql(self.session, TaskRecord.due_at).label("due"),
                       local_date_sql(self.session, TaskRecord.completed_at).label("done"))
                .where(was_late_in_period(self.period, self.until, list(self.names)))
                .subquery())
        grouped = select(rows.c.dept, rows.c.due, rows.c.done, func.count()).group_by(
            rows.c.dept, rows.c.due, rows.c.done)
        first = self.period.start.astimezone(SHANGHAI).date()
        last = (self.until.astimezone(SHANGHAI) - timedelta(microseconds=1)).date()
        for dept, due, done, count in self.session.execute(grouped):
            due_date = as_date(due)
            assert due_date is not None
            late = late_days_in_period(self.days.left, due_date, as_date(done) or last, first, last)
            self.department(dept).late_days += int(count) * late

    def approvals(self) -> None:
        """Evaluation and satisfaction over approvals completed in the period, by involved department."""
        done = ((Instance.status == "completed") & in_period(Instance.completed_at, self.period)
                & Instance.definition_key.not_in(self.settings.not_applications))
        happy_grade = Rating.grade >= self.settings.satisfied_min_grade
        satisfied = func.coalesce(func.sum(case((happy_grade, 1), else_=0)), 0)
        by_task = (select(TaskRecord.instance_id.label("iid"), TaskRecord.department_code.label("dept"))
                   .join(Instance, Instance.id == TaskRecord.instance_id)
                   .where(done, TaskRecord.status == "completed"))
        by_registrar = (select(Instance.id.label("iid"), Department.code.label("dept")).select_from(Instance)
                        .join(User, User.username == Instance.created_by)
                        .join(Department, Department.id == User.department_id).where(done))
        pairs = union(by_task, by_registrar).subquery()  # UNION: one row per (approval, department)
        query = (select(pairs.c.dept, func.count(), func.count(Rating.id), satisfied).select_from(pairs)
                 .outerjoin(Rating, Rating.instance_id == pairs.c.iid).group_by(pairs.c.dept))
        for dept, count, rated, happy in self.session.execute(query):
            tally = self.department(dept)
            tally.approvals, tally.rated, tally.satisfied = int(count), int(rated), int(happy)
        if not self.window_users:
            return
        per_user = (select(Instance.created_by, func.count(), func.count(Rating.id), satisfied)
                    .outerjoin(Rating, Rating.instance_id == Instance.id)
                    .where(done, Instance.created_by.in_(sorted(self.window_users)))
                    .group_by(Instance.created_by))
        for user, count, rated, happy in self.session.execute(per_user):
            tally = self.windows[user]
            tally.approvals, tally.rated, tally.satisfied = int(count), int(rated), int(happy)

    def inquiries(self) -> None:
        """Answers on time, forwards the 政府办 accepted, askers' satisfaction (see inquiry_scores)."""
        tally_inquiries(self.session, self.period.start, self.period.end, self.department,
                        process=self.settings.inquiry_process,
                        satisfied_min_grade=self.settings.satisfied_min_grade)

    def supervision(self) -> None:
        """Cards, orders, red alerts, video alerts and complaint findings of the period, by department."""
        cards = (select(Card.department_code, Card.color, func.count())
                 .where(in_period(Card.issued_at, self.period)).group_by(Card.department_code, Card.color))
        for dept, color, count in self.session.execute(cards):
            tally = self.department(dept)
            if color == "yellow":
                tally.yellow_cards += int(count)
            elif color == "red":
                tally.red_cards += int(count)
        orders = (select(SupervisionOrder.department_code, func.count())
                  .where(in_period(SupervisionOrder.issued_at, self.period))
                  .group_by(SupervisionOrder.department_code))
        for dept, count in self.session.execute(orders):
            self.department(dept).orders = int(count)
        missed = (select(SupervisionOrder.department_code, func.count())
                  .where(in_period(SupervisionOrder.escalated_at, self.period))
                  .group_by(SupervisionOrder.department_code))
        for dept, count in self.session.execute(missed):
            self.department(dept).overdue_orders = int(count)
        video = func.sum(case((Alert.source == "video", 1), else_=0))
        alerts = (select(Alert.department_code, func.count(), video)
                  .where(in_period(Alert.opened_at, self.period), Alert.level.in_(("red", "escalated")),
                         Alert.department_code.is_not(None))
                  .group_by(Alert.department_code))
        for dept, count, from_video in self.session.execute(alerts):
            tally = self.department(dept)
            tally.red_alerts, tally.red_video_alerts = int(count), int(from_video or 0)
        upheld = (select(Alert.department_code, func.count()).where(video_upheld(self.period))
                  .group_by(Alert.department_code))
        for dept, count in self.session.execute(upheld):
            self.department(dept).video_upheld = int(count)
        for complaint, task in self.session.execute(complaint_findings(self.period)):
            finding = finding_of(task)
            if finding:
                tally = self.department(complaint.department_code)
                counter = FINDING_COUNTS[finding]
                setattr(tally, counter, getattr(tally, counter) + 1)


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def scores(session: Session, calendar: WorkingCalendar, period: Period,
           settings: ScoreSettings | None = None, now: datetime | None = None) -> dict[str, Any]:
    """Compute every department's rates, parts, deductions and score, and the window users' rates.

    `now` bounds lateness (an open task is late from its deadline up to now); by default the period's end.
    """
    settings = settings or ScoreSettings()
    scorer = _Scorer(session, calendar, period, settings, now or period.end)
    scorer.registered()
    scorer.completed_tasks()
    scorer.due_tasks()
    scorer.late_days()
    scorer.approvals()
    scorer.inquiries()
    scorer.supervision()
    departments = []
    for code in sorted(scorer.departments):
        tally = scorer.departments[code]
        rates = tally.rates()
        parts = score_parts(tally.counts(), rates, settings)
        deductions = (settings.card_deductions.get("yellow", 0) * tally.yellow_cards
                      + settings.card_deductions.get("red", 0) * tally.red_cards)
        total = sum(p["marks"] for p in parts)
        for part in parts:
            part["marks"] = round(float(part["marks"]), 2)
        departments.append({"department": code, "name": scorer.names.get(code, code),
                            **{k: _round(v) for k, v in rates.items()}, "counts": tally.counts(),
                            "parts": parts, "deductions": round(float(deductions), 2),
                            "score": round(max(0.0, total - deductions), 2)})
    windows = [{"user": user, "department": settings.window_department,
                **{k: _round(v) for k, v in scorer.windows[user].rates().items() if k != "overdue_rate"},
                "counts": scorer.windows[user].counts()} for user in sorted(scorer.windows)]
    return {"period": period.label, "start": period.start.isoformat(), "end": period.end.isoformat(),
            "max_score": sum(settings.part_weights().values()), "departments": departments,
            "windows": windows}
