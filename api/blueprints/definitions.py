"""Process definitions: deploy BPMN files, list keys and versions, fetch a version's XML."""

from __future__ import annotations

import re
from dataclasses import asdict
from typing import Any

from flask import Response, request
from marshmallow import Schema, ValidationError, fields, validate
from werkzeug.exceptions import BadRequest, UnsupportedMediaType

from bpmn.assignments import RULES
from engine.commands.deployment import DeployDefinitionCommand
from engine.commands.drafts import DRAFT_KEY, DiscardDraftCommand, SaveDraftCommand
from engine.definition_diff import ElementChange, diff_trees, parse_version
from engine.models import ProcessDefinition, ProcessDraft
from engine.queries.definitions import (
    definition_version,
    definition_versions,
    draft_or_404,
    latest_definitions,
    latest_version,
    saved_drafts,
)
from engine.queries.departments import department_names

from ..auth import requires, run_command
from ..diff_words import diff_words
from ..presenters import definition_json, iso
from ..schema_fields import instant
from ..wiring import Blueprint, request_session, services

blp = Blueprint("definitions", __name__, url_prefix="/api/definitions",
                description="Deploy and version BPMN process definitions")

XML_TYPES = ("application/xml", "text/xml", "application/bpmn+xml")
XML_TEXT = {"type": "string"}
# What _uploaded_xml reads: the XML as the raw body in any of XML_TYPES, or a multipart field `file`.
BPMN_UPLOAD = {"required": True, "content": {
    **{kind: {"schema": XML_TEXT} for kind in XML_TYPES},
    "multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": {
        "file": {"type": "string", "format": "binary"}}}},
}}
# A lane's department chosen at deploy: 泳道名称=部门代码.
LANE_CHOICE = re.compile(r"^[^=\n]{1,40}=[A-Za-z0-9_-]{1,32}$")
MAX_LANE_CHOICES = 12


def _lane_choice(value: str) -> None:
    if not LANE_CHOICE.fullmatch(value) or value.endswith("\n"):
        raise ValidationError("须写成“泳道名称=部门代码”，泳道名称不超过 40 个字")


# The revision check of a draft save; _if_match_revision reads the same form.
IF_MATCH = re.compile(r'(W/)?"?([0-9]{1,9})"?')
IF_MATCH_HEADER = {"in": "header", "name": "If-Match", "required": False, "schema": {
    "type": "string", "pattern": f"^{IF_MATCH.pattern}$"}, "description": (
    "the revision this save is based on, e.g. 3 or \"3\"; 409 when someone saved a newer one")}
DRAFT_KEY_PARAMETER = {"in": "path", "name": "key", "required": True, "schema": {
    "type": "string", "pattern": DRAFT_KEY.pattern, "maxLength": 255},
    "description": "the process id the draft is for"}


class DefinitionSchema(Schema):
    """One deployed version of a process, as definition_json describes it."""

    id = fields.Integer(required=True)
    key = fields.String(required=True)
    version = fields.Integer(required=True)
    name = fields.String(required=True)
    deployed_at = instant(required=True)
    deployed_by = fields.String(required=True, allow_none=True)
    sha256 = fields.String(required=True, metadata={"description": "SHA-256 of the deployed XML"})


class DeployedVersionSchema(DefinitionSchema):
    """A version a deployment produced or found, and whether it is new."""

    created = fields.Boolean(required=True,
                             metadata={"description": "false: identical to the latest version"})


class AssignmentSchema(Schema):
    """Which department a human task went to, and by which rule."""

    process = fields.String(required=True)
    task = fields.String(required=True, metadata={"description": "the task's element id"})
    name = fields.String(required=True)
    department = fields.String(required=True, metadata={
        "description": "a department code, or {data_key} for a lane chosen while the case runs"})
    rule = fields.String(required=True, validate=validate.OneOf(RULES), metadata={"description": (
        "lane: its lane names the department; candidate_groups: camunda/flowable candidateGroups name it "
        "(directly or via ONEWINDOW_GROUP_DEPARTMENTS); "
        "lane_mapping: the deploy's lane_department chose it")})
    source = fields.String(required=True, metadata={"description": "the lane name or the groups read"})


class DeployWarningSchema(Schema):
    """Something the diagram says that OneWindow reads but does not follow."""

    message = fields.String(required=True)
    element = fields.String(allow_none=True)
    line = fields.Integer(allow_none=True)


class RewriteSchema(Schema):
    """A change deployment made to the uploaded diagram, as written and as stored."""

    element = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(("due_date", "condition")), metadata={
        "description": "due_date: a camunda/flowable dueDate became a deadline timer; condition: a JUEL "
                       "or FEEL condition became Python (only with rewrite_conditions)"})
    before = fields.String(required=True)
    after = fields.String(required=True)


class DeployResultSchema(DeployedVersionSchema):
    """The first process the file deployed, flat (older clients read it so), and every process in it."""

    deployed = fields.List(fields.Nested(DeployedVersionSchema), required=True,
                           metadata={"description": "every process key the file deployed"})
    assignments = fields.List(fields.Nested(AssignmentSchema), required=True,
                              metadata={"description": "every human task of every deployed process"})
    warnings = fields.List(fields.Nested(DeployWarningSchema), required=True)
    rewrites = fields.List(fields.Nested(RewriteSchema), required=True)


