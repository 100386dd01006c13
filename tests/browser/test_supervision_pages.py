"""Supervision bureau pages in a real browser: the live board with its charts, and an alert's life."""

from __future__ import annotations

import re
import time
from datetime import date

import openpyxl
import pytest
import requests

from tests.browser.conftest import api_token, login, shot

pytestmark = pytest.mark.browser

# Count the painted pixels of a chart's canvas: an ECharts chart that drew nothing leaves it transparent.
PAINTED_PIXELS = """(selector) => {
  const canvas = document.querySelector(selector);
  if (!canvas || !canvas.width || !canvas.height) return 0;
  const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) painted += 1;
  return painted;
}"""


def _open_deadline_alert(base: str) -> dict:
    """An open deadline alert on a red (or escalated) task from the demo's late application."""
    token = api_token(base, "jiancha")
    deadline = time.monotonic() + 60  # the scheduler's first sweeps raise them shortly after start
    while True:
        r = requests.get(f"{base}/api/supervision/alerts", params={"source": "deadline", "state": "open"},
                         headers={"Authorization": f"Bearer {token}"}, timeout=30)
        assert r.status_code == 200, r.text
        found = [a for a in r.json()["items"] if a["level"] in ("red", "escalated") and a["instance_id"]]
        if found:
            return found[-1]
        assert time.monotonic() < deadline, "the demo data should give the bureau a deadline alert"
        time.sleep(1)


def test_board_loads_with_demo_data_and_charts_render(live_url: str, desktop) -> None:
    _open_deadline_alert(live_url)  # the board then shows the late application too
    login(desktop, live_url, "jiancha")
    assert desktop.url.endswith("/supervision")
    desktop.wait_for_selector("body[data-board-loaded=true][data-charts-drawn=true]")
    assert desktop.locator("#cells tbody tr").count() >= 1
    assert desktop.locator("#kpis .kpi").first.is_visible()
    assert desktop.locator("#red-list tbody tr").count() >= 1
    # lateness is told in working days, as the API counts it
    assert re.search(r"超期 \d+ 个工作日|剩余 \d+ 个工作日|今日到期", desktop.locator("#red-list tbody").inner_text())
    for chart in ("chart-warnings", "chart-complaints"):
        assert desktop.locator(f"#{chart} canvas").is_visible()
        assert desktop.evaluate(PAINTED_PIXELS, f"#{chart} canvas") > 500, chart

    # click through a red/escalated cell to its items
    cell = desktop.locator("#cells button.count.warn-escalated, #cells button.count.warn-red").first
    cell.click()
    desktop.wait_for_selector("#cell-items table tbody tr")
    assert desktop.locator("#cell-items").is_visible()
    shot(desktop, "supervision-board")

    # today's new alerts open the alert list from the instant the board counts them
    desktop.click("#kpis a.kpi-alerts")
    desktop.wait_for_url(lambda url: "/supervision/alerts?" in url and "since=" in url)
    desktop.wait_for_selector("#list table tbody tr, #list .empty")
    assert desktop.locator("#since-note").is_visible() and desktop.locator("#all-alerts").is_visible()
    assert "since=" in desktop.url  # the list's own query keeps it
    shot(desktop, "supervision-alerts-today")

    # the board refreshes itself without a page load (a wall display may ask for a faster rate)
    desktop.goto(f"{live_url}/supervision?refresh=2")
    desktop.wait_for_selector("body[data-board-loaded=true]")
    desktop.evaluate("() => { window.sameDocument = true; }")
    desktop.wait_for_selector("body[data-refreshes='2']", timeout=10000)
    assert desktop.evaluate("() => window.sameDocument === true")


