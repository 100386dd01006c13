"""The window's registrations: what its clerks registered, to act on them again after the day of intake.

A window clerk comes back to an application days later: the applicant brings the 容缺 documents, or a
review finds a document wanting and the window sends the one-time correction notice. The clerk on
duty then is not always the one who registered it, so the list is the whole window department's, with
"mine" as a filter. Complaint handling and public inquiries are not registrations.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from engine.command_context import Actor
from engine.models import Department, Instance, Shortfall, User
from engine.queries.paging import page_of
from engine.query_codes import normalize_query_code

from ..models import ApplicationItem, ServiceItemVersion

__all__ = ["NOT_REGISTRATIONS", "Registration", "registrations"]

NOT_REGISTRATIONS = ("complaint_handling", "public_inquiry")


@dataclass(frozen=True)
class Registration:
    """One registered application with what the window may still have to do for it."""

    instance: Instance
    shortfall: Shortfall | None
    item_name: str | None


# A project name or code, a query code or an applicant: longer than any of them finds nothing.
MAX_REGISTRATION_SEARCH = 100


def _pattern(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def registrations(session: Session, actor: Actor, *, mine: bool = False, status: str | None = None,
                  q: str | None = None, page: int = 1, per_page: int = 50) -> tuple[list[Registration], int]:
    """The caller's window's registrations (an administrator's: everyone's), newest first.

    `q` matches a part of the project name, project code or applicant, or a whole query code.
    """
    query = (select(Instance, Shortfall, ServiceItemVersion.name)
             .outerjoin(Shortfall, Shortfall.instance_id == Instance.id)
             .outerjoin(ApplicationItem, ApplicationItem.instance_id == Instance.id)
             .outerjoin(ServiceItemVersion, ServiceItemVersion.id == ApplicationItem.item_version_id)
             .where(Instance.definition_key.not_in(NOT_REGISTRATIONS)))
    if mine or actor.role != "admin":
        colleagues = (select(User.username).join(Department, Department.id == User.department_id)
                      .where(Department.code == actor.department_code))
        query = query.where(Instance.created_by == actor.username if mine
                            else Instance.created_by.in_(colleagues))
    if status:
        query = query.where(Instance.status == status)
    if q:
        pattern = _pattern(q)
        code = normalize_query_code(q)
        query = query.where(or_(Instance.project_name.ilike(pattern, escape="\\"),
                                Instance.project_code.ilike(pattern, escape="\\"),
                                Instance.applicant_name.ilike(pattern, escape="\\"),
                                *([Instance.query_code == code] if code else [])))
    rows, total = page_of(session, query, Instance.created_at.desc(), Instance.id.desc(), page=page,
                          per_page=per_page)
    return [Registration(instance, shortfall, name) for instance, shortfall, name in rows], total
