"""Staff login: exchange a username and password for a bearer token, and say whose a token is."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate
from werkzeug.exceptions import Unauthorized

from ..auth import authenticate, current_actor, issue_token, requires
from ..wiring import Blueprint

blp = Blueprint("auth", __name__, url_prefix="/api/auth", description="Staff login")


class TokenRequestSchema(Schema):
    """Staff sign-in; the password is never echoed back."""

    username = fields.String(required=True, validate=validate.Length(min=1, max=64))
    password = fields.String(required=True, validate=validate.Length(min=1, max=256), load_only=True)


class TokenSchema(Schema):
    """A bearer token and how long it lives."""

    access_token = fields.String()
    token_type = fields.String()
    expires_in = fields.Integer()


@blp.route("/token", methods=["POST"])
@blp.arguments(TokenRequestSchema)
@blp.response(200, TokenSchema)
def token(body: dict[str, Any]) -> dict[str, Any]:
    """Log in; wrong credentials and disabled accounts both get 401."""
    user = authenticate(body["username"], body["password"])
    if user is None:
        raise Unauthorized("用户名或密码错误")
    access_token, ttl = issue_token(user)
    return {"access_token": access_token, "token_type": "Bearer", "expires_in": ttl}


class WhoAmISchema(Schema):
    """The account behind a token, re-read from the database on every request."""

    username = fields.String()
    role = fields.String()
    department = fields.String(allow_none=True)


@blp.route("/me", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.response(200, WhoAmISchema)
@requires()
def me() -> dict[str, Any]:
    """Describe the token's account as it is now (role or department may have changed since login)."""
    actor = current_actor()
    return {"username": actor.username, "role": actor.role, "department": actor.department_code}
