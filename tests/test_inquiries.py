"""Public inquiries over HTTP: asked with a query code, answered, forwarded, passed on, published, rated.

The clock is pinned at Friday 2026-09-18 10:00 (Beijing). On the official calendar the working days
after it are Sun 09-20 (a make-up day), 09-21 … 09-24, then Mid-Autumn and National Day, then 09-28 …
09-30, 10-08, 10-09, Sat 10-10 (make-up) …, so a general question's part is due 09-24 17:30 and a complex one's 10-09 17:30.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from flask import Flask
from sqlalchemy import select

from api.blueprints.inquiries import LIMITS_CONFIG_KEY as INQUIRY_LIMITS_KEY
from api.scheduler import sweep_supervision, sweep_timers, sweep_warnings
from api.wiring import db
from engine.models import Instance, TaskRecord
from engine.workdays import FixedClock
from monitor.models import Inquiry, KnowledgeGram
from monitor.rate_limit import InquiryRateLimits
from tests.conftest import Api

CONTACT = "13900002222"
QUESTION = "我公司在滨江区新建厂房，环评审批需要准备哪些材料？"


def ask(api: Api, **body: object) -> object:
    return api.post("/api/public/inquiries", json={"question": QUESTION, "category": "环境保护", **body})


def ask_ok(api: Api, **body: object) -> str:
    r = ask(api, name="李四", contact=CONTACT, **body)
    assert r.status_code == 201, r.get_json()
    return r.get_json()["query_code"]


def track(api: Api, code: str) -> dict:
    r = api.get(f"/api/public/inquiries/{code}")
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def open_step(app: Flask, code: str) -> TaskRecord:
    """The one open step of the inquiry `code` names."""
    with app.app_context():
        inquiry = db.session.scalar(select(Inquiry).where(Inquiry.code == code.replace("-", "")))
        assert inquiry is not None
        rows = list(db.session.scalars(select(TaskRecord).where(
            TaskRecord.instance_id == inquiry.instance_id, TaskRecord.status.in_(("ready", "claimed")))))
        assert len(rows) == 1, [(r.bpmn_id, r.department_code) for r in rows]
        db.session.expunge(rows[0])
        return rows[0]


def problems(answer: object) -> dict[str, str]:
    """The fields a 422 names, with their messages."""
    assert answer.status_code == 422, answer.get_json()
    return {p["field"]: p["message"] for p in answer.get_json()["error"]["details"]["problems"]}


def handle(api: Api, task_id: str, user: str, **body: object) -> object:
    return api.post(f"/api/inquiries/steps/{task_id}", user, json=body)


def handle_ok(api: Api, task_id: str, user: str, **body: object) -> None:
    r = handle(api, task_id, user, **body)
    assert r.status_code == 200, r.get_json()


def test_a_question_in_a_departments_remit_is_answered_by_it_within_five_working_days(
        app: Flask, api: Api) -> None:
    code = ask_ok(api, department="sthj")
    assert len(code.replace("-", "")) == 12
    step = open_step(app, code)
    assert (step.bpmn_id, step.department_code, step.limit_days) == ("answer", "sthj", 5)
    tracked = track(api, code)
    assert tracked["status"] == "running" and not tracked["answered"]
    assert [(p["step"], p["department"], p["state"], p["due_at"]) for p in tracked["parts"]] == [
        ("answer", "sthj", "pending", "2026-09-24T17:30:00+08:00")]

    # Another department cannot answer it, and an answer needs its text.
    assert handle(api, step.id, "sw_reviewer", action="answer", text="答复").status_code == 403
    assert list(problems(handle(api, step.id, "sthj_reviewer", action="answer", text="  "))) == ["text"]

    handle_ok(api, step.id, "sthj_reviewer", action="answer", publish=True,
              text="需提交环境影响报告表、建设项目环评审批申请表及营业执照复印件。")
    tracked = track(api, code)
    assert tracked["answered"] and tracked["published"] and tracked["status"] == "completed"
    assert tracked["parts"][0]["text"].startswith("需提交环境影响报告表")
    assert CONTACT not in json.dumps(tracked, ensure_ascii=False)


def test_the_knowledge_base_finds_a_published_answer_by_a_phrase_that_is_no_whole_word(
        app: Flask, api: Api) -> None:
    published = ask_ok(api, department="sthj")
    handle_ok(api, open_step(app, published).id, "sthj_reviewer", action="answer", publish=True,
              text="需提交环境影响报告表。")
    private = ask_ok(api, department="sw", question="取水许可证遗失后如何补办？")
    handle_ok(api, open_step(app, private).id, "sw_reviewer", action="answer", publish=False,
              text="携带身份证明到水务局窗口申请补办。")

    # 「评审批」 straddles 环评 and 审批: no segmenter's whole word, still found.
    found = api.get("/api/public/knowledge", query_string={"q": "评审批"}).get_json()
    assert found["total"] == 1
    entry = found["items"][0]
    assert entry["question"] == QUESTION and entry["answer"] == "需提交环境影响报告表。"
    assert entry["department_names"] == ["生态环境局"]
    body = json.dumps(found, ensure_ascii=False)
    assert CONTACT not in body and "李四" not in body
    # The unpublished answer never appears, whatever is searched.
    for q in ("取水许可", "补办", "水务局窗口"):
        assert api.get("/api/public/knowledge", query_string={"q": q}).get_json()["total"] == 0
    # Punctuation alone has no terms: an empty page, not an error.
    assert api.get("/api/public/knowledge", query_string={"q": "？！"}).get_json()["items"] == []
    with app.app_context():
        assert db.session.scalar(select(KnowledgeGram.entry_id).where(KnowledgeGram.gram == "补办")) is None


def test_forwarding_needs_a_reason_and_takes_effect_when_the_government_office_routes_it(
        app: Flask, api: Api, clock: FixedClock) -> None:
    code = ask_ok(api, department="sthj")
    step = open_step(app, code)
    assert problems(handle(api, step.id, "sthj_reviewer", action="forward")) == {"text": "请填写转发理由"}
    clock.advance(timedelta(days=3))  # Monday 09-21 10:00
    handle_ok(api, step.id, "sthj_reviewer", action="forward", text="取水事项属水务局职责，不属本局。")

    route = open_step(app, code)
    assert (route.bpmn_id, route.department_code) == ("route", "zfb")
    tracked = track(api, code)
    assert tracked["parts"][0]["action"] == "forward"
    assert tracked["parts"][0]["text"] == "取水事项属水务局职责，不属本局。"
    # 5 working days for the government office from the forwarding: 09-22, 23, 24, 28, 29.
    assert tracked["parts"][1]["due_at"] == "2026-09-29T17:30:00+08:00"

    # The office refuses the forwarding: the question goes back to the department that forwarded it.
    handle_ok(api, route.id, "zfb_reviewer", action="refuse", text="问题涉及环评，仍属生态环境局职责。")
    back = open_step(app, code)
    assert (back.bpmn_id, back.department_code) == ("answer", "sthj")
    handle_ok(api, back.id, "sthj_reviewer", action="forward", text="确属水务局：取水许可。")
    route = open_step(app, code)
    assert handle(api, route.id, "zfb_reviewer", action="route").status_code == 422  # names no department
    assert handle(api, route.id, "zfb_reviewer", action="route", next_department="nope").status_code == 422
    handle_ok(api, route.id, "zfb_reviewer", action="route", next_department="sw")
    answer = open_step(app, code)
    assert (answer.bpmn_id, answer.department_code, answer.limit_days) == ("answer", "sw", 5)
    handle_ok(api, answer.id, "sw_reviewer", action="answer", text="请向水务局申请取水许可。")
    assert [(p["step"], p["department"], p["action"]) for p in track(api, code)["parts"]] == [
        ("answer", "sthj", "forward"), ("route", "zfb", "refuse"), ("answer", "sthj", "forward"),
        ("route", "zfb", "route"), ("answer", "sw", "answer")]


def test_a_question_whose_department_is_unknown_goes_to_the_government_office_first(
        app: Flask, api: Api) -> None:
    code = ask_ok(api)
    route = open_step(app, code)
    assert (route.bpmn_id, route.department_code) == ("route", "zfb")
    # Nothing was forwarded, so there is nobody to send it back to.
    assert list(problems(handle(api, route.id, "zfb_reviewer", action="refuse", text="退回"))) == ["action"]
    handle_ok(api, route.id, "zfb_reviewer", action="route", next_department="zrzy")
    assert open_step(app, code).department_code == "zrzy"


def test_a_joint_question_passes_along_a_chain_of_three_departments_each_with_its_own_limit(
        app: Flask, api: Api, clock: FixedClock) -> None:
    r = api.post("/api/inquiries", "window1", json={
        "question": "新建物流园区需要办理哪些用地、环评和取水手续？", "category": "投资建设",
        "department": "zrzy", "channel": "hotline", "complexity": "complex", "name": "王五", "contact": CONTACT})
    assert r.status_code == 201, r.get_json()
    code = r.get_json()["query_code"]
    first = open_step(app, code)
    # Complex: 10 working days, across Mid-Autumn and National Day.
    assert (first.department_code, first.limit_days) == ("zrzy", 10)
    assert track(api, code)["parts"][0]["due_at"] == "2026-10-09T17:30:00+08:00"
    assert handle(api, first.id, "zrzy_reviewer", action="pass_on", text="用地：需办理用地预审。",
                  next_department="zrzy").status_code == 422  # not itself
    handle_ok(api, first.id, "zrzy_reviewer", action="pass_on", text="用地：需办理用地预审与选址意见书。",
              next_department="sthj")
    clock.set(clock.now() + timedelta(days=10))  # Monday 09-28 10:00
    second = open_step(app, code)
    assert second.department_code == "sthj"
    handle_ok(api, second.id, "sthj_reviewer", action="pass_on", text="环评：需编制环境影响报告书。",
              next_department="sw")
    third = open_step(app, code)
    assert third.department_code == "sw"
    # The third part's own 10 days run from 09-28: 09-29, 09-30, 10-08, 10-09, Saturday 10-10 (a make-up
    # working day), 10-12 … 10-16.
    tracked = track(api, code)
    assert tracked["parts"][2]["due_at"] == "2026-10-16T17:30:00+08:00"
    assert tracked["channel"] == "hotline" and tracked["complexity"] == "complex"
    handle_ok(api, third.id, "sw_reviewer", action="answer", text="取水：需申请取水许可。", publish=True)
    entry = api.get("/api/public/knowledge", query_string={"q": "物流园区"}).get_json()["items"][0]
    assert entry["departments"] == ["zrzy", "sthj", "sw"]
    assert "自然资源和规划局：用地" in entry["answer"] and "水务局：取水" in entry["answer"]


def test_only_a_final_answer_is_published_and_the_step_must_fit_the_action(app: Flask, api: Api) -> None:
    code = ask_ok(api, department="sthj")
    step = open_step(app, code)
    assert problems(handle(api, step.id, "sthj_reviewer", action="forward", text="理由", publish=True)) == {
        "publish": "只有最终答复可以公开"}
    assert handle(api, step.id, "sthj_reviewer", action="route", next_department="sw").status_code == 422
    assert handle(api, "no-such-step", "sthj_reviewer", action="answer", text="x").status_code == 404


def test_the_asker_rates_the_answer_once_after_it_is_given(app: Flask, api: Api) -> None:
    code = ask_ok(api, department="sthj")
    early = api.post(f"/api/public/inquiries/{code}/rating", json={"grade": 5})
    assert early.status_code == 409
    handle_ok(api, open_step(app, code).id, "sthj_reviewer", action="answer", text="见政策文件。")
    rated = api.post(f"/api/public/inquiries/{code}/rating", json={"grade": 4, "comment": "清楚"})
    assert rated.status_code == 200 and rated.get_json()["satisfaction"] == 4
    assert api.post(f"/api/public/inquiries/{code}/rating", json={"grade": 1}).status_code == 409
    assert api.post(f"/api/public/inquiries/{code}/rating", json={"grade": 6}).status_code == 400


def test_bad_questions_and_codes_get_clear_chinese_answers(api: Api) -> None:
    fields = problems(ask(api, question="   ", department="nope"))
    assert set(fields) == {"question", "department"} and "问题内容" in fields["question"]
    assert api.get("/api/public/inquiries/ABCD-EFGH-JKLM").status_code == 404
    assert api.get("/api/public/inquiries/not a code").status_code == 404
    # The public cannot classify its own question or pretend to be the hotline.
    assert api.post("/api/inquiries", json={"question": "x", "category": "y", "channel": "hotline"}
                    ).status_code == 401
    assert api.post("/api/inquiries", "sthj_reviewer", json={
        "question": "x", "category": "y", "channel": "hotline"}).status_code == 403


def test_an_unhappy_asker_complains_with_the_query_code_and_the_bureau_handles_it(app: Flask, api: Api) -> None:
    code = ask_ok(api, department="sthj")
    handle_ok(api, open_step(app, code).id, "sthj_reviewer", action="answer", text="不属于环评范围。")
    r = api.post("/api/public/complaints", json={"query_code": code.lower(), "text": "答复敷衍，没有说明依据"})
    assert r.status_code == 201, r.get_json()
    bureau = api.get("/api/tasks", "jiancha", query_string={"department": "jcj"}).get_json()["items"]
    assert [t["bpmn_id"] for t in bureau if t["definition_key"] == "complaint_handling"] == ["accept_decision"]
    complaints = api.get("/api/supervision/complaints", "jiancha").get_json()["items"]
    assert complaints[0]["department"] == "sthj"  # the department that answered
    # The bureau sees the question by the asker's own code, never the handling's internal one.
    assert (complaints[0]["subject_kind"], complaints[0]["approval_query_code"], complaints[0]["department_name"]) == (
        "inquiry", code, "生态环境局")
    assert complaints[0]["project_name"] == track(api, code)["question"]
    handling_id = complaints[0]["handling_instance_id"]
    on_work_page = api.get(f"/api/supervision/complaints/instance/{handling_id}", "jiancha")
    assert on_work_page.status_code == 200 and on_work_page.get_json()["text"] == "答复敷衍，没有说明依据"
    assert api.get(f"/api/supervision/complaints/instance/{handling_id}", "sthj_reviewer").status_code == 403
    assert api.get(f"/api/supervision/complaints/instance/{complaints[0]['approval_instance_id']}",
                   "jiancha").status_code == 404
    # The handling instance's own internal code names nothing a complaint can be about.
    with app.app_context():
        inquiry = db.session.scalar(select(Inquiry).where(Inquiry.code == code.replace("-", "")))
        internal = db.session.get(Instance, inquiry.instance_id).query_code
    assert api.post("/api/public/complaints", json={"query_code": internal, "text": "x"}).status_code == 422


def test_a_part_is_extended_to_20_working_days_only_by_the_answering_units_own_head(
        app: Flask, api: Api) -> None:
    code = ask_ok(api, department="sthj")
    step = open_step(app, code)
    url = f"/api/tasks/{step.id}/extensions"
    too_many = api.post(url, "sthj_reviewer", json={"working_days": 16, "reason": "需实地核查"})
    assert problems(too_many) == {"working_days": "此事项连同延期最长20个工作日，最多还能延长15个工作日"}
    r = api.post(url, "sthj_reviewer", json={"working_days": 15, "reason": "需实地核查并征求多部门意见"})
    assert r.status_code == 201, r.get_json()
    extension = r.get_json()["id"]
    for user in ("sw_head", "fgw_lead", "zfb_head", "jiancha", "sthj_reviewer"):
        refused = api.post(f"/api/extensions/{extension}/decision", user, json={"approve": True})
        assert refused.status_code == 403, user
    approved = api.post(f"/api/extensions/{extension}/decision", "sthj_head", json={"approve": True})
    assert approved.status_code == 200, approved.get_json()
    # 20 working days after Friday 09-18 10:00 is 10-22 (across Mid-Autumn and National Day).
    assert track(api, code)["parts"][0]["due_at"] == "2026-10-22T17:30:00+08:00"


def test_an_overdue_unexplained_part_raises_one_alert_shows_on_the_board_and_its_explanation_is_published(
        app: Flask, api: Api, clock: FixedClock) -> None:
    code = ask_ok(api, department="sthj")
    step = open_step(app, code)
    clock.set(datetime(2026, 9, 28, 2, 0, tzinfo=UTC))  # Monday 10:00, after Thursday 09-24 17:30
    sweep_warnings(app)
    sweep_supervision(app)
    sweep_warnings(app)
    sweep_supervision(app)  # a second round raises nothing new
    alerts = [a for a in api.get("/api/supervision/alerts", "jiancha", query_string={"source": "deadline"}
                                 ).get_json()["items"] if a["task_id"] == step.id]
    assert len(alerts) == 1 and alerts[0]["level"] == "red" and alerts[0]["department"] == "sthj"
    board = api.get("/api/supervision/board", "jiancha").get_json()
    assert any(item["task_id"] == step.id for item in board["red_list"]), board["red_list"]

    url = f"/api/inquiries/steps/{step.id}/delay"
    assert api.post(url, "sw_reviewer", json={"text": "原因"}).status_code == 403
    assert api.post(url, "sthj_reviewer", json={"text": " \n"}).status_code == 422  # blank
    r = api.post(url, "sthj_reviewer", json={"text": "需征求规划部门意见，预计10月9日前答复。"})
    assert r.status_code == 201, r.get_json()
    assert api.post(url, "sthj_reviewer", json={"text": "再说明"}).status_code == 409
    part = track(api, code)["parts"][0]
    assert part["explanation"] == "需征求规划部门意见，预计10月9日前答复。"
    assert part["explained_at"] == "2026-09-28T10:00:00+08:00"
    alert = api.get(f"/api/supervision/alerts/{alerts[0]['id']}", "jiancha").get_json()
    assert alert["details"]["explanation"].startswith("需征求规划部门意见")


def test_online_questions_are_limited_per_address_and_staff_entries_are_not(app: Flask, api: Api) -> None:
    app.config[INQUIRY_LIMITS_KEY] = InquiryRateLimits(per_ip=2)
    assert ask(api, department="sthj").status_code == 201
    assert ask(api, department="sthj").status_code == 201
    third = ask(api, department="sthj")
    assert third.status_code == 429 and int(third.headers["Retry-After"]) > 0
    assert "过于频繁" in third.get_json()["error"]["message"]
    staff = api.post("/api/inquiries", "window1", json={"question": "电话提问", "category": "其他",
                                                        "channel": "hotline"})
    assert staff.status_code == 201


def test_a_query_parameter_given_twice_is_refused_by_name(api: Api) -> None:
    r = api.get("/api/public/knowledge?q=环评&q=审批")
    assert r.status_code == 400 and "q" in r.get_json()["error"]["message"]
    assert api.get("/api/public/knowledge", query_string={"q": "环评"}).status_code == 200


def test_the_window_cannot_register_the_inquiry_process_as_an_approval(api: Api) -> None:
    """A handling instance without its inquiry row would be a question nobody asked and nobody can follow."""
    r = api.post("/api/instances", "window1", json={
        "definition_key": "public_inquiry", "project": {"name": "p", "code": "c", "investment": 0},
        "applicant": {"name": "a", "contact": "b"}})
    assert problems(r) == {"definition_key": "该流程只能由查询登记启动"}


def test_monthly_scores_count_answers_on_time_forwards_the_office_accepted_and_satisfaction(
        app: Flask, api: Api, clock: FixedClock) -> None:
    # sthj answers one question in time; the asker rates it 5.
    first = ask_ok(api, department="sthj")
    handle_ok(api, open_step(app, first).id, "sthj_reviewer", action="answer", text="答复一")
    assert api.post(f"/api/public/inquiries/{first}/rating", json={"grade": 5}).status_code == 200
    # sthj forwards a second one, the 政府办 sends it back, sthj forwards again and it is routed to sw.
    second = ask_ok(api, department="sthj")
    handle_ok(api, open_step(app, second).id, "sthj_reviewer", action="forward", text="非本局职责")
    handle_ok(api, open_step(app, second).id, "zfb_reviewer", action="refuse", text="属本局职责")
    handle_ok(api, open_step(app, second).id, "sthj_reviewer", action="forward", text="确属水务")
    handle_ok(api, open_step(app, second).id, "zfb_reviewer", action="route", next_department="sw")
    # sw answers after its 5 working days (due Thu 09-24 17:30) and the asker rates it 2.
    clock.set(datetime(2026, 9, 28, 2, 0, tzinfo=UTC))
    handle_ok(api, open_step(app, second).id, "sw_reviewer", action="answer", text="答复二")
    assert api.post(f"/api/public/inquiries/{second}/rating", json={"grade": 2}).status_code == 200

    report = api.get("/api/supervision/scores", "jiancha", query_string={"period": "2026-09"}).get_json()
    rows = {d["department"]: d for d in report["departments"]}
    sthj, sw = rows["sthj"], rows["sw"]
    assert (sthj["inquiry_on_time_rate"], sthj["forward_accuracy"], sthj["inquiry_satisfaction_rate"]) == (
        1.0, 0.5, 1.0)
    assert (sw["inquiry_on_time_rate"], sw["forward_accuracy"], sw["inquiry_satisfaction_rate"]) == (
        0.0, None, 0.0)
    assert rows["jt"]["inquiry_on_time_rate"] is None  # nothing to measure is not a made-up rate
    csv = api.get("/api/supervision/scores", "jiancha", query_string={"period": "2026-09", "format": "csv"})
    assert "查询按时答复率" in csv.data.decode("utf-8-sig").splitlines()[0]


def test_the_bureau_lists_inquiries_with_figures_and_the_askers_contact(
        app: Flask, api: Api, clock: FixedClock) -> None:
    answered = ask_ok(api, department="sthj")
    handle_ok(api, open_step(app, answered).id, "sthj_reviewer", action="answer", text="答复")
    ask_ok(api)  # no department: routed by the 政府办, still open
    clock.set(datetime(2026, 10, 9, 2, 0, tzinfo=UTC))  # its 5 days (route step) are long past
    r = api.get("/api/supervision/inquiries", "jiancha")
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["figures"] == {"asked": 2, "answered": 1, "open": 1, "routed": 1, "overdue": 1}
    newest = body["items"][0]
    assert newest["asker"]["contact"] == CONTACT and newest["overdue"] is True
    assert [s["department"] for s in newest["open_steps"]] == ["zfb"]
    late = api.get("/api/supervision/inquiries", "jiancha", query_string={"state": "overdue"}).get_json()
    assert [i["id"] for i in late["items"]] == [newest["id"]]
    by_sthj = api.get("/api/supervision/inquiries", "jiancha", query_string={"department": "sthj"}).get_json()
    assert by_sthj["total"] == 1 and by_sthj["figures"]["answered"] == 1
    assert api.get("/api/supervision/inquiries", "sthj_reviewer").status_code == 403


def test_a_part_due_in_a_year_without_a_holiday_notice_is_marked_provisional(
        app: Flask, api: Api, clock: FixedClock) -> None:
    # Asked on Monday 2026-12-28: 5 working days reach into 2027, whose official notice is not loaded.
    clock.set(datetime(2026, 12, 28, 2, 0, tzinfo=UTC))
    code = ask_ok(api, department="sthj")
    part = track(api, code)["parts"][0]
    assert part["due_at"].startswith("2027-01-") and part["provisional"] is True
    clock.set(datetime(2026, 12, 7, 2, 0, tzinfo=UTC))
    in_year = ask_ok(api, department="jt", question="年内到期的问题")
    assert track(api, in_year)["parts"][0]["provisional"] is False


def test_an_inquiry_step_cannot_be_closed_through_the_generic_completion(app: Flask, api: Api) -> None:
    """Otherwise a department could close a question with no answer at all."""
    code = ask_ok(api, department="sthj")
    step = open_step(app, code)
    r = api.post(f"/api/tasks/{step.id}/complete", "sthj_reviewer", json={"decision": "approve"})
    assert r.status_code == 409 and "查询办理" in r.get_json()["error"]["message"]
    assert open_step(app, code).id == step.id  # still open, nothing recorded
    assert track(api, code)["status"] == "running"


def test_a_nul_character_in_any_input_is_a_client_error_not_a_500(app: Flask, api: Api) -> None:
    """PostgreSQL refuses NUL in text; the answer is a 400 there, and SQLite simply stores or refuses it."""
    answers = [api.get("/api/supervision/inquiries?department=a%00b", "jiancha"),
               api.get("/api/supervision/complaints?department=a%00b", "jiancha"),
               ask(api, department="a\u0000b")]
    with app.app_context():
        backend = db.engine.dialect.name
    for answer in answers:
        assert answer.status_code < 500, answer.get_json()
        if backend == "postgresql":
            assert answer.status_code == 400 and "NUL" in answer.get_json()["error"]["message"]


def test_the_first_answering_department_classifies_the_question_before_any_part_is_answered(
        app: Flask, api: Api, clock: FixedClock) -> None:
    code = ask_ok(api, department="zrzy")  # online: general, under the asker's own category
    first = open_step(app, code)
    url = f"/api/inquiries/steps/{first.id}/classification"
    assert api.post(url, "sthj_reviewer", json={"category": "规划用地", "complexity": "complex"}).status_code == 403
    assert problems(api.post(url, "zrzy_reviewer", json={"category": " ", "complexity": "complex"})) == {
        "category": "请填写问题类别"}
    r = api.post(url, "zrzy_reviewer", json={"category": "规划用地", "complexity": "complex"})
    assert r.status_code == 200, r.get_json()
    assert (r.get_json()["category"], r.get_json()["complexity"]) == ("规划用地", "complex")
    # Raised to complex: 10 working days from the same start, across Mid-Autumn and National Day.
    assert track(api, code)["parts"][0]["due_at"] == "2026-10-09T17:30:00+08:00"
    assert open_step(app, code).limit_days == 10
    assert problems(api.post(url, "zrzy_reviewer", json={"category": "规划用地", "complexity": "general"})) == {
        "complexity": "已按重要复杂问题办理，不能改为一般问题"}
    # The engine's own deadline timer moved with it: past the general limit nothing is marked overdue.
    clock.set(datetime(2026, 9, 25, 2, 0, tzinfo=UTC))  # Friday 10:00, the day after 5 working days
    sweep_timers(app)
    with app.app_context():
        instance = db.session.get(Instance, first.instance_id)
        assert instance is not None and not (instance.data or {}).get("overdue_answer")
    assert not api.get("/api/tasks", "zrzy_reviewer").get_json()["items"][0]["overdue"]
    handle_ok(api, first.id, "zrzy_reviewer", action="pass_on", text="用地：需办理用地预审。",
              next_department="sthj")
    # The next part of the joint answer gets its own 10 working days too, from Friday 09-25: 09-28 … 09-30,
    # 10-08, 10-09, Saturday 10-10 (a make-up working day), 10-12 … 10-15.
    second = open_step(app, code)
    assert second.limit_days == 10
    assert track(api, code)["parts"][1]["due_at"] == "2026-10-15T17:30:00+08:00"
    # Classifying is the first department's, before any part is answered.
    late = api.post(f"/api/inquiries/steps/{second.id}/classification", "sthj_reviewer",
                    json={"category": "环境保护", "complexity": "complex"})
    assert late.status_code == 409
    history = api.get(f"/api/instances/{second.instance_id}", "jiancha").get_json()["history"]
    assert [e["details"]["category"] for e in history if e["action"] == "inquiry.classified"] == ["规划用地"]
