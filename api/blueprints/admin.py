"""Administration: departments and staff accounts."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate
from sqlalchemy import select

from engine.commands import CreateDepartmentCommand, CreateUserCommand
from engine.models import ROLES, Department, User

from ..auth import requires
from ..extensions import Blueprint, db, run_command

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
