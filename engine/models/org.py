"""Departments and staff accounts: who may act on which lane's tasks."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime

__all__ = ["ROLES", "ROLES_NEEDING_DEPARTMENT", "ROLE_NAMES", "Department", "User"]

ROLES = ("admin", "designer", "window", "reviewer", "lead", "head", "supervisor")
ROLES_NEEDING_DEPARTMENT = frozenset({"window", "reviewer", "lead", "head"})
# What each role is called where people read it: the pages and the server's refusals.
ROLE_NAMES = {"window": "窗口人员", "reviewer": "审查人员", "lead": "牵头部门", "head": "本单位负责人",
              "supervisor": "监察人员", "designer": "流程设计员", "admin": "管理员"}


class Department(Base):
    """A government department; its code is the lane name used in BPMN diagrams."""

    __tablename__ = "department"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class User(Base):
    """A staff account; the password is only ever stored as an argon2 hash."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    department: Mapped[Department | None] = relationship(lazy="joined")

    @property
    def department_code(self) -> str | None:
        """Return the department code, the unit of task authorization."""
        return self.department.code if self.department else None
