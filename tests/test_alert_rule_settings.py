"""The supervision rules' thresholds are settings, per task type, and low-level hits arrive as one
digest per department and day instead of one alert each.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
from flask import Flask

from api.scheduler import sweep_supervision
from api.settings import load_settings
from engine.workdays import FixedClock
from monitor.rule_settings import rule_settings_from_json
from monitor.rules import RuleSettings
from tests.conftest import Api

BODY = {"definition_key": "investment_joint_approval",
        "project": {"name": "滨江项目", "code": "c", "investment": 1}, "applicant": {"name": "a", "contact": "b"}}
RULES = {"fast_completion_seconds": 60, "office_closes": "18:00",
         "by_task_type": {"investment_joint_approval": {"fast_completion_seconds": 600},
                          "investment_joint_approval:s1_sw_review": {"fast_completion_seconds": 10},
                          "public_inquiry": {"fast_completion_enabled": False}}}


def test_a_step_takes_its_own_threshold_before_its_process_and_the_default() -> None:
    rules = rule_settings_from_json(json.dumps(RULES))
    assert rules.fast_completion_seconds == 60 and rules.office_closes == time(18, 0)
    assert rules.for_task("investment_joint_approval", "s1_sw_review").fast_completion_seconds == 10
    assert rules.for_task("investment_joint_approval", "s1_jt_review").fast_completion_seconds == 600
    assert rules.for_task("complaint_handling", "investigate").fast_completion_seconds == 60
    assert rules.for_task("public_inquiry", "answer").fast_completion_enabled is False
    assert rules.for_task("public_inquiry", "answer").refusal_reason_min_chars == 10  # the rest stays


@pytest.mark.parametrize(("text", "fragment"), [
    ('{"fast_completion_second": 5}', "没有名为 fast_completion_second 的设置"),
    ('{"fast_completion_seconds": "5"}', "fast_completion_seconds 须为非负整数"),
    ('{"fast_completion_seconds": -1}', "非负整数"),
    ('{"outside_hours_enabled": 1}', "须为 true 或 false"),
    ('{"office_opens": "8点半"}', "HH:MM"),
    ('{"by_task_type": {"public_inquiry": {"speed": 1}}}', "by_task_type.public_inquiry：没有名为 speed"),
    ('{"by_task_type": []}', "by_task_type 须为"),
    ("[1]", "须为 JSON 对象"),
    ("{", "不是合法的 JSON"),
])
def test_a_misspelt_or_mistyped_setting_is_refused_by_name(text: str, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        rule_settings_from_json(text)


def test_the_server_does_not_start_on_bad_rule_settings(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="ONEWINDOW_ALERT_RULES：.*没有名为 speed"):
        load_settings(tmp_path, {"ONEWINDOW_ALERT_RULES": '{"speed": 1}'})
    assert load_settings(tmp_path, {}).alert_rules == RuleSettings()
    tuned = load_settings(tmp_path, {"ONEWINDOW_ALERT_RULES": json.dumps(RULES)}).alert_rules
    assert tuned.for_task("investment_joint_approval", "s1_sw_review").fast_completion_seconds == 10


def _alerts(api: Api, **params: str) -> list[dict]:
    r = api.get("/api/supervision/alerts", "jiancha", query_string=params)
    assert r.status_code == 200, r.get_json()
    return r.get_json()["items"]


@pytest.mark.app_settings(ONEWINDOW_ALERT_RULES=json.dumps(RULES))
def test_the_scheduler_applies_each_steps_own_threshold(app: Flask, api: Api, clock: FixedClock) -> None:
    api.post("/api/instances", "window1", json=BODY)
    clock.advance(timedelta(seconds=30))
    for dept in ("sw", "jt"):  # both answer 30 seconds after the application arrived
        task = api.get("/api/tasks", f"{dept}_reviewer").get_json()["items"][0]
        r = api.post(f"/api/tasks/{task['id']}/complete", f"{dept}_reviewer", json={"decision": "approve"})
        assert r.status_code == 200, r.get_json()
    sweep_supervision(app)
    # sw's review may be that quick (10 s); jt's may not (600 s for the process)
    assert [(a["kind"], a["department"]) for a in _alerts(api, source="rule")] == [("fast_completion", "jt")]


def test_after_hours_work_is_one_digest_per_department_and_day(app: Flask, api: Api, clock: FixedClock) -> None:
    for _ in range(3):
        api.post("/api/instances", "window1", json=BODY)
    clock.set(datetime(2026, 9, 18, 12, 30, tzinfo=UTC))  # Friday 20:30 in Beijing, after office hours
    tasks = api.get("/api/tasks", "sw_reviewer").get_json()["items"]
    for task in tasks[:2]:
        api.post(f"/api/tasks/{task['id']}/complete", "sw_reviewer", json={"decision": "approve"})
    jt = api.get("/api/tasks", "jt_reviewer").get_json()["items"][0]
    api.post(f"/api/tasks/{jt['id']}/complete", "jt_reviewer", json={"decision": "approve"})
    assert sweep_supervision(app) == 2  # a digest for sw and one for jt, not three alerts
    digests = {a["department"]: a for a in _alerts(api, source="rule") if a["kind"] == "rule_digest"}
    assert set(digests) == {"sw", "jt"}
    assert digests["sw"]["title"] == "2026-09-18 低风险提示汇总（2 项）" and digests["sw"]["level"] == "info"
    hits = digests["sw"]["details"]["hits"]
    assert {h["task_id"] for h in hits} == {t["id"] for t in tasks[:2]}
    assert all(h["kind"] == "outside_hours" and h["project_name"] == "滨江项目" and h["by"] == "sw_reviewer"
               for h in hits)

    api.post(f"/api/tasks/{tasks[2]['id']}/complete", "sw_reviewer", json={"decision": "approve"})
    assert sweep_supervision(app) == 0  # the same day: added to sw's digest
    sw = next(a for a in _alerts(api, source="rule") if a["department"] == "sw")
    assert sw["title"].endswith("（3 项）") and len(sw["details"]["hits"]) == 3
    assert sweep_supervision(app) == 0 and len(_alerts(api, source="rule")) == 2  # nothing counted twice
