"""The walking-skeleton scenario through the HTTP API: intake, parallel review, join, routing, tracking."""

from __future__ import annotations

from datetime import datetime

from tests.conftest import Api

STAGE1 = {"zrzy": "s1_zrzy_review", "sthj": "s1_sthj_review", "sw": "s1_sw_review", "jt": "s1_jt_review"}
APPLICATION = {
    "definition_key": "investment_joint_approval",
    "project": {"name": "滨江新区综合服务中心", "code": "2026-330100-47-01-000001", "investment": 86000000},
    "applicant": {"name": "杭州示范建设有限公司", "contact": "0571-88000000"},
    "data": {"land_area_m2": 12000},
}


def start(api: Api, body: dict | None = None) -> dict:
    r = api.post("/api/instances", "window1", json=body or APPLICATION)
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def worklist(api: Api, user: str, **params: str) -> list[dict]:
    r = api.get("/api/tasks", user, query_string=params)
    assert r.status_code == 200, r.get_json()
    return r.get_json()["items"]


def complete(api: Api, user: str, task_id: str, decision: str = "approve", opinion: str = "同意",
             data: dict | None = None) -> dict:
    assert api.post(f"/api/tasks/{task_id}/claim", user).status_code == 200
    r = api.post(f"/api/tasks/{task_id}/complete", user,
                 json={"decision": decision, "opinion": opinion, "data": data or {}})
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def test_stage_one_reviews_run_in_parallel_and_the_join_waits_for_all(api: Api) -> None:
    started = start(api)
    assert started["status"] == "running" and started["definition_version"] == 1
    assert len(started["query_code"]) == 12

    ready = {dept: worklist(api, f"{dept}_reviewer") for dept in STAGE1}
    for dept, bpmn_id in STAGE1.items():
        assert [t["bpmn_id"] for t in ready[dept]] == [bpmn_id]
        assert ready[dept][0]["department"] == dept
    assert worklist(api, "fgw_lead") == []  # the lead's decision waits for every co-reviewer

    for dept in ("zrzy", "sthj", "sw"):
        complete(api, f"{dept}_reviewer", ready[dept][0]["id"])
        assert worklist(api, "fgw_lead") == []
    complete(api, "jt_reviewer", ready["jt"][0]["id"], data={"traffic_study": True})
    lead_tasks = worklist(api, "fgw_lead")
    assert [t["bpmn_id"] for t in lead_tasks] == ["s1_lead_decide"]

    detail = api.get(f"/api/instances/{started['id']}", "jiancha").get_json()
    assert detail["data"]["s1_zrzy_decision"] == "approve"
    assert detail["data"]["traffic_study"] is True and detail["data"]["land_area_m2"] == 12000
    done = [t for t in detail["tasks"] if t["status"] == "completed"]
    assert {t["bpmn_id"] for t in done} == set(STAGE1.values())
    assert done[0]["submission"]["opinion"] == "同意"


def test_due_dates_come_from_workdays_timers(api: Api) -> None:
    start(api)
    task = worklist(api, "sthj_reviewer")[0]
    # Accepted Friday 2026-09-18; 20 working days later is 2026-10-22, closing at 17:30 Beijing time.
    assert task["due_at"] == "2026-10-22T17:30:00+08:00"
    assert datetime.fromisoformat(task["due_at"]).utcoffset().total_seconds() == 8 * 3600


def test_refusal_at_stage_one_ends_refused_and_approval_goes_on(api: Api) -> None:
    refused = start(api)
    approved = start(api)
    for inst, decision in ((refused, "refuse"), (approved, "approve")):
        for dept in STAGE1:
            task = next(t for t in worklist(api, f"{dept}_reviewer") if t["instance_id"] == inst["id"])
            complete(api, f"{dept}_reviewer", task["id"])
        lead = next(t for t in worklist(api, "fgw_lead") if t["instance_id"] == inst["id"])
        complete(api, "fgw_lead", lead["id"], decision=decision, opinion="不符合产业政策")
    r = api.get(f"/api/instances/{refused['id']}", "jiancha").get_json()
    assert r["status"] == "completed"
    assert r["outcome"]["end_event"] == "end_refused"
    assert [t for t in r["tasks"] if t["status"] in ("ready", "claimed")] == []
    a = api.get(f"/api/instances/{approved['id']}", "jiancha").get_json()
    assert a["status"] == "running"
    assert {t["bpmn_id"] for t in a["tasks"] if t["status"] == "ready"} == {
        "s2_zjj_review", "s2_rf_review", "s2_xf_review"}


