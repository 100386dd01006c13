"""Complaints (投诉): file one, let the complainant answer the call-back, act on the outcome.

Every complaint runs as an instance of bpmn/complaint_handling.bpmn in the bureau's lane, so its
deadlines, warnings, extensions and board rows come from the engine like an approval's. This module
changes that instance only through engine commands, run nested in the caller's transaction: the
complaint row, its instance and its alert (or the outcome and its supervision order) are written
together or not at all.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.command_context import Actor, CommandContext
from engine.commands.instances import StartInstanceCommand
from engine.commands.tasks import CompleteTaskCommand
from engine.exceptions import ConflictError, ForbiddenError, InvalidError, Problem
from engine.models import Department, Instance, TaskRecord
from engine.query_codes import new_query_code

from ..models import COMPLAINT_PROCESS, OUTCOME_SATISFACTION, Alert, AlertSignal, Complaint, SupervisionOrder
from ..queries.complaints import complained_department, complaint_by_code, find_approval
from ..rate_limit import ComplaintRateLimits, check_complaint_rate
from ..roles import require_supervisor
from .alerts import RaiseAlertCommand, close_alert
from .orders import IssueOrderCommand

__all__ = ["COMPLAINANT_ROLE", "COMPLAINTS_ACTOR", "FILING_STAFF_ROLES", "ComplaintOutcome",
           "FileComplaintCommand", "GiveComplaintFeedbackCommand", "RecordComplaintOutcomeCommand",
           "complaint_reference"]

log = logging.getLogger(__name__)

COMPLAINTS_ACTOR = Actor.system("complaints")
COMPLAINANT_ROLE = "applicant"  # the public: no account, identified by nothing but the code they hold
FILING_STAFF_ROLES = frozenset({"window", "supervisor", "admin"})
STAFF_CHANNELS = ("window", "bureau")
MAX_TEXT = 5000
MAX_FIELD = 255
MAX_FEEDBACK_COMMENT = 2000
ORDER_REPLY_WORKING_DAYS = 10
_FIELD_LABELS = {"name": "姓名", "contact": "联系方式"}


def complaint_reference(complaint: Complaint) -> str:
    """Name a complaint to staff; never the complainant's code, which answers the call-back."""
    return f"投诉第{complaint.id}号"


def _nested(ctx: CommandContext, actor: Actor) -> CommandContext:
    """Run an inner command in the same session and transaction, as `actor`; its events go out with ours."""
    return CommandContext(ctx.session, ctx.runtime, actor, ctx.events)


def _optional(value: str | None, name: str, problems: list[Problem]) -> str | None:
    text = (value or "").strip() or None
    if text is not None and len(text) > MAX_FIELD:
        problems.append(Problem(f"{_FIELD_LABELS.get(name, name)}不能超过{MAX_FIELD}个字", field=name))
    return text


