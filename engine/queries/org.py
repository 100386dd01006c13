"""Departments and staff accounts as the administrator's pages list them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Department, User

__all__ = ["all_departments", "all_users", "department_name", "user_named"]


def all_departments(session: Session) -> list[Department]:
    """Every department by code: a centre has dozens, so there is no paging."""
    return list(session.scalars(select(Department).order_by(Department.code)))


def all_users(session: Session) -> list[User]:
    """Every staff account by username, disabled ones included (an administrator re-enables them)."""
    return list(session.scalars(select(User).order_by(User.username)))


def user_named(session: Session, username: str) -> User | None:
    """The account of a username, active or not: the caller decides what a disabled account may do."""
    return session.scalar(select(User).where(User.username == username))


def department_name(session: Session, code: str) -> str | None:
    """A department's display name, None for an unknown code."""
    return session.scalar(select(Department.name).where(Department.code == code))
