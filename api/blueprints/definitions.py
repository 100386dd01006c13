"""Process definitions: deploy BPMN files, list keys and versions, fetch a version's XML."""

from __future__ import annotations

from typing import Any

from flask import Response, request
from marshmallow import Schema, fields, validate
from sqlalchemy import func, select
from werkzeug.exceptions import BadRequest, UnsupportedMediaType

from engine.commands.drafts import DiscardDraftCommand, SaveDraftCommand
from engine.definition_diff import diff_definitions
from engine.deployment import DeployDefinitionCommand
from engine.exceptions import NotFoundError
from engine.models import ProcessDefinition, ProcessDraft

from ..auth import requires
from ..extensions import Blueprint, db, run_command, services
from ..presenters import definition_json, iso

blp = Blueprint("definitions", __name__, url_prefix="/api/definitions",
                description="Deploy and version BPMN process definitions")

XML_TYPES = ("application/xml", "text/xml", "application/bpmn+xml")


class DefinitionSchema(Schema):
    id = fields.Integer()
    key = fields.String()
    version = fields.Integer()
    name = fields.String()
    deployed_at = fields.String()
    deployed_by = fields.String(allow_none=True)
    sha256 = fields.String()


class DeployResultSchema(DefinitionSchema):
    created = fields.Boolean()
    deployed = fields.List(fields.Dict(), metadata={"description": "every process key the file deployed"})


class DefinitionDetailSchema(DefinitionSchema):
    versions = fields.List(fields.Nested(DefinitionSchema))


class DefinitionListSchema(Schema):
    items = fields.List(fields.Nested(DefinitionSchema))


class DraftSchema(Schema):
    key = fields.String()
    revision = fields.Integer(metadata={"description": "send it back as If-Match when saving again"})
    saved_at = fields.String()
    saved_by = fields.String()


class DraftListSchema(Schema):
    items = fields.List(fields.Nested(DraftSchema))


class DiffQuerySchema(Schema):
    from_version = fields.Integer(data_key="from", validate=validate.Range(min=1, max=2**31),
                                  metadata={"description": "default: the version before `to`"})
    to_version = fields.Integer(data_key="to", validate=validate.Range(min=1, max=2**31),
                                metadata={"description": "default: the latest version"})


class ElementChangeSchema(Schema):
    id = fields.String()
    type = fields.String()
    name = fields.String(allow_none=True)
    aspects = fields.List(fields.String(), metadata={"description": "name, timeDate, flowNodeRef, …"})
    before = fields.Dict()
    after = fields.Dict()


class DiffSchema(Schema):
    key = fields.String()
    from_version = fields.Integer(data_key="from")
    to_version = fields.Integer(data_key="to")
    added = fields.List(fields.Nested(ElementChangeSchema))
    removed = fields.List(fields.Nested(ElementChangeSchema))
    changed = fields.List(fields.Nested(ElementChangeSchema))


def _uploaded_xml() -> tuple[bytes, str]:
    """Accept the XML as the raw body or as the multipart field `file`."""
    if request.mimetype in XML_TYPES:
        return request.get_data(cache=False), "upload.bpmn"
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("file")
        if upload is None:
            raise BadRequest("multipart upload needs a field named 'file'")
        return upload.read(), upload.filename or "upload.bpmn"
    raise UnsupportedMediaType("send the BPMN as application/xml or as multipart field 'file'")


@blp.route("", methods=["POST"])
@blp.doc(security=[{"bearerAuth": []}], requestBody={"content": {
    "application/xml": {"schema": {"type": "string"}},
    "multipart/form-data": {"schema": {"type": "object", "properties": {"file": {"type": "string",
                                                                                    "format": "binary"}}}},
}}, responses={"200": {"description": "identical file: the existing version"},
               "422": {"description": "the file fails to parse or lint; details.problems lists why"}})
@requires("designer", "admin")
def deploy() -> Any:
    """Deploy a BPMN file: 201 with the new version, 200 when identical to the latest."""
    xml, filename = _uploaded_xml()
    results = run_command(DeployDefinitionCommand(xml, filename, services().settings.max_bpmn_bytes))
    deployed = [{**definition_json(r.definition), "created": r.created} for r in results]
    body = {**deployed[0], "deployed": deployed}
    return body, (201 if any(r.created for r in results) else 200)