@dataclass(frozen=True)
class FileComplaintCommand:
    """File a complaint about the approval a query code names, and start handling it."""

    query_code: str
    text: str
    name: str | None = None
    contact: str | None = None
    channel: str = "public"
    department_code: str | None = None  # staff may name the department; otherwise it is inferred
    source_ip: str | None = None
    limits: ComplaintRateLimits = field(default_factory=ComplaintRateLimits)

    def execute(self, ctx: CommandContext) -> Complaint:
        """Check, rate-limit public filings, store the complaint, start its instance, raise an alert."""
        self._authorize(ctx.actor)
        session, now = ctx.session, ctx.now()
        problems: list[Problem] = []
        text = (self.text or "").strip()
        if not text:
            problems.append(Problem("请填写投诉内容", field="text"))
        elif len(text) > MAX_TEXT:
            problems.append(Problem(f"投诉内容不能超过{MAX_TEXT}个字", field="text"))
        name = _optional(self.name, "name", problems)
        contact = _optional(self.contact, "contact", problems)
        approval = find_approval(session, self.query_code)
        if approval is None:
            # Malformed and unknown codes get the same answer, as on the tracking page.
            problems.append(Problem("没有这个查询码，请核对后重新输入", field="query_code"))
        if self.department_code is not None and session.scalar(
                select(Department.id).where(Department.code == self.department_code)) is None:
            problems.append(Problem(f"未知部门：{self.department_code}", field="department"))
        if problems:
            raise InvalidError("投诉信息有误", problems)
        assert approval is not None
        if self.channel == "public":
            check_complaint_rate(session, now, self.limits, source_ip=self.source_ip,
                                 approval_instance_id=approval.id)
        department = self.department_code or complained_department(session, approval)
        complaint = Complaint(
            code=new_query_code(), approval_instance_id=approval.id, department_code=department,
            channel=self.channel, complainant_name=name, complainant_contact=contact, text=text,
            filed_at=now, filed_by=ctx.actor_name, source_ip=self.source_ip)
        session.add(complaint)
        session.flush()  # the id goes into the workflow data
        system = _nested(ctx, COMPLAINTS_ACTOR)
        # The complainant's identity and code stay in the complaint row, which only the bureau reads:
        # the instance is visible to window staff and designers, the alert to the department
        # complained about, and the code lets its holder answer the satisfaction call-back.
        handling = StartInstanceCommand(
            COMPLAINT_PROCESS,
            {"name": f"投诉：{approval.project_name}"[:MAX_FIELD], "code": complaint_reference(complaint),
             "investment": 0},
            {"name": "投诉人", "contact": "-"},
            {"complaint_id": complaint.id, "department": department, "approval_instance_id": approval.id},
        ).execute(system)
        complaint.handling_instance_id = handling.id
        RaiseAlertCommand(AlertSignal(
            source="complaint", kind="complaint", level="yellow", dedup_key=f"complaint:{complaint.id}",
            subject=f"complaint:{complaint.id}", title=f"收到投诉：{approval.project_name}"[:MAX_FIELD],
            department_code=department,
            instance_id=approval.id,
            details={"complaint_id": complaint.id, "reference": complaint_reference(complaint),
                     "channel": self.channel, "handling_instance_id": handling.id},
        )).execute(system)
        return complaint

    def _authorize(self, actor: Actor) -> None:
        """The public files as itself; staff file on a complainant's behalf through their own channel."""
        if actor.role == COMPLAINANT_ROLE:
            if self.channel != "public" or self.department_code is not None:
                raise ForbiddenError("群众投诉须通过网上渠道提交，且不能指定部门")
            return
        if actor.role not in FILING_STAFF_ROLES:
            raise ForbiddenError("只有窗口工作人员和监察局可以代为登记投诉")
        if self.channel not in STAFF_CHANNELS:
            raise InvalidError("投诉信息有误", [
                Problem("代为登记的渠道只能是窗口代录（window）或监察局受理（bureau）", field="channel")])


@dataclass(frozen=True)
class GiveComplaintFeedbackCommand:
    """The complainant answers the satisfaction call-back (满意度回访) with the complaint code.

    This completes the bureau's `feedback` task through the engine's own CompleteTaskCommand, so the
    answer goes through the same checks, audit chain and routing as a call-back the bureau records.
    The task belongs to the bureau's lane, so the inner command runs as that lane with the
    complainant's name ("complainant:<code>") in the audit log; it is built here, for this one task
    of this one complaint, and never leaves this command.
    """

    code: str
    satisfied: bool
    comment: str | None = None

    def execute(self, ctx: CommandContext) -> Complaint:
        """Complete the waiting call-back task; 409 while the complaint is not at that step."""
        if ctx.actor.role != COMPLAINANT_ROLE:
            raise ForbiddenError("工作人员请通过办理“满意度回访”环节登记回访结果")
        if not isinstance(self.satisfied, bool):
            raise InvalidError("回访信息有误",
                               [Problem("是否满意只能是 true 或 false", field="satisfied")])
        complaint = complaint_by_code(ctx.session, self.code)
        task = ctx.session.scalar(select(TaskRecord).where(
            TaskRecord.instance_id == complaint.handling_instance_id, TaskRecord.bpmn_id == "feedback",
            TaskRecord.status == "ready"))
        if task is None:
            # Still being handled, already answered, or the bureau is on the phone with the complainant.
            raise ConflictError("此投诉目前没有等待您答复的满意度回访")
        on_behalf = Actor(f"complainant:{complaint.code}", "supervisor", task.department_code)
        comment = (self.comment or "").strip() or None
        try:
            # The decision is what the diagram's gate tests; `satisfied` is what version 1 of it tested,
            # so a complaint still running on that version ends the same way.
            CompleteTaskCommand(task.id, data={"satisfied": self.satisfied},
                                decision="satisfied" if self.satisfied else "dissatisfied",
                                opinion=comment).execute(
                _nested(ctx, on_behalf))
        except ConflictError:  # e.g. claimed a moment ago; the engine's message names staff
            raise ConflictError("此投诉目前没有等待您答复的满意度回访") from None
        return complaint


