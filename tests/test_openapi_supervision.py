"""The e-supervision operations answer exactly what /api/openapi.json documents.

The document is the contract clients and schemathesis rely on; each answer below is checked against the
schema documented for its operation and status (additionalProperties false, so a new key that the
document does not mention fails here first). The small rules the schemas carry (non-blank text, whole
numbers, score periods) are checked to mean the same in Python as in a JSON Schema validator.
"""

from __future__ import annotations

import re
import sys
from datetime import UTC, datetime
from typing import Any

import jsonschema_rs
import pytest
from flask import Flask

from api.blueprints.scores import PERIOD
from api.scheduler import sweep_supervision, sweep_warnings
from api.schema_fields import NON_BLANK, JsonInteger
from engine.workdays import FixedClock
from monitor.queries.periods import parse_period
from tests.conftest import Api
from tests.test_ratings import _completed_approval, _deploy

BODY = {"definition_key": "investment_joint_approval",
        "project": {"name": "城东学校", "code": "P-9", "investment": 1}, "applicant": {"name": "a", "contact": "b"}}


class Documented:
    """Calls the API and fails when an answer differs from the document's schema for it."""

    def __init__(self, api: Api) -> None:
        self.api = api
        self.spec = api.get("/api/openapi.json").get_json()

    def call(self, method: str, template: str, user: str | None, status: int = 200, *,
             path: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        """Request `template` (path parameters filled from `path`) and check the answer; return its JSON."""
        response = self.api.call(method, template.format(**(path or {})), user, **kwargs)
        assert response.status_code == status, response.get_data(as_text=True)
        documented = self.spec["paths"][re.sub(r"\{(\w+)\}", r"{\1}", template)][method.lower()]["responses"]
        schema = documented[str(status)]["content"][response.mimetype]["schema"]
        if response.mimetype != "application/json":
            return response.get_data()
        body = response.get_json()
        validator = jsonschema_rs.Draft202012Validator({**schema, "components": self.spec["components"]})
        problems = [f"{list(e.instance_path)}: {e.message}" for e in validator.iter_errors(body)]
        assert not problems, f"{method} {template} {status} does not match its document:\n" + "\n".join(problems)
        return body


@pytest.fixture
def doc(api: Api) -> Documented:
    return Documented(api)


def test_the_bureau_s_operations_answer_as_documented(app: Flask, doc: Documented, clock: FixedClock) -> None:
    instance = doc.call("POST", "/api/instances", "window1", 201, json=BODY)
    clock.set(datetime(2026, 10, 23, 1, 0, tzinfo=UTC))  # the stage-one reviews are late: red alerts
    sweep_warnings(app)
    sweep_supervision(app)

    board = doc.call("GET", "/api/supervision/board", "jiancha")
    cell = next(c for c in board["cells"] if c["department"] == "sthj")
    doc.call("GET", "/api/supervision/board/items", "jiancha",
             query_string={"department": "sthj", "stage": cell["stage"]})
    doc.call("GET", "/api/supervision/charts", "jiancha", query_string={"days": 3, "months": 2})
    doc.call("GET", "/api/supervision/chain", "admin")

    alerts = doc.call("GET", "/api/supervision/alerts", "jiancha")["items"]
    first = next(a for a in alerts if a["department"] == "sthj")
    second = next(a for a in alerts if a["id"] != first["id"])
    ids = {"alert_id": first["id"]}
    doc.call("GET", "/api/supervision/alerts/{alert_id}", "sthj_reviewer", path=ids)
    doc.call("POST", "/api/supervision/alerts/{alert_id}/acknowledge", "jiancha", path=ids)
    doc.call("POST", "/api/supervision/alerts/{alert_id}/explanation", "sthj_reviewer", path=ids,
             json={"explanation": "专家评审延误"})
    doc.call("POST", "/api/supervision/alerts/{alert_id}/decision", "jiancha", path={"alert_id": second["id"]},
             json={"decision": "dismiss", "reason": "已办结"})

    order = doc.call("POST", "/api/supervision/orders", "jiancha", 201, json={
        "kind": "order", "department": "sthj", "content": "请说明逾期原因", "reply_working_days": 2.0,
        "alert_id": first["id"]})
    doc.call("POST", "/api/supervision/alerts/{alert_id}/close", "jiancha", path=ids)
    ids = {"order_id": order["id"]}
    doc.call("GET", "/api/supervision/orders", "sthj_reviewer")
    doc.call("GET", "/api/supervision/orders/{order_id}", "jiancha", path=ids)
    doc.call("POST", "/api/supervision/orders/{order_id}/reply", "sthj_reviewer", path=ids, json={"reply": "已办结"})
    doc.call("POST", "/api/supervision/orders/{order_id}/decision", "jiancha", path=ids,
             json={"accept": False, "reason": "未说明原因"})
    doc.call("POST", "/api/supervision/orders/{order_id}/reply", "sthj_reviewer", path=ids, json={"reply": "原因是…"})
    doc.call("POST", "/api/supervision/orders/{order_id}/decision", "jiancha", path=ids, json={"accept": True})

    card = doc.call("POST", "/api/supervision/cards", "jiancha", 201, json={
        "department": "sthj", "color": "yellow", "reason": "两件超时", "order_id": order["id"]})
    doc.call("GET", "/api/supervision/cards", "sthj_reviewer", query_string={"active": "true"})
    doc.call("POST", "/api/supervision/cards/{card_id}/lift", "jiancha", path={"card_id": card["id"]},
             json={"reason": "已整改"})

    doc.call("GET", "/api/supervision/accountability/ladder", "sthj_reviewer")
    doc.call("GET", "/api/supervision/accountability/proposal", "jiancha", query_string={"department": "sthj"})
    record = doc.call("POST", "/api/supervision/accountability", "jiancha", 201, json={
        "person": "sthj_reviewer", "department": "sthj", "rung": 1, "reason": "审查逾期",
        "links": {"alerts": [first["id"]], "orders": [order["id"]]}})
    correction = doc.call("POST", "/api/supervision/accountability", "jiancha", 201, json={
        "department": "sthj", "rung": 2.0, "reason": "更正", "corrects_id": record["id"]})
    assert correction["corrects_id"] == record["id"]
    doc.call("GET", "/api/supervision/accountability", "sthj_reviewer")
    doc.call("GET", "/api/supervision/accountability/{record_id}", "jiancha", path={"record_id": record["id"]})

    filed = doc.call("POST", "/api/public/complaints", None, 201,
                     json={"query_code": instance["query_code"], "text": "超时无人答复", "name": "张三"})
    doc.call("GET", "/api/public/complaints/{code}", None, path={"code": filed["complaint_code"]})
    staff = doc.call("POST", "/api/supervision/complaints", "window1", 201,
                     json={"query_code": instance["query_code"], "text": "电话投诉", "department": "sthj"})
    doc.call("GET", "/api/supervision/complaints", "jiancha")
    doc.call("GET", "/api/supervision/complaints/{complaint_id}", "jiancha", path={"complaint_id": staff["id"]})

    for form in ("json", "csv", "xlsx"):
        doc.call("GET", "/api/supervision/scores", "admin", query_string={"period": "2026-Q4", "format": form})


def test_transfers_answer_as_documented(doc: Documented) -> None:
    doc.call("POST", "/api/instances", "window1", 201, json=BODY)
    task = doc.api.get("/api/tasks", "sw_reviewer").get_json()["items"][0]
    transfer = doc.call("POST", "/api/tasks/{task_id}/transfers", "sw_reviewer", 201, path={"task_id": task["id"]},
                        json={"to_department": "jt", "reason": "属交通部门职责"})
    doc.call("GET", "/api/transfers", "jiancha")
    doc.call("POST", "/api/transfers/{transfer_id}/decision", "jiancha", path={"transfer_id": transfer["id"]},
             json={"approve": True})


def test_ratings_and_follow_ups_answer_as_documented(doc: Documented, clock: FixedClock) -> None:
    _deploy(doc.api)
    approval = _completed_approval(doc.api, clock)
    doc.call("POST", "/api/public/ratings/{query_code}", None, 201, path=approval, json={"grade": 2.0})
    items = doc.call("GET", "/api/supervision/follow-ups", "jiancha")["items"]
    done = next(f for f in items if f["kind"] == "callback")
    doc.call("POST", "/api/supervision/follow-ups/{follow_up_id}/done", "fgw_lead", path={"follow_up_id": done["id"]},
             json={"note": "已电话回访"})


SPACES = [chr(i) for i in range(sys.maxunicode + 1) if chr(i).isspace()]


@pytest.mark.parametrize("text", [*SPACES, "\ufeff", "", " \u3000\x1e ", " a ", "\x1eb", "说明"])
def test_not_blank_means_what_the_commands_check_under_both_readings(text: str) -> None:
    says_something = bool(text.strip())
    assert (re.match(NON_BLANK, text) is not None) == says_something  # marshmallow's reading
    assert (re.search(NON_BLANK, text, re.ASCII) is not None) == says_something  # a JSON Schema validator's


@pytest.mark.parametrize("value", [3, 3.0, 10**12])
def test_a_whole_number_may_be_written_with_a_zero_fraction(value: Any) -> None:
    assert JsonInteger().deserialize(value) == int(value)


@pytest.mark.parametrize("value", ["3", 3.5, True, None])
def test_anything_else_is_not_a_whole_number(value: Any) -> None:
    with pytest.raises(Exception, match="Not a valid integer|may not be null"):
        JsonInteger().deserialize(value)


@pytest.mark.parametrize("period", ["2026-11", "2026-Q4", "2026-q1", "2000-01", "2100-12", "1999-12", "2101-01",
                                    "2026-13", "2026-Q5", "2026-9", "26-09", "", "2026-09-01"])
def test_the_documented_period_pattern_is_what_scores_read(period: str) -> None:
    try:
        parse_period(period)
        readable = True
    except ValueError:
        readable = False
    assert (PERIOD.fullmatch(period) is not None) == readable