class DeployQuerySchema(Schema):
    """Departments for lanes that are not named by a department code (diagrams from other tools).

    Bounded so the whole query fits the request line servers accept (8 KiB), even percent-encoded.
    """

    lane_department = fields.List(
        fields.String(validate=_lane_choice, metadata={"pattern": LANE_CHOICE.pattern}),
        load_default=list, validate=validate.Length(max=MAX_LANE_CHOICES), metadata={
            "description": "repeat per lane: 泳道名称=部门代码, e.g. 受理窗口=zwfw"})
    rewrite_conditions = fields.Boolean(load_default=False, metadata={
        "description": "rewrite the simple JUEL/FEEL conditions into Python, as the 422's "
                       "details.condition_rewrites previewed them"})


class DefinitionDetailSchema(DefinitionSchema):
    """The latest version of a key, with every version of it."""

    versions = fields.List(fields.Nested(DefinitionSchema))


class DefinitionListSchema(Schema):
    """The latest version of every process key."""

    items = fields.List(fields.Nested(DefinitionSchema))


class DraftSchema(Schema):
    """A saved draft's bookkeeping (its XML is fetched with GET …/draft)."""

    key = fields.String(required=True)
    revision = fields.Integer(required=True,
                              metadata={"description": "send it back as If-Match when saving again"})
    saved_at = instant(required=True)
    saved_by = fields.String(required=True)


class DraftListSchema(Schema):
    """Every saved draft, most recently saved first."""

    items = fields.List(fields.Nested(DraftSchema))


class DiffQuerySchema(Schema):
    """The two versions to compare."""

    from_version = fields.Integer(data_key="from", validate=validate.Range(min=1, max=2**31),
                                  metadata={"description": "default: the version before `to`"})
    to_version = fields.Integer(data_key="to", validate=validate.Range(min=1, max=2**31),
                                metadata={"description": "default: the latest version"})


class ElementChangeSchema(Schema):
    """One BPMN element added, removed or changed between two versions."""

    id = fields.String()
    type = fields.String()
    name = fields.String(allow_none=True)
    aspects = fields.List(fields.String(), metadata={"description": "name, timeDate, flowNodeRef, …"})
    before = fields.Dict()
    after = fields.Dict()
    words = fields.List(fields.String(), metadata={
        "description": "the change in sentences (时限 20 → 18 个工作日), lanes by department"})


class DiffSchema(Schema):
    """What changed between two versions of a process."""

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
            raise BadRequest("multipart 上传须包含名为 'file' 的字段")
        return upload.read(), upload.filename or "upload.bpmn"
    raise UnsupportedMediaType("请以 application/xml 格式或 multipart 字段 'file' 上传 BPMN 文件")


@blp.route("", methods=["POST"])
@blp.arguments(DeployQuerySchema, location="query", as_kwargs=True)
@blp.doc(security=[{"bearerAuth": []}], requestBody=BPMN_UPLOAD, description=(
    "422 when the file is not BPMN that parses and passes lint (details.problems lists why; "
    "details.unknown_lanes the lanes a lane_department could resolve; details.condition_rewrites the "
    "JUEL/FEEL conditions rewrite_conditions would rewrite), or is larger than "
    "ONEWINDOW_MAX_BPMN_BYTES."))
@blp.alt_response(201, schema=DeployResultSchema, success=True, description="a new version was deployed")
@blp.alt_response(200, schema=DeployResultSchema, success=True,
                  description="the file is identical to the latest version: nothing new was deployed")
@requires("designer", "admin")
def deploy(lane_department: list[str], rewrite_conditions: bool) -> Any:
    """Deploy a BPMN file: 201 with the new version, 200 when identical to the latest."""
    xml, filename = _uploaded_xml()
    lanes = dict(choice.split("=", 1) for choice in lane_department)
    settings = services().settings
    results = run_command(DeployDefinitionCommand(xml, filename, settings.max_bpmn_bytes, lanes,
                                                  settings.group_departments, rewrite_conditions))
    deployed = [{**definition_json(r.definition), "created": r.created} for r in results]
    body = {**deployed[0], "deployed": deployed,
            "assignments": [asdict(a) for r in results for a in r.assignments],
            "warnings": [{"message": m, "element": e, "line": n} for m, e, n in results[0].warnings],
            "rewrites": [asdict(r) for r in results[0].rewrites]}
    return body, (201 if any(r.created for r in results) else 200)