@dataclass(frozen=True)
class ComplaintOutcome:
    """What recording a complaint's outcome did."""

    complaint_id: int
    satisfied: bool
    order: SupervisionOrder | None = None


@dataclass(frozen=True)
class RecordComplaintOutcomeCommand:
    """Record the complainant's satisfaction from a finished complaint; dissatisfied → supervision order.

    `satisfied` on the complaint row is the marker: it is set in the same transaction as the order,
    under the row's lock, so each dissatisfied complaint produces exactly one order however many
    sweeps run.
    """

    complaint_id: int

    def execute(self, ctx: CommandContext) -> ComplaintOutcome | None:
        """Return what was recorded, or None when there was nothing (yet) to record."""
        require_supervisor(ctx.actor, "只有监察局（效能办）可以登记投诉办理结果")
        session = ctx.session
        complaint = session.get(Complaint, self.complaint_id, with_for_update=True, populate_existing=True)
        if complaint is None or complaint.satisfied is not None or complaint.handling_instance_id is None:
            return None
        handling = session.get(Instance, complaint.handling_instance_id)
        if handling is None or handling.status != "completed":
            return None
        satisfied = OUTCOME_SATISFACTION.get((handling.outcome or {}).get("end_event", ""))
        if satisfied is None:
            return None
        complaint.satisfied = satisfied
        complaint.department_code = department = _final_department(session, handling, complaint)
        result = ComplaintOutcome(complaint.id, satisfied)
        if satisfied:  # settled to the complainant's satisfaction: the bureau's alert has done its job
            alert = session.scalar(select(Alert).where(Alert.dedup_key == f"complaint:{complaint.id}",
                                                       Alert.state != "closed").with_for_update())
            if alert is not None:
                alert.decision = alert.decision or "dismiss"
                alert.decision_reason = alert.decision_reason or "投诉人满意，投诉办结"
                close_alert(alert, ctx.now())
            return result
        if not department:
            log.warning("complaint %s: dissatisfied, but no department to send an order to", complaint.id)
            return result
        reference = complaint_reference(complaint)
        already = session.scalar(select(SupervisionOrder.id).where(
            SupervisionOrder.content.contains(reference)).limit(1))
        if already is not None:
            return result
        alert_id = session.scalar(select(Alert.id).where(Alert.dedup_key == f"complaint:{complaint.id}",
                                                         Alert.state != "closed"))
        order = IssueOrderCommand(
            kind="order", department_code=department,
            content=(f"{reference}经处理答复后，投诉人仍不满意。请于"
                     f"{ORDER_REPLY_WORKING_DAYS}个工作日内书面答复整改情况。"),
            reply_working_days=ORDER_REPLY_WORKING_DAYS, alert_id=alert_id,
            instance_id=complaint.approval_instance_id,
        ).execute(ctx)
        return ComplaintOutcome(complaint.id, satisfied, order)


def _final_department(session: Session, handling: Instance, complaint: Complaint) -> str | None:
    """The bureau may correct the department while handling (task data `department`); else the filed one."""
    named = (handling.data or {}).get("department")
    if isinstance(named, str) and named != complaint.department_code and session.scalar(
            select(Department.id).where(Department.code == named)) is not None:
        return named
    return complaint.department_code

