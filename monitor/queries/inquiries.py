"""Read paths for public inquiries: find one by its code, its parts so far, and the knowledge base.

The parts of an inquiry are the task rows of its handling instance: each department's answer (or
forwarding, or passing on) is the submission of its `answer` task, and the government office's
routing is the submission of its `route` task. Nothing here shows who asked or how to reach them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from engine.exceptions import NotFoundError
from engine.models import OPEN_TASK_STATUSES, AuditEvent, Instance, TaskRecord
from engine.queries.instances import instance_tasks
from engine.queries.paging import page_of
from engine.query_codes import normalize_query_code

from ..knowledge_grams import search_grams
from ..models import INQUIRY_PROCESS, DelayExplanation, Inquiry, KnowledgeEntry, KnowledgeGram

__all__ = ["INQUIRY_STATES", "MAX_SEARCH", "InquiryPart", "InquiryRow", "answered_parts", "inquiry_by_code",
           "inquiry_figures", "inquiry_handling", "inquiry_of_instance", "list_inquiries", "search_knowledge"]

INQUIRY_STATES = ("open", "answered", "overdue")
"""Filters of the bureau's list: still being handled, answered, or with a part past its due time."""

MAX_SEARCH = 200
"""Longest knowledge-base search phrase, in characters."""
MAX_QUERY_GRAMS = 24
"""A search longer than this many terms keeps the first ones: enough to pin an entry down."""


@dataclass(frozen=True)
class InquiryPart:
    """One step of an inquiry's handling as its asker may see it: no staff names."""

    step: str  # answer | route
    name: str
    department: str
    state: str  # pending | in_progress | completed
    due_at: datetime | None
    completed_at: datetime | None
    started_at: datetime  # when the part reached its department (a 暂定 due time is judged from here)
    action: str | None  # answer | pass_on | forward | route | refuse
    text: str | None  # the answer, or the reason for forwarding or refusing a forwarding
    next_department: str | None
    explanation: str | None = None  # why the part is late, as the department told the bureau (published)
    explained_at: datetime | None = None


_PUBLIC_STATES = {"ready": "pending", "claimed": "in_progress", "completed": "completed"}


def inquiry_by_code(session: Session, raw_code: str) -> Inquiry:
    """Find an inquiry by its query code; malformed and unknown codes fail identically."""
    code = normalize_query_code(raw_code)
    inquiry = session.scalar(select(Inquiry).where(Inquiry.code == code)) if code else None
    if inquiry is None:
        raise NotFoundError("没有与此查询码对应的查询")
    return inquiry


def inquiry_of_instance(session: Session, instance_id: int) -> Inquiry | None:
    """The inquiry an instance of public_inquiry.bpmn handles, if it is one."""
    return session.scalar(select(Inquiry).where(Inquiry.instance_id == instance_id))


def inquiry_handling(session: Session, inquiry: Inquiry) -> tuple[Instance | None, list[InquiryPart]]:
    """The handling instance and its parts in the order they started (cancelled steps left out).

    The order is the instance's audit chain (its `task.ready` events): steps that started within the
    same instant, as a forwarding and the routing that follows it can, keep their true order.
    """
    if inquiry.instance_id is None:
        return None, []
    instance = session.get(Instance, inquiry.instance_id)
    started = dict(session.execute(
        select(AuditEvent.task_id, func.min(AuditEvent.seq))
        .where(AuditEvent.instance_id == inquiry.instance_id, AuditEvent.action == "task.ready")
        .group_by(AuditEvent.task_id)).all())
    tasks = sorted((t for t in instance_tasks(session, inquiry.instance_id) if t.status != "cancelled"),
                   key=lambda t: started.get(t.id, 0))
    explained = {e.task_id: e for e in session.scalars(
        select(DelayExplanation).where(DelayExplanation.inquiry_id == inquiry.id))}
    parts = []
    for task in tasks:
        part, why = _part(task), explained.get(task.id)
        parts.append(replace(part, explanation=why.text, explained_at=why.explained_at) if why else part)
    return instance, parts


def answered_parts(parts: list[InquiryPart]) -> list[InquiryPart]:
    """The parts that answered the question (a final answer or a department's share of a joint one)."""
    return [p for p in parts if p.step == "answer" and p.action in ("answer", "pass_on") and p.text]


def _part(task: TaskRecord) -> InquiryPart:
    submission = task.submission or {}
    data = submission.get("data") or {}
    next_department = data.get("next_department") if isinstance(data, dict) else None
    return InquiryPart(
        step=task.bpmn_id, name=task.name, department=task.department_code,
        state=_PUBLIC_STATES.get(task.status, task.status), due_at=task.due_at,
        completed_at=task.completed_at, started_at=task.created_at,
        action=submission.get("decision"), text=submission.get("opinion"),
        next_department=next_department if isinstance(next_department, str) and next_department else None)


