"""Staff authentication: argon2 password check, HS256 JWTs with pinned algorithm, role guards."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar

import jwt
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Flask, g, request
from werkzeug.exceptions import Forbidden, Unauthorized

from engine.commands import Actor
from engine.commands.org import PASSWORD_HASHER
from engine.models import ROLE_NAMES, User
from engine.queries.org import user_named

from .wiring import request_session, run_in_request, services

__all__ = ["ALGORITHM", "ISSUER", "PUBLIC_API_PATHS", "authenticate", "current_actor", "init_auth",
           "issue_token", "requires", "run_command"]

# API paths anyone may call; every other /api/ path needs a valid token before anything else is read.
PUBLIC_API_PATHS = ("/api/auth/token", "/api/public/", "/api/health", "/api/openapi.json", "/api/docs")

ALGORITHM = "HS256"
ISSUER = "onewindow"
CLOCK_SKEW_SECONDS = 60
F = TypeVar("F", bound=Callable[..., Any])
# Verifying against a dummy hash when the user is unknown keeps response time from revealing usernames.
_DUMMY_HASH = PASSWORD_HASHER.hash("onewindow-dummy-password")


def authenticate(username: str, password: str) -> User | None:
    """Return the active user whose password matches, else None."""
    user = user_named(request_session(), username)
    try:
        PASSWORD_HASHER.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    return user if user is not None and user.active else None


def issue_token(user: User) -> tuple[str, int]:
    """Sign a short-lived token naming the user; role and department are re-read on each request."""
    svc = services()
    now = svc.runtime.clock.now()
    ttl = svc.settings.token_ttl_seconds
    claims = {"sub": user.username, "iss": ISSUER, "iat": now, "exp": now + timedelta(seconds=ttl)}
    return jwt.encode(claims, svc.settings.secret_key, algorithm=ALGORITHM), ttl


def _decode(token: str) -> dict[str, Any]:
    """Verify signature, issuer and required claims; check times against the injected clock."""
    svc = services()
    try:
        claims = jwt.decode(
            token, svc.settings.secret_key, algorithms=[ALGORITHM], issuer=ISSUER,
            options={"require": ["exp", "iat", "iss", "sub"], "verify_exp": False, "verify_iat": False},
        )
    except jwt.PyJWTError as exc:
        raise Unauthorized(f"令牌无效：{exc}") from None
    now = svc.runtime.clock.now().timestamp()
    if not isinstance(claims["exp"], int | float) or claims["exp"] <= now:
        raise Unauthorized("令牌无效：已过期")
    if not isinstance(claims["iat"], int | float) or claims["iat"] > now + CLOCK_SKEW_SECONDS:
        raise Unauthorized("令牌无效：签发时间晚于当前时间")
    return claims


def current_actor() -> Actor:
    """Resolve the bearer token to an active user, once per request."""
    if "actor" in g:
        return g.actor
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("缺少 Bearer 令牌，请先登录")
    claims = _decode(token.strip())
    actor = services().accounts.actor(str(claims["sub"]), lambda: _active_actor(claims["sub"]))
    if actor is None:
        raise Unauthorized("此令牌对应的账号不存在或已停用")
    g.actor = actor
    return actor


def _active_actor(username: str) -> Actor | None:
    """The account as an Actor, None when it is unknown or disabled."""
    user = user_named(request_session(), username)
    if user is None or not user.active:
        return None
    return Actor(user.username, user.role, user.department_code)


def requires(*roles: str) -> Callable[[F], F]:
    """Require a valid token and, when roles are given, one of them."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            actor = current_actor()
            if roles and actor.role not in roles:
                raise Forbidden(f"此操作需要以下角色之一：{'、'.join(ROLE_NAMES.get(r, r) for r in roles)}")
            return view(*args, **kwargs)

        # Read by the test that holds every role's operations reachable from that role's pages.
        wrapper.required_roles = roles  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorator


def init_auth(app: Flask) -> None:
    """Authenticate every non-public API request before anything else is read.

    A caller without a token learns nothing, not even whether its request body would have been
    valid: it always gets 401.
    """

    @app.before_request
    def _authenticate_api_requests() -> None:
        path = request.path
        if path.startswith("/api/") and not path.startswith(PUBLIC_API_PATHS) and request.method != "OPTIONS":
            current_actor()


def run_command(command: Any, *, dry_run: bool = False) -> Any:
    """Run a command as the request's user; `dry_run` answers what it would do and rolls it back."""
    return run_in_request(command, current_actor(), dry_run=dry_run)
