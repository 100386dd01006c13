"""Read paths for public inquiries: find one by its code, its parts so far, and the knowledge base.

The parts of an inquiry are the task rows of its handling instance: each department's answer (or
forwarding, or passing on) is the submission of its `answer` task, and the government office's
routing is the submission of its `route` task. Nothing here shows who asked or how to reach them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.exceptions import NotFoundError
from engine.models import AuditEvent, Instance, TaskRecord
from engine.queries.instances import instance_tasks
from engine.queries.paging import page_of
from engine.query_codes import normalize_query_code

from ..knowledge_grams import search_grams
from ..models import DelayExplanation, Inquiry, KnowledgeEntry, KnowledgeGram

__all__ = ["MAX_SEARCH", "InquiryPart", "answered_parts", "inquiry_by_code", "inquiry_handling",
           "inquiry_of_instance", "search_knowledge"]

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
        completed_at=task.completed_at,
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
