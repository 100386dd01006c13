"""Provisional (暂定) deadlines and incidents (故障) in a real browser, on the session's pinned date.

The session's server starts on 2026-12-07 (see conftest.py), so a limit of 20 working days ends in 2027,
whose holiday notice is not loaded: those due dates are provisional. An incident is an application an
error in its diagram stopped; the pages must say so to each audience, and the administrator's retry with
corrected data must bring it back with its deadlines.
"""

from __future__ import annotations

import re

import pytest
import requests

from tests.bpmn_builder import definitions, process_xml
from tests.browser.conftest import api_token, login, shot
from tests.browser.test_approval_pages import Http
from tests.conftest import ADMIN_PASSWORD

pytestmark = pytest.mark.browser

PROVISIONAL_NOTE = "2027年节假日安排尚未发布，按法定节假日暂算"


@pytest.fixture(scope="module")
def http(live_url: str) -> Http:
    return Http(live_url)


def _deploy(base: str, xml: bytes) -> None:
    r = requests.post(f"{base}/api/definitions", data=xml, timeout=30, headers={
        "Content-Type": "application/xml", "Authorization": f"Bearer {api_token(base, 'designer')}"})
    assert r.status_code in (200, 201), r.text


def _review(dept: str) -> list[str]:
    """A co-review with a 20-working-day limit (non-interrupting, as the shipped diagrams have it)."""
    return [
        f'<bpmn:userTask id="{dept}_review" name="{dept} 审查"/>',
        f'<bpmn:boundaryEvent id="{dept}_deadline" attachedToRef="{dept}_review" cancelActivity="false">'
        "<bpmn:timerEventDefinition><bpmn:timeDate>workdays(20)</bpmn:timeDate></bpmn:timerEventDefinition>"
        "</bpmn:boundaryEvent>",
        f'<bpmn:sequenceFlow id="f_{dept}_late" sourceRef="{dept}_deadline" targetRef="{dept}_late_end"/>',
        f'<bpmn:endEvent id="{dept}_late_end"/>',
    ]


def fragile_review() -> bytes:
    """Sthj and sw review in parallel; after sthj's review a script reads `score`, which nobody provides.

    Completing sthj's review therefore stops the application (an incident) while sw's review is still open;
    a retry with {"score": 5} runs the script and the application goes on to the lead's decision.
    """
    body = ['<bpmn:startEvent id="start"/>', '<bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="split"/>',
            '<bpmn:parallelGateway id="split"/>', '<bpmn:parallelGateway id="join"/>',
            *_review("sthj"), *_review("sw"),
            '<bpmn:sequenceFlow id="f1" sourceRef="split" targetRef="sthj_review"/>',
            '<bpmn:sequenceFlow id="f2" sourceRef="split" targetRef="sw_review"/>',
            '<bpmn:sequenceFlow id="f3" sourceRef="sthj_review" targetRef="sthj_score"/>',
            '<bpmn:scriptTask id="sthj_score" name="计算环评得分"><bpmn:script>sthj_points = score + 1'
            "</bpmn:script></bpmn:scriptTask>",
            '<bpmn:sequenceFlow id="f4" sourceRef="sthj_score" targetRef="join"/>',
            '<bpmn:sequenceFlow id="f5" sourceRef="sw_review" targetRef="join"/>',
            '<bpmn:sequenceFlow id="f6" sourceRef="join" targetRef="decide"/>',
            '<bpmn:userTask id="decide" name="牵头部门决定"/>',
            '<bpmn:sequenceFlow id="f7" sourceRef="decide" targetRef="end"/>', '<bpmn:endEvent id="end"/>']
    lanes = {"fgw": ["start", "split", "join", "decide", "end"],
             "sthj": ["sthj_review", "sthj_deadline", "sthj_late_end", "sthj_score"],
             "sw": ["sw_review", "sw_deadline", "sw_late_end"]}
    return definitions(process_xml("fragile_review", "".join(body), lanes, name="易错并联审查"))