def test_whole_process_approved_through_four_stages(api: Api) -> None:
    inst = start(api)
    for _stage in range(4):
        while True:
            open_tasks = [t for t in api.get(f"/api/instances/{inst['id']}", "jiancha").get_json()["tasks"]
                          if t["status"] == "ready" and "_review" in t["bpmn_id"]]
            if not open_tasks:
                break
            for t in open_tasks:
                complete(api, f"{t['department']}_reviewer", t["id"])
        lead = [t for t in api.get(f"/api/instances/{inst['id']}", "jiancha").get_json()["tasks"]
                if t["status"] == "ready"]
        assert len(lead) == 1 and lead[0]["bpmn_id"].endswith("_lead_decide")
        complete(api, f"{lead[0]['department']}_lead", lead[0]["id"])
    final = api.get(f"/api/instances/{inst['id']}", "jiancha").get_json()
    assert final["status"] == "completed"
    assert final["outcome"] == {"end_event": "end_approved", "name": final["outcome"]["name"]}
    actions = [e["action"] for e in final["history"]]
    assert actions[0] == "instance.started" and actions[-1] == "instance.completed"
    assert actions.count("task.completed") == 4 + 3 + 4 + 5 + 4
    assert [e["seq"] for e in final["history"]] == list(range(1, len(actions) + 1))


def test_other_department_gets_403_and_double_completion_409(api: Api) -> None:
    start(api)
    task = worklist(api, "sthj_reviewer")[0]
    assert api.post(f"/api/tasks/{task['id']}/claim", "sw_reviewer").status_code == 403
    r = api.post(f"/api/tasks/{task['id']}/complete", "sw_reviewer", json={"decision": "approve"})
    assert r.status_code == 403 and r.get_json()["error"]["code"] == "forbidden"
    complete(api, "sthj_reviewer", task["id"])
    again = api.post(f"/api/tasks/{task['id']}/complete", "sthj_reviewer", json={"decision": "approve"})
    assert again.status_code == 409
    assert api.post(f"/api/tasks/{task['id']}/complete", "sw_reviewer", json={}).status_code == 403
    assert api.get("/api/tasks", "sthj_reviewer", query_string={"status": "completed"}).get_json()["total"] == 1


def test_claimed_by_colleague_is_409_and_refusal_needs_opinion(api: Api, app) -> None:
    start(api)
    api.post("/api/admin/users", "admin", json={"username": "sthj_two", "password": "password-two",
                                                  "role": "reviewer", "department_code": "sthj"})
    task = worklist(api, "sthj_reviewer")[0]
    assert api.post(f"/api/tasks/{task['id']}/claim", "sthj_reviewer").status_code == 200
    assert api.post(f"/api/tasks/{task['id']}/claim", "sthj_two").status_code == 409
    r = api.post(f"/api/tasks/{task['id']}/complete", "sthj_reviewer", json={"decision": "refuse"})
    assert r.status_code == 422
    assert r.get_json()["error"]["details"]["problems"][0]["field"] == "opinion"


def test_public_tracking_by_query_code(api: Api) -> None:
    inst = start(api)
    complete(api, "sw_reviewer", worklist(api, "sw_reviewer")[0]["id"])
    code = inst["query_code"]
    r = api.get(f"/api/public/track/{code[:4]}-{code[4:8]}-{code[8:].lower()}")
    assert r.status_code == 200
    body = r.get_json()
    assert body["project_name"] == APPLICATION["project"]["name"]
    states = {t["department"]: t["state"] for t in body["tasks"]}
    assert states == {"zrzy": "pending", "sthj": "pending", "sw": "completed", "jt": "pending"}
    assert all(t["due_at"].endswith("+08:00") for t in body["tasks"])
    text = r.get_data(as_text=True)
    assert "0571-88000000" not in text and "sw_reviewer" not in text and "applicant" not in text

    unknown = api.get("/api/public/track/ABCDEFGHJKMN")
    malformed = api.get("/api/public/track/not-a-code!")
    assert unknown.status_code == malformed.status_code == 404
    assert unknown.get_json() == malformed.get_json()


def test_bad_application_input_is_400_or_422_never_500(api: Api) -> None:
    cases = [
        ({}, 400),
        ({**APPLICATION, "project": {"name": "x", "code": "y", "investment": "lots"}}, 400),
        ({**APPLICATION, "project": {"name": "x", "code": "y", "investment": -5}}, 422),
        ({**APPLICATION, "definition_key": "no_such_process"}, 422),
        ({**APPLICATION, "data": {"__class__": 1}}, 422),
        ({**APPLICATION, "data": {"project": 1}}, 422),
        ({**APPLICATION, "unexpected": 1}, 400),
    ]
    for body, status in cases:
        r = api.post("/api/instances", "window1", json=body)
        assert r.status_code == status, (body, r.get_json())
        assert set(r.get_json()["error"]) == {"code", "message", "details"}
    assert api.post("/api/instances", "sthj_reviewer", json=APPLICATION).status_code == 403
    assert api.post("/api/instances", json=APPLICATION).status_code == 401
    assert api.post("/api/instances", "window1", data="{not json", content_type="application/json").status_code == 400


def test_department_cannot_read_an_instance_it_has_no_task_in(api: Api) -> None:
    inst = start(api)
    assert api.get(f"/api/instances/{inst['id']}", "sthj_reviewer").status_code == 200
    assert api.get(f"/api/instances/{inst['id']}", "qx_reviewer").status_code == 403
    assert api.get("/api/instances/999999", "jiancha").status_code == 404
