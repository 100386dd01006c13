"""Scores: a September seeded over HTTP with the injected clock, checked against values worked out by
hand (in the comments) from the definitions in monitor/queries/scores.py, as JSON, CSV and XLSX.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime

import openpyxl
import pytest
from flask import Flask

from api.wiring import db, services
from engine.commands import Actor
from engine.workdays import SHANGHAI, FixedClock
from monitor.commands.alerts import RaiseAlertCommand
from monitor.models import AlertSignal, Card
from monitor.queries.periods import parse_period
from tests.bpmn_builder import definitions, process_xml
from tests.conftest import Api
from tests.test_joint_approval_api import complete, start

APPLICANT = {"name": "杭州示范建设有限公司", "contact": "0571-88000000"}
UNMEASURED = 10 + 14 + 8 + 10 + 10 + 10  # disclosure, process, fees, attitude, legal duty, integrity


def _beijing(*args: int) -> datetime:
    """An instant given as Beijing wall time."""
    return datetime(*args, tzinfo=SHANGHAI)


def one_review(process_id: str = "one_review", department: str = "sw", days: int = 2) -> bytes:
    """Start -> one review with a deadline of `days` working days -> end."""
    body = ('<bpmn:startEvent id="start"/><bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="review"/>'
            f'<bpmn:userTask id="review" name="{department} 审查"/>'
            '<bpmn:boundaryEvent id="deadline" attachedToRef="review" cancelActivity="false">'
            f"<bpmn:timerEventDefinition><bpmn:timeDate>workdays({days})</bpmn:timeDate>"
            "</bpmn:timerEventDefinition></bpmn:boundaryEvent>"
            '<bpmn:sequenceFlow id="f_late" sourceRef="deadline" targetRef="late_end"/><bpmn:endEvent id="late_end"/>'
            '<bpmn:sequenceFlow id="f1" sourceRef="review" targetRef="ok"/><bpmn:endEvent id="ok" name="通过"/>')
    lane = ["start", "review", "deadline", "late_end", "ok"]
    return definitions(process_xml(process_id, body, {department: lane}))


def _start(api: Api, key: str) -> dict:
    r = api.post("/api/instances", "window1", json={"definition_key": key, "applicant": APPLICANT,
                                                    "project": {"name": "滨江项目", "code": "p-1", "investment": 1}})
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def _complete(api: Api, user: str, instance_id: int, decision: str = "approve", bpmn_id: str | None = None) -> None:
    items = api.get("/api/tasks", user, query_string={"per_page": 500}).get_json()["items"]
    task = next(t for t in items if t["instance_id"] == instance_id and bpmn_id in (None, t["bpmn_id"]))
    r = api.post(f"/api/tasks/{task['id']}/complete", user, json={"decision": decision, "opinion": "材料不全，不予受理"})
    assert r.status_code == 200, r.get_json()


def _seed_september(app: Flask, api: Api, clock: FixedClock) -> None:
    """Five applications registered by window1 on Tue 2026-09-01 10:00, handled through September.

    Stage-1 reviews of investment_joint_approval are due at the 20th working day after 09-01:
    09-02..04 (3), 07..11 (8), 14..18 (13), Sun 20 adjusted (14), 21..24 (18), [25 Mid-Autumn off],
    28 (19), 29 (20) -> Tue 2026-09-29 17:30, limit 20.
    """
    r = api.post("/api/definitions", "designer", data=one_review(), content_type="application/xml")
    assert r.status_code == 201, r.get_json()
    clock.set(_beijing(2026, 9, 1, 10, 0))
    a, b, c = (_start(api, "investment_joint_approval") for _ in range(3))
    d = _start(api, "one_review")  # sw review due Thu 09-03 17:30, limit 2
    e = _start(api, "one_window_acceptance")  # 接件登记 (no deadline), then 材料完整性审查 (5 working days)

    clock.set(_beijing(2026, 9, 1, 11, 0))
    _complete(api, "jt_reviewer", a["id"])  # same day; 20 working days left -> used 0, speed-up 1
    clock.set(_beijing(2026, 9, 1, 15, 0))
    _complete(api, "sw_reviewer", d["id"])  # same day; 2 left -> speed-up 1; D completes
    _complete(api, "window1", e["id"])  # receive: same day, no deadline; check created, due Tue 09-08
    clock.set(_beijing(2026, 9, 2, 10, 0))
    # check: 4 working days left (09-03, 04, 07, 08) -> early; used 5 - 4 = 1, speed-up 0.8.
    _complete(api, "window1", e["id"], decision="refuse")  # E ends at 不予受理
    clock.set(_beijing(2026, 9, 10, 10, 0))
    _complete(api, "sthj_reviewer", a["id"])  # 13 left (09-11 .. 09-29) -> early, used 7, speed-up 0.65
    clock.set(_beijing(2026, 9, 29, 16, 0))
    _complete(api, "sthj_reviewer", b["id"])  # on the last day: on time, not early, speed-up 0
    clock.set(_beijing(2026, 9, 30, 10, 0))
    _complete(api, "sthj_reviewer", c["id"])  # a day late: used 21, speed-up -0.05

    # Ratings: D (sw, registered by zwfw) 5; E (zwfw) 3 -- neither is a bad review.
    for instance, grade in ((d, 5), (e, 3)):
        r = api.post(f"/api/public/ratings/{instance['query_code']}", json={"grade": grade})
        assert r.status_code == 201, r.get_json()
    assert api.get(f"/api/instances/{e['id']}", "jiancha").get_json()["status"] == "completed"

    # A red alert about zrzy (the 30th), and cards: sthj yellow mid-month, qx yellow at 23:30 on the
    # last evening (September), fgw yellow at 00:30 on 10-01 and jt red on 10-02 (both October).
    with app.app_context():
        services().executor.execute(RaiseAlertCommand(AlertSignal(
            source="deadline", kind="task_red", level="red", dedup_key="deadline:test-zrzy", subject="task:x",
            title="办理超时（红灯）", department_code="zrzy")), Actor.system())
        for department, color, at in (("sthj", "yellow", _beijing(2026, 9, 15, 9, 0)),
                                      ("qx", "yellow", _beijing(2026, 9, 30, 23, 30)),
                                      ("fgw", "yellow", _beijing(2026, 10, 1, 0, 30)),
                                      ("jt", "red", _beijing(2026, 10, 2, 10, 0))):
            db.session.add(Card(department_code=department, color=color, reason="测试", issued_by="jiancha",
                                issued_at=at))
        db.session.commit()


def _scores(api: Api, period: str) -> dict:
    r = api.get("/api/supervision/scores", "jiancha", query_string={"period": period})
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def test_september_scores_match_the_hand_computed_values(app: Flask, api: Api, clock: FixedClock) -> None:
    """The nine-part model (a setting): three parts measured, six at full marks."""
    app.config["ONEWINDOW_SCORE_SETTINGS"] = {"model": "nine_part"}
    _seed_september(app, api, clock)
    body = _scores(api, "2026-09")
    assert body["period"] == "2026-09" and body["max_score"] == 100
    assert body["start"] == "2026-09-01T00:00:00+08:00" and body["end"] == "2026-10-01T00:00:00+08:00"
    rows = {d["department"]: d for d in body["departments"]}
    assert len(rows) == 14 and rows["sw"]["name"] == "水务局"  # every demo department, 政府办 included

    # zwfw registered A-E; E was refused at acceptance: 4/5. Its tasks: receive (same day, no deadline)
    # and check (next day, on time, early, speed-up 0.8). Approvals: D (registered) and E, both rated,
    # one of them 4-5.
    zwfw = rows["zwfw"]
    assert {k: zwfw[k] for k in ("acceptance_rate", "on_time_rate", "early_rate", "same_day_rate", "overdue_rate",
                                 "speed_up", "evaluation_rate", "satisfaction_rate")} == {
        "acceptance_rate": 0.8, "on_time_rate": 1.0, "early_rate": 1.0, "same_day_rate": 0.5, "overdue_rate": 0.0,
        "speed_up": 0.8, "evaluation_rate": 1.0, "satisfaction_rate": 0.5}
    marks = {p["part"]: (p["marks"], p["measured"]) for p in zwfw["parts"]}
    assert marks["deadlines"] == (14.0, True) and marks["satisfaction"] == (5.0, True)
    assert marks["supervision"] == (14.0, True) and marks["fees"] == (8, False)
    assert zwfw["deductions"] == 0 and zwfw["score"] == 14 + 5 + 14 + UNMEASURED == 95.0

    # The scores are read at Wed 09-30 10:00, the seed's last instant: lateness counts up to then.
    # Deadlines part: 14 - 2 per late item - 0.5 per late working day.
    # sthj: A early (0.65), B on the last day (0), C late (-0.05); all three due 09-29, C late by one
    # working day (09-30): 14 - 2 - 0.5 = 11.5.
    sthj = rows["sthj"]
    assert (sthj["on_time_rate"], sthj["early_rate"], sthj["same_day_rate"]) == (0.6667, 0.3333, 0.0)
    assert (sthj["overdue_rate"], sthj["speed_up"], sthj["acceptance_rate"]) == (0.3333, 0.2, None)
    assert sthj["evaluation_rate"] is None and sthj["satisfaction_rate"] is None
    assert sthj["counts"]["completed"] == 3 and sthj["counts"]["yellow_cards"] == 1
    assert (sthj["counts"]["overdue"], sthj["counts"]["late_days"]) == (1, 1)
    assert {p["part"]: p["marks"] for p in sthj["parts"]}["deadlines"] == 11.5
    assert sthj["deductions"] == 5 and sthj["score"] == 92.5  # 11.5 + 10 + 14 + 62 - 5

    # sw: D's review same day (early, speed-up 1); A-C's reviews still open a working day past 09-29:
    # three late items, three late days, and none of them on time -> on time 1 of 4, 14 - 6 - 1.5.
    sw = rows["sw"]
    assert (sw["on_time_rate"], sw["early_rate"], sw["same_day_rate"], sw["speed_up"]) == (0.25, 1.0, 1.0, 1.0)
    assert (sw["overdue_rate"], sw["evaluation_rate"], sw["satisfaction_rate"]) == (0.75, 1.0, 1.0)
    assert (sw["counts"]["open_late"], sw["counts"]["late_days"]) == (3, 3)
    assert {p["part"]: p["marks"] for p in sw["parts"]}["deadlines"] == 6.5
    assert sw["score"] == 92.5  # 6.5 + 10 + 14 + 62

    # jt: A done the first day; B and C open past 09-29 (14 - 4 - 1). Its red card is October's.
    jt = rows["jt"]
    assert (jt["on_time_rate"], jt["same_day_rate"], jt["speed_up"], jt["overdue_rate"]) == (
        0.3333, 1.0, 1.0, 0.6667)
    assert jt["deductions"] == 0 and jt["score"] == 95.0  # 9 + 10 + 14 + 62

    # zrzy: nothing done, three open late (14 - 6 - 1.5), one red alert -> supervision 14 - 1.
    zrzy = rows["zrzy"]
    assert zrzy["on_time_rate"] == 0.0 and zrzy["overdue_rate"] == 1.0 and zrzy["counts"]["red_alerts"] == 1
    marks = {p["part"]: p["marks"] for p in zrzy["parts"]}
    assert (marks["deadlines"], marks["supervision"], zrzy["score"]) == (6.5, 13, 91.5)

    # Period edges are Beijing midnights: qx's card at 23:30 on 09-30 counts, fgw's at 00:30 on 10-01 not.
    assert (rows["qx"]["deductions"], rows["qx"]["score"]) == (5, 95.0)
    assert (rows["fgw"]["deductions"], rows["fgw"]["score"]) == (0, 100.0)
    assert rows["jcj"]["score"] == 100.0 and rows["jcj"]["on_time_rate"] is None

    # Window users: window1 registered everything and handled E's two window tasks.
    window1 = next(w for w in body["windows"] if w["user"] == "window1")
    assert (window1["acceptance_rate"], window1["same_day_rate"], window1["speed_up"]) == (0.8, 0.5, 0.8)
    assert (window1["evaluation_rate"], window1["satisfaction_rate"]) == (1.0, 0.5)

    # Every figure's items add up to it, in every department, with the score's own predicates.
    for code, row in rows.items():
        counts = row["counts"]
        items = {measure: api.get("/api/supervision/scores/items", "jiancha", query_string={
            "period": "2026-09", "department": code, "measure": measure}).get_json()["items"]
            for measure in ("late", "late_days", "on_time", "supervision")}
        assert len(items["late"]) == counts["overdue"], code
        assert sum(i["late_days"] for i in items["late_days"]) == counts["late_days"], code
        assert len(items["on_time"]) == counts["with_deadline"] + counts["open_late"], code
        assert sum(i["on_time"] for i in items["on_time"]) == counts["on_time"], code
        kinds = [i["kind"] for i in items["supervision"]]
        assert kinds.count("card") == counts["yellow_cards"] + counts["red_cards"], code
        assert kinds.count("alert") == counts["red_alerts"], code
        orders = [i for i in items["supervision"] if i["kind"] == "order"]
        assert sum(o["issued_in_period"] for o in orders) == counts["orders"], code
        assert sum(o["missed_in_period"] for o in orders) == counts["overdue_orders"], code
    assert [i["task_name"] for i in api.get("/api/supervision/scores/items", "jiancha", query_string={
        "period": "2026-09", "department": "zrzy", "measure": "late"}).get_json()["items"]] != []

    # The third quarter holds only September's activity; the fourth only October's cards.
    q3 = {d["department"]: d["score"] for d in _scores(api, "2026-Q3")["departments"]}
    assert q3 == {d["department"]: d["score"] for d in body["departments"]}
    q4 = {d["department"]: d for d in _scores(api, "2026-Q4")["departments"]}
    assert (q4["jt"]["deductions"], q4["jt"]["score"]) == (10, 90.0)
    assert (q4["fgw"]["score"], q4["sthj"]["score"], q4["zrzy"]["score"]) == (95.0, 100.0, 100.0)

    # Weights and deductions are settings: fees judged 5 of 8 elsewhere, a yellow card costing 3.
    app.config["ONEWINDOW_SCORE_SETTINGS"] = {"model": "nine_part", "unmeasured_marks": {"fees": 5},
                                              "card_deductions": {"yellow": 3}}
    sthj = next(d for d in _scores(api, "2026-09")["departments"] if d["department"] == "sthj")
    fees = next(p for p in sthj["parts"] if p["part"] == "fees")
    assert (fees["marks"], fees["basis"], fees["measured"]) == (5.0, "configured", False)
    assert sthj["deductions"] == 3 and sthj["score"] == 91.5  # 11.5 + 10 + 14 + (62 - 3) - 3


def test_scores_export_as_csv_and_xlsx(app: Flask, api: Api, clock: FixedClock) -> None:
    """The default (founding) model's parts are the columns after the rates and lateness counts."""
    _seed_september(app, api, clock)
    header = ["部门代码", "部门名称", "受理率", "按时办结率", "提前办结率", "当日办结率", "超期率", "提速率", "评议率",
              "满意率", "查询按时答复率", "转发准确率", "查询满意率", "超期件数", "超期工作日", "按时办结", "办理时限",
              "预警督办", "投诉查实", "群众满意", "视频监察", "扣分", "得分"]
    r = api.get("/api/supervision/scores", "jiancha", query_string={"period": "2026-09", "format": "csv"})
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert r.headers["Content-Disposition"] == 'attachment; filename="scores-2026-09.csv"'
    assert r.data.startswith("\ufeff".encode())  # the BOM Excel needs to read UTF-8
    table = list(csv.reader(io.StringIO(r.data.decode("utf-8-sig"))))
    assert table[0] == header and len(table) == 15
    rows = {row[0]: row for row in table[1:]}
    # sthj: on time 2 of 3 (25 × 2/3), one item one day late (20 − 2 − 0.5), a yellow card (−5).
    assert rows["sthj"] == ["sthj", "生态环境局", "", "0.6667", "0.3333", "0.0", "0.3333", "0.2", "", "", "", "", "",
                            "1", "1", "16.67", "17.5", "15.0", "15.0", "15.0", "10.0", "5.0", "84.17"]
    assert rows["zwfw"][2:10] == ["0.8", "1.0", "1.0", "0.5", "0.0", "0.8", "1.0", "0.5"]
    assert rows["zwfw"][-2:] == ["0.0", "92.5"]  # satisfaction 1 of 2: 15 × 0.5

    r = api.get("/api/supervision/scores", "jiancha", query_string={"period": "2026-09", "format": "xlsx"})
    assert r.status_code == 200
    assert r.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = openpyxl.load_workbook(io.BytesIO(r.data)).active
    assert sheet.title == "2026-09"
    values = list(sheet.values)
    assert list(values[0]) == header and len(values) == 15
    cells = {row[0]: row for row in values[1:]}
    assert cells["sthj"][3:8] == (0.6667, 0.3333, 0.0, 0.3333, 0.2) and cells["sthj"][2] is None
    assert cells["sthj"][-2:] == (5, 84.17) and cells["zwfw"][-1] == 92.5
    assert cells["zrzy"][13:15] == (3, 3)  # late items, late working days
    assert cells["zrzy"][15:18] == (0, 12.5, 14)  # none on time; 20 − 6 − 1.5; a red alert: 15 − 1