def test_alert_is_explained_by_the_department_and_decided_into_accountability(live_url: str, browser) -> None:
    alert = _open_deadline_alert(live_url)
    department = alert["department"]

    reviewer_ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    reviewer = reviewer_ctx.new_page()
    login(reviewer, live_url, f"{department}_reviewer")
    reviewer.goto(f"{live_url}/supervision/alerts/{alert['id']}")
    reviewer.wait_for_selector("body[data-loaded=true]")
    form = reviewer.locator("#explain-form")
    assert form.is_visible()
    assert reviewer.locator("#decide-form").is_hidden()
    form.locator("textarea[name=explanation]").fill("审查人员病休，已安排他人接办，三个工作日内办结。")
    form.locator("button[type=submit]").click()
    reviewer.wait_for_selector("#explanation-text")
    assert "病休" in reviewer.locator("#explanation-text").inner_text()
    assert form.is_hidden()
    shot(reviewer, "supervision-alert-explained-by-department")
    reviewer_ctx.close()

    bureau_ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    bureau = bureau_ctx.new_page()
    login(bureau, live_url, "jiancha")
    bureau.goto(f"{live_url}/supervision/alerts?source=deadline")
    bureau.wait_for_selector(f"tr[data-alert-id='{alert['id']}']")
    shot(bureau, "supervision-alerts")
    bureau.click(f"tr[data-alert-id='{alert['id']}'] a >> nth=0")
    bureau.wait_for_selector("body[data-loaded=true]")
    assert "病休" in bureau.locator("#explanation-text").inner_text()
    bureau.wait_for_selector("#timeline table")  # the instance's tasks
    decide = bureau.locator("#decide-form")
    decide.locator("input[value=accountability]").check()
    bureau.wait_for_selector("#decide-form select[name=rung] option", state="attached")
    assert "建议问责档次" in bureau.locator("#proposal").inner_text()
    proposed = decide.locator("select[name=rung]").input_value()
    decide.locator("textarea[name=reason]").fill("审批超期未办结，按效能问责办法处理。")
    shot(bureau, "supervision-alert-decision-form")
    decide.locator("button[type=submit]").click()
    record_link = bureau.locator("#record-link")
    record_link.wait_for()
    assert "已处理" in bureau.locator("#alert-state").inner_text()
    assert decide.is_hidden()
    shot(bureau, "supervision-alert-decided")

    record_link.click()
    bureau.wait_for_selector("#measure")
    assert bureau.locator("#measure").inner_text().startswith(f"档次 {proposed}")
    assert bureau.locator(f"#links a[href='/supervision/alerts/{alert['id']}']").is_visible()
    shot(bureau, "supervision-accountability-record")
    bureau.goto(f"{live_url}/supervision/alerts/{alert['id']}")
    bureau.click("#close-alert")  # the measure is recorded: the bureau files the alert away
    bureau.locator("#alert-state", has_text="已关闭").wait_for()
    assert bureau.locator("#close-alert").is_hidden()

    bureau.goto(f"{live_url}/supervision/accountability")
    bureau.click("#chain-check")
    bureau.wait_for_selector("#chain-result.ok")
    shot(bureau, "supervision-accountability")
    bureau_ctx.close()


@pytest.mark.parametrize("path", ["orders", "complaints", "scores"])
def test_lists_render(live_url: str, desktop, path: str) -> None:
    login(desktop, live_url, "jiancha")
    desktop.goto(f"{live_url}/supervision/{path}")
    desktop.wait_for_selector("table.list, p.empty")
    assert desktop.locator(f".tabs a[aria-current=page][href='/supervision/{path}']").is_visible()
    shot(desktop, f"supervision-{path}")
    if path == "scores":  # the export is fetched with the token and handed over as a file
        with desktop.expect_download() as download:
            desktop.click("#export-xlsx")
        assert download.value.suggested_filename.endswith(".xlsx")


