"""The service catalogue (事项清单): public browsing and guides; drafts, publishing and import for editors."""

from __future__ import annotations

from typing import Any

from flask import Response, request
from marshmallow import Schema, fields, validate
from sqlalchemy.orm import Session
from werkzeug.exceptions import BadRequest, UnsupportedMediaType

from engine.exceptions import InvalidError
from engine.queries.departments import department_names
from monitor.catalogue_workbook import catalogue_workbook, items_from_sheets
from monitor.commands.catalogue import (
    MAX_IMPORT,
    ImportCatalogueCommand,
    PublishItemCommand,
    SaveItemDraftCommand,
)
from monitor.commands.fees import MAX_AMOUNT_TEXT as FEE_AMOUNT
from monitor.commands.fees import MAX_RECEIPT_NO, RecordFeeCommand
from monitor.models import ApplicationFee, ServiceItem, ServiceItemVersion
from monitor.queries.catalogue import (
    MAX_CATALOGUE_SEARCH,
    all_items,
    application_item,
    item_or_404,
    item_version,
    item_versions,
    latest_contents,
    published_items,
)
from monitor.workbook_reading import WORKBOOK_TYPES, XLSX_TYPE, WorkbookError, read_sheets

from ..auth import requires, run_command
from ..presenters import iso
from ..schema_fields import PageSchema, instant, whole_number
from ..wiring import Blueprint, request_session

blp = Blueprint("catalogue", __name__, url_prefix="/api", description="Service catalogue (事项清单)")

EDITORS = ("admin", "designer")
CONTENT_DESCRIPTION = (
    "name, department (code: 办理主体), legal_basis and basis_reference (办理依据), conditions (办理条件), "
    "procedure (办理程序), legal_days and promised_days (working days, promised <= legal), kind "
    "(immediate 即办件 | promised 承诺件), definition_key (the deployed process it runs), materials "
    "[{name, form: original|copy|original_and_copy, copies, required, shortfall_allowed (可容缺), "
    "template}], fees {charged, basis, standard}, result (办理结果), supervision_phone and "
    "supervision_note (监督渠道); every problem is answered at once (422)")


class CatalogueQuerySchema(Schema):
    """Search the published catalogue."""

    q = fields.String(load_default=None, validate=validate.Length(max=MAX_CATALOGUE_SEARCH),
                      metadata={"description": "part of an item's name or code"})
    department = fields.String(load_default=None, validate=validate.Length(max=32))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class VersionQuerySchema(Schema):
    """Which published version of an item (the latest when left out)."""

    version = fields.Integer(load_default=None, validate=validate.Range(min=1, max=100_000))


class ItemSummarySchema(Schema):
    """An item as the catalogue lists it."""

    code = fields.String(required=True)
    version = fields.Integer(required=True)
    name = fields.String(required=True)
    department = fields.String(required=True)
    department_name = fields.String(required=True)
    definition_key = fields.String(required=True, metadata={"description": "the process it runs"})
    kind = fields.String(required=True, metadata={"enum": ["immediate", "promised"]})
    legal_days = fields.Integer(required=True)
    promised_days = fields.Integer(required=True)
    charged = fields.Boolean(required=True)


class ItemPageSchema(PageSchema):
    """A page of the published catalogue, by code."""

    items = fields.List(fields.Nested(ItemSummarySchema), required=True)


class ItemGuideSchema(ItemSummarySchema):
    """An item's guide (办事指南): a published version with everything it discloses."""

    content = fields.Dict(required=True, metadata={"description": CONTENT_DESCRIPTION})
    published_at = instant(required=True)


class ItemDraftSchema(Schema):
    """An edit of an item, saved as its draft."""

    content = fields.Dict(required=True, metadata={"description": CONTENT_DESCRIPTION})
    expected_revision = whole_number(load_default=None, allow_none=True, validate=validate.Range(min=0),
                                     metadata={"description": "the draft revision the page holds (409 when "
                                                              "someone saved a newer one)"})


class PublishedVersionSchema(Schema):
    """One published version in an item's history."""

    version = fields.Integer(required=True)
    name = fields.String(required=True)
    published_at = instant(required=True)
    published_by = fields.String(required=True)


class ItemEditSchema(Schema):
    """An item as its editors see it: the draft, if any, and every published version."""

    code = fields.String(required=True)
    latest_version = fields.Integer(required=True, metadata={"description": "0 until first published"})
    draft = fields.Dict(required=True, allow_none=True)
    draft_revision = fields.Integer(required=True)
    draft_saved_at = instant(required=True, allow_none=True)
    draft_saved_by = fields.String(required=True, allow_none=True)
    versions = fields.List(fields.Nested(PublishedVersionSchema), required=True)


