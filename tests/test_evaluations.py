"""The composite of the founding documents: 30 % daily + 20 % report + 25 % questioning + 25 % survey.

Sessions are entered or imported by the bureau; the daily part is the period's score from the data.
"""

from __future__ import annotations

import io
from datetime import date, datetime

import openpyxl
from flask import Flask

from api.wiring import db
from engine.workdays import SHANGHAI, FixedClock
from monitor.models import Card
from monitor.workbook_reading import XLSX_TYPE
from tests.conftest import Api

URL = "/api/supervision/evaluations"


def _session(api: Api, kind: str, department: str, held_on: str, *scores: float, title: str = "评议会") -> object:
    return api.post(URL, "jiancha", json={"kind": kind, "department": department, "held_on": held_on,
                                          "title": title,
                                          "scores": [{"rater": f"代表{i}", "score": s} for i, s in enumerate(scores)]})


def _composite(api: Api, period: str, department: str) -> dict:
    body = api.get("/api/supervision/scores", "jiancha", query_string={"period": period}).get_json()
    return next(d for d in body["departments"] if d["department"] == department)["composite"]


def test_the_composite_weighs_the_daily_score_and_the_three_kinds_of_session(
        app: Flask, api: Api, clock: FixedClock) -> None:
    clock.set(datetime(2026, 12, 4, 10, 0, tzinfo=SHANGHAI))
    with app.app_context():  # a yellow card in November: the daily part is 95
        db.session.add(Card(department_code="sthj", color="yellow", reason="测试", issued_by="jiancha",
                            issued_at=datetime(2026, 11, 10, 9, 0, tzinfo=SHANGHAI)))
        db.session.commit()
    assert _session(api, "report", "sthj", "2026-06-30", 80, 90).status_code == 201  # mean 85, stands all year
    assert _session(api, "questioning", "sthj", "2026-05-20", 70).status_code == 201
    assert _session(api, "questioning", "sthj", "2026-11-20", 85, 95).status_code == 201  # session means 70, 90
    assert _session(api, "survey", "sthj", "2026-11-25", 88).status_code == 201
    assert _session(api, "survey", "sthj", "2026-12-02", 10).status_code == 201  # after November: not counted
    november = _composite(api, "2026-11", "sthj")
    assert november == {"daily": 95.0, "report": 85.0, "questioning": 80.0, "survey": 88.0, "total": 87.5}
    assert november["total"] == round(0.3 * 95 + 0.2 * 85 + 0.25 * 80 + 0.25 * 88, 2)
    # Before the survey was held the composite is not made up: it is empty.
    october = _composite(api, "2026-10", "sthj")
    assert (october["survey"], october["total"]) == (None, None) and october["questioning"] == 70.0
    assert _composite(api, "2026-11", "sw")["total"] is None


def test_sessions_are_checked_in_full_and_kept_to_the_bureau(api: Api, clock: FixedClock) -> None:
    clock.set(datetime(2026, 12, 4, 10, 0, tzinfo=SHANGHAI))
    bad = api.post(URL, "jiancha", json={"kind": "report", "department": "nope", "held_on": "2026-12-31",
                                         "title": " ", "scores": [{"rater": "", "score": 120}]})
    assert bad.status_code == 422
    assert {p["field"]: p["message"] for p in bad.get_json()["error"]["details"]["problems"]} == {
        "department": "被评议部门须为已有的部门代码", "title": "请填写评议名称（1至255个字）",
        "held_on": "评议日期不能晚于今天", "scores[0].rater": "请填写评议人（1至64个字）",
        "scores[0].score": "得分须为0至100的数"}
    assert _session(api, "survey", "sthj", "2026-11-01", 90).status_code == 201
    assert api.post(URL, "sthj_reviewer", json={"kind": "survey", "department": "sthj", "held_on": "2026-11-01",
                                                "title": "自评", "scores": [{"rater": "我", "score": 100}]}
                    ).status_code == 403
    assert api.get(URL, "sthj_reviewer").status_code == 403
    listed = api.get(URL, "jiancha", query_string={"year": 2026}).get_json()["items"]
    assert [(s["kind"], s["department"], s["mean"], s["raters"]) for s in listed] == [("survey", "sthj", 90.0, 1)]


