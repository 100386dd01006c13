"""服务之星 and 优质服务窗口: proposed by the documented rules from the scores, decided by the bureau,
published only when confirmed. The rules are checked pure; the flow over HTTP with fixed data.
"""

from __future__ import annotations

from datetime import datetime

from flask import Flask

from engine.workdays import SHANGHAI, FixedClock
from monitor.selection_rules import SelectionSettings, rank_stars, rank_windows
from tests.conftest import Api
from tests.test_scores import APPLICANT, _complete, one_review

URL = "/api/supervision/selections"


def _window(user: str, registered: int, rated: int, satisfied: int, acceptance: float = 1.0) -> dict:
    return {"user": user, "department": "zwfw", "satisfaction_rate": satisfied / rated if rated else None,
            "acceptance_rate": acceptance,
            "counts": {"registered": registered, "rated": rated, "satisfied": satisfied}}


def test_a_star_needs_enough_work_and_ratings_and_no_sanction_and_is_ranked_by_satisfaction() -> None:
    rules = SelectionSettings(stars_per_month=2)
    rows = [_window("a", 9, 4, 3), _window("b", 5, 3, 3), _window("c", 30, 2, 2), _window("d", 4, 4, 4),
            _window("e", 12, 6, 6, acceptance=0.9), _window("f", 20, 5, 5)]
    # c has too few ratings, d too few applications; among the fully satisfied: f (accepts all, most work),
    # then b (accepts all), then e (refused some at acceptance); a is less satisfied.
    assert [s["subject"] for s in rank_stars(rows, set(), rules)] == ["f", "b"]
    assert [s["subject"] for s in rank_stars(rows, {"f"}, rules)] == ["b", "e"]  # f was sanctioned this month
    assert rank_stars(rows, set(), rules)[0]["figures"] == {
        "registered": 20, "rated": 5, "satisfied": 5, "satisfaction_rate": 1.0, "acceptance_rate": 1.0}


def test_a_quality_window_needs_work_and_a_full_composite_and_at_most_ten_are_proposed() -> None:
    def row(code: str, total: float | None, daily: float = 90.0) -> dict:
        return {"department": code, "active": True, "daily": daily, "months": 12,
                "composite": {"daily": daily, "report": 80, "questioning": 80, "survey": 80, "total": total}}
    # "tie" equals d11 (81) with a better daily mean, so it goes first; "none" lacks a session part.
    rows = [row(f"d{i:02d}", 70.0 + i) for i in range(12)] + [row("none", None), row("tie", 81.0, daily=99)]
    proposed = [w["subject"] for w in rank_windows(rows, SelectionSettings())]
    assert proposed == ["tie", "d11", "d10", "d09", "d08", "d07", "d06", "d05", "d04", "d03"]


