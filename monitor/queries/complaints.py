"""Read paths for complaints: the approval a code names, who is complained about, what is pending.

One complaint is read with its handling instance and tasks, the approval it is about and the alert it
opened: what the bureau and the complainant are shown.
"""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from engine.exceptions import NotFoundError
from engine.models import Instance, TaskRecord, User
from engine.queries.instances import instance_tasks
from engine.queries.paging import page_of
from engine.query_codes import format_query_code, normalize_query_code

from ..models import COMPLAINT_PROCESS, INQUIRY_PROCESS, Alert, Complaint, Inquiry

__all__ = ["ComplaintSubject", "complained_department", "complaint_alert_id", "complaint_approval",
           "complaint_by_code", "complaint_for_instance", "complaint_handling", "complaint_or_404",
           "complaint_subject", "complaints_awaiting_outcome", "find_approval", "list_complaints"]


class ComplaintSubject(NamedTuple):
    """What a complaint is about, as the complainant knows it: the code they hold and a title."""

    kind: str  # "approval" or "inquiry"
    code: str  # as its holder was given it: the approval's query code, or the inquiry's own (grouped)
    title: str


def find_approval(session: Session, raw_code: str) -> Instance | None:
    """Return what a query code names: an approval, or the handling of a public inquiry.

    An inquiry is complained about with the asker's own code (the inquiry row's), never with its
    handling instance's internal code; complaint instances themselves cannot be complained about.
    """
    code = normalize_query_code(raw_code)
    if code is None:
        return None
    approval = session.scalar(select(Instance).where(
        Instance.query_code == code, Instance.definition_key.not_in((COMPLAINT_PROCESS, INQUIRY_PROCESS))))
    if approval is not None:
        return approval
    return session.scalar(select(Instance).join(Inquiry, Inquiry.instance_id == Instance.id)
                          .where(Inquiry.code == code))


def complained_department(session: Session, approval: Instance) -> str | None:
    """Guess the department a complaint concerns: the one of the approval's most recent task.

    Open and completed tasks count (cancelled ones never reached anybody); of tasks that became
    ready together (parallel review), the one due first. Without tasks, the department of the
    staff member who registered the application (first-question responsibility).
    """
    department = session.scalar(
        select(TaskRecord.department_code)
        .where(TaskRecord.instance_id == approval.id, TaskRecord.status != "cancelled",
               TaskRecord.department_code != "")
        .order_by(TaskRecord.created_at.desc(), TaskRecord.due_at.is_(None), TaskRecord.due_at,
                  TaskRecord.bpmn_id)
        .limit(1))
    if department is None and approval.created_by:
        department = session.scalar(select(User.department_code).where(User.username == approval.created_by))
    return department


def complaint_by_code(session: Session, raw_code: str) -> Complaint:
    """Find a complaint by its tracking code; malformed and unknown codes fail identically."""
    code = normalize_query_code(raw_code)
    complaint = session.scalar(select(Complaint).where(Complaint.code == code)) if code else None
    if complaint is None:
        raise NotFoundError("没有与此查询码对应的投诉")
    return complaint


def list_complaints(session: Session, *, department: str | None = None, channel: str | None = None,
                    page: int = 1, per_page: int = 50) -> tuple[list[Complaint], int]:
    """Return one page of complaints, newest first, and the total count."""
    query = select(Complaint)
    if department:
        query = query.where(Complaint.department_code == department)
    if channel:
        query = query.where(Complaint.channel == channel)
    return page_of(session, query, Complaint.filed_at.desc(), Complaint.id.desc(), page=page,
                   per_page=per_page)


def complaint_or_404(session: Session, complaint_id: int) -> Complaint:
    """Load a complaint by id (the bureau's view), or fail with 404."""
    complaint = session.get(Complaint, complaint_id)
    if complaint is None:
        raise NotFoundError(f"未找到投诉 #{complaint_id}", complaint_id=complaint_id)
    return complaint


def complaint_handling(session: Session, complaint: Complaint) -> tuple[Instance | None, list[TaskRecord]]:
    """Return the complaint's handling instance and its tasks in the order they happened (none before filing).

    Steps completed within one instant (a quick bureau) still read in order: completed ones first.
    """
    if complaint.handling_instance_id is None:
        return None, []
    tasks = instance_tasks(session, complaint.handling_instance_id)
    tasks.sort(key=lambda t: (t.created_at, t.completed_at is None, t.completed_at or t.created_at))
    return session.get(Instance, complaint.handling_instance_id), tasks


def complaint_approval(session: Session, complaint: Complaint) -> Instance | None:
    """Return the approval the complaint is about, if it names one (the bureau sees its code and project)."""
    if complaint.approval_instance_id is None:
        return None
    return session.get(Instance, complaint.approval_instance_id)


def complaint_subject(session: Session, complaint: Complaint) -> ComplaintSubject | None:
    """Return the approval or public inquiry the complaint is about, by the code its complainant holds."""
    about = complaint_approval(session, complaint)
    if about is None:
        return None
    if about.definition_key == INQUIRY_PROCESS:
        inquiry = session.scalar(select(Inquiry).where(Inquiry.instance_id == about.id))
        if inquiry is not None:
            return ComplaintSubject("inquiry", format_query_code(inquiry.code), inquiry.question)
    return ComplaintSubject("approval", about.query_code, about.project_name)


def complaint_for_instance(session: Session, instance_id: int) -> Complaint:
    """Return the complaint a handling instance works on (its work page shows it), or fail with 404."""
    complaint = session.scalar(select(Complaint).where(Complaint.handling_instance_id == instance_id))
    if complaint is None:
        raise NotFoundError(f"办件 #{instance_id} 没有对应的投诉", instance_id=instance_id)
    return complaint


def complaint_alert_id(session: Session, complaint_id: int) -> int | None:
    """Return the id of the latest alert the complaint opened, so the bureau can go from one to the other."""
    return session.scalar(select(Alert.id).where(Alert.dedup_key == f"complaint:{complaint_id}")
                          .order_by(Alert.id.desc()).limit(1))


def complaints_awaiting_outcome(session: Session, limit: int = 200) -> list[int]:
    """Return complaints whose handling ended after the satisfaction call-back but are not recorded yet.

    A complaint that was not accepted never reaches the call-back, so it never shows up here, and the
    cost of a sweep stays with the complaints that actually finished since the last one.
    """
    asked = exists().where(TaskRecord.instance_id == Complaint.handling_instance_id,
                           TaskRecord.bpmn_id == "feedback", TaskRecord.status == "completed")
    return list(session.scalars(
        select(Complaint.id).join(Instance, Instance.id == Complaint.handling_instance_id)
        .where(Complaint.satisfied.is_(None), Instance.status == "completed", asked)
        .order_by(Complaint.id).limit(limit)))
