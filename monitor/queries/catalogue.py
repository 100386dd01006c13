"""Reading the service catalogue: the published items, one item's versions, an application's item."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from engine.exceptions import NotFoundError
from engine.queries.paging import page_of

from ..models import ApplicationItem, ServiceItem, ServiceItemVersion

__all__ = ["MAX_CATALOGUE_SEARCH", "all_items", "application_item", "item_or_404", "item_version",
           "item_versions", "latest_contents", "published_items"]

MAX_CATALOGUE_SEARCH = 50


def _latest() -> ColumnElement[bool]:
    """The join of an item to its latest published version."""
    return and_(ServiceItemVersion.item_id == ServiceItem.id,
                ServiceItemVersion.version == ServiceItem.latest_version)


Published = tuple[ServiceItem, ServiceItemVersion]


def published_items(session: Session, *, q: str | None = None, department: str | None = None,
                    page: int = 1, per_page: int = 50) -> tuple[list[Published], int]:
    """Every item's latest published version, by code; `q` matches a part of the name or the code."""
    query = select(ServiceItem, ServiceItemVersion).join(ServiceItemVersion, _latest())
    if q:
        pattern = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        # ilike: codes are typed in either case, and PostgreSQL's like, unlike SQLite's, minds case.
        query = query.where(or_(ServiceItemVersion.name.ilike(pattern, escape="\\"),
                                ServiceItem.code.ilike(pattern, escape="\\")))
    if department:
        query = query.where(ServiceItemVersion.department_code == department)
    rows, total = page_of(session, query, ServiceItem.code, page=page, per_page=per_page)
    return [(item, version) for item, version in rows], total


def latest_contents(session: Session) -> list[tuple[str, dict[str, Any]]]:
    """Every published item's code and its latest version's content, by code (for the workbook export)."""
    return [(code, content) for code, content in session.execute(
        select(ServiceItem.code, ServiceItemVersion.content).join(ServiceItemVersion, _latest())
        .order_by(ServiceItem.code)).all()]


def all_items(session: Session) -> list[tuple[ServiceItem, str]]:
    """Every item with the name its editors know it by: the draft's, else the latest version's."""
    latest = dict(session.execute(select(ServiceItemVersion.item_id, ServiceItemVersion.name)
                                  .join(ServiceItem, _latest())).all())
    return [(item, (item.draft or {}).get("name") or latest.get(item.id, item.code))
            for item in session.scalars(select(ServiceItem).order_by(ServiceItem.code))]


def item_or_404(session: Session, code: str) -> ServiceItem:
    """An item by its code, published or still a first draft."""
    item = session.scalar(select(ServiceItem).where(ServiceItem.code == code))
    if item is None:
        raise NotFoundError(f"没有编码为 {code} 的事项", code=code)
    return item


def item_version(session: Session, code: str, version: int | None = None) -> ServiceItemVersion:
    """A published version of an item: the latest, or the one asked for; 404 when there is none."""
    item = item_or_404(session, code)
    wanted = version if version is not None else item.latest_version
    found = session.scalar(select(ServiceItemVersion).where(ServiceItemVersion.item_id == item.id,
                                                            ServiceItemVersion.version == wanted))
    if found is None:
        raise NotFoundError(f"事项 {code} 没有已发布的第{wanted}版", code=code, version=wanted)
    return found


def item_versions(session: Session, code: str) -> list[ServiceItemVersion]:
    """Every published version of an item, newest first."""
    item = item_or_404(session, code)
    return list(session.scalars(select(ServiceItemVersion).where(ServiceItemVersion.item_id == item.id)
                                .order_by(ServiceItemVersion.version.desc())))


def application_item(session: Session, instance_id: int) -> tuple[ServiceItem, ServiceItemVersion] | None:
    """The item version an application was registered under, if it was registered under one."""
    row = session.execute(
        select(ServiceItem, ServiceItemVersion)
        .join(ServiceItemVersion, ServiceItemVersion.item_id == ServiceItem.id)
        .join(ApplicationItem, ApplicationItem.item_version_id == ServiceItemVersion.id)
        .where(ApplicationItem.instance_id == instance_id)).first()
    return (row[0], row[1]) if row is not None else None
