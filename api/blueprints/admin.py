"""Administration: departments, staff accounts and the incidents to retry."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate
from sqlalchemy import select
from werkzeug.exceptions import BadRequest

from engine.commands import (
    CreateDepartmentCommand,
    CreateUserCommand,
    RenameDepartmentCommand,
    ResetPasswordCommand,
    UpdateUserCommand,
)
from engine.models import ROLES, Department, User
from engine.queries import incidents

from ..auth import requires
from ..extensions import Blueprint, db, run_command
from ..presenters import incident_json, iso

blp = Blueprint("admin", __name__, url_prefix="/api/admin", description="Departments and users")


class DepartmentSchema(Schema):
    id = fields.Integer(dump_only=True)
    code = fields.String(required=True, validate=validate.Length(min=1, max=32))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))


class UserCreateSchema(Schema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=64))
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=256))
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    department_code = fields.String(load_default=None, allow_none=True)


class UserSchema(Schema):
    id = fields.Integer()
    username = fields.String()
    role = fields.String()
    department_code = fields.String(allow_none=True)
    active = fields.Boolean()


class DepartmentListSchema(Schema):
    items = fields.List(fields.Nested(DepartmentSchema))


class DepartmentRenameSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))


class UserUpdateSchema(Schema):
    role = fields.String(validate=validate.OneOf(ROLES))
    department_code = fields.String(allow_none=True, validate=validate.Length(min=1, max=32),
                                    metadata={"description": "null clears it (roles without a department)"})
    active = fields.Boolean(metadata={"description": "false disables sign-in and every issued token"})


class PasswordResetSchema(Schema):
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=256))


class UserListSchema(Schema):
    items = fields.List(fields.Nested(UserSchema))


@blp.route("/departments", methods=["POST"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(DepartmentSchema)
@blp.response(201, DepartmentSchema)
@requires("admin")
def create_department(body: dict[str, Any]) -> Department:
    """Create a department; its code is what diagrams name as lanes."""
    return run_command(CreateDepartmentCommand(body["code"], body["name"]))


@blp.route("/departments", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.response(200, DepartmentListSchema)
@requires()
def list_departments() -> dict[str, Any]:
    """List departments (every staff member needs the names)."""
    return {"items": db.session.scalars(select(Department).order_by(Department.code)).all()}


@blp.route("/users", methods=["POST"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(UserCreateSchema)
@blp.response(201, UserSchema)
@requires("admin")
def create_user(body: dict[str, Any]) -> User:
    """Create a staff account with role and department."""
    return run_command(
        CreateUserCommand(body["username"], body["password"], body["role"], body["department_code"]))


@blp.route("/departments/<int:department_id>", methods=["PATCH"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(DepartmentRenameSchema)
@blp.response(200, DepartmentSchema)
@requires("admin")
def rename_department(body: dict[str, Any], department_id: int) -> Department:
    """Rename a department (the code is fixed: diagrams name it)."""
    return run_command(RenameDepartmentCommand(department_id, body["name"]))


@blp.route("/users", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.response(200, UserListSchema)
@requires("admin")
def list_users() -> dict[str, Any]:
    """List staff accounts with role, department and whether they may sign in."""
    return {"items": db.session.scalars(select(User).order_by(User.username)).all()}


@blp.route("/users/<int:user_id>", methods=["PATCH"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(UserUpdateSchema)
@blp.response(200, UserSchema)
@requires("admin")
def update_user(body: dict[str, Any], user_id: int) -> User:
    """Change role or department, or disable/enable an account."""
    if not body:
        raise BadRequest("give at least one of role, department_code, active")
    kwargs: dict[str, Any] = {k: body[k] for k in ("role", "department_code", "active") if k in body}
    return run_command(UpdateUserCommand(user_id, **kwargs))


@blp.route("/users/<int:user_id>/password", methods=["POST"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(PasswordResetSchema)
@blp.response(204)
@requires("admin")
def reset_password(body: dict[str, Any], user_id: int) -> None:
    """Set a new password chosen by the administrator and handed over in person."""
    run_command(ResetPasswordCommand(user_id, body["password"]))


class IncidentSchema(Schema):
    id = fields.Integer()
    query_code = fields.String()
    project_name = fields.String()
    definition_key = fields.String()
    definition_version = fields.Integer()
    created_at = fields.String()
    incident = fields.Dict(metadata={"description": "{reason, task, at}"})


class IncidentListSchema(Schema):
    items = fields.List(fields.Nested(IncidentSchema))


@blp.route("/incidents", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.response(200, IncidentListSchema)
@requires("admin", "supervisor")
def list_incidents() -> dict[str, Any]:
    """Applications an error in their diagram stopped; an administrator retries each (POST …/retry)."""
    return {"items": [{"id": i.id, "query_code": i.query_code, "project_name": i.project_name,
                       "definition_key": i.definition_key, "definition_version": i.definition_version,
                       "created_at": iso(i.created_at), "incident": incident_json(i)}
                      for i in incidents(db.session)]}
