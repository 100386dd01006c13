"""Public inquiries (政务信息查询): ask, answer, forward through the 政府办, pass on, publish, rate.

Every inquiry runs as an instance of bpmn/public_inquiry.bpmn. The answering department's step sits
in a `{answer_department}` lane, so the task goes to whichever department the case names: the one
the asker chose, the one the government office routed it to, or the next one of a joint answer.
Each step's limit, warning level and overdue alert therefore come from the engine like an
approval's. This module writes the inquiry row and drives the instance only through engine
commands run nested in the caller's transaction, so a question and its handling exist together or
not at all.

The rules the commands check (the diagram routes, the commands refuse what the rules forbid):
- an answer needs its text; forwarding needs a reason (转发理由) and takes effect only when the
  government office accepts it at its routing step; passing on answers the department's own part
  first and names the next department, or none when the next is unknown (the office routes it);
- the government office routes to a department, or refuses a forwarding with a reason, which sends
  the question back to the department that forwarded it;
- only a final answer may be published, and then the question and every part's answer go into the
  knowledge base (查询信息库), without the asker's name or contact.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.command_context import Actor, CommandContext
from engine.commands.instances import StartInstanceCommand
from engine.commands.tasks import CompleteTaskCommand
from engine.exceptions import ConflictError, ForbiddenError, InvalidError, NotFoundError, Problem
from engine.models import OPEN_TASK_STATUSES, Department, Instance, TaskRecord
from engine.permissions import can_act_on
from engine.queries.departments import department_names
from engine.query_codes import new_query_code

from ..knowledge_grams import search_grams
from ..models import (
    GRADES,
    INQUIRY_CHANNELS,
    INQUIRY_COMPLEXITIES,
    INQUIRY_PROCESS,
    MAX_COMMENT,
    PUBLISHED_END,
    Alert,
    DelayExplanation,
    Inquiry,
    KnowledgeEntry,
    KnowledgeGram,
)
from ..queries.inquiries import answered_parts, inquiry_by_code, inquiry_handling
from ..rate_limit import InquiryRateLimits, check_inquiry_rate

__all__ = ["ASKER_ROLE", "GOVERNMENT_OFFICE", "INQUIRIES_ACTOR", "MAX_CATEGORY", "MAX_FIELD", "MAX_QUESTION",
           "MAX_TEXT", "NOT_ANSWERING", "STAFF_ASKING_ROLES", "AskInquiryCommand", "ExplainDelayCommand",
           "HandleInquiryStepCommand", "RateInquiryCommand", "answering_step", "inquiry_reference"]

INQUIRIES_ACTOR = Actor.system("inquiries")
ASKER_ROLE = "applicant"  # the public: no account, known only by the code it holds
STAFF_ASKING_ROLES = frozenset({"window", "admin"})  # window clerks and hotline liaisons type questions in
GOVERNMENT_OFFICE = "zfb"
"""The lane of the same-level government office (政府办) in public_inquiry.bpmn: it routes questions."""
NOT_ANSWERING = frozenset({GOVERNMENT_OFFICE, "zwfw", "jcj"})
"""Departments the pages never offer as answering a question: the 政府办 routes, the window takes
questions in, the supervision bureau supervises."""
MAX_QUESTION = 5000
MAX_TEXT = 5000
MAX_FIELD = 255
MAX_CATEGORY = 64
ANSWER_ACTIONS = ("answer", "pass_on", "forward")
ROUTE_ACTIONS = ("route", "refuse")
STEP_TEXT_LABELS = {"answer": "答复内容", "pass_on": "本部门答复内容", "forward": "转发理由",
                    "refuse": "退回理由", "route": "分办说明"}


def inquiry_reference(inquiry: Inquiry) -> str:
    """Name an inquiry to staff; never the asker's code, which is theirs to follow it with."""
    return f"查询第{inquiry.id}号"


def _nested(ctx: CommandContext, actor: Actor) -> CommandContext:
    """Run an inner command in the same session and transaction, as `actor`; its events go out with ours."""
    return CommandContext(ctx.session, ctx.runtime, actor, ctx.events)