@pytest.mark.parametrize("period", ["2026-13", "2026-Q5", "2026-9", "26-09", "", "2026-09-01", "1999-01"])
def test_a_bad_period_is_refused(api: Api, period: str) -> None:
    r = api.get("/api/supervision/scores", "jiancha", query_string={"period": period})
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "bad_request"


def test_only_supervision_sees_scores(api: Api) -> None:
    assert api.get("/api/supervision/scores", "sthj_reviewer", query_string={"period": "2026-09"}).status_code == 403
    assert api.get("/api/supervision/scores", query_string={"period": "2026-09"}).status_code == 401
    assert api.get("/api/supervision/scores", "admin", query_string={"period": "2026-09"}).status_code == 200
    assert api.get("/api/supervision/scores", "jiancha").status_code == 400  # the period is required
    r = api.get("/api/supervision/scores", "jiancha", query_string={"period": "2026-09", "format": "pdf"})
    assert r.status_code == 400


def test_periods_are_beijing_months_and_quarters() -> None:
    nov = parse_period("2026-11")
    assert (nov.start.isoformat(), nov.end.isoformat()) == ("2026-11-01T00:00:00+08:00", "2026-12-01T00:00:00+08:00")
    q4 = parse_period("2026-q4")
    assert (q4.label, q4.start.isoformat(), q4.end.isoformat()) == (
        "2026-Q4", "2026-10-01T00:00:00+08:00", "2027-01-01T00:00:00+08:00")


