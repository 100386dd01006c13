"""Commands that manage departments and staff accounts."""

from __future__ import annotations

import re
from dataclasses import dataclass

from argon2 import PasswordHasher
from sqlalchemy import select

from ..command_context import CommandContext
from ..exceptions import ConflictError, ForbiddenError, InvalidError, NotFoundError, Problem
from ..models import ROLES, ROLES_NEEDING_DEPARTMENT, Department, User

__all__ = ["ACCOUNT_CHANGED", "CreateDepartmentCommand", "CreateUserCommand", "PASSWORD_HASHER",
           "RenameDepartmentCommand", "ResetPasswordCommand", "UpdateUserCommand"]

PASSWORD_HASHER = PasswordHasher()
_CODE = re.compile(r"^[a-z][a-z0-9_]{1,31}$")
_USERNAME = re.compile(r"^[A-Za-z0-9_.@-]{2,64}$")
MIN_PASSWORD = 8
ADMIN_ROLES = frozenset({"admin", "system"})
# Published after an account is created or changed: processes that remember accounts re-read it.
ACCOUNT_CHANGED = "account.changed"


def _require_admin(ctx: CommandContext) -> None:
    if ctx.actor.role not in ADMIN_ROLES:
        raise ForbiddenError("只有管理员可以管理部门和用户")


def _existing_user(ctx: CommandContext, user_id: int) -> User:
    """The account an administrator acts on (after the role check, so outsiders learn nothing)."""
    _require_admin(ctx)
    user = ctx.session.get(User, user_id)
    if user is None:
        raise NotFoundError("用户不存在", user_id=user_id)
    return user


def _department_name(name: str) -> str:
    """The display name as stored: trimmed, and never empty (pages and receipts print it)."""
    if not name.strip():
        raise InvalidError("部门名称有误", [Problem("部门名称不能为空", field="name")])
    return name.strip()


def _role_problem(role: str) -> Problem | None:
    return None if role in ROLES else Problem(f"角色须为以下之一：{', '.join(ROLES)}", field="role")


def _password_problem(password: str) -> Problem | None:
    if len(password) >= MIN_PASSWORD:
        return None
    return Problem(f"密码至少需要 {MIN_PASSWORD} 个字符", field="password")


@dataclass(frozen=True)
class CreateDepartmentCommand:
    """Create a department whose code diagrams can name as a lane."""

    code: str
    name: str

    def execute(self, ctx: CommandContext) -> Department:
        """Validate the code, refuse duplicates, store the department."""
        _require_admin(ctx)
        if not _CODE.fullmatch(self.code):
            raise InvalidError("部门代码有误", [Problem(
                "部门代码须为 2 至 32 个小写字母、数字或 _，并以字母开头", field="code")])
        name = _department_name(self.name)
        if ctx.session.scalar(select(Department.id).where(Department.code == self.code)):
            raise ConflictError(f"部门 {self.code} 已存在", code=self.code)
        department = Department(code=self.code, name=name, created_at=ctx.now())
        ctx.session.add(department)
        ctx.session.flush()
        return department


@dataclass(frozen=True)
class CreateUserCommand:
    """Create a staff account with a role and, for department roles, a department."""

    username: str
    password: str
    role: str
    department_code: str | None = None

    def execute(self, ctx: CommandContext) -> User:
        """Check every field at once, hash the password, store the account."""
        _require_admin(ctx)
        problems = []
        if not _USERNAME.fullmatch(self.username):
            problems.append(Problem("用户名须为 2 至 64 个字母、数字或 _ . @ -", field="username"))
        problems += [p for p in (_password_problem(self.password), _role_problem(self.role)) if p]
        if self.role in ROLES_NEEDING_DEPARTMENT and not self.department_code:
            problems.append(Problem(f"角色 {self.role} 须指定所属部门（department_code）",
                                    field="department_code"))
        if problems:
            raise InvalidError("用户信息填写有误", problems)
        department = None
        if self.department_code:
            department = ctx.session.scalar(select(Department).where(Department.code == self.department_code))
            if department is None:
                raise NotFoundError(f"部门 {self.department_code} 不存在",
                                    department_code=self.department_code)
        if ctx.session.scalar(select(User.id).where(User.username == self.username)):
            raise ConflictError(f"用户 {self.username} 已存在", username=self.username)
        user = User(username=self.username, password_hash=PASSWORD_HASHER.hash(self.password), role=self.role,
                    department=department, active=True, created_at=ctx.now())
        ctx.session.add(user)
        ctx.session.flush()
        ctx.emit(ACCOUNT_CHANGED, username=user.username)
        return user


@dataclass(frozen=True)
class RenameDepartmentCommand:
    """Rename a department; its code stays, because deployed diagrams name it as a lane."""

    department_id: int
    name: str

    def execute(self, ctx: CommandContext) -> Department:
        """Refuse an empty name, store the new one."""
        _require_admin(ctx)
        department = ctx.session.get(Department, self.department_id)
        if department is None:
            raise NotFoundError("部门不存在", department_id=self.department_id)
        department.name = _department_name(self.name)
        return department


_UNSET = object()


@dataclass(frozen=True)
class UpdateUserCommand:
    """Change a staff account's role, department or whether it may sign in.

    Disabling stops the account's tokens too: the process that made the change forgets the account
    at once (ACCOUNT_CHANGED), the others within the few seconds they remember accounts for. An
    administrator cannot disable or demote themselves, which would leave a service centre without
    anyone able to undo it.
    """

    user_id: int
    role: str | None = None
    department_code: object = _UNSET  # a code, None to clear, or unset to keep
    active: bool | None = None

    def execute(self, ctx: CommandContext) -> User:
        """Check the combination as a whole, then apply it."""
        user = _existing_user(ctx, self.user_id)
        problems = []
        role = self.role if self.role is not None else user.role
        problems += [p for p in (_role_problem(role),) if p]
        department = user.department
        if self.department_code is not _UNSET:
            department = None
            if self.department_code is not None:
                department = ctx.session.scalar(
                    select(Department).where(Department.code == self.department_code))
                if department is None:
                    problems.append(Problem(f"部门 {self.department_code} 不存在",
                                            field="department_code"))
        if role in ROLES_NEEDING_DEPARTMENT and department is None and not problems:
            problems.append(Problem(f"角色 {role} 须指定所属部门（department_code）",
                                    field="department_code"))
        if user.username == ctx.actor.username and (self.active is False or role != user.role):
            problems.append(Problem("管理员不能停用自己的账号，也不能取消自己的管理员角色",
                                    field="active" if self.active is False else "role"))
        if problems:
            raise InvalidError("用户信息修改有误", problems)
        user.role = role
        user.department = department
        if self.active is not None:
            user.active = self.active
        ctx.emit(ACCOUNT_CHANGED, username=user.username)
        return user


@dataclass(frozen=True)
class ResetPasswordCommand:
    """Set a new password for a staff account that forgot its own."""

    user_id: int
    password: str

    def execute(self, ctx: CommandContext) -> User:
        """Apply the same length rule as account creation, then store the new hash."""
        user = _existing_user(ctx, self.user_id)
        problem = _password_problem(self.password)
        if problem is not None:
            raise InvalidError("密码不符合要求", [problem])
        user.password_hash = PASSWORD_HASHER.hash(self.password)
        return user