def fragile_start() -> bytes:
    """A script right after the start computes with `score`: text there stops the application at once."""
    body = ['<bpmn:startEvent id="start"/>', '<bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="calc"/>',
            '<bpmn:scriptTask id="calc" name="计算评分"><bpmn:script>points = score + 1</bpmn:script>'
            "</bpmn:scriptTask>",
            '<bpmn:sequenceFlow id="f1" sourceRef="calc" targetRef="sthj_review"/>', *_review("sthj"),
            '<bpmn:sequenceFlow id="f2" sourceRef="sthj_review" targetRef="end"/>', '<bpmn:endEvent id="end"/>']
    lanes = {"sthj": ["start", "calc", "sthj_review", "sthj_deadline", "sthj_late_end", "end"]}
    return definitions(process_xml("fragile_start", "".join(body), lanes, name="易错受理流程"))


def test_a_provisional_deadline_shows_as_such_on_track_worklist_and_work_page(live_url: str, http: Http,
                                                                            desktop, phone) -> None:
    instance = http.start("跨年度市政道路改造工程")
    tracked = requests.get(f"{live_url}/api/public/track/{instance['query_code']}", timeout=30).json()
    assert tracked["provisional"] is True and all(t["due_at"] >= "2027-01-01" for t in tracked["tasks"])

    phone.goto(f"{live_url}/track/{instance['query_code']}")
    phone.locator("#departments li").first.wait_for()
    badges = phone.locator("#departments .badge.provisional")
    assert badges.count() == 4 and badges.first.inner_text() == "暂定"
    assert badges.first.get_attribute("title") == PROVISIONAL_NOTE
    assert PROVISIONAL_NOTE in phone.locator("#provisional-note").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shot(phone, "track-provisional-phone")

    login(desktop, live_url, "zrzy_reviewer")
    row = desktop.locator("#tasks tbody tr", has_text="跨年度市政道路改造工程")
    row.wait_for()
    badge = row.locator(".badge.provisional")
    assert badge.inner_text() == "暂定" and badge.get_attribute("title") == PROVISIONAL_NOTE
    assert re.search(r"2027-\d\d-\d\d 17:30", row.inner_text())
    assert PROVISIONAL_NOTE in desktop.locator("#provisional-note").inner_text()
    shot(desktop, "worklist-provisional")
    row.locator("a.open").click()
    desktop.locator(".task-panel .badge.provisional").wait_for()
    assert desktop.locator("#progress .badge.provisional").count() == 3  # the other departments' due dates
    shot(desktop, "work-provisional")


def test_the_window_prints_no_receipt_when_the_process_fails_at_once(live_url: str, http: Http, desktop) -> None:
    _deploy(live_url, fragile_start())
    login(desktop, live_url, "window1")
    desktop.locator("select[name=definition_key] option[value=fragile_start]").wait_for(state="attached")
    desktop.select_option("select[name=definition_key]", "fragile_start")
    desktop.locator(".extra-row[data-asked]").first.wait_for()
    keys = desktop.locator(".extra-row[data-asked] input[name=extra-key]")  # hidden: the clerk reads a label
    assert [keys.nth(i).input_value() for i in range(keys.count())] == ["score"]  # what the script reads
    desktop.locator(".extra-row[data-asked] input[name=extra-value]").fill("八十五分")  # text, not a number
    desktop.fill("input[name='project.name']", "湖滨绿道提升工程")
    desktop.fill("input[name='project.code']", "2026-330100-48-01-000777")
    desktop.fill("input[name='project.investment']", "8000000")
    desktop.fill("input[name='applicant.name']", "湖滨城建有限公司")
    desktop.fill("input[name='applicant.contact']", "0571-86000000")
    desktop.click("button[value=accept]")
    message = desktop.locator("#incident")
    message.wait_for()
    text = message.inner_text()
    assert "已登记，但流程运行出错（计算评分）" in text and "处理后再出具受理通知书" in text
    assert desktop.url.endswith("/window")  # no receipt page
    assert desktop.locator("button[value=accept]").is_disabled()  # not registered twice by a second click
    shot(desktop, "window-incident")

    incident = next(i for i in http("GET", "/api/admin/incidents", "jiancha")["items"]
                    if i["project_name"] == "湖滨绿道提升工程")
    assert incident["query_code"].replace("-", "") in text.replace("-", "")
    desktop.goto(f"{live_url}/window/receipt/{incident['id']}")  # nor by opening the receipt's address
    desktop.locator("#problem.incident").wait_for()
    assert "处理后再出具受理通知书" in desktop.locator("#problem").inner_text()
    assert desktop.locator("#receipt").is_hidden() and desktop.locator("#print-a4").is_hidden()
    # tidy the shared server: the administrator retries it with a number
    admin = requests.post(f"{live_url}/api/instances/{incident['id']}/retry", json={"data": {"score": 85}},
                          headers={"Authorization": f"Bearer {api_token(live_url, 'admin', ADMIN_PASSWORD)}"},
                          timeout=30)
    assert admin.status_code == 200 and admin.json()["status"] == "running", admin.text