def test_a_score_figure_opens_the_items_that_add_up_to_it(live_url: str, desktop) -> None:
    login(desktop, live_url, "jiancha")
    desktop.goto(f"{live_url}/supervision/scores")
    desktop.wait_for_selector("#scores table.list")
    figures = desktop.locator("#scores a.figure[data-measure=late_days]:not([data-part])")
    texts = figures.all_inner_texts()
    assert texts, "each department's late working days link to their items"
    chosen = next((i for i, text in enumerate(texts) if text != "0"), None)
    assert chosen is not None, "the demo data has late work this month"
    days = int(texts[chosen])
    figures.nth(chosen).click()
    desktop.wait_for_selector("#items table.list")
    cells = desktop.eval_on_selector_all("#items tbody td:last-child", "tds => tds.map((td) => td.textContent)")
    assert sum(int(c) for c in cells) == days
    assert f"合计 {days} 个超期工作日" == desktop.inner_text("#total")
    assert desktop.locator("#items tbody a[href^='/track/']").count() == len(cells)  # each names its approval
    shot(desktop, "supervision-score-items")
    desktop.click("#back")
    desktop.wait_for_selector("#scores table.list")
    # Each measured part's marks open their own list too: here the complaints found upheld.
    desktop.locator("#scores a.figure[data-part=complaints]").first.click()
    desktop.wait_for_selector("#items table.list, #items p.empty")
    assert "查实的投诉" in desktop.inner_text("#heading")
    assert desktop.inner_text("#total") == f"共 {desktop.locator('#items tbody tr').count()} 件"


def test_the_bureau_records_a_session_and_the_public_sees_last_months_results(
        live_url: str, desktop, phone, tmp_path) -> None:
    login(desktop, live_url, "jiancha")
    desktop.click("#area-tabs a[data-section=evaluations]")
    form = "#session-form"
    desktop.wait_for_selector(f"{form} select[name=department] option[value=sthj]", state="attached")
    desktop.select_option(f"{form} select[name=kind]", "questioning")
    desktop.select_option(f"{form} select[name=department]", "sthj")
    desktop.fill(f"{form} input[name=title]", "11月质询评议会")
    desktop.fill(f"{form} input[name=held_on]", "2026-11-20")
    desktop.fill(f"{form} textarea[name=scores]", "人大代表甲 86\n政协委员乙 不知道")
    desktop.click(f"{form} button[type=submit]")
    desktop.wait_for_selector(f"{form} .field-error")
    assert "第2行" in desktop.inner_text(f"{form} .field-error")
    desktop.fill(f"{form} textarea[name=scores]", "人大代表甲 86\n政协委员乙 90")
    desktop.click(f"{form} button[type=submit]")
    desktop.wait_for_selector("#recorded:not([hidden])")
    assert "平均 88" in desktop.inner_text("#recorded")
    desktop.wait_for_selector("#sessions td:text-is('11月质询评议会')")
    shot(desktop, "supervision-evaluations")
    # A survey kept in Excel: a wrong score is named by its line; corrected, the sheet is one session.
    book = openpyxl.Workbook()
    book.active.append(["kind", "department", "held_on", "title", "rater", "score"])
    book.active.append(["社会调查", "sthj", date(2026, 11, 25), "11月群众满意度调查", "样本1", 80])
    book.active.append(["社会调查", "sthj", date(2026, 11, 25), "11月群众满意度调查", "样本2", 180])
    sheet = tmp_path / "survey.xlsx"
    book.save(sheet)
    desktop.set_input_files("#import-form input[name=sheet]", str(sheet))
    desktop.wait_for_selector("#import-form .form-error:not([hidden]) li")
    assert desktop.inner_text("#import-form .form-error li") == "第3行 score：得分须为0至100的数"
    shot(desktop, "supervision-evaluations-import-problem")
    book.active.cell(row=3, column=6, value=90)
    book.save(sheet)
    desktop.set_input_files("#import-form input[name=sheet]", str(sheet))
    desktop.wait_for_selector("#status.ok:not([hidden])")
    assert "已导入 1 次评议" in desktop.inner_text("#status")
    desktop.wait_for_selector("#sessions td:text-is('11月群众满意度调查')")
    assert desktop.locator("#import-form .form-error").is_hidden()

    phone.goto(f"{live_url}/")
    phone.click("#performance-link")
    phone.wait_for_selector("#performance tbody tr")
    assert "效能公示（2026-11）" in phone.inner_text("h1")  # the server's clock is in December 2026
    ranks = phone.eval_on_selector_all("#performance tbody tr", "rows => rows.map((r) => r.dataset.department)")
    assert ranks, "departments with November work are listed"
    shot(phone, "performance-public-phone")


