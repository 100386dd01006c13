"""即办率, 一次办结率 and trips over the applications registered under catalogue items."""

from __future__ import annotations

import json
from datetime import datetime

from api.cli import DEMO_CATALOGUE
from engine.workdays import SHANGHAI, FixedClock
from tests.conftest import Api
from tests.test_scores import one_review

ITEM = {**{k: v for k, v in json.loads(DEMO_CATALOGUE.read_text(encoding="utf-8"))["items"][0].items()},
        "code": "330100-SW-0001", "name": "取水许可", "department": "sw", "definition_key": "one_review",
        "legal_days": 20, "promised_days": 2}
BODY = {"definition_key": "one_review", "item_code": ITEM["code"],
        "project": {"name": "p", "code": "c", "investment": 1}, "applicant": {"name": "a", "contact": "b"}}


def _complete(api: Api, instance_id: int) -> None:
    task = next(t for t in api.get("/api/tasks", "sw_reviewer").get_json()["items"] if t["instance_id"] == instance_id)
    assert api.post(f"/api/tasks/{task['id']}/complete", "sw_reviewer", json={"decision": "approve"}).status_code == 200


def test_trips_one_trip_and_on_the_spot_rates_per_item_and_department(api: Api, clock: FixedClock) -> None:
    assert api.post("/api/definitions", "designer", data=one_review(), content_type="application/xml").status_code == 201
    assert api.post("/api/catalogue/import", "admin", json={"items": [ITEM]}).status_code == 201
    # Before registering, the applicant of project "c" was sent home once with a correction notice (a
    # trip) and once refused (no trip towards an application); project "x" never came back.
    clock.set(datetime(2026, 10, 30, 9, 0, tzinfo=SHANGHAI))
    for project, outcome in (("c", "correct"), ("c", "refuse"), ("x", "correct")):
        r = api.post("/api/instances/not-accepted", "window1", json={
            "intended_process": "one_review", "outcome": outcome, "reason": "不符合条件",
            "missing_documents": ["营业执照或法人证书"] if outcome == "correct" else [],
            "project": {**BODY["project"], "code": project}, "applicant": BODY["applicant"]})
        assert r.status_code == 201, r.get_json()
    clock.set(datetime(2026, 11, 2, 9, 0, tzinfo=SHANGHAI))
    done_today = api.post("/api/instances", "window1", json=BODY).get_json()["id"]  # 2 trips: the notice
    corrected = api.post("/api/instances", "window1", json=BODY).get_json()["id"]
    shortfall = api.post("/api/instances", "window1", json={**BODY, "shortfall": {
        "documents": ["环境影响评价文件"], "deadline_working_days": 5, "commitment": "限期补交"}}).get_json()["id"]
    clock.set(datetime(2026, 11, 2, 15, 0, tzinfo=SHANGHAI))
    _complete(api, done_today)  # the same day: on the spot
    r = api.post(f"/api/instances/{corrected}/pause", "window1",
                 json={"reason": "材料缺页", "missing_documents": ["营业执照或法人证书"]})
    assert r.status_code in (200, 201), r.get_json()
    clock.set(datetime(2026, 11, 3, 10, 0, tzinfo=SHANGHAI))
    assert api.post(f"/api/instances/{corrected}/resume", "window1").status_code == 200  # came back: 2 trips
    _complete(api, corrected)
    assert api.post(f"/api/instances/{shortfall}/shortfall/supplied", "window1").status_code == 200  # 2 trips
    body = api.get("/api/supervision/service-measures", "jiancha", query_string={"period": "2026-11"}).get_json()
    assert body["items"] == [{"code": ITEM["code"], "name": "取水许可", "department": "sw", "applications": 3,
                              "one_trip": 0, "on_the_spot": 1, "trips": 6, "one_trip_rate": 0.0,
                              "on_the_spot_rate": 0.3333, "average_trips": 2.0}]
    assert [d["department"] for d in body["departments"]] == ["sw"]
    october = api.get("/api/supervision/service-measures", "jiancha", query_string={"period": "2026-10"})
    assert october.get_json()["items"] == []
    assert api.get("/api/supervision/service-measures", "sw_reviewer",
                   query_string={"period": "2026-11"}).status_code == 403
