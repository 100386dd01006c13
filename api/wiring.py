"""Flask wiring: the database, the API classes with our parser and error shape, and the per-app services."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Request, current_app, request
from flask_smorest import Api as SmorestApi
from flask_smorest import Blueprint as SmorestBlueprint
from flask_smorest import abort
from flask_sqlalchemy import SQLAlchemy
from marshmallow.utils import missing
from sqlalchemy.orm import Session
from webargs.flaskparser import FlaskParser, is_json_request
from werkzeug.exceptions import HTTPException

from engine.calendar_store import DatabaseCalendar
from engine.command_context import Actor, Command
from engine.commands import CommandExecutor
from engine.models import Base
from engine.runtime import EngineRuntime

from .account_cache import AccountCache
from .errors import ErrorBodySchema, http_error_response
from .json_body import JsonBodyError, load_json_text
from .settings import Settings

__all__ = ["Api", "Blueprint", "Services", "client_ip", "db", "request_session", "run_in_request", "services"]

db = SQLAlchemy(metadata=Base.metadata)


class _Parser(FlaskParser):
    """Request bodies that do not match their schema are the client's mistake: 400, not 422.

    JSON bodies are read within api.json_body's limits (depth, finite numbers).
    """

    DEFAULT_VALIDATION_STATUS = 400

    def _raw_load_json(self, req: Request) -> Any:
        if not is_json_request(req):
            return missing
        try:
            return load_json_text(req.get_data(cache=True).decode("utf-8"))
        except JsonBodyError as exc:
            abort(400, message=str(exc))
        except (ValueError, UnicodeDecodeError):
            abort(400, message="请求体不是有效的 JSON")


class Blueprint(SmorestBlueprint):
    """flask-smorest blueprint using our parser."""

    ARGUMENTS_PARSER = _Parser()


class Api(SmorestApi):
    """flask-smorest Api whose HTTP errors use OneWindow's error shape, in the responses and the document."""

    ERROR_SCHEMA = ErrorBodySchema

    def handle_http_exception(self, error: HTTPException) -> Any:
        """Render every HTTP error as {error: {code, message, details}}."""
        return http_error_response(error)


@dataclass
class Services:
    """The per-app engine services: one executor and runtime per process."""

    settings: Settings
    runtime: EngineRuntime
    executor: CommandExecutor
    calendar: DatabaseCalendar
    accounts: AccountCache


def services() -> Services:
    """Return the services of the current app."""
    return current_app.extensions["onewindow"]


def run_in_request(command: Command[Any], actor: Actor, *, dry_run: bool = False) -> Any:
    """Run a command through the request's own session, so what the view reads next is what was committed."""
    return services().executor.execute(command, actor, dry_run=dry_run, session=request_session())


def request_session() -> Session:
    """The request's one database session: views hand it to queries, and run_in_request to commands."""
    return db.session()


def client_ip() -> str | None:
    """The address the request came from, for rate limits (behind a proxy, wrap the app in ProxyFix)."""
    return (request.remote_addr or "")[:64] or None