class EditorListSchema(Schema):
    """Every item of the catalogue, for its editors."""

    items = fields.List(fields.Nested(Schema.from_dict({
        "code": fields.String(required=True), "name": fields.String(required=True),
        "latest_version": fields.Integer(required=True), "has_draft": fields.Boolean(required=True),
        "draft_saved_at": instant(required=True, allow_none=True)}, name="EditorItemSchema")), required=True)


class ImportSchema(Schema):
    """Items to publish, each `{code, ...content}`: all of them, or none when any has a problem."""

    items = fields.List(fields.Dict(), required=True, validate=validate.Length(min=1, max=MAX_IMPORT))


class ImportedSchema(Schema):
    """What an import published."""

    published = fields.List(fields.Nested(Schema.from_dict(
        {"code": fields.String(required=True), "version": fields.Integer(required=True)},
        name="ImportedItemSchema")), required=True)


def summary_json(item: ServiceItem, version: ServiceItemVersion, names: dict[str, str]) -> dict[str, Any]:
    """An item's latest published version as lists show it."""
    return {"code": item.code, "version": version.version, "name": version.name,
            "department": version.department_code,
            "department_name": names.get(version.department_code, version.department_code),
            "definition_key": version.definition_key, "kind": version.kind, "legal_days": version.legal_days,
            "promised_days": version.promised_days,
            "charged": bool((version.content.get("fees") or {}).get("charged"))}


def guide_json(item: ServiceItem, version: ServiceItemVersion, names: dict[str, str]) -> dict[str, Any]:
    """A published version with everything it discloses."""
    return {**summary_json(item, version, names), "content": version.content,
            "published_at": iso(version.published_at)}


def application_item_json(session: Session, instance_id: int) -> dict[str, Any] | None:
    """The catalogue item version an application was registered under, and its fee, as pages show them."""
    pair = application_item(session, instance_id)
    if pair is None:
        return None
    item, version = pair
    fee = session.get(ApplicationFee, instance_id)
    return {"code": item.code, "version": version.version, "name": version.name, "kind": version.kind,
            "legal_days": version.legal_days, "promised_days": version.promised_days,
            "charged": bool((version.content.get("fees") or {}).get("charged")),
            "fee": None if fee is None else fee_json(fee)}


def fee_json(fee: ApplicationFee) -> dict[str, Any]:
    """A fee as recorded at the window: amount in yuan (text, two decimals), receipt number, who and when."""
    return {"amount": f"{fee.amount:.2f}", "receipt_no": fee.receipt_no, "recorded_at": iso(fee.recorded_at),
            "recorded_by": fee.recorded_by}


def _edit_json(code: str) -> dict[str, Any]:
    session = request_session()
    item = item_or_404(session, code)
    return {"code": item.code, "latest_version": item.latest_version, "draft": item.draft,
            "draft_revision": item.draft_revision, "draft_saved_at": iso(item.draft_saved_at),
            "draft_saved_by": item.draft_saved_by,
            "versions": [{"version": v.version, "name": v.name, "published_at": iso(v.published_at),
                          "published_by": v.published_by} for v in item_versions(session, code)]}


@blp.route("/public/catalogue", methods=["GET"])
@blp.arguments(CatalogueQuerySchema, location="query")
@blp.response(200, ItemPageSchema)
def browse(args: dict[str, Any]) -> dict[str, Any]:
    """Browse or search the published catalogue; no login."""
    session = request_session()
    rows, total = published_items(session, q=(args["q"] or "").strip() or None, department=args["department"],
                                  page=args["page"], per_page=args["per_page"])
    names = department_names(session)
    return {"items": [summary_json(item, version, names) for item, version in rows], "total": total,
            "page": args["page"], "per_page": args["per_page"]}


@blp.route("/public/catalogue/<string:code>", methods=["GET"])
@blp.arguments(VersionQuerySchema, location="query")
@blp.response(200, ItemGuideSchema)
@blp.alt_response(404, description="no published item (or version) with this code")
def guide(args: dict[str, Any], code: str) -> dict[str, Any]:
    """An item's guide (办事指南): its latest published version, or the one asked for; no login."""
    session = request_session()
    version = item_version(session, code, args["version"])
    return guide_json(item_or_404(session, code), version, department_names(session))