@blp.route("", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.response(200, DefinitionListSchema)
@requires()
def list_definitions() -> dict[str, Any]:
    """List the latest version of every process key."""
    return {"items": [definition_json(d) for d in latest_definitions(request_session())]}


@blp.route("/<string:key>", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.response(200, DefinitionDetailSchema)
@requires()
def get_definition(key: str) -> dict[str, Any]:
    """Return the latest version of a key with the list of all versions."""
    versions = definition_versions(request_session(), key)
    return {**definition_json(versions[0]), "versions": [definition_json(v) for v in versions]}


@blp.route("/<string:key>/versions/<int:version>/xml", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.alt_response(200, schema=XML_TEXT, content_type="application/xml", success=True,
                  description="the BPMN XML, byte for byte as deployed")
@requires()
def get_definition_xml(key: str, version: int) -> Response:
    """Return the exact BPMN XML that was deployed as this version."""
    return Response(_version(key, version).xml, mimetype="application/xml")


def _version(key: str, version: int) -> ProcessDefinition:
    return definition_version(request_session(), key, version)


@blp.route("/<string:key>/diff", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(DiffQuerySchema, location="query")
@blp.response(200, DiffSchema)
@requires()
def diff_versions(query: dict[str, Any], key: str) -> dict[str, Any]:
    """Elements added, removed and changed between two versions (layout moves are not changes)."""
    latest = latest_version(request_session(), key)
    to_version = query.get("to_version", latest)
    from_version = query.get("from_version", max(to_version - 1, 1))
    old, new = _version(key, from_version), _version(key, to_version)
    old_root, new_root = parse_version(old.xml.encode()), parse_version(new.xml.encode())
    diff = diff_trees(old_root, new_root)
    words = diff_words(diff, old_root, new_root, department_names(request_session()))

    def worded(kind: str, changes: list[ElementChange]) -> list[dict[str, Any]]:
        return [{**asdict(c), "words": words[kind].get(c.id, [])} for c in changes]

    return {"key": key, "from_version": from_version, "to_version": to_version,
            "added": worded("added", diff.added), "removed": worded("removed", diff.removed),
            "changed": worded("changed", diff.changed)}


def _draft_json(draft: ProcessDraft) -> dict[str, Any]:
    return {"key": draft.key, "revision": draft.revision, "saved_at": iso(draft.saved_at),
            "saved_by": draft.saved_by}


def _if_match_revision() -> int | None:
    """The revision the designer's page last saw (`If-Match: 3` or `"3"`), if it sent one."""
    header = request.headers.get("If-Match")
    if header is None:
        return None
    match = IF_MATCH.fullmatch(header.strip())
    if match is None:
        raise BadRequest("If-Match 须为草稿修订号，例如 If-Match: 3")
    return int(match.group(2))


@blp.route("/drafts", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.response(200, DraftListSchema)
@requires("designer", "admin")
def list_drafts() -> dict[str, Any]:
    """Every saved draft, most recently saved first."""
    drafts = saved_drafts(request_session())
    return {"items": [_draft_json(d) for d in drafts]}


@blp.route("/<string:key>/draft", methods=["PUT"], parameters=[DRAFT_KEY_PARAMETER])
@blp.doc(security=[{"bearerAuth": []}], requestBody=BPMN_UPLOAD, parameters=[IF_MATCH_HEADER], description=(
    "422 when the body is not well-formed XML that is safe to parse, or is larger than "
    "ONEWINDOW_MAX_BPMN_BYTES; 409 when someone saved a newer revision than If-Match names."))
@blp.alt_response(200, schema=DraftSchema, success=True, description="the draft was saved",
                  headers={"ETag": {"description": "the new revision, quoted", "schema": {"type": "string"}}})
@requires("designer", "admin")
def save_draft(key: str) -> Any:
    """Save the diagram being edited without deploying it (lint runs only at deploy)."""
    xml, _ = _uploaded_xml()
    draft = run_command(SaveDraftCommand(key, xml, _if_match_revision(), services().settings.max_bpmn_bytes))
    return _draft_json(draft), 200, {"ETag": f'"{draft.revision}"'}


@blp.route("/<string:key>/draft", methods=["GET"], parameters=[DRAFT_KEY_PARAMETER])
@blp.doc(security=[{"bearerAuth": []}])
@blp.alt_response(200, schema=XML_TEXT, content_type="application/xml", success=True,
                  description="the draft's XML", headers={
                      "ETag": {"description": "the draft's revision, quoted", "schema": {"type": "string"}},
                      "X-Draft-Saved-By": {"description": "who saved it", "schema": {"type": "string"}},
                      "X-Draft-Saved-At": {"description": "when, ISO 8601",
                                           "schema": {"type": "string", "format": "date-time"}}})
@requires("designer", "admin")
def get_draft(key: str) -> Response:
    """The draft's XML; its revision is in the ETag header."""
    draft = draft_or_404(request_session(), key)
    return Response(draft.xml, mimetype="application/xml", headers={
        "ETag": f'"{draft.revision}"', "X-Draft-Saved-By": draft.saved_by,
        "X-Draft-Saved-At": iso(draft.saved_at) or ""})


@blp.route("/<string:key>/draft", methods=["DELETE"], parameters=[DRAFT_KEY_PARAMETER])
@blp.doc(security=[{"bearerAuth": []}])
@blp.response(204)
@requires("designer", "admin")
def discard_draft(key: str) -> None:
    """Throw the draft away."""
    run_command(DiscardDraftCommand(key))