def _text(value: str | None, name: str, label: str, limit: int, problems: list[Problem], *,
          required: bool) -> str | None:
    text = (value or "").strip() or None
    if text is None and required:
        problems.append(Problem(f"请填写{label}", field=name))
    elif text is not None and len(text) > limit:
        problems.append(Problem(f"{label}不能超过{limit}个字", field=name))
    return text


def answering_step(ctx: CommandContext, task_id: str, forbidden: str) -> TaskRecord:
    """An inquiry's answering step the caller's department holds; 404 for any other task, 403 `forbidden`."""
    row = ctx.session.get(TaskRecord, task_id)
    if row is None or row.definition_key != INQUIRY_PROCESS or row.bpmn_id != "answer":
        raise NotFoundError("没有这个查询答复任务", task_id=task_id)
    if not can_act_on(ctx.actor, row):
        raise ForbiddenError(forbidden, task_id=row.id)
    return row


def _department_exists(session: Session, code: str) -> bool:
    return session.scalar(select(Department.id).where(Department.code == code)) is not None


@dataclass(frozen=True)
class AskInquiryCommand:
    """Take a question in, hand out its query code, and start its handling."""

    question: str
    category: str
    department_code: str | None = None  # the department the asker believes answers it, if any
    complexity: str = "general"
    channel: str = "web"
    name: str | None = None
    contact: str | None = None
    source_ip: str | None = None
    limits: InquiryRateLimits = field(default_factory=InquiryRateLimits)

    def execute(self, ctx: CommandContext) -> Inquiry:
        """Check, rate-limit public questions, store the inquiry, start its instance."""
        self._authorize(ctx.actor)
        session, now = ctx.session, ctx.now()
        problems: list[Problem] = []
        question = _text(self.question, "question", "问题内容", MAX_QUESTION, problems, required=True)
        category = _text(self.category, "category", "问题类别", MAX_CATEGORY, problems, required=True)
        name = _text(self.name, "name", "姓名", MAX_FIELD, problems, required=False)
        contact = _text(self.contact, "contact", "联系方式", MAX_FIELD, problems, required=False)
        department = (self.department_code or "").strip() or None
        if department is not None and (department == GOVERNMENT_OFFICE
                                       or not _department_exists(session, department)):
            problems.append(Problem("所选部门不存在；不清楚由哪个部门答复时请不选部门", field="department"))
        if self.complexity not in INQUIRY_COMPLEXITIES:
            problems.append(Problem("问题分类只能是一般（general）或重要复杂（complex）", field="complexity"))
        if problems:
            raise InvalidError("查询信息有误", problems)
        if self.channel == "web":
            check_inquiry_rate(session, now, self.limits, source_ip=self.source_ip)
        inquiry = Inquiry(code=new_query_code(), channel=self.channel, category=category or "",
                          complexity=self.complexity, department_code=department, question=question or "",
                          asker_name=name, asker_contact=contact, asked_at=now,
                          asked_by=None if ctx.actor.role == ASKER_ROLE else ctx.actor_name,
                          source_ip=self.source_ip)
        session.add(inquiry)
        session.flush()  # the id goes into the workflow data
        # The asker's identity and code stay in the inquiry row; the instance is seen by staff at large.
        handling = StartInstanceCommand(
            INQUIRY_PROCESS,
            {"name": f"查询：{category}"[:MAX_FIELD], "code": inquiry_reference(inquiry), "investment": 0},
            {"name": "查询人", "contact": "-"},
            {"inquiry_id": inquiry.id, "department": department or "", "complexity": self.complexity,
             "category": category, "next_department": "", "publish": False},
        ).execute(_nested(ctx, INQUIRIES_ACTOR))
        inquiry.instance_id = handling.id
        return inquiry

    def _authorize(self, actor: Actor) -> None:
        """The public asks online as itself; window clerks and hotline liaisons type in for others."""
        if actor.role == ASKER_ROLE:
            if self.channel != "web" or self.complexity != "general":
                raise ForbiddenError("网上查询只能由答复部门判定问题分类")
            return
        if actor.role not in STAFF_ASKING_ROLES:
            raise ForbiddenError("只有窗口工作人员和热线联络员可以代为登记查询")
        if self.channel not in INQUIRY_CHANNELS or self.channel == "web":
            raise InvalidError("查询信息有误", [Problem("代为登记的渠道只能是热线（hotline）或窗口（window）",
                                                   field="channel")])


