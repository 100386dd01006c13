"""A diagram can give one task its own warning thresholds (`ow:warning`); bad ones are refused at deploy."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from api.scheduler import sweep_warnings
from api.wiring import db
from engine.models import TaskRecord
from engine.workdays import FixedClock
from tests.bpmn_builder import invalid_diagram, parallel_review
from tests.conftest import Api

OW = 'xmlns:ow="urn:onewindow:bpmn"'


def _with_warning(attributes: str) -> bytes:
    """The small parallel review, with an `ow:warning` on the sthj review task."""
    task = '<bpmn:userTask id="sthj_review" name="sthj 审查"/>'
    xml = parallel_review("tuned_review", due="workdays(10)").decode()
    assert task in xml
    return xml.replace(task, f'<bpmn:userTask id="sthj_review" name="sthj 审查"><bpmn:extensionElements>'
                             f'<ow:warning {OW} {attributes}/></bpmn:extensionElements></bpmn:userTask>').encode()


def _deploy(api: Api, xml: bytes):
    return api.post("/api/definitions", "designer", data=xml, content_type="application/xml")


def test_a_task_with_its_own_thresholds_turns_yellow_earlier(app: Flask, api: Api, clock: FixedClock) -> None:
    assert _deploy(api, _with_warning('yellowDaysLeft="6"')).status_code == 201
    body = {"definition_key": "tuned_review", "project": {"name": "p", "code": "c", "investment": 1},
            "applicant": {"name": "a", "contact": "b"}}
    instance = api.post("/api/instances", "window1", json=body).get_json()
    with app.app_context():
        rows = {r.department_code: r for r in db.session.scalars(
            select(TaskRecord).where(TaskRecord.instance_id == instance["id"]))}
        assert rows["sthj"].warning_policy == {"yellow_days_left": 6} and rows["sw"].warning_policy is None
        assert rows["sthj"].due_at == rows["sw"].due_at
        sthj_yellow, sw_yellow = rows["sthj"].next_warning_at, rows["sw"].next_warning_at
        assert sthj_yellow < sw_yellow
    clock.set(sthj_yellow + timedelta(minutes=1))
    sweep_warnings(app)
    with app.app_context():
        levels = dict(db.session.execute(select(TaskRecord.department_code, TaskRecord.warning_level)
                                         .where(TaskRecord.instance_id == instance["id"])).all())
    assert levels == {"sthj": "yellow", "sw": "green"}


@pytest.mark.parametrize(("attributes", "says"), [
    ('yellowDaysLeft="-1"', "须为 0 到 60 之间的整数"),
    ('yellowFractionUsed="1.5"', "须为 0 到 1 之间的小数"),
    ('escalateAfterDays="two"', "escalateAfterDays='two' 不是数字"),
    ('colour="red"', "没有属性 'colour'"),
])
def test_bad_thresholds_are_refused_naming_the_task(api: Api, attributes: str, says: str) -> None:
    r = _deploy(api, _with_warning(attributes))
    assert r.status_code == 422
    problem = r.get_json()["error"]["details"]["problems"][0]
    assert says in problem["message"] and problem["element"] == "sthj_review"


def test_thresholds_belong_on_user_tasks(api: Api) -> None:
    r = _deploy(api, invalid_diagram("warning_thresholds_on_end_event"))
    assert r.status_code == 422
    assert r.get_json()["error"]["details"]["problems"][0]["element"] == "ok"
