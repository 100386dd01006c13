"""Loops that were API-only, closed in the pages.

The window's later actions, the applicant's voice, and the orders and alerts a department answers.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import login, shot
from tests.browser.test_approval_pages import Http

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def http(live_url: str) -> Http:
    return Http(live_url)


def _row(page, instance_id: int):
    return page.locator(f"#list tr[data-instance='{instance_id}']")


def test_the_window_supplies_shortfall_documents_and_sends_and_lifts_a_correction(
        live_url: str, http: Http, desktop) -> None:
    with_shortfall = http("POST", "/api/instances", "window1", json={
        "definition_key": "investment_joint_approval", "item_code": "330100-TZ-0001",
        "project": {"name": "容缺补交演示项目", "code": "2026-330100-00-01-000501", "investment": 5e6},
        "applicant": {"name": "某建设公司", "contact": "13800000001"},
        "shortfall": {"documents": ["环境影响评价文件"], "deadline_working_days": 5,
                      "commitment": "五个工作日内补交"}})
    plain = http.start("补正通知演示项目")
    login(desktop, live_url, "window1")
    desktop.click("#nav a[href='/window/registrations']")
    _row(desktop, with_shortfall["id"]).wait_for()
    assert "容缺待补：环境影响评价文件" in _row(desktop, with_shortfall["id"]).inner_text()
    shot(desktop, "window-registrations")

    desktop.once("dialog", lambda dialog: dialog.accept())  # "确认申请人已补齐容缺材料？"
    _row(desktop, with_shortfall["id"]).locator("button[data-action=supply]").click()
    desktop.locator("#done", has_text="已登记容缺材料补齐").wait_for()
    assert "容缺材料已补齐" in _row(desktop, with_shortfall["id"]).inner_text()
    assert _row(desktop, with_shortfall["id"]).locator("button[data-action=supply]").count() == 0

    _row(desktop, plain["id"]).locator("button[data-action=correct]").click()
    desktop.click("#correction-form button[type=submit]")  # nothing filled: both fields are named
    desktop.locator("#correction-form .field-error[data-for=missing_documents]").wait_for()
    desktop.fill("#correction-form textarea[name=reason]", "规划许可证复印件不清晰")
    desktop.fill("#correction-form textarea[name=missing_documents]", "建设用地规划许可证复印件\n\n用地预审意见")
    desktop.click("#correction-form button[type=submit]")
    desktop.locator("#done", has_text="已发出补正通知").wait_for()
    assert "补正中：规划许可证复印件不清晰" in _row(desktop, plain["id"]).inner_text()
    shot(desktop, "window-registrations-correction")
    tracked = http("GET", f"/api/instances/{plain['id']}", "window1")
    assert tracked["pause"]["reason"] == "规划许可证复印件不清晰"
    desktop.once("dialog", lambda dialog: dialog.accept())
    _row(desktop, plain["id"]).locator("button[data-action=resume]").click()
    desktop.locator("#done", has_text="已恢复计时").wait_for()
    assert http("GET", f"/api/instances/{plain['id']}", "window1")["pause"] is None

    # The filters: a query code finds one application; "mine" keeps window1's.
    desktop.fill("#filters input[name=q]", with_shortfall["query_code"])
    desktop.locator("#list tbody tr").first.wait_for()
    desktop.wait_for_function("document.querySelectorAll('#list tbody tr').length === 1")
    assert _row(desktop, with_shortfall["id"]).is_visible()


def test_the_applicant_rates_a_completed_application_and_complains_from_the_tracking_page(
        live_url: str, http: Http, phone, desktop) -> None:
    refused = http("POST", "/api/instances/not-accepted", "window1", json={
        "intended_process": "investment_joint_approval", "outcome": "refuse", "reason": "不属于本中心受理范围",
        "project": {"name": "评价演示项目", "code": "2026-330100-00-01-000502", "investment": 1e6},
        "applicant": {"name": "某公司", "contact": "13800000002"}})
    phone.goto(f"{live_url}/track/{refused['query_code']}")
    phone.locator("#rate-card").wait_for()
    # Refused at the window: received, never accepted, and the reason is told.
    assert phone.inner_text("#accepted-label") == "登记时间"
    assert phone.inner_text("#refusal-reason") == "不属于本中心受理范围"
    phone.locator("#rate-form input[name=grade][value='2']").check()
    phone.fill("#rate-form textarea[name=comment]", "窗口解释不清楚")
    phone.click("#rate-form button[type=submit]")
    phone.locator("#rated", has_text="您的评价：不满意").wait_for()
    assert "回访" in phone.inner_text("#rated")  # a bad review: the department calls back
    assert phone.locator("#rate-form").is_hidden()
    shot(phone, "track-rated-phone")

    # The window's centre answers the bad review: it calls back and records that here.
    login(desktop, live_url, "window1")
    desktop.goto(f"{live_url}/supervision/orders")
    item = desktop.locator("#follow-ups li", has_text="评价演示项目").filter(has_text="回访申请人")
    item.wait_for()
    assert "窗口解释不清楚" in item.inner_text()
    item.locator("button[type=submit]").click()
    item.locator(".field-error[data-for=note]").wait_for()  # what was done must be said
    item.locator("textarea[name=note]").fill("已电话回访申请人，说明不予受理的依据，申请人表示理解")
    shot(desktop, "orders-follow-up")
    item.locator("button[type=submit]").click()
    desktop.locator("#follow-ups li", has_text="评价演示项目").filter(has_text="回访申请人").wait_for(state="detached")
    desktop.uncheck("#only-open")
    done = desktop.locator("#follow-ups li", has_text="已电话回访申请人")
    done.wait_for()
    assert "登记已完成" in done.inner_text()

    running = http.start("投诉演示项目")
    phone.goto(f"{live_url}/track/{running['query_code']}")
    phone.locator("#complain-card").wait_for()
    assert phone.locator("#rate-card").is_hidden()  # not completed: nothing to rate yet
    phone.click("#complain-form button[type=submit]")
    phone.locator("#complain-form .field-error[data-for=text]").wait_for()
    phone.fill("#complain-form textarea[name=text]", "审查超过承诺时限仍未答复")
    phone.fill("#complain-form input[name=contact]", "13800000003")
    phone.click("#complain-form button[type=submit]")
    code = phone.locator("#complaint-code")
    code.wait_for()
    assert re.fullmatch(r"[2-9A-Z-]{12,16}", code.inner_text())
    shot(phone, "track-complained-phone")
    phone.click("#complained a")
    phone.wait_for_url(re.compile(r".*/complaint/.+"))


@pytest.mark.parametrize("user", ["sw_reviewer", "sw_head", "fgw_lead", "window1"])
def test_departments_reach_the_orders_and_alerts_addressed_to_them_from_the_menu(
        live_url: str, desktop, user: str) -> None:
    login(desktop, live_url, user)
    desktop.click("#nav a[href='/supervision/orders']")
    desktop.wait_for_selector("table.list, p.empty")
    tabs = desktop.locator("#area-tabs a:visible")
    assert set(tabs.evaluate_all("links => links.map((a) => a.dataset.section)")) == {
        "alerts", "orders", "accountability"}
    desktop.click("#area-tabs a[data-section=alerts]")
    desktop.wait_for_selector("table.list, p.empty")


def test_a_reviewer_sees_the_whole_application_before_deciding(live_url: str, http: Http, desktop) -> None:
    instance = http("POST", "/api/instances", "window1", json={
        "definition_key": "investment_joint_approval", "item_code": "330100-TZ-0001",
        "project": {"name": "全貌演示项目", "code": "2026-330100-00-01-000503", "investment": 123456789},
        "applicant": {"name": "某建设公司", "contact": "13800000004"},
        "data": {"documents_submitted": ["项目申请报告", "建设用地规划许可证"]},
        "shortfall": {"documents": ["环境影响评价文件"], "deadline_working_days": 5, "commitment": "按期补交"}})
    http.approve(instance["id"], "sthj", opinion="符合生态环境准入要求，建议落实施工期扬尘防治。")
    http("POST", f"/api/instances/{instance['id']}/pause", "window1",
         json={"reason": "图纸缺少盖章", "missing_documents": ["总平面图（盖章）"]})
    http("POST", f"/api/instances/{instance['id']}/resume", "window1")
    login(desktop, live_url, "zrzy_reviewer")
    desktop.goto(f"{live_url}/worklist/{instance['id']}")
    desktop.locator("#diagram[data-ready=true]").wait_for(state="attached")  # drawn, or listed as steps
    facts = desktop.inner_text("#facts")
    assert "2026-330100-00-01-000503" in facts and "12,345.68 万元" in facts
    assert "项目申请报告、建设用地规划许可证" in facts and "环境影响评价文件（待补交" in facts
    assert "企业投资建设项目并联审批" in facts  # the catalogue item with its two limits
    sthj = desktop.locator("#progress li[data-department=sthj]")
    assert "建议落实施工期扬尘防治" in sthj.inner_text()  # the other department's opinion in full
    stops = desktop.inner_text("#stops")
    assert "补正材料：图纸缺少盖章" in stops and "个工作日" in stops
    shot(desktop, "work-page-whole-application")


def test_staff_type_in_a_complaint_for_someone_who_came_to_the_window(live_url: str, http: Http, desktop) -> None:
    """代为登记投诉: the window files it, the complainant follows it by code, the bureau sees it."""
    running = http.start("代登记投诉演示项目")
    login(desktop, live_url, "window1")
    desktop.goto(f"{live_url}/window/registrations")
    desktop.locator("#complaint-intake summary").click()
    form = desktop.locator("#complaint-intake-form")
    form.locator("button[type=submit]").click()
    form.locator(".field-error[data-for=query_code]").wait_for()  # which approval, and what about it
    form.locator("input[name=query_code]").fill(running["query_code"])
    form.locator("textarea[name=text]").fill("申请人来窗口反映：交通运输局审查迟迟没有答复")
    form.locator("input[name=contact]").fill("13800000009")
    form.locator("select[name=department]").select_option("jt")
    form.locator("button[type=submit]").click()
    link = desktop.locator("#complaint-intake-link")
    link.wait_for()
    shot(desktop, "window-complaint-intake")
    code = re.search(r"投诉编号 ([2-9A-Z-]+)", desktop.inner_text("#complaint-intake")).group(1)
    link.click()
    desktop.wait_for_url(re.compile(r".*/complaint/.+"))
    desktop.locator("body", has_text="交通运输局").wait_for()

    login(desktop, live_url, "jiancha")
    desktop.goto(f"{live_url}/supervision/complaints")
    desktop.locator("#list", has_text=code.replace("-", "")[:4]).wait_for()
    assert "13800000009" not in desktop.inner_text("#list")  # contact data opens with the complaint only
