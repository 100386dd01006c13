"""The pages' forms stop where the API does: their lengths come from the server, never typed again."""

from __future__ import annotations

import json
import re
from pathlib import Path

from flask.testing import FlaskClient

from api.field_limits import FORM_LIMITS

REPO = Path(__file__).resolve().parent.parent
PAGES = [p for p in (REPO / "api" / "templates").rglob("*.html")] + [
    p for p in (REPO / "api" / "static" / "js").rglob("*.js")]

# Which field of the published API each form limit stands for (schema name, property).
API_FIELD = {
    "opinion": ("Complete", "opinion"), "reminder": ("Reminder", "note"), "pause_reason": ("Pause", "reason"),
    "extension_reason": ("ExtensionRequest", "reason"), "transfer_reason": ("TransferRequest", "reason"), "calendar_note": ("DayPatch", "note"),
    "supervision_text": ("OrderRequest", "content"), "accountability_reason": ("RecordBody", "reason"),
    "complaint_text": ("PublicComplaint", "text"), "complaint_feedback": ("Feedback", "comment"),
    "commitment_title": ("CommitmentBody", "title"), "commitment_target": ("CommitmentBody", "target"),
    "commitment_pledger": ("CommitmentBody", "pledged_by"), "commitment_note": ("ProgressBody", "note"),
    "evaluation_title": ("EvaluationBody", "title"), "fee_receipt": ("FeeBody", "receipt_no"),
    "fee_amount": ("FeeBody", "amount"),
    "follow_up_note": ("Done", "note"),
    "rating_comment": ("Rating", "comment"), "department_code": ("DepartmentCreate", "code"),
    "department_name": ("DepartmentCreate", "name"), "username": ("UserCreate", "username"),
    "password": ("UserCreate", "password"), "person": ("RecordBody", "person"),
    "camera_name": ("CameraSettings", "name"), "camera_source": ("CameraSettings", "source"),
    "zone_name": ("ZoneSettings", "name"), "project_name": ("Project", "name"),
    "project_code": ("Project", "code"), "applicant_field": ("Applicant", "name"),
    "intake_reason": ("NotAccepted", "reason"), "decision_reason": ("Decision", "reason"),
    "inquiry_question": ("InquiryAsk", "question"), "inquiry_category": ("InquiryAsk", "category"),
    "asker_field": ("InquiryAsk", "contact"), "inquiry_text": ("InquiryStep", "text"),
}
# Limits of the pages alone: the API has no such field or takes any length (named in field_limits).
PAGE_ONLY = {"data_key", "data_text", "query_code", "process_key", "element_name",
             "knowledge_search", "catalogue_search", "registration_search",
             # The catalogue editor's fields live inside one JSON object the API checks (check_item).
             "item_code", "item_name", "item_text", "item_reference", "item_fee", "item_phone", "material_name"}  # a query parameter, not a schema component: checked below


def test_no_page_types_a_length_of_its_own() -> None:
    typed = {f"{p.relative_to(REPO)}:{n}": line.strip() for p in PAGES
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
             if re.search(r"maxlength(=\"|: )\d", line, re.IGNORECASE)}
    assert typed == {}


def test_every_limit_a_page_names_exists() -> None:
    named = {m for p in PAGES for m in re.findall(r"\blimits(?:\(\))?\.(\w+)", p.read_text(encoding="utf-8"))}
    assert named, "the pages read their limits from the server"
    assert named - FORM_LIMITS.keys() == set()


def test_each_limit_is_the_length_the_api_publishes(client: FlaskClient) -> None:
    assert API_FIELD.keys() | PAGE_ONLY == FORM_LIMITS.keys()
    schemas = client.get("/api/openapi.json").get_json()["components"]["schemas"]
    published = {key: schemas[schema]["properties"][prop]["maxLength"] for key, (schema, prop) in API_FIELD.items()}
    assert published == {key: FORM_LIMITS[key] for key in API_FIELD}


def test_the_pages_receive_the_table(client: FlaskClient) -> None:
    html = client.get("/track").get_data(as_text=True)
    island = re.search(r'<script type="application/json" id="limits">(.*?)</script>', html, re.S)
    assert island is not None
    assert json.loads(island.group(1)) == FORM_LIMITS
    assert f'maxlength="{FORM_LIMITS["query_code"]}"' in html


def test_the_knowledge_search_limit_is_the_one_its_query_parameter_publishes(client: FlaskClient) -> None:
    operation = client.get("/api/openapi.json").get_json()["paths"]["/api/public/knowledge"]["get"]
    (q,) = [p for p in operation["parameters"] if p["name"] == "q"]
    assert q["schema"]["maxLength"] == FORM_LIMITS["knowledge_search"]


def test_the_registration_search_limit_is_the_one_its_query_parameter_publishes(client: FlaskClient) -> None:
    operation = client.get("/api/openapi.json").get_json()["paths"]["/api/instances"]["get"]
    (q,) = [p for p in operation["parameters"] if p["name"] == "q"]
    assert q["schema"]["maxLength"] == FORM_LIMITS["registration_search"]

