"""Task transfer (转办): a department asks to hand a task to another; it moves only once a lead of
another department or supervision approves, and every step is in the instance's audit history.
"""

from __future__ import annotations

from datetime import timedelta

from engine.commands.reasons import MAX_REASON, decision_reason_problems
from engine.exceptions import Problem
from engine.workdays import FixedClock
from tests.conftest import Api

BODY = {"definition_key": "investment_joint_approval",
        "project": {"name": "滨江项目", "code": "c", "investment": 1}, "applicant": {"name": "a", "contact": "b"}}


def _start(api: Api) -> int:
    r = api.post("/api/instances", "window1", json=BODY)
    assert r.status_code == 201, r.get_json()
    return r.get_json()["id"]


def _worklist(api: Api, user: str) -> list[dict]:
    r = api.get("/api/tasks", user)
    assert r.status_code == 200, r.get_json()
    return r.get_json()["items"]


def _history(api: Api, instance_id: int) -> list[dict]:
    return api.get(f"/api/instances/{instance_id}", "jiancha").get_json()["history"]


def test_an_approved_transfer_moves_the_task_to_the_other_worklist(api: Api, clock: FixedClock) -> None:
    instance_id = _start(api)
    task = _worklist(api, "sw_reviewer")[0]
    assert api.post(f"/api/tasks/{task['id']}/claim", "sw_reviewer").status_code == 200
    r = api.post(f"/api/tasks/{task['id']}/transfers", "sw_reviewer",
                 json={"to_department": "cg", "reason": "排水许可属城管局职责"})
    assert r.status_code == 201, r.get_json()
    transfer = r.get_json()
    assert (transfer["status"], transfer["from_department"], transfer["to_department"]) == ("pending", "sw", "cg")
    assert transfer["requested_by"] == "sw_reviewer"
    # Until it is approved the task stays where it was.
    assert [t["id"] for t in _worklist(api, "sw_reviewer")] == [task["id"]]
    assert _worklist(api, "cg_reviewer") == []

    # Leads see the requests they could decide; nobody decides for their own department.
    assert [t["id"] for t in api.get("/api/transfers", "fgw_lead").get_json()["items"]] == [transfer["id"]]
    assert api.get("/api/transfers", "sw_reviewer").status_code == 403
    decision = f"/api/transfers/{transfer['id']}/decision"
    assert api.post(decision, "sw_reviewer", json={"approve": True}).status_code == 403
    clock.advance(timedelta(hours=1))
    r = api.post(decision, "fgw_lead", json={"approve": True, "reason": "同意转办"})
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["status"] == "approved" and r.get_json()["decided_by"] == "fgw_lead"
    assert api.post(decision, "jiancha", json={"approve": False, "reason": "x"}).status_code == 409
    assert api.get("/api/transfers", "jiancha").get_json()["items"] == []
    assert len(api.get("/api/transfers", "jiancha", query_string={"status": "approved"}).get_json()["items"]) == 1

    assert _worklist(api, "sw_reviewer") == []
    moved = _worklist(api, "cg_reviewer")
    assert [t["id"] for t in moved] == [task["id"]]
    assert moved[0]["department"] == "cg" and moved[0]["status"] == "ready" and moved[0]["assignee"] is None
    assert moved[0]["due_at"] == task["due_at"]  # the clock carries over
    assert api.post(f"/api/tasks/{task['id']}/complete", "sw_reviewer", json={"decision": "approve"}) \
        .status_code == 403

    history = _history(api, instance_id)
    requested = next(e for e in history if e["action"] == "transfer.requested")
    assert requested["details"]["to"] == "cg" and requested["details"]["reason"] == "排水许可属城管局职责"
    moved_event = next(e for e in history if e["action"] == "task.transferred")
    assert moved_event["task_id"] == task["id"] and moved_event["actor"] == "fgw_lead"
    assert (moved_event["details"]["from"], moved_event["details"]["to"]) == ("sw", "cg")
    assert moved_event["details"]["approved_by"] == "fgw_lead"
    assert moved_event["details"]["reason"] == "排水许可属城管局职责"

    # Another department completing its branch re-syncs the task index: the moved task stays moved.
    other = _worklist(api, "jt_reviewer")[0]
    assert api.post(f"/api/tasks/{other['id']}/complete", "jt_reviewer", json={"decision": "approve"}) \
        .status_code == 200
    assert [t["id"] for t in _worklist(api, "cg_reviewer")] == [task["id"]]
    r = api.post(f"/api/tasks/{task['id']}/complete", "cg_reviewer",
                 json={"decision": "approve", "opinion": "同意"})
    assert r.status_code == 200 and r.get_json()["status"] == "completed"
    assert r.get_json()["department"] == "cg"
    assert api.post(f"/api/tasks/{task['id']}/transfers", "cg_reviewer",
                    json={"to_department": "sw", "reason": "x"}).status_code == 409  # no longer open