def _register(api: Api, user: str) -> dict:
    r = api.post("/api/instances", user, json={"definition_key": "one_review", "applicant": APPLICANT,
                                               "project": {"name": "滨江项目", "code": "p-1", "investment": 1}})
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def test_the_bureau_confirms_the_months_star_and_the_public_sees_only_the_confirmed(
        app: Flask, api: Api, clock: FixedClock) -> None:
    assert api.post("/api/definitions", "designer", data=one_review(), content_type="application/xml").status_code == 201
    assert api.post("/api/admin/users", "admin", json={"username": "window2", "password": "Window2-Password!",
                                                       "role": "window", "department_code": "zwfw"}).status_code == 201
    clock.set(datetime(2026, 10, 12, 9, 0, tzinfo=SHANGHAI))
    grades = {"window1": [5, 5, 5, 2], "window2": [5, 5, 5]}
    for user, given in grades.items():
        for i in range(5):
            instance = _register(api, user)
            _complete(api, "sw_reviewer", instance["id"])
            if i < len(given):
                rated = api.post(f"/api/public/ratings/{instance['query_code']}", json={"grade": given[i]})
                assert rated.status_code in (200, 201), rated.get_json()
    # October has not ended: no selection yet.
    early = api.post(f"{URL}/proposals", "jiancha", json={"kind": "service_star", "period": "2026-10"})
    assert early.status_code == 422
    assert early.get_json()["error"]["details"]["problems"][0]["message"] == "服务之星按已结束的月份评选，格式如 2026-11"
    clock.set(datetime(2026, 11, 2, 9, 0, tzinfo=SHANGHAI))
    assert api.post(f"{URL}/proposals", "sthj_head", json={"kind": "service_star", "period": "2026-10"}
                    ).status_code == 403
    r = api.post(f"{URL}/proposals", "jiancha", json={"kind": "service_star", "period": "2026-10"})
    assert r.status_code == 201, r.get_json()
    [star] = r.get_json()["items"]
    assert (star["subject"], star["status"], star["figures"]["satisfaction_rate"]) == ("window2", "proposed", 1.0)
    public = {"kind": "service_star", "period": "2026-10"}
    assert api.get("/api/public/selections", query_string=public).get_json()["items"] == []
    refused = api.post(f"{URL}/{star['id']}/decision", "jiancha", json={"decision": "reject"})
    assert refused.status_code == 422
    decided = api.post(f"{URL}/{star['id']}/decision", "jiancha", json={"decision": "confirm", "note": "零差评"})
    assert decided.get_json()["status"] == "confirmed"
    assert api.post(f"{URL}/{star['id']}/decision", "jiancha", json={"decision": "reject", "note": "x"}
                    ).status_code == 409
    assert [s["subject"] for s in api.get("/api/public/selections", query_string=public).get_json()["items"]] == [
        "window2"]
    # Proposing again keeps the decided star and does not propose it twice.
    again = api.post(f"{URL}/proposals", "jiancha", json=public).get_json()["items"]
    assert [(s["subject"], s["status"]) for s in again] == [("window2", "confirmed")]
    html = api.client.get("/performance", query_string={"month": "2026-10"}).get_data(as_text=True)
    assert "本月服务之星" in html and "window2" in html


def test_quality_windows_are_proposed_for_a_finished_year_from_its_composite(
        app: Flask, api: Api, clock: FixedClock) -> None:
    for department in ("sw", "rf"):
        assert api.post("/api/definitions", "designer", data=one_review(f"review_{department}", department),
                        content_type="application/xml").status_code == 201
    clock.set(datetime(2025, 3, 3, 9, 0, tzinfo=SHANGHAI))
    for department in ("sw", "rf"):
        instance = api.post("/api/instances", "window1", json={
            "definition_key": f"review_{department}", "applicant": APPLICANT,
            "project": {"name": "滨江项目", "code": "p-1", "investment": 1}}).get_json()
        _complete(api, f"{department}_reviewer", instance["id"])
    clock.set(datetime(2025, 12, 10, 9, 0, tzinfo=SHANGHAI))
    for kind, mean in (("report", 90), ("questioning", 80), ("survey", 70)):
        for department in ("sw", "jt"):  # jt had no work in 2025, rf no sessions
            r = api.post("/api/supervision/evaluations", "jiancha", json={
                "kind": kind, "department": department, "held_on": "2025-12-01", "title": "评议会",
                "scores": [{"rater": "代表", "score": mean}]})
            assert r.status_code == 201, r.get_json()
    body = {"kind": "quality_window", "period": "2025"}
    assert api.post(f"{URL}/proposals", "jiancha", json=body).status_code == 422  # 2025 is not over
    clock.set(datetime(2026, 1, 5, 9, 0, tzinfo=SHANGHAI))
    r = api.post(f"{URL}/proposals", "jiancha", json=body)
    assert r.status_code == 201, r.get_json()
    [window] = r.get_json()["items"]
    assert (window["subject"], window["department_name"], window["figures"]["months"]) == ("sw", "水务局", 1)
    assert window["figures"]["total"] == round(0.3 * 100 + 0.2 * 90 + 0.25 * 80 + 0.25 * 70, 2) == 85.5