@dataclass(frozen=True)
class HandleInquiryStepCommand:
    """A department answers, passes on or forwards its step; the 政府办 routes or refuses a forwarding."""

    task_id: str
    action: str
    text: str | None = None
    next_department: str | None = None
    publish: bool = False

    def execute(self, ctx: CommandContext) -> TaskRecord:
        """Check the step against the rules, complete it through the engine, publish a final answer."""
        session = ctx.session
        row = session.get(TaskRecord, self.task_id)
        if row is None or row.definition_key != INQUIRY_PROCESS:
            raise NotFoundError("没有这个查询办理任务", task_id=self.task_id)
        instance = session.get(Instance, row.instance_id)
        assert instance is not None
        next_department = self._check(session, row, instance)
        data: dict[str, object] = {"next_department": next_department or "",
                                   "publish": self.action == "answer" and self.publish is True}
        if self.action == "refuse":  # whom the forwarding goes back to, for the forwarding-accuracy rate
            data["returned_to"] = (instance.data or {}).get("answer_department")
        CompleteTaskCommand(row.id, data=data,
                            decision=self.action, opinion=(self.text or "").strip() or None).execute(ctx)
        session.refresh(instance)
        if instance.status == "completed" and (instance.outcome or {}).get("end_event") == PUBLISHED_END:
            _publish(ctx, instance)
        return row

    def _check(self, session: Session, row: TaskRecord, instance: Instance) -> str | None:
        """Return the department named next, or raise 422 with every problem at once."""
        problems: list[Problem] = []
        actions = ANSWER_ACTIONS if row.bpmn_id == "answer" else ROUTE_ACTIONS
        if self.action not in actions:
            raise InvalidError("办理方式有误",
                               [Problem(f"办理方式只能是：{'、'.join(actions)}", field="action")])
        if not isinstance(self.publish, bool):
            problems.append(Problem("是否公开只能是 true 或 false", field="publish"))
        elif self.publish and self.action != "answer":
            problems.append(Problem("只有最终答复可以公开", field="publish"))
        label = STEP_TEXT_LABELS[self.action]
        _text(self.text, "text", label, MAX_TEXT, problems, required=self.action != "route")
        target = (self.next_department or "").strip() or None
        if self.action in ("answer", "forward", "refuse") and target is not None:
            problems.append(Problem("此办理方式不指定下一部门", field="next_department"))
        elif target is not None and (target == GOVERNMENT_OFFICE or not _department_exists(session, target)):
            problems.append(Problem("下一部门不存在", field="next_department"))
        elif target is not None and self.action == "pass_on" and target == row.department_code:
            problems.append(Problem("下一部门不能是本部门", field="next_department"))
        elif target is None and self.action == "route":
            problems.append(Problem("请选择承办部门", field="next_department"))
        if self.action == "refuse" and not (instance.data or {}).get("answer_department"):
            problems.append(Problem("此查询不是由部门转发来的，不能退回，请分办给承办部门", field="action"))
        if problems:
            raise InvalidError("办理信息有误", problems)
        return target


