"""Complaints over HTTP: filed by query code, handled as complaint_handling.bpmn, dissatisfied → order."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import Flask
from sqlalchemy import func, select

from api.code_guard import THROTTLE_CONFIG_KEY
from api.scheduler import sweep_timers, sweep_warnings
from api.wiring import db, services
from engine.models import Instance
from engine.tracking_guard import GuessingLimits
from engine.workdays import FixedClock, workday_deadline
from monitor.models import Complaint, SupervisionOrder
from monitor.sweeps import sweep_complaint_outcomes
from tests.conftest import START, Api
from tests.test_joint_approval_api import APPLICATION, STAGE1, complete, start

CONTACT = "13900001111"


def file(api: Api, query_code: str, text: str = "审批超时无人答复", **extra: object) -> object:
    return api.post("/api/public/complaints", json={"query_code": query_code, "text": text, **extra})


def file_ok(api: Api, query_code: str, **extra: object) -> str:
    r = file(api, query_code, name="张三", contact=CONTACT, **extra)
    assert r.status_code == 201, r.get_json()
    return r.get_json()["complaint_code"]


def track(api: Api, code: str) -> dict:
    r = api.get(f"/api/public/complaints/{code}")
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def bureau_tasks(api: Api, bpmn_id: str | None = None) -> list[dict]:
    r = api.get("/api/tasks", "jiancha", query_string={"department": "jcj"})
    assert r.status_code == 200, r.get_json()
    items = r.get_json()["items"]
    return [t for t in items if bpmn_id is None or t["bpmn_id"] == bpmn_id]


def only_task(api: Api, bpmn_id: str) -> dict:
    tasks = bureau_tasks(api, bpmn_id)
    assert len(tasks) == 1, tasks
    return tasks[0]


def complaint_row(app: Flask, code: str) -> Complaint:
    with app.app_context():
        row = db.session.scalar(select(Complaint).where(Complaint.code == code.replace("-", "")))
        assert row is not None
        db.session.expunge(row)
        return row


def sweep(app: Flask) -> int:
    with app.app_context():
        return sweep_complaint_outcomes(services().executor)


def due(app: Flask, days: int, start: datetime = START) -> str:
    with app.app_context():
        runtime = services().runtime
        return workday_deadline(runtime.calendar, start, days, runtime.workday_close).isoformat()


def test_public_complaint_starts_handling_for_the_bureau_and_opens_an_alert(app: Flask, api: Api) -> None:
    approval = start(api)
    code = approval["query_code"]
    complaint_code = file_ok(api, f"{code[:4]}-{code[4:8]} {code[8:].lower()}")  # typed as on a receipt
    assert len(complaint_code.replace("-", "")) == 12

    task = only_task(api, "accept_decision")
    assert task["definition_key"] == "complaint_handling" and task["name"] == "受理审查"
    assert task["department"] == "jcj" and task["due_at"] == due(app, 15)  # 15 working days from receipt
    assert api.get("/api/tasks", "zrzy_reviewer", query_string={"department": "jcj"}).status_code == 403

    row = complaint_row(app, complaint_code)
    assert row.channel == "public" and row.source_ip == "127.0.0.1" and row.filed_by is None
    assert row.approval_instance_id == approval["id"] and row.department_code in STAGE1
    handling = api.get(f"/api/instances/{row.handling_instance_id}", "jiancha").get_json()
    assert handling["status"] == "running"
    assert handling["data"]["complaint_id"] == row.id and handling["data"]["department"] == row.department_code
    assert handling["data"]["approval_instance_id"] == approval["id"]
    assert handling["project"]["code"] == f"投诉第{row.id}号"
    # Window staff can read instances, and the department concerned its alerts: neither gets the
    # contact, nor the code that would let them answer the satisfaction call-back.
    assert CONTACT not in json.dumps(handling) and row.code not in json.dumps(handling)

    alerts = api.get("/api/supervision/alerts", "jiancha", query_string={"source": "complaint"}).get_json()
    assert alerts["total"] == 1
    alert = alerts["items"][0]
    assert (alert["kind"], alert["level"], alert["state"]) == ("complaint", "yellow", "open")
    assert alert["department"] == row.department_code and alert["instance_id"] == approval["id"]
    assert CONTACT not in json.dumps(alert) and row.code not in json.dumps(alert)
    concerned = api.get(f"/api/supervision/alerts/{alert['id']}", f"{row.department_code}_reviewer")
    assert concerned.status_code == 200

    tracking = track(api, complaint_code.lower())
    assert tracking["status"] == "running" and tracking["stage"] == "受理审查"
    assert tracking["tasks"] == [{"name": "受理审查", "state": "pending", "due_at": due(app, 15),
                                  "completed_at": None}]
    assert CONTACT not in json.dumps(tracking) and "张三" not in json.dumps(tracking)

    for user in ("window1", "zrzy_reviewer", "admin"):
        assert api.get(f"/api/supervision/complaints/{row.id}", user).status_code == 403
    bureau = api.get(f"/api/supervision/complaints/{row.id}", "jiancha").get_json()
    assert bureau["complainant"] == {"name": "张三", "contact": CONTACT}
    assert bureau["alert_id"] == alert["id"] and bureau["approval_query_code"] == code
    assert [t["bpmn_id"] for t in bureau["tasks"]] == ["accept_decision"]
    listed = api.get("/api/supervision/complaints", "jiancha").get_json()
    assert listed["total"] == 1 and listed["items"][0]["complainant"]["contact"] == CONTACT


def test_full_run_with_extension_and_dissatisfied_reply_produces_one_order(app: Flask, api: Api) -> None:
    approval = start(api)
    complaint_code = file_ok(api, approval["query_code"])
    row = complaint_row(app, complaint_code)
    early = api.post(f"/api/public/complaints/{complaint_code}/feedback", json={"satisfied": False})
    assert early.status_code == 409 and early.get_json()["error"]["code"] == "conflict"

    complete(api, "jiancha", only_task(api, "accept_decision")["id"], decision="accept", opinion="予以受理")
    handle = only_task(api, "handle")
    assert handle["name"] == "调查处理" and handle["due_at"] == due(app, 15)
    r = api.post(f"/api/tasks/{handle['id']}/extensions", "jiancha",
                 json={"working_days": 15, "reason": "需调取窗口录像并约谈经办人"})
    assert r.status_code == 201, r.get_json()
    # The bureau's own head approves; neither its staff nor another unit's lead may (up to 30 in all).
    for user in ("sw_reviewer", "fgw_lead", "jiancha"):
        assert api.post(f"/api/extensions/{r.get_json()['id']}/decision", user,
                        json={"approve": True}).status_code == 403, user
    decided = api.post(f"/api/extensions/{r.get_json()['id']}/decision", "jcj_head",
                       json={"approve": True, "reason": "同意延期"})
    assert decided.status_code == 200 and decided.get_json()["status"] == "approved"
    extended = only_task(api, "handle")["due_at"]
    assert extended == due(app, 15, datetime.fromisoformat(handle["due_at"]))

    complete(api, "jiancha", only_task(api, "handle")["id"], decision="upheld", opinion="已核实，责令限期办结")
    complete(api, "jiancha", only_task(api, "reply")["id"], decision="replied",
             opinion="经核查，相关部门已于三日内办结您的申请。")
    waiting = track(api, complaint_code)
    assert waiting["awaiting_feedback"] is True and waiting["stage"] == "满意度回访"
    assert waiting["reply"] == "经核查，相关部门已于三日内办结您的申请。"
    assert waiting["finding"] == "投诉属实"  # the label the diagram gives the investigation's choice
    assert [t["name"] for t in waiting["tasks"]] == ["受理审查", "调查处理", "答复投诉人", "满意度回访"]

    bad = api.post(f"/api/public/complaints/{complaint_code}/feedback", json={"satisfied": "no"})
    assert bad.status_code == 400
    r = api.post(f"/api/public/complaints/{complaint_code}/feedback",
                 json={"satisfied": False, "comment": "问题仍未解决"})
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["status"] == "completed" and r.get_json()["outcome_event"] == "end_dissatisfied"
    assert r.get_json()["outcome"] == "办结（不满意，转督办）"
    again = api.post(f"/api/public/complaints/{complaint_code}/feedback", json={"satisfied": True})
    assert again.status_code == 409

    handling = api.get(f"/api/instances/{row.handling_instance_id}", "jiancha").get_json()
    assert handling["outcome"]["end_event"] == "end_dissatisfied"
    feedback_done = [e for e in handling["history"] if e["action"] == "task.completed"][-1]
    assert feedback_done["actor"] == f"complainant:{row.code}"
    assert feedback_done["details"]["opinion"] == "问题仍未解决"

    assert sweep(app) == 1
    assert sweep(app) == 0
    orders = api.get("/api/supervision/orders", "jiancha").get_json()["items"]
    assert len(orders) == 1
    order = orders[0]
    assert order["department"] == row.department_code and order["kind"] == "order"
    assert order["instance_id"] == approval["id"] and f"投诉第{row.id}号" in order["content"]
    assert row.code not in order["content"]
    assert order["reply_working_days"] == 10
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SupervisionOrder)) == 1
    assert complaint_row(app, complaint_code).satisfied is False
    alert = api.get("/api/supervision/alerts", "jiancha", query_string={"source": "complaint"}).get_json()
    assert alert["items"][0]["state"] == "decided" and alert["items"][0]["decision"] == "order"


def test_staff_filing_satisfied_and_not_accepted_outcomes_issue_no_order(app: Flask, api: Api) -> None:
    approval = start(api)
    r = api.post("/api/supervision/complaints", "window1",
                 json={"query_code": approval["query_code"], "text": "电话投诉：窗口态度差", "department": "zrzy",
                       "contact": CONTACT})
    assert r.status_code == 201, r.get_json()
    satisfied_code = r.get_json()["complaint_code"]
    row = complaint_row(app, satisfied_code)
    assert (row.channel, row.department_code, row.filed_by) == ("window", "zrzy", "window1")
    r = api.post("/api/supervision/complaints", "jiancha",
                 json={"query_code": approval["query_code"], "text": "来访投诉：重复提交材料"})
    assert r.status_code == 201 and complaint_row(app, r.get_json()["complaint_code"]).channel == "bureau"
    refused_code = r.get_json()["complaint_code"]
    assert api.post("/api/supervision/complaints", "zrzy_reviewer",
                    json={"query_code": approval["query_code"], "text": "x"}).status_code == 403
    unknown = api.post("/api/supervision/complaints", "jiancha",
                       json={"query_code": approval["query_code"], "text": "x", "department": "nope"})
    assert unknown.status_code == 422
    assert unknown.get_json()["error"]["details"]["problems"][0]["field"] == "department"

    tasks = {t["instance_id"]: t for t in bureau_tasks(api, "accept_decision")}
    refused_row = complaint_row(app, refused_code)
    complete(api, "jiancha", tasks[refused_row.handling_instance_id]["id"], decision="reject",
             opinion="不属于本局受理范围，已告知向信访部门反映")
    refused = track(api, refused_code)
    assert refused["outcome_event"] == "end_not_accepted"
    assert refused["not_accepted_reason"] == "不属于本局受理范围，已告知向信访部门反映"

    complete(api, "jiancha", tasks[row.handling_instance_id]["id"], decision="accept")
    complete(api, "jiancha", only_task(api, "handle")["id"], decision="not_upheld", opinion="经调阅录像，未见态度问题")
    complete(api, "jiancha", only_task(api, "reply")["id"], decision="replied", opinion="已约谈窗口人员")
    # The bureau records the call-back itself; the complainant then can no longer answer.
    complete(api, "jiancha", only_task(api, "feedback")["id"], decision="satisfied", opinion="电话回访，投诉人表示满意")
    assert track(api, satisfied_code)["outcome_event"] == "end_satisfied"
    assert api.post(f"/api/public/complaints/{satisfied_code}/feedback",
                    json={"satisfied": False}).status_code == 409

    assert sweep(app) == 1  # the satisfied one; the refused one never asked for satisfaction
    assert sweep(app) == 0
    assert complaint_row(app, satisfied_code).satisfied is True
    assert complaint_row(app, refused_code).satisfied is None
    assert api.get("/api/supervision/orders", "jiancha").get_json()["items"] == []
    subject = f"complaint:{complaint_row(app, satisfied_code).id}"
    alerts = api.get("/api/supervision/alerts", "jiancha", query_string={"source": "complaint"}).get_json()["items"]
    assert [a["state"] for a in alerts if a["subject"] == subject] == ["closed"]  # settled: nothing left to watch


def test_bad_complaints_get_4xx_and_nothing_is_filed(app: Flask, api: Api) -> None:
    # Many wrong codes in a row: lift the guessing limit (tests/test_tracking_guard.py covers it).
    app.config[THROTTLE_CONFIG_KEY] = GuessingLimits(limit=100)
    approval = start(api)
    unknown = file(api, "2345-6789-ABCD")
    malformed = file(api, "not a code")
    assert unknown.status_code == malformed.status_code == 422
    assert unknown.get_json() == malformed.get_json()
    assert unknown.get_json()["error"]["details"]["problems"] == [{"message": "没有这个查询码，请核对后重新输入",
                                                                   "field": "query_code"}]
    assert file(api, approval["query_code"], "").status_code == 400
    assert file(api, approval["query_code"], "x" * 5001).status_code == 400
    blank = file(api, approval["query_code"], "   ")
    assert blank.status_code == 422 and blank.get_json()["error"]["details"]["problems"][0]["field"] == "text"
    assert api.post("/api/public/complaints", json={"query_code": approval["query_code"]}).status_code == 400
    assert file(api, approval["query_code"], department="zrzy").status_code == 400  # the public names none
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Complaint)) == 0

    assert file(api, approval["query_code"], "x" * 5000).status_code == 201
    handling = complaint_row(app, track(api, _only_code(app))["complaint_code"]).handling_instance_id
    with app.app_context():
        handling_code = db.session.get(Instance, handling).query_code
    assert file(api, handling_code).status_code == 422  # a complaint is not an approval to complain about
    assert api.get("/api/public/complaints/2345-6789-ABCD").status_code == 404
    assert api.get("/api/public/complaints/nonsense").status_code == 404
    assert api.post("/api/public/complaints/2345-6789-ABCD/feedback", json={"satisfied": True}).status_code == 404


def _only_code(app: Flask) -> str:
    with app.app_context():
        return db.session.scalar(select(Complaint.code))


def test_a_flood_from_one_address_gets_429_and_keeps_the_accepted(app: Flask, api: Api, clock: FixedClock) -> None:
    first, second = start(api), start(api)
    codes = [file_ok(api, first["query_code"]) for _ in range(3)]
    codes += [file_ok(api, second["query_code"]) for _ in range(2)]
    flood = file(api, second["query_code"])
    assert flood.status_code == 429
    assert flood.get_json()["error"]["code"] == "too_many_requests"
    assert flood.headers["Retry-After"] == "3600"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Complaint)) == 5
    assert len(bureau_tasks(api, "accept_decision")) == 5
    assert all(track(api, code)["status"] == "running" for code in codes)
    # Staff filing on someone's behalf is not limited.
    assert api.post("/api/supervision/complaints", "jiancha",
                    json={"query_code": second["query_code"], "text": "电话投诉"}).status_code == 201

    other = {"REMOTE_ADDR": "10.0.0.9"}
    about_first = api.post("/api/public/complaints", environ_base=other,
                           json={"query_code": first["query_code"], "text": "第四次"})
    assert about_first.status_code == 429  # three a day about one application, from any address
    assert api.post("/api/public/complaints", environ_base=other,
                    json={"query_code": second["query_code"], "text": "另一地址"}).status_code == 201

    third = start(api)
    assert file(api, third["query_code"]).status_code == 429
    clock.advance(timedelta(hours=1, seconds=1))
    assert file(api, third["query_code"]).status_code == 201  # the hour has passed for 127.0.0.1
    assert file(api, second["query_code"]).status_code == 429  # second: 3 public ones today
    later = file(api, first["query_code"])
    assert later.status_code == 429 and later.headers["Retry-After"] == str(24 * 3600 - 3601)


def test_a_late_acceptance_decision_is_flagged_and_stays_open(app: Flask, api: Api, clock: FixedClock) -> None:
    approval = start(api)
    complaint_code = file_ok(api, approval["query_code"])
    row = complaint_row(app, complaint_code)
    clock.set(datetime.fromisoformat(due(app, 15)) + timedelta(minutes=1))
    assert sweep_timers(app).fired >= 1
    sweep_warnings(app)
    handling = api.get(f"/api/instances/{row.handling_instance_id}", "jiancha").get_json()
    assert handling["data"]["overdue_accept_decision"] is True and handling["status"] == "running"
    late = only_task(api, "accept_decision")
    assert late["overdue"] is True and late["warning_level"] in ("red", "escalated")


def test_complaint_handling_cannot_be_started_as_an_application(api) -> None:
    r = api.post("/api/instances", "window1", json={
        "definition_key": "complaint_handling", "project": {"name": "p", "code": "c", "investment": 0},
        "applicant": {"name": "a", "contact": "b"}})
    assert r.status_code == 422 and r.get_json()["error"]["details"]["problems"][0]["field"] == "definition_key"


def test_the_window_cannot_register_the_complaint_process_as_an_approval(app: Flask, api: Api) -> None:
    """A handling instance without its complaint row and alert would be work nobody could close."""
    body = {**APPLICATION, "definition_key": "complaint_handling"}
    refused = api.post("/api/instances", "window1", json=body)
    assert refused.status_code == 422
    assert refused.get_json()["error"]["details"]["problems"] == [
        {"message": "该流程只能由投诉登记启动", "field": "definition_key"}]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Instance)
                                 .where(Instance.definition_key == "complaint_handling")) == 0
    assert start(api)["query_code"]  # the ordinary process still registers


def test_handling_is_due_15_working_days_from_receipt_and_extends_to_30_at_most(
        app: Flask, api: Api, clock: FixedClock) -> None:
    approval = start(api)
    file_ok(api, approval["query_code"])
    # Accepted three working days later (Sun 09-20 is a make-up working day): the handling step gets
    # the 12 days that are left, so it ends on the day acceptance would have.
    clock.set(datetime(2026, 9, 22, 2, 0, tzinfo=UTC))
    complete(api, "jiancha", only_task(api, "accept_decision")["id"], decision="accept", opinion="予以受理")
    handle = only_task(api, "handle")
    assert handle["due_at"] == due(app, 15) and handle["limit_days"] == 12
    url = f"/api/tasks/{handle['id']}/extensions"
    too_many = api.post(url, "jiancha", json={"working_days": 16, "reason": "需调取录像"})
    assert too_many.status_code == 422
    assert too_many.get_json()["error"]["details"]["problems"][0]["message"] == \
        "此事项连同延期最长30个工作日，最多还能延长15个工作日"
    r = api.post(url, "jiancha", json={"working_days": 15, "reason": "需调取录像并约谈经办人"})
    assert r.status_code == 201, r.get_json()
    assert api.post(f"/api/extensions/{r.get_json()['id']}/decision", "jcj_head",
                    json={"approve": True}).status_code == 200
    assert only_task(api, "handle")["due_at"] == due(app, 30)



def test_each_handling_step_offers_only_the_decisions_its_diagram_declares(app: Flask, api: Api) -> None:
    approval = start(api)
    code = file_ok(api, approval["query_code"])
    accept = only_task(api, "accept_decision")
    detail = api.get(f"/api/instances/{accept['instance_id']}", "jiancha").get_json()
    assert detail["task_forms"] == {"accept_decision": {
        "choices": [{"value": "accept", "label": "受理", "needs_opinion": False},
                    {"value": "reject", "label": "不予受理", "needs_opinion": True}],
        "opinion": {"label": "受理意见（不予受理时写明理由）", "required": False}}}
    url = f"/api/tasks/{accept['id']}/complete"
    # The approval pair means nothing here; a refusal without its reason is refused by name.
    wrong = api.post(url, "jiancha", json={"decision": "approve"})
    assert wrong.status_code == 422
    assert wrong.get_json()["error"]["details"]["problems"] == [{
        "message": "请选择此环节提供的决定之一：受理（accept）、不予受理（reject）", "field": "decision"}]
    bare = api.post(url, "jiancha", json={"decision": "reject", "opinion": "  "})
    assert [(p["field"], p["message"]) for p in bare.get_json()["error"]["details"]["problems"]] == [
        ("opinion", "选择“不予受理”时须填写受理意见（不予受理时写明理由）")]
    assert only_task(api, "accept_decision")["status"] == "ready"  # nothing moved
    complete(api, "jiancha", accept["id"], decision="accept")
    handle = only_task(api, "handle")
    silent = api.post(f"/api/tasks/{handle['id']}/complete", "jiancha", json={"decision": "partly_upheld"})
    assert [p["message"] for p in silent.get_json()["error"]["details"]["problems"]] == ["此环节须填写查明事实与处理意见"]
    complete(api, "jiancha", handle["id"], decision="partly_upheld", opinion="部分材料确需补正，已责令改进")
    assert track(api, code)["finding"] == "部分属实"
    reply = only_task(api, "reply")
    empty = api.post(f"/api/tasks/{reply['id']}/complete", "jiancha", json={})
    assert empty.get_json()["error"]["details"]["problems"][0]["field"] == "opinion"


def test_a_complaint_running_on_the_diagram_before_declared_choices_still_ends_as_answered(
        app: Flask, api: Api) -> None:
    """Version 1 of complaint_handling gated the call-back on `satisfied`, not on the decision."""
    old = (Path(__file__).parent / "fixtures" / "complaint_handling_v1.bpmn").read_bytes()
    assert api.post("/api/definitions", "designer", data=old, content_type="application/xml").status_code == 201
    approval = start(api)
    code = file_ok(api, approval["query_code"])
    complete(api, "jiancha", only_task(api, "accept_decision")["id"], decision="accept")
    complete(api, "jiancha", only_task(api, "handle")["id"], decision="done", opinion="已核实")
    complete(api, "jiancha", only_task(api, "reply")["id"], decision="replied", opinion="已责令整改")
    r = api.post(f"/api/public/complaints/{code}/feedback", json={"satisfied": True})
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["outcome_event"] == "end_satisfied"