def test_the_item_state_says_which_departments_are_late(live_url: str, phone) -> None:
    """部门开始办理 stays the national code while reviews run late; the page says so beside it."""
    alert = _open_deadline_alert(live_url)
    r = requests.get(f"{live_url}/api/instances/{alert['instance_id']}", timeout=30,
                     headers={"Authorization": f"Bearer {api_token(live_url, 'jiancha')}"})
    assert r.status_code == 200, r.text
    phone.goto(f"{live_url}/track/{r.json()['query_code']}")
    badge = phone.locator("#status .badge.state-overdue")
    badge.wait_for()
    late = {li.get_attribute("data-bpmn-id") for li in phone.locator("#departments li[data-state=overdue]").all()}
    assert late and badge.inner_text() == f"{len(badge.get_attribute('title').split('、'))} 个部门已超期"
    shot(phone, "track-overdue-phone")
    names, text = badge.get_attribute("title"), badge.inner_text()
    login(phone, live_url, "zrzy_reviewer")  # a late reviewer's work page says the same, by name too
    phone.goto(f"{live_url}/worklist/{alert['instance_id']}")
    staff_badge = phone.locator("#facts .badge.state-overdue")
    staff_badge.wait_for()
    assert staff_badge.inner_text() == text and staff_badge.get_attribute("title") == names


def test_the_bureau_issues_an_order_the_department_answers_it_and_the_bureau_accepts(
        live_url: str, browser) -> None:
    """督办单: issued, answered and accepted through the pages only."""
    bureau_ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    department_ctx = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN",
                                         is_mobile=True, has_touch=True)
    bureau, department = bureau_ctx.new_page(), department_ctx.new_page()
    login(bureau, live_url, "jiancha")
    bureau.goto(f"{live_url}/supervision/orders")
    bureau.locator("#issue-order summary").click()
    bureau.select_option("#order-form select[name=department]", "sw")
    bureau.fill("#order-form input[name=reply_working_days]", "2")
    bureau.fill("#order-form textarea[name=content]", "请说明排水许可审查积压原因并提出整改措施")
    bureau.click("#order-form button[type=submit]")
    bureau.wait_for_url(re.compile(r".*/supervision/orders/\d+$"))
    order_url = bureau.url

    login(department, live_url, "sw_reviewer")
    department.click("#nav a[href='/supervision/orders']")  # 督办与预警, from the menu
    department.locator("#orders a", has_text="排水许可审查积压").first.click()
    department.locator("#reply-form").wait_for()
    department.click("#reply-form button[type=submit]")
    department.locator("#reply-form .field-error[data-for=reply]").wait_for()  # an empty answer is refused
    department.fill("#reply-form textarea[name=reply]", "已增派两名审查人员，本周内清理积压件")
    department.click("#reply-form button[type=submit]")
    department.locator("#reply blockquote", has_text="已增派两名审查人员").wait_for()
    assert department.locator("#reply-form").is_hidden()
    assert department.evaluate("document.documentElement.scrollWidth") <= 390
    shot(department, "order-replied-phone")

    bureau.goto(order_url)
    bureau.locator("#decision-form").wait_for()
    bureau.fill("#decision-form textarea[name=reason]", "措施可行，予以认可")
    bureau.click("#decision-form button[value=accept]")
    bureau.locator("#decision", has_text="措施可行").wait_for()
    assert bureau.locator("#decision-form").is_hidden()
    shot(bureau, "order-accepted")
    bureau_ctx.close()
    department_ctx.close()