@blp.route("", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.response(200, DefinitionListSchema)
@requires()
def list_definitions() -> dict[str, Any]:
    """List the latest version of every process key."""
    rows = db.session.scalars(select(ProcessDefinition).order_by(ProcessDefinition.key,
                                                                 ProcessDefinition.version.desc()))
    latest: dict[str, ProcessDefinition] = {}
    for row in rows:
        latest.setdefault(row.key, row)
    return {"items": [definition_json(d) for d in latest.values()]}


@blp.route("/<string:key>", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.response(200, DefinitionDetailSchema)
@requires()
def get_definition(key: str) -> dict[str, Any]:
    """Return the latest version of a key with the list of all versions."""
    versions = db.session.scalars(select(ProcessDefinition).where(ProcessDefinition.key == key)
                                  .order_by(ProcessDefinition.version.desc())).all()
    if not versions:
        raise NotFoundError(f"no process definition with key '{key}'", key=key)
    return {**definition_json(versions[0]), "versions": [definition_json(v) for v in versions]}


@blp.route("/<string:key>/versions/<int:version>/xml", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
@requires()
def get_definition_xml(key: str, version: int) -> Response:
    """Return the exact BPMN XML that was deployed as this version."""
    return Response(_version(key, version).xml, mimetype="application/xml")


def _version(key: str, version: int) -> ProcessDefinition:
    row = db.session.scalar(select(ProcessDefinition).where(ProcessDefinition.key == key,
                                                            ProcessDefinition.version == version))
    if row is None:
        raise NotFoundError(f"no version {version} of process '{key}'", key=key, version=version)
    return row


@blp.route("/<string:key>/diff", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(DiffQuerySchema, location="query")
@blp.response(200, DiffSchema)
@requires()
def diff_versions(query: dict[str, Any], key: str) -> dict[str, Any]:
    """Elements added, removed and changed between two versions (layout moves are not changes)."""
    latest = db.session.scalar(select(func.max(ProcessDefinition.version))
                               .where(ProcessDefinition.key == key))
    if latest is None:
        raise NotFoundError(f"no process definition with key '{key}'", key=key)
    to_version = query.get("to_version", latest)
    from_version = query.get("from_version", max(to_version - 1, 1))
    old, new = _version(key, from_version), _version(key, to_version)
    diff = diff_definitions(old.xml.encode(), new.xml.encode())
    return {"key": key, "from_version": from_version, "to_version": to_version,
            "added": diff.added, "removed": diff.removed, "changed": diff.changed}


def _draft_json(draft: ProcessDraft) -> dict[str, Any]:
    return {"key": draft.key, "revision": draft.revision, "saved_at": iso(draft.saved_at),
            "saved_by": draft.saved_by}


def _if_match_revision() -> int | None:
    """The revision the designer's page last saw (`If-Match: 3` or `"3"`), if it sent one."""
    header = request.headers.get("If-Match")
    if header is None:
        return None
    value = header.strip().removeprefix("W/").strip('"')
    if not value.isdigit() or len(value) > 9:
        raise BadRequest("If-Match must be a draft revision number, e.g. If-Match: 3")
    return int(value)


@blp.route("/drafts", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.response(200, DraftListSchema)
@requires("designer", "admin")
def list_drafts() -> dict[str, Any]:
    """Every saved draft, most recently saved first."""
    drafts = db.session.scalars(select(ProcessDraft).order_by(ProcessDraft.saved_at.desc()))
    return {"items": [_draft_json(d) for d in drafts]}


@blp.route("/<string:key>/draft", methods=["PUT"])
@blp.doc(security=[{"bearerAuth": []}], requestBody={"content": {"application/xml": {"schema": {
    "type": "string"}}}}, responses={"409": {"description": "someone saved a newer revision (If-Match)"}})
@requires("designer", "admin")
def save_draft(key: str) -> Any:
    """Save the diagram being edited without deploying it (lint runs only at deploy)."""
    xml, _ = _uploaded_xml()
    draft = run_command(SaveDraftCommand(key, xml, _if_match_revision(), services().settings.max_bpmn_bytes))
    return _draft_json(draft), 200, {"ETag": f'"{draft.revision}"'}


@blp.route("/<string:key>/draft", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
@requires("designer", "admin")
def get_draft(key: str) -> Response:
    """The draft's XML; its revision is in the ETag header."""
    draft = db.session.scalar(select(ProcessDraft).where(ProcessDraft.key == key))
    if draft is None:
        raise NotFoundError(f"no draft of '{key}'", key=key)
    return Response(draft.xml, mimetype="application/xml", headers={
        "ETag": f'"{draft.revision}"', "X-Draft-Saved-By": draft.saved_by,
        "X-Draft-Saved-At": iso(draft.saved_at) or ""})


@blp.route("/<string:key>/draft", methods=["DELETE"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.response(204)
@requires("designer", "admin")
def discard_draft(key: str) -> None:
    """Throw the draft away."""
    run_command(DiscardDraftCommand(key))