def search_knowledge(session: Session, query: str, *, page: int = 1, per_page: int = 20
                     ) -> tuple[list[KnowledgeEntry], int]:
    """Published entries holding every search term of `query`, newest first; nothing for no terms."""
    grams = sorted(search_grams(query))[:MAX_QUERY_GRAMS]
    if not grams:
        return [], 0
    matching = (select(KnowledgeGram.entry_id).where(KnowledgeGram.gram.in_(grams))
                .group_by(KnowledgeGram.entry_id)
                .having(func.count(KnowledgeGram.gram) == len(grams)))
    return page_of(session, select(KnowledgeEntry).where(KnowledgeEntry.id.in_(matching)),
                   KnowledgeEntry.published_at.desc(), KnowledgeEntry.id.desc(), page=page, per_page=per_page)


@dataclass(frozen=True)
class InquiryRow:
    """One inquiry in the bureau's list: the row, its handling status and its open steps."""

    inquiry: Inquiry
    status: str
    open_steps: list[tuple[str, str, datetime | None]]  # (department, step name, due time)
    overdue: bool


def _filtered(channel: str | None, department: str | None, state: str | None, now: datetime) -> Select[Any]:
    """Inquiries matching the bureau's filters (department: asked of, or handling a step now)."""
    query = select(Inquiry).join(Instance, Instance.id == Inquiry.instance_id)
    if channel:
        query = query.where(Inquiry.channel == channel)
    if department:
        handling = select(TaskRecord.instance_id).where(TaskRecord.department_code == department)
        query = query.where((Inquiry.department_code == department) | Inquiry.instance_id.in_(handling))
    if state == "answered":
        query = query.where(Instance.status == "completed")
    elif state == "open":
        query = query.where(Instance.status != "completed")
    elif state == "overdue":
        late = select(TaskRecord.instance_id).where(TaskRecord.status.in_(OPEN_TASK_STATUSES),
                                                    TaskRecord.due_at < now, TaskRecord.pause_kind.is_(None))
        query = query.where(Inquiry.instance_id.in_(late))
    return query


def list_inquiries(session: Session, now: datetime, *, channel: str | None = None,
                   department: str | None = None, state: str | None = None, page: int = 1,
                   per_page: int = 50) -> tuple[list[InquiryRow], int]:
    """One page of inquiries, newest first, with what each is waiting for."""
    rows, total = page_of(session, _filtered(channel, department, state, now), Inquiry.asked_at.desc(),
                          Inquiry.id.desc(), page=page, per_page=per_page)
    ids = [r.instance_id for r in rows if r.instance_id is not None]
    statuses = dict(session.execute(select(Instance.id, Instance.status).where(Instance.id.in_(ids))).all())
    steps: dict[int, list[TaskRecord]] = {}
    if ids:
        for task in session.scalars(select(TaskRecord).where(TaskRecord.instance_id.in_(ids),
                                                             TaskRecord.status.in_(OPEN_TASK_STATUSES))):
            steps.setdefault(task.instance_id, []).append(task)
    result = []
    for row in rows:
        open_tasks = steps.get(row.instance_id or 0, [])
        result.append(InquiryRow(
            row, statuses.get(row.instance_id or 0, "asked"),
            [(t.department_code, t.name, t.due_at) for t in open_tasks],
            any(t.due_at is not None and t.due_at < now and t.pause_kind is None for t in open_tasks)))
    return result, total


def inquiry_figures(session: Session, now: datetime, *, channel: str | None = None,
                    department: str | None = None) -> dict[str, int]:
    """Counts for the bureau's statistics: asked, answered, still open, routed by the 政府办, overdue now."""
    def count(state: str | None) -> int:
        base = _filtered(channel, department, state, now).with_only_columns(func.count(Inquiry.id))
        return int(session.scalar(base) or 0)

    route_steps = select(TaskRecord.instance_id).where(TaskRecord.definition_key == INQUIRY_PROCESS,
                                                       TaskRecord.bpmn_id == "route")
    routed = (_filtered(channel, department, None, now).with_only_columns(func.count(Inquiry.id))
              .where(Inquiry.instance_id.in_(route_steps)))
    return {"asked": count(None), "answered": count("answered"), "open": count("open"),
            "routed": int(session.scalar(routed) or 0), "overdue": count("overdue")}

