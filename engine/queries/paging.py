"""One page of a list and the count of the whole list, computed the same way for every list."""

from __future__ import annotations

from typing import Any, TypeVar, TypeVarTuple, overload

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import QueryableAttribute, Session

__all__ = ["page_of"]

T = TypeVar("T")
Ts = TypeVarTuple("Ts")
OrderBy = ColumnElement[Any] | QueryableAttribute[Any]


@overload
def page_of(session: Session, query: Select[T], *order_by: OrderBy, page: int,
            per_page: int) -> tuple[list[T], int]: ...


@overload
def page_of(session: Session, query: Select[*Ts], *order_by: OrderBy, page: int,
            per_page: int) -> tuple[list[tuple[*Ts]], int]: ...


def page_of(session: Session, query: Select[Any], *order_by: OrderBy, page: int,
            per_page: int) -> tuple[list[Any], int]:
    """Return page `page` (from 1) of the query's rows in this order, and how many rows match in all.

    Lists answer {items, total, page, per_page}, so every list needs the same two reads: the total
    counts the filtered query itself, not the page, so it does not change from page to page; the page
    is taken in an order the caller must give, ending with a unique column, because rows in no
    particular order would repeat or go missing from one page to the next. A query of one entity (or
    column) pages that entity, as Session.scalars does; a query of several pages tuples of them.
    """
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    paged = query.order_by(*order_by).offset((page - 1) * per_page).limit(per_page)
    if len(query.column_descriptions) == 1:
        return list(session.scalars(paged)), total
    return [tuple(row) for row in session.execute(paged)], total
