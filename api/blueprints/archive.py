"""Archived applications for the administrator: find them by code, read one back from its file."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate
from werkzeug.exceptions import NotFound

from engine.exceptions import ConflictError
from engine.models import ArchivedInstance
from engine.queries.archived import archived_by_code, archived_matching
from monitor.archive_file import file_sha256, find_application

from ..auth import requires
from ..field_limits import PROJECT_CODE
from ..presenters import iso
from ..schema_fields import instant
from ..wiring import Blueprint, request_session, services

blp = Blueprint("archive", __name__, url_prefix="/api/admin/archive",
                description="Applications archived after their retention (read-only)")


class ArchiveQuerySchema(Schema):
    """A query code (查询码) or a project code (项目代码), exactly as issued."""

    code = fields.String(required=True, validate=validate.Length(min=1, max=PROJECT_CODE),
                         metadata={"description": "query code or project code"})


class ArchivedSchema(Schema):
    """An archived application as the archive record names it."""

    query_code = fields.String(required=True)
    project_code = fields.String(required=True)
    project_name = fields.String(required=True)
    definition_key = fields.String(required=True)
    completed_at = instant(required=True)
    archived_at = instant(required=True)
    archived_by = fields.String(required=True)
    archive_file = fields.String(required=True)


class ArchivedListSchema(Schema):
    """The archived applications with that code (at most 50, newest completion first)."""

    items = fields.List(fields.Nested(ArchivedSchema), required=True)


class ArchivedDetailSchema(ArchivedSchema):
    """One archived application read back from its file."""

    file_intact = fields.Boolean(required=True, metadata={
        "description": "the file's SHA-256 is still the one recorded when it was archived"})
    instance = fields.Dict(required=True, metadata={"description": "the application's row as archived"})
    tasks = fields.List(fields.Dict(), required=True, metadata={"description": "its task rows"})
    history = fields.List(fields.Dict(), required=True, metadata={
        "description": "its audit events: seq, at, actor, action, task_id, details"})


def _json(row: ArchivedInstance) -> dict[str, Any]:
    return {"query_code": row.query_code, "project_code": row.project_code, "project_name": row.project_name,
            "definition_key": row.definition_key, "completed_at": iso(row.completed_at),
            "archived_at": iso(row.archived_at), "archived_by": row.archived_by,
            "archive_file": row.archive_file}


@blp.route("", methods=["GET"])
@blp.arguments(ArchiveQuerySchema, location="query", as_kwargs=True)
@blp.response(200, ArchivedListSchema)
@blp.doc(security=[{"bearerAuth": []}])
@requires("admin")
def search(code: str) -> dict[str, Any]:
    """Archived applications whose query code or project code is `code`."""
    return {"items": [_json(row) for row in archived_matching(request_session(), code.strip())]}


@blp.route("/<string:query_code>", methods=["GET"])
@blp.response(200, ArchivedDetailSchema)
@blp.doc(security=[{"bearerAuth": []}], description="404 when no application with this query code was "
         "archived, or its archive file is no longer in ONEWINDOW_ARCHIVE_DIR; 409 when the file cannot be "
         "read.")
@requires("admin")
def read(query_code: str) -> dict[str, Any]:
    """One archived application, its tasks and its history, read from the archive file."""
    row = archived_by_code(request_session(), query_code)
    if row is None:
        raise NotFound(f"没有查询码为 {query_code} 的归档办件")
    path = services().settings.archive_dir / row.archive_file
    if not path.is_file():
        raise NotFound(f"归档文件 {row.archive_file} 不在归档目录中，请从备份中放回")
    try:
        record = find_application(path, row.instance_id)
    except (OSError, EOFError, ValueError) as exc:  # not gzip, cut short, or a line that is not JSON
        raise ConflictError(f"归档文件 {row.archive_file} 无法读取（{exc}），请从备份中放回",
                            archive_file=row.archive_file) from None
    if record is None:
        raise NotFound(f"归档文件 {row.archive_file} 中没有办件 {query_code}")
    tasks = sorted(record["linked"].get("task", []), key=lambda t: t.get("created_at") or "")
    history = [{k: e.get(k) for k in ("seq", "at", "actor", "action", "task_id", "details")}
               for e in record["audit"]]
    return {**_json(row), "file_intact": file_sha256(path) == row.archive_sha256,
            "instance": {k: v for k, v in record["instance"].items() if k != "state"},
            "tasks": tasks, "history": history}
