"""Read paths for supervision orders: the list and one order, as far as the caller may see them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.command_context import Actor
from engine.exceptions import NotFoundError
from engine.queries.paging import page_of

from ..models import SupervisionOrder
from ..roles import can_see_order
from .visibility import listed_departments

__all__ = ["order_for", "orders_page"]


def orders_page(session: Session, actor: Actor, *, department: str | None = None, status: str | None = None,
                page: int = 1, per_page: int = 50) -> tuple[list[SupervisionOrder], int]:
    """Return one page of the orders the caller may list, newest first, and the total count."""
    query = listed_departments(select(SupervisionOrder), SupervisionOrder.department_code, actor, department)
    if status:
        query = query.where(SupervisionOrder.status == status)
    return page_of(session, query, SupervisionOrder.issued_at.desc(), SupervisionOrder.id.desc(),
                   page=page, per_page=per_page)


def order_for(session: Session, actor: Actor, order_id: int) -> SupervisionOrder:
    """Load an order the caller may see; another department's is not found, so its existence stays hidden."""
    order = session.get(SupervisionOrder, order_id)
    if order is None or not can_see_order(actor, order):
        raise NotFoundError(f"未找到督办单 #{order_id}", order_id=order_id)
    return order
