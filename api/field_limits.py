"""How long each free-text field may be: one table for the API's schemas and the pages' forms.

The commands enforce most of these lengths themselves; the schemas state them in the OpenAPI
document, and the pages receive the same table (`limits`, rendered into every page) so a form
stops where the server would refuse instead of keeping a copy of the number.
"""

from __future__ import annotations

from engine.commands.calendar import MAX_NOTE as CALENDAR_NOTE
from engine.commands.reasons import MAX_REASON as PAUSE_REASON
from engine.commands.tasks import MAX_OPINION as OPINION
from engine.commands.tasks import MAX_REMINDER as REMINDER
from engine.query_codes import CODE_LENGTH
from monitor.commands.accountability import MAX_REASON as ACCOUNTABILITY_REASON
from monitor.commands.alerts import MAX_TEXT as SUPERVISION_TEXT
from monitor.commands.commitments import MAX_PLEDGER as COMMITMENT_PLEDGER
from monitor.commands.complaints import MAX_FEEDBACK_COMMENT as COMPLAINT_FEEDBACK
from monitor.commands.complaints import MAX_TEXT as COMPLAINT_TEXT
from monitor.commands.evaluations import MAX_TITLE as EVALUATION_TITLE
from monitor.commands.fees import MAX_AMOUNT_TEXT as FEE_AMOUNT
from monitor.commands.fees import MAX_RECEIPT_NO as FEE_RECEIPT
from monitor.commands.inquiries import MAX_CATEGORY as INQUIRY_CATEGORY
from monitor.commands.inquiries import MAX_FIELD as ASKER_FIELD
from monitor.commands.inquiries import MAX_QUESTION as INQUIRY_QUESTION
from monitor.commands.inquiries import MAX_TEXT as INQUIRY_TEXT
from monitor.commands.ratings import MAX_NOTE as FOLLOW_UP_NOTE
from monitor.models.catalogue import ITEM_TEXT_LIMITS, MAX_CODE, MAX_FEE_TEXT, MAX_MATERIAL_NAME
from monitor.models.commitments import MAX_NOTE as COMMITMENT_NOTE
from monitor.models.commitments import MAX_TARGET as COMMITMENT_TARGET
from monitor.models.commitments import MAX_TITLE as COMMITMENT_TITLE
from monitor.models.ratings import MAX_COMMENT as RATING_COMMENT
from monitor.queries.catalogue import MAX_CATALOGUE_SEARCH as CATALOGUE_SEARCH
from monitor.queries.inquiries import MAX_SEARCH as KNOWLEDGE_SEARCH
from monitor.queries.registrations import MAX_REGISTRATION_SEARCH as REGISTRATION_SEARCH

__all__ = ["FORM_LIMITS"]

DEPARTMENT_CODE = 32
DEPARTMENT_NAME = 200
USERNAME = 64
PASSWORD = 256  # argon2 hashes any length; the cap keeps a request from making hashing expensive
PERSON = 64
DATA_KEY = 64
# The window's form types extra process data as text; the API takes any JSON value within its limits.
DATA_TEXT = 2000
# A code as people type it: dashes or spaces between the groups of four, and a few stray spaces.
TYPED_QUERY_CODE = CODE_LENGTH + 8
CAMERA_NAME = 100
CAMERA_SOURCE = 1000
ZONE_NAME = 40
PROJECT_NAME = 255
PROJECT_CODE = 64
APPLICANT_FIELD = 255
INTAKE_REASON = 2000
TRANSFER_REASON = 2000
# Names the designer types into a diagram: the process id (the definition key) and element names.
PROCESS_KEY = 64
ELEMENT_NAME = 200

FORM_LIMITS: dict[str, int] = {
    "opinion": OPINION, "reminder": REMINDER, "pause_reason": PAUSE_REASON,
    "extension_reason": PAUSE_REASON, "transfer_reason": TRANSFER_REASON, "calendar_note": CALENDAR_NOTE,
    "supervision_text": SUPERVISION_TEXT, "accountability_reason": ACCOUNTABILITY_REASON,
    "complaint_text": COMPLAINT_TEXT, "complaint_feedback": COMPLAINT_FEEDBACK,
    "follow_up_note": FOLLOW_UP_NOTE, "rating_comment": RATING_COMMENT,
    "department_code": DEPARTMENT_CODE, "department_name": DEPARTMENT_NAME, "username": USERNAME,
    "password": PASSWORD, "person": PERSON, "data_key": DATA_KEY, "data_text": DATA_TEXT,
    "query_code": TYPED_QUERY_CODE, "camera_name": CAMERA_NAME, "camera_source": CAMERA_SOURCE,
    "zone_name": ZONE_NAME, "project_name": PROJECT_NAME, "project_code": PROJECT_CODE,
    "applicant_field": APPLICANT_FIELD, "intake_reason": INTAKE_REASON, "process_key": PROCESS_KEY,
    "element_name": ELEMENT_NAME, "decision_reason": PAUSE_REASON, "inquiry_question": INQUIRY_QUESTION,
    "inquiry_text": INQUIRY_TEXT, "inquiry_category": INQUIRY_CATEGORY, "asker_field": ASKER_FIELD,
    "knowledge_search": KNOWLEDGE_SEARCH, "catalogue_search": CATALOGUE_SEARCH,
    "registration_search": REGISTRATION_SEARCH,
    "commitment_title": COMMITMENT_TITLE, "commitment_target": COMMITMENT_TARGET,
    "commitment_note": COMMITMENT_NOTE, "commitment_pledger": COMMITMENT_PLEDGER,
    "evaluation_title": EVALUATION_TITLE, "fee_receipt": FEE_RECEIPT,
    "fee_amount": FEE_AMOUNT,
    # The catalogue editor's fields: the item's content is one JSON object, checked by check_item.
    "item_code": MAX_CODE, "item_name": ITEM_TEXT_LIMITS["name"], "item_text": ITEM_TEXT_LIMITS["conditions"],
    "item_reference": ITEM_TEXT_LIMITS["basis_reference"], "item_fee": MAX_FEE_TEXT,
    "item_phone": ITEM_TEXT_LIMITS["supervision_phone"], "material_name": MAX_MATERIAL_NAME,
}
