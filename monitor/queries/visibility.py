"""The department filter the bureau's lists share: supervision lists any department, others their own."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import Select, false
from sqlalchemy.orm import InstrumentedAttribute

from engine.command_context import Actor

from ..roles import LIST_ALL_ROLES

__all__ = ["listed_departments"]

S = TypeVar("S", bound=Select[Any])


def listed_departments(query: S, column: InstrumentedAttribute[Any], actor: Actor,
                       department: str | None) -> S:
    """Filter a list to what the caller may list: supervision every department (or the one asked for).

    Anyone else gets their own department's rows whatever they ask for, so alerts, orders and cards
    about other departments never show up in their lists.
    """
    if actor.role not in LIST_ALL_ROLES:
        if actor.department_code is None:  # `column == None` would list the rows of no department
            return query.where(false())
        return query.where(column == actor.department_code)
    return query.where(column == department) if department else query