def test_a_department_name_with_a_control_character_still_exports(api: Api) -> None:
    # Found by the OpenAPI run: openpyxl refuses control characters in a cell, and the export was a 500.
    made = api.post("/api/admin/departments", "admin", json={"code": "ctl", "name": "质监\x0f站"})
    assert made.status_code == 201, made.get_json()
    for fmt in ("json", "csv", "xlsx"):
        r = api.get("/api/supervision/scores", "jiancha", query_string={"period": "2037-11", "format": fmt})
        assert r.status_code == 200, (fmt, r.status_code, r.data[:300])
    sheet = openpyxl.load_workbook(io.BytesIO(r.data)).active
    assert "质监站" in [c.value for c in sheet["B"]] or "质监站" in [c.value for c in sheet["A"]]


def _handle_complaint(api: Api, query_code: str, department: str, finding: str) -> None:
    r = api.post("/api/supervision/complaints", "jiancha",
                 json={"query_code": query_code, "text": "来访投诉：办理拖延", "department": department})
    assert r.status_code == 201, r.get_json()
    complaint = api.get(f"/api/supervision/complaints/{r.get_json()['id']}", "jiancha").get_json()
    handling = complaint["handling_instance_id"]
    for step, decision in (("accept_decision", "accept"), ("handle", finding)):
        task = next(t for t in api.get(f"/api/instances/{handling}", "jiancha").get_json()["tasks"]
                    if t["bpmn_id"] == step and t["status"] != "completed")
        complete(api, "jiancha", task["id"], decision=decision, opinion="已核实")