def _publish(ctx: CommandContext, instance: Instance) -> KnowledgeEntry | None:
    """Put a finished, publishable inquiry into the knowledge base, once, with its search terms."""
    session = ctx.session
    inquiry = session.scalar(select(Inquiry).where(Inquiry.instance_id == instance.id))
    if inquiry is None or session.scalar(
            select(KnowledgeEntry.id).where(KnowledgeEntry.inquiry_id == inquiry.id)) is not None:
        return None
    _, parts = inquiry_handling(session, inquiry)
    answered = answered_parts(parts)
    names = department_names(session)
    if len(answered) > 1:  # a joint answer: each department's part under its name
        answer = "\n\n".join(f"{names.get(p.department, p.department)}：{p.text}" for p in answered)
    else:
        answer = answered[0].text or "" if answered else ""
    entry = KnowledgeEntry(inquiry_id=inquiry.id, category=inquiry.category, question=inquiry.question,
                           answer=answer, departments=" ".join(dict.fromkeys(p.department for p in answered)),
                           published_at=ctx.now())
    session.add(entry)
    session.flush()
    session.add_all(KnowledgeGram(gram=g, entry_id=entry.id)
                    for g in search_grams(f"{inquiry.category} {inquiry.question} {answer}"))
    return entry


@dataclass(frozen=True)
class RateInquiryCommand:
    """The asker rates the answer (满意度评价) with the query code, once the inquiry is answered."""

    code: str
    grade: int
    comment: str | None = None

    def execute(self, ctx: CommandContext) -> Inquiry:
        """Record the grade once; 409 before the answer or after an earlier rating."""
        if ctx.actor.role != ASKER_ROLE:
            raise ForbiddenError("满意度评价由查询人本人凭查询码提交")
        problems: list[Problem] = []
        if not isinstance(self.grade, int) or isinstance(self.grade, bool) or self.grade not in GRADES:
            problems.append(Problem("评价只能是 1 到 5 的整数", field="grade"))
        comment = _text(self.comment, "comment", "评价意见", MAX_COMMENT, problems, required=False)
        if problems:
            raise InvalidError("评价信息有误", problems)
        inquiry = inquiry_by_code(ctx.session, self.code)
        ctx.session.refresh(inquiry, with_for_update=True)
        instance = ctx.session.get(Instance, inquiry.instance_id) if inquiry.instance_id else None
        if instance is None or instance.status != "completed":
            raise ConflictError("查询答复后才能评价")
        if inquiry.satisfaction is not None:
            raise ConflictError("此查询已经评价过了")
        inquiry.satisfaction, inquiry.satisfaction_comment, inquiry.rated_at = self.grade, comment, ctx.now()
        return inquiry


@dataclass(frozen=True)
class ExplainDelayCommand:
    """A department that cannot answer its part in time says why: to the bureau, and published to the asker.

    One explanation per part, given while the part is open. It goes onto the part's deadline alert,
    so the bureau reads it where it decides on accountability, and onto the public tracking page.
    """

    task_id: str
    text: str

    def execute(self, ctx: CommandContext) -> DelayExplanation:
        """Record the explanation; 409 when the part is closed or already explained."""
        session = ctx.session
        row = answering_step(ctx, self.task_id, "只有承办部门可以说明延迟原因")
        problems: list[Problem] = []
        text = _text(self.text, "text", "延迟原因", MAX_TEXT, problems, required=True)
        if problems:
            raise InvalidError("说明信息有误", problems)
        inquiry = session.scalar(select(Inquiry).where(Inquiry.instance_id == row.instance_id)
                                 .with_for_update())
        if inquiry is None:
            raise NotFoundError("没有这个查询答复任务", task_id=self.task_id)
        if row.status not in OPEN_TASK_STATUSES:
            raise ConflictError("此部分已办结，无需说明延迟", task_id=row.id)
        if session.scalar(select(DelayExplanation.id).where(DelayExplanation.task_id == row.id)) is not None:
            raise ConflictError("此部分已经说明过延迟原因", task_id=row.id)
        explanation = DelayExplanation(inquiry_id=inquiry.id, task_id=row.id,
                                       department_code=row.department_code, text=text or "",
                                       explained_at=ctx.now(), explained_by=ctx.actor_name or "system")
        session.add(explanation)
        alert = session.scalar(select(Alert).where(Alert.dedup_key == f"deadline:task:{row.id}",
                                                   Alert.state != "closed").with_for_update())
        if alert is not None:
            alert.details = {**(alert.details or {}), "explanation": explanation.text,
                             "explained_at": explanation.explained_at.isoformat()}
        return explanation