def test_an_incident_shows_everywhere_and_the_admin_retry_brings_it_back(live_url: str, http: Http, browser,
                                                                          desktop, phone) -> None:
    _deploy(live_url, fragile_review())
    instance = http("POST", "/api/instances", "window1", json={
        "definition_key": "fragile_review", "project": {"name": "北岸污水处理厂扩建工程", "code": "2026-330100-77-01-000321",
                                                         "investment": 1},
        "applicant": {"name": "北岸水务有限公司", "contact": "0571-88000000"}})
    assert instance["status"] == "running"

    # sthj's reviewer completes on the work page; the script after it fails, and the page says so
    login(desktop, live_url, "sthj_reviewer")
    desktop.goto(f"{live_url}/worklist/{instance['id']}")
    desktop.click("form[data-action=claim] button")
    desktop.locator("form[data-action=complete]").wait_for()
    desktop.fill("form[data-action=complete] textarea[name=opinion]", "同意。")
    desktop.click("form[data-action=complete] button[type=submit]")
    saved = desktop.locator("#saved.incident")
    saved.wait_for()
    assert "流程运行出错（计算环评得分）" in saved.inner_text() and "缺少数据“score”" in saved.inner_text()
    assert "中心管理员已收到告警" in desktop.locator("#incident-notice").inner_text()
    shot(desktop, "work-completed-incident")

    # the applicant: the fixed message only, nothing of the engine's words
    phone.goto(f"{live_url}/track/{instance['query_code']}")
    notice = phone.locator("#incident")
    notice.wait_for()
    assert "办理异常，中心已知悉并处理中" in notice.inner_text()
    assert phone.locator("#status").inner_text() == "办理异常"
    page_text = phone.locator("#summary").inner_text() + phone.locator("#departments-card").inner_text()
    assert "score" not in page_text and "Error" not in page_text and "计算环评得分" not in page_text
    assert phone.locator("#departments li[data-state=incident]").count() == 1  # sw's review, stopped
    shot(phone, "track-incident-phone")

    # sw's reviewer: the task shows as 故障 with its reason and cannot be claimed or completed
    sw = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
    login(sw, live_url, "sw_reviewer")
    row = sw.locator("#tasks tbody tr", has_text="北岸污水处理厂扩建工程")
    row.wait_for()
    assert row.get_attribute("data-incident") == "true" and "warn-incident" in row.get_attribute("class")
    assert row.locator(".badge.state-incident").inner_text() == "故障"
    assert "待办理" not in row.inner_text() and "正常" not in row.inner_text()
    assert "缺少数据“score”" in row.locator(".incident-reason").inner_text()
    shot(sw, "worklist-incident")
    row.locator("a.open").click()
    sw.locator("#incident-notice").wait_for()
    sw.locator(".task-panel").wait_for()
    assert sw.locator("form[data-action=claim], form[data-action=complete]").count() == 0
    shot(sw, "work-incident")
    sw.context.close()

    # the lead's board marks the application 故障 and offers no reminder
    lead = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
    login(lead, live_url, "fgw_lead")
    card = lead.locator(f".board-row[data-instance-id='{instance['id']}']")
    card.wait_for()
    assert card.get_attribute("data-status") == "incident" and "故障" in card.locator("h2").inner_text()
    assert card.locator("button.remind").count() == 0
    shot(lead, "board-incident")
    lead.context.close()

    # the bureau's board counts it in its own column, and the column clicks through to it
    bureau = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
    login(bureau, live_url, "jiancha")
    bureau.wait_for_selector("body[data-board-loaded=true]")
    cell = bureau.locator("#cells button.count.warn-incident[data-department=sw][data-stage=fragile_review]")
    assert cell.inner_text() == "1"
    assert int(bureau.locator("#kpis .kpi.warn-incident strong").inner_text()) >= 1
    cell.click()
    bureau.wait_for_selector("#cell-items table tbody tr")
    assert "北岸污水处理厂扩建工程" in bureau.locator("#cell-items").inner_text()
    assert bureau.locator("#cell-items tr.warn-incident").count() == 1
    shot(bureau, "supervision-board-incident")
    bureau.context.close()

    # the administrator: the incidents section lists it; bad JSON is refused in the page, then the retry works
    login(desktop, live_url, "admin", ADMIN_PASSWORD)
    desktop.goto(f"{live_url}/admin/incidents")
    item = desktop.locator(f".incident-item[data-instance-id='{instance['id']}']")
    item.wait_for()
    assert "计算环评得分" in item.inner_text() and "缺少数据“score”" in item.inner_text()
    assert desktop.locator("nav.tabs a[aria-current=page]").inner_text() == "办件故障"
    shot(desktop, "admin-incidents")
    for bad, message in (('{score: 5', "不是有效的 JSON"), ("[5]", "须为 JSON 对象")):
        item.locator("textarea[name=data]").fill(bad)
        item.locator("button[type=submit]").click()
        error = item.locator(".field-error[data-for=data]")
        error.wait_for()
        assert message in error.inner_text()
        assert http("GET", f"/api/instances/{instance['id']}", "jiancha")["status"] == "incident"  # not sent
    shot(desktop, "admin-incidents-bad-json")
    item.locator("textarea[name=data]").fill('{"score": 5}')
    item.locator("button[type=submit]").click()
    desktop.locator("#status.ok #retried-tasks li").first.wait_for()
    assert "已重试" in desktop.locator("#status").inner_text()
    retried = desktop.locator("#retried-tasks").inner_text()
    assert "sw 审查" in retried and re.search(r"2027-\d\d-\d\d 17:30", retried)
    desktop.locator(f".incident-item[data-instance-id='{instance['id']}']").wait_for(state="detached")
    shot(desktop, "admin-incidents-retried")

    # back to normal: running, sw's review open with its (provisional) deadline, tracking without the message
    detail = http("GET", f"/api/instances/{instance['id']}", "jiancha")
    assert detail["status"] == "running" and detail["incident"] is None
    open_sw = [t for t in detail["tasks"] if t["bpmn_id"] == "sw_review" and t["status"] == "ready"]
    assert len(open_sw) == 1 and open_sw[0]["due_at"] and open_sw[0]["provisional"] is True
    task = next(t for t in http("GET", "/api/tasks", "sw_reviewer", params={"per_page": 500})["items"]
                if t["instance_id"] == instance["id"])
    assert task["incident"] is None and task["warning_level"] in ("green", "yellow")
    phone.reload()
    phone.locator("#departments li").first.wait_for()
    assert phone.locator("#incident").count() == 0 and phone.locator("#status").inner_text() != "办理异常"
