"""Map typed engine errors and HTTP errors to JSON {error: {code, message, details}}."""

from __future__ import annotations

from typing import Any

from flask import Flask, jsonify
from marshmallow import Schema, fields
from sqlalchemy.exc import DataError, DBAPIError
from werkzeug.exceptions import HTTPException, TooManyRequests

from engine.engine_budget import EngineBudgetError
from engine.exceptions import ConflictError, EngineError, ForbiddenError, InvalidError, NotFoundError
from monitor.rate_limit import PublicRateLimited

from .messages import HTTP_MESSAGES, localize_field_errors, schema_summary

__all__ = ["ErrorBodySchema", "error_response", "http_error_response", "register_error_handlers"]

STATUS_BY_ERROR: dict[type[EngineError], int] = {
    EngineBudgetError: 422,  # the diagram did too much: an incident now, the request is refused
    NotFoundError: 404,
    ForbiddenError: 403,
    ConflictError: 409,
    InvalidError: 422,
}
CODE_BY_STATUS = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
                  405: "method_not_allowed", 409: "conflict", 413: "too_large", 415: "unsupported_media_type",
                  422: "invalid", 429: "too_many_requests"}


class ErrorDetailSchema(Schema):
    """One error: a code for programs, a message for people, details for both."""

    code = fields.String(required=True, metadata={"description": "machine-readable, e.g. not_found, invalid"})
    message = fields.String(required=True, metadata={"description": "为用户写的中文说明"})
    details = fields.Dict(required=True, metadata={"description": "what exactly was wrong, e.g. fields"})


class ErrorBodySchema(Schema):
    """The documented error body: the OpenAPI document must describe what error_response sends."""

    error = fields.Nested(ErrorDetailSchema, required=True)


def error_response(status: int, code: str, message: str, details: dict[str, Any] | None = None) -> Any:
    """Build the one error shape every endpoint uses."""
    response = jsonify({"error": {"code": code, "message": message, "details": details or {}}})
    response.status_code = status
    return response


def http_error_response(error: HTTPException) -> Any:
    """Render werkzeug/webargs errors; schema messages become details.fields."""
    status = error.code or 500
    details: dict[str, Any] = {}
    data = getattr(error, "data", None) or {}
    messages = data.get("messages") if isinstance(data, dict) else None
    if messages:
        # webargs nests messages by location ("json", "query"); clients want the fields, in Chinese.
        fields = messages.get("json") or messages.get("query") or messages.get("files") or messages
        details["fields"] = localize_field_errors(fields)
    message = data.get("message") if isinstance(data, dict) and data.get("message") else error.description
    if messages and status in (400, 422):
        message = schema_summary(details["fields"])
    elif message == type(error).description or not message:  # werkzeug's own English text
        message = HTTP_MESSAGES.get(status, message)
    response = error_response(status, CODE_BY_STATUS.get(status, "error"), str(message), details)
    for name, value in error.get_headers():  # e.g. Retry-After on 429, Allow on 405
        if name.lower() != "content-type":
            response.headers[name] = value
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="onewindow"'
    return response


def register_error_handlers(app: Flask) -> None:
    """Install handlers so no engine error ever becomes a 500."""

    @app.errorhandler(EngineError)
    def _engine_error(error: EngineError) -> Any:
        status = next((s for cls, s in STATUS_BY_ERROR.items() if isinstance(error, cls)), 400)
        return error_response(status, error.code, error.message, error.details)

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> Any:
        return http_error_response(error)

    @app.errorhandler(PublicRateLimited)
    def _rate_limited(error: PublicRateLimited) -> Any:
        """Public complaints and questions over their limit: 429 in the usual shape, with Retry-After."""
        return http_error_response(TooManyRequests(error.message, retry_after=error.retry_after))

    @app.errorhandler(DBAPIError)
    def _dropped_connection(error: DBAPIError) -> Any:
        """A connection the database server dropped (a restart): the next try gets a fresh one.

        PostgreSQL also refuses text holding a NUL character, wherever it comes from (a query
        parameter, a JSON string, a path): that is the client's input, so a 400, never a 500.
        """
        if isinstance(error, DataError) and "NUL" in str(error.orig):
            return error_response(400, "bad_request", "文本中不能含有空字符（NUL，\\u0000）")
        if not error.connection_invalidated:
            raise error
        response = error_response(503, "unavailable", "数据库连接刚刚中断，请稍后重试")
        response.headers["Retry-After"] = "1"
        return response
