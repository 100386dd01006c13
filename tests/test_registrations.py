"""The window's list of its registrations, the place it comes back to for 容缺 and correction notices."""

from __future__ import annotations

from flask import Flask

from tests.conftest import Api
from tests.test_joint_approval_api import APPLICATION


def _register(api: Api, user: str, name: str, **extra: object) -> dict:
    body = {**APPLICATION, "project": {**APPLICATION["project"], "name": name}, **extra}
    r = api.post("/api/instances", user, json=body)
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def _list(api: Api, user: str = "window1", **params: object) -> dict:
    r = api.get("/api/instances", user, query_string=params)
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def test_the_window_lists_its_registrations_and_acts_on_them_again(app: Flask, api: Api) -> None:
    created = api.post("/api/admin/users", "admin", json={"username": "window2", "password": "long-password",
                                                           "role": "window", "department_code": "zwfw"})
    assert created.status_code == 201, created.get_json()
    first = _register(api, "window1", "滨江物流园", shortfall={
        "documents": ["环境影响评价文件"], "deadline_working_days": 5, "commitment": "五个工作日内补交"})
    second = _register(api, "window2", "城西综合体")

    both = _list(api)
    assert both["total"] == 2 and [i["id"] for i in both["items"]] == [second["id"], first["id"]]  # newest first
    row = next(i for i in both["items"] if i["id"] == first["id"])
    assert row["shortfall"]["status"] == "open" and row["shortfall"]["documents"] == ["环境影响评价文件"]
    assert row["created_by"] == "window1" and row["correction"] is None and row["status"] == "running"
    assert [i["id"] for i in _list(api, mine="true")["items"]] == [first["id"]]
    assert [i["id"] for i in _list(api, "window2", mine="true")["items"]] == [second["id"]]
    assert [i["id"] for i in _list(api, q="城西")["items"]] == [second["id"]]
    assert [i["id"] for i in _list(api, q=first["query_code"].lower())["items"]] == [first["id"]]
    assert [i["id"] for i in _list(api, q="100%_")["items"]] == []  # LIKE wildcards are plain text
    assert _list(api, status="completed")["total"] == 0
    assert _list(api, "admin")["total"] == 2

    # The actions the list offers: 容缺 documents supplied, a correction notice sent and lifted.
    assert api.post(f"/api/instances/{first['id']}/shortfall/supplied", "window2").status_code == 200
    paused = api.post(f"/api/instances/{second['id']}/pause", "window1",
                      json={"reason": "规划许可证复印件不清晰", "missing_documents": ["建设用地规划许可证复印件"]})
    assert paused.status_code == 200, paused.get_json()
    rows = {i["id"]: i for i in _list(api)["items"]}
    assert rows[first["id"]]["shortfall"]["status"] == "supplied"
    assert rows[second["id"]]["correction"]["reason"] == "规划许可证复印件不清晰"
    assert api.post(f"/api/instances/{second['id']}/resume", "window1").status_code == 200
    assert _list(api)["items"][0]["correction"] is None


def test_only_the_window_and_administrators_list_registrations(api: Api) -> None:
    for user in ("sw_reviewer", "fgw_lead", "jiancha", "designer"):
        assert api.get("/api/instances", user).status_code == 403, user
    assert api.get("/api/instances").status_code == 401
    for params in ({"status": "sleeping"}, {"per_page": 0}, {"q": "x" * 101}, {"page": 0}):
        r = api.get("/api/instances", "window1", query_string=params)
        assert r.status_code in (400, 422) and r.get_json()["error"]["code"] in ("bad_request", "invalid"), params


def test_tracking_a_refusal_tells_it_was_never_accepted_and_why(api: Api) -> None:
    refused = api.post("/api/instances/not-accepted", "window1", json={
        "intended_process": "investment_joint_approval", "outcome": "refuse", "reason": "不属于本中心受理范围",
        "project": APPLICATION["project"], "applicant": APPLICATION["applicant"]})
    assert refused.status_code == 201, refused.get_json()
    tracked = api.get(f"/api/public/track/{refused.get_json()['query_code']}").get_json()
    assert tracked["accepted"] is False and tracked["refusal_reason"] == "不属于本中心受理范围"
    running = api.get(f"/api/public/track/{_register(api, 'window1', '正常项目')['query_code']}").get_json()
    assert running["accepted"] is True and running["refusal_reason"] is None