@blp.route("/catalogue", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.response(200, EditorListSchema)
@requires(*EDITORS)
def editor_list() -> dict[str, Any]:
    """Every item, published or not, with whether a draft waits to be published."""
    return {"items": [{"code": item.code, "name": name, "latest_version": item.latest_version,
                       "has_draft": item.draft is not None, "draft_saved_at": iso(item.draft_saved_at)}
                      for item, name in all_items(request_session())]}


@blp.route("/catalogue/<string:code>", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.response(200, ItemEditSchema)
@blp.alt_response(404, description="no item with this code")
@requires(*EDITORS)
def edit_view(code: str) -> dict[str, Any]:
    """An item with its draft and published versions, for its editors."""
    return _edit_json(code)


@blp.route("/catalogue/<string:code>/draft", methods=["PUT"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(ItemDraftSchema)
@blp.response(200, ItemEditSchema)
@blp.alt_response(409, description="someone saved a newer draft than expected_revision")
@blp.alt_response(422, description="the code or the content breaks a rule; every problem is named")
@requires(*EDITORS)
def save_draft(body: dict[str, Any], code: str) -> dict[str, Any]:
    """Create an item, or save an edit of one as its draft; it is published separately."""
    run_command(SaveItemDraftCommand(code, body["content"], body["expected_revision"]))
    return _edit_json(code)


@blp.route("/catalogue/<string:code>/publish", methods=["POST"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.response(201, ItemGuideSchema)
@blp.alt_response(404, description="no item with this code")
@blp.alt_response(409, description="the item has no draft to publish")
@requires(*EDITORS)
def publish(code: str) -> dict[str, Any]:
    """Publish the draft as the item's next version; applications keep the version they started with."""
    version = run_command(PublishItemCommand(code))
    session = request_session()
    return guide_json(item_or_404(session, code), version, department_names(session))


@blp.route("/catalogue/import", methods=["POST"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(ImportSchema)
@blp.response(201, ImportedSchema)
@blp.alt_response(422, description="an item breaks a rule: each problem named as items[i].field, none stored")
@requires(*EDITORS)
def import_items(body: dict[str, Any]) -> dict[str, Any]:
    """Publish many items at once (a centre's whole catalogue): each as its item's next version."""
    published = run_command(ImportCatalogueCommand(body["items"]))
    return {"published": [{"code": code, "version": version.version} for code, version in published]}


@blp.route("/catalogue/import/workbook", methods=["POST"])
@blp.doc(security=[{"bearerAuth": []}], requestBody={"required": True, "content": {
    kind: {"schema": {"type": "string", "format": "binary"}} for kind in WORKBOOK_TYPES}},
    description="An Excel workbook in the shape GET /api/catalogue/workbook gives: a sheet 事项 with a row "
                "per item and a sheet 材料 with a row per material (its item's code first). 422 names each "
                "problem by sheet, row and column header, and nothing is stored.")
@blp.alt_response(201, schema=ImportedSchema, success=True)
@blp.alt_response(415, description="the body is not an .xlsx workbook")
@blp.alt_response(422, description="a header, cell or item is wrong: every problem named, none stored")
@requires(*EDITORS)
def import_workbook() -> tuple[dict[str, Any], int]:
    """Publish the items of an Excel catalogue (事项清单) at once, each as its item's next version."""
    if request.mimetype not in WORKBOOK_TYPES:
        raise UnsupportedMediaType("请上传 Excel 工作簿（.xlsx）")
    try:
        sheets = read_sheets(request.get_data(cache=False))
    except WorkbookError as exc:
        raise BadRequest(str(exc)) from None
    items, sheet_problems, locate = items_from_sheets(sheets)
    try:
        published = run_command(ImportCatalogueCommand(items, tuple(sheet_problems)))
    except InvalidError as exc:
        raise InvalidError(exc.message, [locate(p) for p in exc.problems]) from None
    return {"published": [{"code": code, "version": version.version} for code, version in published]}, 201


@blp.route("/catalogue/workbook", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}], responses={"200": {
    "description": "the published catalogue as an Excel workbook (the blank template when it is empty)",
    "content": {XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}}}}})
@requires(*EDITORS)
def export_workbook() -> Response:
    """Download the catalogue as the workbook the import reads, to edit in Excel and import again."""
    body = catalogue_workbook(latest_contents(request_session()))
    return Response(body, mimetype=XLSX_TYPE,
                    headers={"Content-Disposition": 'attachment; filename="catalogue.xlsx"'})


class FeeBodySchema(Schema):
    """What the applicant paid, in yuan, and the receipt's number."""

    amount = fields.String(required=True, validate=validate.Length(max=FEE_AMOUNT), metadata={
        "description": "yuan, at most two decimals, e.g. 1250.00"})
    receipt_no = fields.String(required=True, validate=validate.Length(max=MAX_RECEIPT_NO))


class FeeSchema(Schema):
    """A fee recorded at the window."""

    amount = fields.String(required=True)
    receipt_no = fields.String(required=True)
    recorded_at = instant(required=True)
    recorded_by = fields.String(required=True)


@blp.route("/instances/<int:instance_id>/fee", methods=["POST"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(FeeBodySchema)
@blp.response(201, FeeSchema)
@blp.alt_response(404, description="no such application")
@blp.alt_response(409, description="its fee is recorded already")
@blp.alt_response(422, description="its item is free, or the amount or receipt number is wrong")
@requires("window", "admin")
def record_fee(body: dict[str, Any], instance_id: int) -> dict[str, Any]:
    """Record the fee of a charged item, collected at the window (一窗收费), once."""
    return fee_json(run_command(RecordFeeCommand(instance_id, body["amount"], body["receipt_no"])))
