"""API behaviour the pages need: countdowns, sorting, the public diagram, slowed guessing, the lead's board."""

from __future__ import annotations

from datetime import timedelta

from engine.stages import parse_stages
from tests.conftest import Api
from tests.live_server import REPO
from tests.test_joint_approval_api import STAGE1, complete, start, worklist


def test_tracking_gives_diagram_ids_countdowns_and_the_diagram_itself(api: Api) -> None:
    code = start(api)["query_code"]
    body = api.get(f"/api/public/track/{code}").get_json()
    tasks = {t["bpmn_id"]: t for t in body["tasks"]}
    assert set(STAGE1.values()) <= set(tasks)
    review = tasks["s1_zrzy_review"]
    assert review["working_days_left"] > 0 and review["overdue"] is False
    assert "0571" not in str(body)
    diagram = api.get(f"/api/public/track/{code}/diagram")
    assert diagram.status_code == 200 and diagram.mimetype == "application/xml"
    assert b'id="s1_zrzy_review"' in diagram.data
    assert api.get("/api/public/track/ZZZZZZZZZZZZ/diagram").status_code == 404


def test_repeated_wrong_codes_are_slowed_down_per_address(api: Api, clock) -> None:
    code = start(api)["query_code"]
    for _ in range(5):
        assert api.get("/api/public/track/ZZZZZZZZZZZZ").status_code == 404
    blocked = api.get(f"/api/public/track/{code}")  # even a right code waits: no guessing around the limit
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) > 0
    assert blocked.get_json()["error"]["code"] == "too_many_requests"
    other = api.get(f"/api/public/track/{code}", environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 200
    clock.advance(timedelta(minutes=11))
    assert api.get(f"/api/public/track/{code}").status_code == 200


def test_worklist_sorts_both_ways_and_counts_working_days(api: Api) -> None:
    start(api)
    start(api)
    soonest = worklist(api, "zrzy_reviewer")
    latest = worklist(api, "zrzy_reviewer", sort="-due_at")
    assert [t["id"] for t in soonest] == sorted([t["id"] for t in latest], key=[t["id"] for t in soonest].index)
    assert soonest[0]["due_at"] <= soonest[-1]["due_at"] and latest[0]["due_at"] >= latest[-1]["due_at"]
    assert all(isinstance(t["working_days_left"], int) for t in soonest)
    assert api.get("/api/tasks", "zrzy_reviewer", query_string={"sort": "name"}).status_code == 400


def test_stages_come_from_the_joins_in_the_diagram() -> None:
    stages = parse_stages((REPO / "bpmn" / "investment_joint_approval.bpmn").read_bytes())
    assert [(s.lead_task, s.lead_department) for s in stages] == [
        ("s1_lead_decide", "fgw"), ("s2_lead_decide", "zrzy"), ("s3_lead_decide", "zjj"), ("s4_lead_decide", "zjj")]
    assert stages[0].co_reviews == {v: k for k, v in STAGE1.items()}


def test_lead_board_shows_co_reviewers_and_opens_the_decision_when_all_are_in(api: Api) -> None:
    instance = start(api)
    assert api.get("/api/instances/lead-board", "zrzy_lead").get_json()["items"] == []  # stage 2 not reached
    rows = api.get("/api/instances/lead-board", "fgw_lead").get_json()["items"]
    row = next(r for r in rows if r["instance_id"] == instance["id"])
    assert {c["department"] for c in row["co_reviews"]} == set(STAGE1)
    assert row["all_in"] is False and row["can_decide"] is False and row["lead_task"] is None
    for dept, bpmn_id in STAGE1.items():
        task = next(t for t in worklist(api, f"{dept}_reviewer") if t["instance_id"] == instance["id"])
        complete(api, f"{dept}_reviewer", task["id"], opinion=f"{dept} 同意")
    row = next(r for r in api.get("/api/instances/lead-board", "fgw_lead").get_json()["items"]
               if r["instance_id"] == instance["id"])
    assert row["all_in"] and row["can_decide"] and row["lead_task"]["bpmn_id"] == "s1_lead_decide"
    assert {c["opinion"] for c in row["co_reviews"]} == {f"{d} 同意" for d in STAGE1}


def test_the_lead_reminds_a_late_co_reviewer_and_history_keeps_it(api: Api) -> None:
    instance = start(api)
    task = next(t for t in worklist(api, "sw_reviewer") if t["instance_id"] == instance["id"])
    r = api.post(f"/api/tasks/{task['id']}/remind", "fgw_lead", json={"note": "请尽快出具意见"})
    assert r.status_code == 200, r.get_json()
    assert api.post(f"/api/tasks/{task['id']}/remind", "sthj_reviewer", json={}).status_code == 403
    assert api.post(f"/api/tasks/{task['id']}/remind", "zrzy_lead", json={}).status_code == 403
    history = api.get(f"/api/instances/{instance['id']}", "jiancha").get_json()["history"]
    reminded = [e for e in history if e["action"] == "task.reminded"]
    assert len(reminded) == 1 and reminded[0]["actor"] == "fgw_lead"
    assert reminded[0]["details"]["department"] == "sw" and reminded[0]["details"]["note"] == "请尽快出具意见"
    complete(api, "sw_reviewer", task["id"])
    assert api.post(f"/api/tasks/{task['id']}/remind", "fgw_lead", json={}).status_code == 409
    assert api.post("/api/tasks/no-such-task/remind", "fgw_lead", json={}).status_code == 404


def test_the_lead_board_shows_a_co_reviewers_extension_request_until_its_head_decides(api: Api) -> None:
    instance = start(api)
    task = next(t for t in worklist(api, "sw_reviewer") if t["instance_id"] == instance["id"])

    def sw_on_board() -> dict:
        row = next(r for r in api.get("/api/instances/lead-board", "fgw_lead").get_json()["items"]
                   if r["instance_id"] == instance["id"])
        return next(c for c in row["co_reviews"] if c["department"] == "sw")

    assert sw_on_board()["pending_extension"] is None
    r = api.post(f"/api/tasks/{task['id']}/extensions", "sw_reviewer",
                 json={"working_days": 3, "reason": "需补充水资源论证报告"})
    assert r.status_code == 201, r.get_json()
    before = sw_on_board()
    assert before["pending_extension"]["working_days"] == 3
    assert before["pending_extension"]["reason"] == "需补充水资源论证报告"
    others = [c for c in next(r for r in api.get("/api/instances/lead-board", "fgw_lead").get_json()["items"]
                              if r["instance_id"] == instance["id"])["co_reviews"] if c["department"] != "sw"]
    assert all(c["pending_extension"] is None for c in others)
    decided = api.post(f"/api/extensions/{r.get_json()['id']}/decision", "sw_head", json={"approve": True})
    assert decided.status_code == 200, decided.get_json()
    after = sw_on_board()
    assert after["pending_extension"] is None
    assert after["task"]["working_days_left"] == before["task"]["working_days_left"] + 3
