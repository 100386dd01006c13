"""The window refuses or returns an application for correction in one transaction, with a query code."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Flask
from sqlalchemy import func, select

from api.wiring import db
from engine.models import Instance
from tests.conftest import Api

ACCEPTANCE = Path(__file__).resolve().parent.parent / "bpmn" / "one_window_acceptance.bpmn"
BODY = {"intended_process": "investment_joint_approval", "project": {"name": "北岸仓储项目", "code": "c",
        "investment": 5_000_000}, "applicant": {"name": "某公司", "contact": "0571-1"},
        "data": {"documents_submitted": ["项目申请表"]}}


def _instances(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Instance))


def test_a_refusal_is_registered_and_finished_at_once(api: Api) -> None:
    r = api.post("/api/instances/not-accepted", "window1", json={**BODY, "outcome": "refuse",
                                                                "reason": "不属于本中心受理范围"})
    assert r.status_code == 201, r.get_json()
    detail = api.get(f"/api/instances/{r.get_json()['id']}", "window1").get_json()
    assert detail["definition_key"] == "one_window_acceptance" and detail["status"] == "completed"
    assert detail["data"]["intended_process"] == "investment_joint_approval"
    steps = {t["bpmn_id"]: t for t in detail["tasks"]}
    submission = steps["check_completeness"]["submission"]
    assert submission["decision"] == "refuse" and submission["opinion"] == "不属于本中心受理范围"
    tracked = api.get(f"/api/public/track/{r.get_json()['query_code']}")
    assert tracked.status_code == 200 and tracked.get_json()["status"] == "completed"


def test_a_correction_notice_lists_the_documents_and_waits_for_them(api: Api) -> None:
    r = api.post("/api/instances/not-accepted", "window1", json={
        **BODY, "outcome": "correct", "missing_documents": ["用地预审意见", "环评批复"]})
    assert r.status_code == 201, r.get_json()
    detail = api.get(f"/api/instances/{r.get_json()['id']}", "window1").get_json()
    assert detail["status"] == "running" and detail["data"]["missing_documents"] == ["用地预审意见", "环评批复"]
    open_steps = [t["bpmn_id"] for t in detail["tasks"] if t["status"] in ("ready", "claimed")]
    assert open_steps == ["receive_correction"]


def test_incomplete_decisions_and_other_roles_are_refused_without_a_trace(app: Flask, api: Api) -> None:
    before = _instances(app)
    no_reason = api.post("/api/instances/not-accepted", "window1", json={**BODY, "outcome": "refuse"})
    assert no_reason.status_code == 422
    assert no_reason.get_json()["error"]["details"]["problems"][0]["field"] == "reason"
    nothing_missing = api.post("/api/instances/not-accepted", "window1", json={**BODY, "outcome": "correct",
                                                                             "missing_documents": [" "]})
    assert nothing_missing.status_code == 422
    assert api.post("/api/instances/not-accepted", "window1",
                    json={**BODY, "outcome": "maybe"}).status_code == 400
    assert api.post("/api/instances/not-accepted", "sthj_reviewer",
                    json={**BODY, "outcome": "refuse", "reason": "x"}).status_code == 403
    assert _instances(app) == before


def test_a_failure_half_way_leaves_no_half_registered_application(app: Flask, api: Api) -> None:
    # A redesigned acceptance diagram without the 接件登记 step the command completes first.
    xml = re.sub(r"\breceive\b", "register", ACCEPTANCE.read_text(encoding="utf-8"))
    assert api.post("/api/definitions", "designer", data=xml.encode(),
                    content_type="application/xml").status_code == 201
    before = _instances(app)
    r = api.post("/api/instances/not-accepted", "window1", json={**BODY, "outcome": "refuse", "reason": "x"})
    assert r.status_code == 409 and "receive" in r.get_json()["error"]["message"]
    assert _instances(app) == before