def test_a_sheet_of_scores_is_imported_as_sessions_all_or_nothing(api: Api, clock: FixedClock) -> None:
    clock.set(datetime(2026, 12, 4, 10, 0, tzinfo=SHANGHAI))
    header = "kind,department,held_on,title,rater,score\n"
    good = ("质询评议,sthj,2026-11-20,11月质询评议会,代表1,86\n质询评议,sthj,2026-11-20,11月质询评议会,代表2,90\n"
            "社会调查,sw,2026-11-25,群众满意度调查,样本1,77.5\n")
    broken = good + "述职,nope,2026-11-26,述职会,代表3,abc\n"
    r = api.post(f"{URL}/import", "jiancha", data=(header + broken).encode(), content_type="text/csv")
    assert r.status_code == 422
    assert {p["field"] for p in r.get_json()["error"]["details"]["problems"]} == {
        "第5行 department", "第5行 score"}  # the sheet's line: the header is line 1
    assert api.get(URL, "jiancha").get_json()["items"] == []
    wrong_header = api.post(f"{URL}/import", "jiancha", data=b"a,b\n1,2\n", content_type="text/csv")
    assert wrong_header.status_code == 422
    r = api.post(f"{URL}/import", "jiancha", data=(header + good).encode("utf-8"), content_type="text/csv")
    assert r.status_code == 201, r.get_json()
    assert sorted((s["kind"], s["department"], s["mean"], s["raters"]) for s in r.get_json()["items"]) == [
        ("questioning", "sthj", 88.0, 2), ("survey", "sw", 77.5, 1)]
    assert api.post(f"{URL}/import", "jiancha", data=b"{}", content_type="application/json").status_code == 415


def test_a_score_sheet_kept_in_excel_is_imported_with_its_dates_and_numbers_as_typed(
        api: Api, clock: FixedClock) -> None:
    clock.set(datetime(2026, 12, 4, 10, 0, tzinfo=SHANGHAI))
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["评议类型", "部门代码", "评议日期", "评议名称", "评议人", "得分", None])
    sheet.append(["质询评议", "sthj", date(2026, 11, 20), "11月质询评议会", "代表1", 86])  # a date cell, a number
    sheet.append(["质询评议", "sthj", "2026-11-20", "11月质询评议会", "代表2", 90.5])
    sheet.append([])
    sheet.append(["社会调查", "sw", date(2026, 11, 25), "群众满意度调查", "样本1", "abc"])
    out = io.BytesIO()
    book.save(out)
    r = api.post(f"{URL}/import", "jiancha", data=out.getvalue(), content_type=XLSX_TYPE)
    assert r.status_code == 422
    assert {p["field"]: p["message"] for p in r.get_json()["error"]["details"]["problems"]} == {
        "第5行 score": "得分须为0至100的数"}
    assert api.get(URL, "jiancha").get_json()["items"] == []
    sheet.cell(row=5, column=6, value=70)
    out = io.BytesIO()
    book.save(out)
    r = api.post(f"{URL}/import", "jiancha", data=out.getvalue(), content_type="application/octet-stream")
    assert r.status_code == 201, r.get_json()
    assert sorted((s["kind"], s["held_on"], s["mean"], s["raters"]) for s in r.get_json()["items"]) == [
        ("questioning", "2026-11-20", 88.25, 2), ("survey", "2026-11-25", 70.0, 1)]
    not_a_workbook = api.post(f"{URL}/import", "jiancha", data=b"kind,department", content_type=XLSX_TYPE)
    assert not_a_workbook.status_code == 400


def test_the_public_performance_page_shows_a_finished_month_ranked(app: Flask, api: Api, clock: FixedClock) -> None:
    clock.set(datetime(2026, 12, 4, 10, 0, tzinfo=SHANGHAI))
    started = api.post("/api/instances", "window1", json={
        "definition_key": "investment_joint_approval", "project": {"name": "p", "code": "c", "investment": 1},
        "applicant": {"name": "a", "contact": "b"}})
    assert started.status_code == 201
    page = api.client.get("/performance")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "效能公示（2026-11）" in html
    assert api.client.get("/performance", query_string={"month": "2026-12"}).status_code == 400  # not finished
    assert api.client.get("/performance", query_string={"month": "2026-13"}).status_code == 400
    assert api.client.get("/performance", query_string={"month": "2026-10"}).status_code == 200