def test_a_refused_transfer_keeps_the_task(api: Api) -> None:
    instance_id = _start(api)
    task = _worklist(api, "zrzy_reviewer")[0]
    url = f"/api/tasks/{task['id']}/transfers"
    r = api.post(url, "zrzy_reviewer", json={"to_department": "zjj", "reason": "规划许可应由住建局办理"})
    assert r.status_code == 201
    transfer = r.get_json()
    assert api.post(url, "zrzy_reviewer", json={"to_department": "sw", "reason": "再转"}).status_code == 409

    decision = f"/api/transfers/{transfer['id']}/decision"
    assert api.post(decision, "zrzy_lead", json={"approve": True}).status_code == 403  # own department
    assert [t["id"] for t in api.get("/api/transfers", "zrzy_lead").get_json()["items"]] == []
    assert api.post(decision, "jiancha", json={"approve": False}).status_code == 422  # refusal needs a reason
    assert api.post(decision, "jiancha", json={"approve": False, "reason": "  "}).status_code == 422
    r = api.post(decision, "jiancha", json={"approve": False, "reason": "属本部门职责，不予转办"})
    assert r.status_code == 200 and r.get_json()["status"] == "refused"
    assert r.get_json()["decision_reason"] == "属本部门职责，不予转办"

    assert [t["id"] for t in _worklist(api, "zrzy_reviewer")] == [task["id"]]
    assert _worklist(api, "zjj_reviewer") == []
    refused = next(e for e in _history(api, instance_id) if e["action"] == "transfer.refused")
    assert refused["details"]["reason"] == "属本部门职责，不予转办" and refused["actor"] == "jiancha"
    assert not any(e["action"] == "task.transferred" for e in _history(api, instance_id))
    # Once refused, a new request may be made.
    assert api.post(url, "zrzy_reviewer", json={"to_department": "zjj", "reason": "补充说明"}).status_code == 201


def test_transfer_requests_refuse_bad_input(api: Api) -> None:
    _start(api)
    task = _worklist(api, "sw_reviewer")[0]
    url = f"/api/tasks/{task['id']}/transfers"
    assert api.post(url, "jt_reviewer", json={"to_department": "cg", "reason": "x"}).status_code == 403
    assert api.post(url, "jiancha", json={"to_department": "cg", "reason": "x"}).status_code == 403
    assert api.post("/api/tasks/no-such-task/transfers", "sw_reviewer",
                    json={"to_department": "cg", "reason": "x"}).status_code == 404
    assert api.post(url, "sw_reviewer", json={"to_department": "cg"}).status_code == 400
    assert api.post(url, "sw_reviewer", json={"reason": "x"}).status_code == 400
    r = api.post(url, "sw_reviewer", json={"to_department": "nope", "reason": " "})
    assert r.status_code == 422
    assert {p["field"] for p in r.get_json()["error"]["details"]["problems"]} == {"to_department", "reason"}
    assert api.post(url, "sw_reviewer", json={"to_department": "sw", "reason": "x"}).status_code == 422
    assert api.post(url, "sw_reviewer", json={"to_department": "cg", "reason": "x" * 2001}).status_code == 400
    assert api.post("/api/transfers/99999/decision", "jiancha", json={"approve": True}).status_code == 404
    assert api.post("/api/transfers/1/decision", "jiancha", json={"reason": "x"}).status_code == 400
    assert api.get("/api/transfers", "jiancha", query_string={"status": "lost"}).status_code == 400


def test_extensions_and_transfers_check_a_decisions_reason_alike() -> None:
    # A refusal must say why; an approval may, and either way the reason is bounded.
    assert decision_reason_problems(True, None) == [] and decision_reason_problems(True, "  ") == []
    assert decision_reason_problems(False, "理由不充分") == []
    for missing in (None, "", "  "):
        assert decision_reason_problems(False, missing) == [
            Problem("不同意时须写明理由", field="reason")]
    for approve in (True, False):
        assert decision_reason_problems(approve, "x" * (MAX_REASON + 1)) == [
            Problem(f"理由不能超过 {MAX_REASON} 个字符", field="reason")]