def _video_alert(app: Flask, department: str, key: str) -> int:
    with app.app_context():
        alert = services().executor.execute(RaiseAlertCommand(AlertSignal(
            source="video", kind="off_post", level="red", dedup_key=f"video:{key}", subject="camera:1",
            title="窗口人员离岗", department_code=department)), Actor.system())
        return alert.id


def test_the_founding_model_deducts_upheld_complaints_and_upheld_video_alerts(
        app: Flask, api: Api, clock: FixedClock) -> None:
    """投诉查实 15 − 5 per complaint found upheld − 2.5 per partly upheld; 视频监察 10 − 2 per upheld alert."""
    clock.set(_beijing(2026, 11, 2, 10, 0))
    query_code = start(api)["query_code"]
    _handle_complaint(api, query_code, "jt", "upheld")
    _handle_complaint(api, query_code, "jt", "upheld")
    _handle_complaint(api, query_code, "jt", "not_upheld")
    _handle_complaint(api, query_code, "sw", "partly_upheld")
    ordered, dismissed, late = (_video_alert(app, "qx", key) for key in ("a", "b", "c"))
    for alert, decision in ((ordered, "order"), (dismissed, "dismiss")):
        r = api.post(f"/api/supervision/alerts/{alert}/decision", "jiancha",
                     json={"decision": decision, "reason": "核查录像"})
        assert r.status_code == 200, r.get_json()
    clock.set(_beijing(2026, 12, 1, 9, 0))  # decided in December: December's, not November's
    assert api.post(f"/api/supervision/alerts/{late}/decision", "jiancha",
                    json={"decision": "card", "reason": "核查录像"}).status_code == 200
    _handle_complaint(api, query_code, "jt", "upheld")

    rows = {d["department"]: d for d in _scores(api, "2026-11")["departments"]}
    parts = {code: {p["part"]: p["marks"] for p in rows[code]["parts"]} for code in ("jt", "sw", "qx")}
    assert (rows["jt"]["counts"]["complaints_upheld"], rows["jt"]["counts"]["complaints_partly_upheld"]) == (2, 0)
    assert parts["jt"]["complaints"] == 15 - 5 * 2
    assert parts["sw"]["complaints"] == 15 - 2.5
    assert rows["qx"]["counts"]["video_upheld"] == 1 and parts["qx"]["video"] == 10 - 2
    # Video alerts are the video part's: they do not cost the warnings part a second time.
    assert rows["qx"]["counts"]["red_alerts"] == 3 and rows["qx"]["counts"]["red_video_alerts"] == 3
    assert parts["qx"]["warnings"] == 15
    assert {p["part"] for p in rows["qx"]["parts"]} == {
        "on_time", "deadlines", "warnings", "complaints", "satisfaction", "video"}
    assert all(p["measured"] for p in rows["qx"]["parts"])
    december = {d["department"]: d for d in _scores(api, "2026-12")["departments"]}
    assert december["qx"]["counts"]["video_upheld"] == 1 and december["jt"]["counts"]["complaints_upheld"] == 1
    # The parts' lists are what they counted.
    def items(department: str, measure: str) -> list[dict]:
        return api.get("/api/supervision/scores/items", "jiancha", query_string={
            "period": "2026-11", "department": department, "measure": measure}).get_json()["items"]

    assert [i["finding"] for i in items("jt", "complaints")] == ["upheld", "upheld"]
    assert [i["finding"] for i in items("sw", "complaints")] == ["partly_upheld"]
    assert [(i["id"], i["decision"]) for i in items("qx", "video")] == [(ordered, "order")]
    assert [i["video"] for i in items("qx", "supervision")] == [True, True, True]
