"""Administration: departments, staff accounts and the incidents to retry."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from engine.commands import (
    CreateDepartmentCommand,
    CreateUserCommand,
    RenameDepartmentCommand,
    ResetPasswordCommand,
    UpdateUserCommand,
)
from engine.commands.org import MIN_PASSWORD
from engine.models import ROLES, ROLES_NEEDING_DEPARTMENT, Department, User
from engine.queries.incidents import incidents
from engine.queries.org import all_departments, all_users

from ..auth import requires, run_command
from ..presenters import incident_json, iso
from ..schema_fields import NON_BLANK, instant
from ..wiring import Blueprint, request_session

blp = Blueprint("admin", __name__, url_prefix="/api/admin", description="Departments and users")


# The rules CreateDepartmentCommand and CreateUserCommand check. They are stated here for clients but
# checked by the commands, which answer 422 naming every problem at once.
CODE_PATTERN = "^[a-z][a-z0-9_]{1,31}$"
USERNAME_PATTERN = "^[A-Za-z0-9_.@-]{2,64}$"
PASSWORD = {"minLength": MIN_PASSWORD, "maxLength": 256,
            "description": f"at least {MIN_PASSWORD} characters (422 when shorter)"}
DEPARTMENT_NAME = {"minLength": 1, "maxLength": 200, "pattern": NON_BLANK,
                   "description": "stored trimmed; a name of spaces only answers 422"}


class DepartmentCreateSchema(Schema):
    """A new department: the code diagrams name as lanes, and the name people read."""

    code = fields.String(required=True, validate=validate.Length(min=1, max=32), metadata={
        "pattern": CODE_PATTERN,
        "description": "2-32 lowercase letters, digits or _, starting with a letter (422 otherwise)"})
    name = fields.String(required=True, validate=validate.Length(max=200), metadata=DEPARTMENT_NAME)


class DepartmentSchema(Schema):
    """A department as stored."""

    id = fields.Integer(required=True)
    code = fields.String(required=True)
    name = fields.String(required=True)


class UserCreateSchema(Schema):
    """A new staff account; department roles (window, reviewer, lead) need a department_code."""

    username = fields.String(required=True, validate=validate.Length(min=1, max=64), metadata={
        "pattern": USERNAME_PATTERN, "description": "2-64 letters, digits or _ . @ - (422 otherwise)"})
    password = fields.String(required=True, load_only=True, validate=validate.Length(max=256),
                             metadata=PASSWORD)
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    department_code = fields.String(load_default=None, allow_none=True, metadata={
        "description": f"required for the roles {', '.join(sorted(ROLES_NEEDING_DEPARTMENT))} (422 without "
                       "it); an unknown code answers 404"})


class UserSchema(Schema):
    """A staff account as the administration pages list it (never its password)."""

    id = fields.Integer(required=True)
    username = fields.String(required=True)
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    department_code = fields.String(required=True, allow_none=True)
    active = fields.Boolean(required=True, metadata={"description": "false: may not sign in"})


class DepartmentListSchema(Schema):
    """Every department, by code."""

    items = fields.List(fields.Nested(DepartmentSchema), required=True)


class DepartmentRenameSchema(Schema):
    """The new display name of a department (its code never changes)."""

    name = fields.String(required=True, validate=validate.Length(max=200), metadata=DEPARTMENT_NAME)


class UserUpdateSchema(Schema):
    """What to change on an account; what is left out stays, and an empty body changes nothing."""

    role = fields.String(validate=validate.OneOf(ROLES))
    department_code = fields.String(allow_none=True, validate=validate.Length(min=1, max=32),
                                    metadata={"description": "null clears it (roles without a department)"})
    active = fields.Boolean(metadata={"description": "false disables sign-in and every issued token"})


class PasswordResetSchema(Schema):
    """The new password an administrator chose."""

    password = fields.String(required=True, load_only=True, validate=validate.Length(max=256),
                             metadata=PASSWORD)


class UserListSchema(Schema):
    """Every staff account, by username."""

    items = fields.List(fields.Nested(UserSchema), required=True)


@blp.route("/departments", methods=["POST"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(DepartmentCreateSchema)
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
    return {"items": all_departments(request_session())}


@blp.route("/users", methods=["POST"])
@blp.doc(security=[{"bearerAuth": []}], description=(
    "422 when the username or password breaks its rule, or a department role (window, reviewer, lead) "
    "comes without department_code; 404 for an unknown department_code; 409 when the username is taken."))
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
    return {"items": all_users(request_session())}


@blp.route("/users/<int:user_id>", methods=["PATCH"])
@blp.doc(security=[{"bearerAuth": []}], description=(
    "422 when department_code names no department, when the resulting role needs a department the "
    "account would not have, or when administrators would disable or demote their own account."))
@blp.arguments(UserUpdateSchema)
@blp.response(200, UserSchema)
@requires("admin")
def update_user(body: dict[str, Any], user_id: int) -> User:
    """Change role or department, or disable/enable an account; an empty body answers it unchanged."""
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


class IncidentNoteSchema(Schema):
    """What staff see of an incident (incident_json): the reason and the step, never the engine trace."""

    reason = fields.String(required=True, allow_none=True)
    task = fields.String(required=True, allow_none=True)
    at = fields.String(required=True, allow_none=True)


class IncidentSchema(Schema):
    """An application an error in its diagram stopped."""

    id = fields.Integer(required=True)
    query_code = fields.String(required=True)
    project_name = fields.String(required=True)
    definition_key = fields.String(required=True)
    definition_version = fields.Integer(required=True)
    created_at = instant(required=True)
    incident = fields.Nested(IncidentNoteSchema, required=True)


class IncidentListSchema(Schema):
    """Every application stopped by an incident."""

    items = fields.List(fields.Nested(IncidentSchema), required=True)


@blp.route("/incidents", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.alt_response(200, schema=IncidentListSchema, success=True)
@requires("admin", "supervisor")
def list_incidents() -> dict[str, Any]:
    """Applications an error in their diagram stopped; an administrator retries each (POST …/retry)."""
    return {"items": [{"id": i.id, "query_code": i.query_code, "project_name": i.project_name,
                       "definition_key": i.definition_key, "definition_version": i.definition_version,
                       "created_at": iso(i.created_at), "incident": incident_json(i)}
                      for i in incidents(request_session())]}
