"""Public inquiries in the browser: ask on a phone, answer and route at the departments, follow, rate,
complain and search; the hotline desk; the unit head's extension approval. The server's clock is pinned
at Monday 2026-12-07 10:00, so a general question's part is due Monday 12-14 17:30.
"""

from __future__ import annotations

import pytest
import requests

from tests.browser.conftest import api_token, login, shot

pytestmark = pytest.mark.browser

QUESTION = "我公司在滨江区新建厂房，环评审批需要准备哪些材料？"


def _ask_on_phone(page, base: str, department: str | None, question: str = QUESTION) -> str:
    page.goto(f"{base}/inquiry")
    page.select_option("select[name=category]", "环境保护")
    if department:
        page.select_option("select[name=department]", department)
    page.fill("textarea[name=question]", question)
    page.fill("input[name=contact]", "13900003333")
    page.click("#ask-form button[type=submit]")
    page.wait_for_selector("#asked-code")
    return page.inner_text("#asked-code")


def _open_task(base: str, user: str, bpmn_id: str) -> dict:
    """The newest open inquiry step of `user`'s department."""
    r = requests.get(f"{base}/api/tasks", params={"per_page": 200}, timeout=30,
                     headers={"Authorization": f"Bearer {api_token(base, user)}"})
    assert r.status_code == 200, r.text
    steps = [t for t in r.json()["items"] if t["definition_key"] == "public_inquiry" and t["bpmn_id"] == bpmn_id]
    assert steps, r.json()["items"]
    return max(steps, key=lambda t: t["instance_id"])


def _handle_on_work_page(page, base: str, task: dict, action: str, text: str, *, next_department: str = "",
                         publish: bool = False) -> None:
    page.goto(f"{base}/worklist/{task['instance_id']}?task={task['id']}")
    page.wait_for_selector("#inquiry-card")
    panel = f"[data-task-id='{task['id']}']"
    if page.locator(f"{panel} [data-action=claim]").count():
        page.click(f"{panel} [data-action=claim] button")
        page.wait_for_selector(f"{panel} [data-action=inquiry]")
    form = f"{panel} [data-action=inquiry]"
    page.check(f"{form} input[name=action][value={action}]")
    page.fill(f"{form} textarea[name=text]", text)
    if next_department:
        page.select_option(f"{form} select[name=next_department]", next_department)
    if publish:
        page.check(f"{form} input[name=publish]")
    page.click(f"{form} button[type=submit]")
    # "已保存" already shows from the claim: the step leaving the page is what says the answer is in.
    page.wait_for_selector(panel, state="detached")
    assert page.is_visible("#saved")


def test_a_question_is_asked_on_a_phone_forwarded_routed_answered_published_rated_and_complained_about(
        phone, desktop, live_url: str) -> None:
    code = _ask_on_phone(phone, live_url, "sthj")
    assert len(code.replace("-", "")) == 12
    shot(phone, "inquiry-asked-phone")

    login(desktop, live_url, "sthj_reviewer")
    step = _open_task(live_url, "sthj_reviewer", "answer")
    # Forwarding without a reason is refused on the page, in Chinese, next to the field.
    desktop.goto(f"{live_url}/worklist/{step['instance_id']}?task={step['id']}")
    desktop.wait_for_selector("#inquiry-card")
    assert QUESTION in desktop.inner_text("#inquiry-card")
    desktop.click(f"[data-task-id='{step['id']}'] [data-action=claim] button")
    form = f"[data-task-id='{step['id']}'] [data-action=inquiry]"
    desktop.wait_for_selector(form)
    desktop.check(f"{form} input[name=action][value=forward]")
    desktop.click(f"{form} button[type=submit]")
    desktop.wait_for_selector(f"{form} .field-error")
    assert "转发理由" in desktop.inner_text(f"{form} .field-error")
    shot(desktop, "inquiry-forward-refused")
    _handle_on_work_page(desktop, live_url, step, "forward", "涉及取水许可，属水务局职责。")

    desktop.goto(f"{live_url}/login")
    login(desktop, live_url, "zfb_reviewer")
    route = _open_task(live_url, "zfb_reviewer", "route")
    _handle_on_work_page(desktop, live_url, route, "route", "", next_department="sw")
    shot(desktop, "inquiry-routed")

    login(desktop, live_url, "sw_reviewer")
    answer = _open_task(live_url, "sw_reviewer", "answer")
    _handle_on_work_page(desktop, live_url, answer, "answer", "需提交环境影响报告表和取水许可申请书。", publish=True)

    phone.goto(f"{live_url}/inquiry/{code}")
    phone.wait_for_selector("#parts-card:not([hidden])")
    parts = phone.inner_text("#parts")
    assert "转政府办" in parts and "涉及取水许可" in parts and "需提交环境影响报告表" in parts
    assert "13900003333" not in phone.content()
    assert phone.is_visible("#published")
    phone.check("#rate-form input[name=grade][value='4']")
    phone.click("#rate-form button[type=submit]")
    phone.wait_for_selector("#rated:not([hidden])")
    assert "满意" in phone.inner_text("#rated")
    phone.fill("#complain-form textarea[name=text]", "答复没有说明办理时限。")
    phone.click("#complain-form button[type=submit]")
    phone.wait_for_selector("#complained:not([hidden])")
    assert "投诉码" in phone.inner_text("#complained")
    shot(phone, "inquiry-answered-phone")

    # The answer is found by a phrase that is no whole word of it.
    phone.goto(f"{live_url}/inquiry")
    phone.fill("#search-form input[name=q]", "评审批")
    phone.click("#search-form button[type=submit]")
    phone.wait_for_selector("#results li")
    assert "需提交环境影响报告表" in phone.inner_text("#results")
    shot(phone, "inquiry-knowledge-search-phone")


def test_a_joint_question_is_answered_in_part_by_the_first_department_and_passed_along(
        phone, desktop, live_url: str) -> None:
    code = _ask_on_phone(phone, live_url, "zrzy", "新建物流园区需要办理哪些用地和环评手续？")
    login(desktop, live_url, "zrzy_reviewer")
    first = _open_task(live_url, "zrzy_reviewer", "answer")
    # First-question responsibility: the first department corrects the category and raises the question
    # to complex before answering; its part then has 10 working days (Monday 12-21 instead of 12-14).
    desktop.goto(f"{live_url}/worklist/{first['instance_id']}?task={first['id']}")
    panel = f"[data-task-id='{first['id']}']"
    desktop.click(f"{panel} [data-action=claim] button")
    desktop.wait_for_selector(f"{panel} [data-action=inquiry]")
    desktop.click(f"{panel} details:has([data-action=classify]) summary")
    desktop.select_option(f"{panel} [data-action=classify] select[name=category]", "规划用地")
    desktop.select_option(f"{panel} [data-action=classify] select[name=complexity]", "complex")
    desktop.click(f"{panel} [data-action=classify] button[type=submit]")
    desktop.wait_for_function("document.querySelector('#inquiry-card').textContent.includes('重要复杂问题')")
    assert "规划用地" in desktop.inner_text("#inquiry-card")
    assert "2026-12-21 17:30" in desktop.inner_text(panel)
    shot(desktop, "inquiry-classified")
    _handle_on_work_page(desktop, live_url, first, "pass_on", "用地：需办理用地预审与选址意见书。",
                         next_department="sthj")
    login(desktop, live_url, "sthj_reviewer")
    second = _open_task(live_url, "sthj_reviewer", "answer")
    assert second["instance_id"] == first["instance_id"]
    desktop.goto(f"{live_url}/worklist/{second['instance_id']}?task={second['id']}")
    desktop.wait_for_selector("#inquiry-card")
    assert "用地预审" in desktop.inner_text("#inquiry-card")  # the part before it is in front of it
    _handle_on_work_page(desktop, live_url, second, "pass_on", "环评：需编制环境影响报告书。",
                         next_department="sw")
    login(desktop, live_url, "sw_reviewer")
    third = _open_task(live_url, "sw_reviewer", "answer")
    assert third["instance_id"] == first["instance_id"] and third["limit_days"] == 10  # complex: each part 10
    _handle_on_work_page(desktop, live_url, third, "answer", "取水：需申请取水许可。")
    phone.goto(f"{live_url}/inquiry/{code}")
    phone.wait_for_selector("#parts-card:not([hidden])")
    parts = phone.inner_text("#parts")
    assert parts.index("用地预审") < parts.index("环境影响报告书") < parts.index("取水许可")
    assert "自然资源和规划局" in parts and "生态环境局" in parts and "水务局" in parts
    shot(phone, "inquiry-joint-phone")


def test_the_hotline_desk_types_a_question_in_and_the_units_head_approves_an_extension(
        desktop, live_url: str) -> None:
    login(desktop, live_url, "window1")
    desktop.goto(f"{live_url}/inquiry/desk")
    desktop.select_option("select[name=channel]", "hotline")
    desktop.select_option("select[name=complexity]", "complex")
    desktop.select_option("select[name=department]", "zrzy")
    desktop.fill("textarea[name=question]", "新建物流园区需要办理哪些用地手续？")
    desktop.click("#ask-form button[type=submit]")
    desktop.wait_for_selector("#asked:not([hidden])")
    assert "查询码" in desktop.inner_text("#asked")
    shot(desktop, "inquiry-desk")

    step = _open_task(live_url, "zrzy_reviewer", "answer")
    assert step["limit_days"] == 10 and step["due_at"] == "2026-12-21T17:30:00+08:00"
    # The department asks on its work page; 20 working days in all is the most a part may have.
    login(desktop, live_url, "zrzy_reviewer")
    desktop.goto(f"{live_url}/worklist/{step['instance_id']}?task={step['id']}")
    panel = f"[data-task-id='{step['id']}']"
    desktop.click(f"{panel} [data-action=claim] button")
    desktop.wait_for_selector(f"{panel} [data-action=inquiry]")
    desktop.click(f"{panel} details:has([data-action=extension]) summary")
    form = f"{panel} [data-action=extension]"
    desktop.fill(f"{form} input[name=working_days]", "11")
    desktop.fill(f"{form} textarea[name=reason]", "需现场踏勘并征求规划意见")
    desktop.click(f"{form} button[type=submit]")
    desktop.wait_for_selector(f"{form} .field-error")
    assert "最多还能延长10个工作日" in desktop.inner_text(f"{form} .field-error")
    desktop.fill(f"{form} input[name=working_days]", "5")
    desktop.click(f"{form} button[type=submit]")
    desktop.wait_for_selector("#saved:not([hidden])")
    extension = requests.get(f"{live_url}/api/extensions", timeout=30, headers={
        "Authorization": f"Bearer {api_token(live_url, 'zrzy_head')}"}).json()["items"][0]
    assert extension["task_id"] == step["id"] and extension["status"] == "pending"
    # Only the unit's own head decides: another unit's head gets 403.
    other = requests.post(f"{live_url}/api/extensions/{extension['id']}/decision", timeout=30, json={"approve": True},
                          headers={"Authorization": f"Bearer {api_token(live_url, 'sthj_head')}"})
    assert other.status_code == 403
    login(desktop, live_url, "zrzy_head")
    desktop.wait_for_selector("#approvals li")
    assert "需现场踏勘" in desktop.inner_text("#approvals")
    shot(desktop, "extension-approvals-head")
    desktop.click(f"[data-extension-id='{extension['id']}'] button[value=approve]")
    desktop.wait_for_selector("#approvals-empty:not([hidden])")
    # 10 + 5 working days from Monday 12-07 10:00: 12-08 … 12-11, 12-14 … 12-18, 12-21 … 12-25, 12-28.
    assert _open_task(live_url, "zrzy_reviewer", "answer")["due_at"] == "2026-12-28T17:30:00+08:00"


def test_the_bureau_sees_every_inquiry_with_its_figures(desktop, live_url: str) -> None:
    asked = requests.post(f"{live_url}/api/public/inquiries", timeout=30, json={
        "question": "公共停车场收费标准在哪里公布？", "category": "其他", "contact": "13900004444"})
    assert asked.status_code == 201, asked.text
    login(desktop, live_url, "jiancha")
    desktop.goto(f"{live_url}/supervision/inquiries")
    desktop.wait_for_selector("[data-inquiry-id]")
    assert "共" in desktop.inner_text("#figures") and "经政府办分办" in desktop.inner_text("#figures")
    assert "13900004444" in desktop.inner_text("#list")  # the bureau sees the asker's contact
    shot(desktop, "supervision-inquiries")
    desktop.select_option("#filters select[name=state]", "answered")
    desktop.wait_for_function("!document.querySelector('#list').textContent.includes('13900004444')")


def _decide(page, step: str, choice: str | None, opinion: str) -> None:
    """Claim the open step named `step` on the work page, pick `choice` (its label) and complete it."""
    panel = page.locator("section.task-panel", has=page.locator(f"h2:text-is('{step}')"))
    panel.wait_for()
    if panel.locator("[data-action=claim]").count():
        panel.locator("[data-action=claim] button").click()
        panel.locator("[data-action=complete]").wait_for()
    form = panel.locator("[data-action=complete]")
    if choice:
        form.get_by_role("radio", name=choice, exact=True).check()
    form.locator("textarea[name=opinion]").fill(opinion)
    form.locator("button[type=submit]").click()
    page.wait_for_selector("#saved:not([hidden])")
    panel.wait_for(state="detached")


def test_an_unhappy_asker_complains_by_query_code_and_the_bureau_replies_in_its_pages(
        phone, desktop, live_url: str) -> None:
    code = _ask_on_phone(phone, live_url, "sthj", "工业园区污水排放标准执行哪一级？")
    login(desktop, live_url, "sthj_reviewer")
    _handle_on_work_page(desktop, live_url, _open_task(live_url, "sthj_reviewer", "answer"), "answer",
                         "执行一级A标准。")
    phone.goto(f"{live_url}/inquiry/{code}")
    phone.wait_for_selector("#complain-card:not([hidden])")
    phone.fill("#complain-form textarea[name=text]", "答复没有说明依据的文件。")
    phone.click("#complain-form button[type=submit]")
    phone.wait_for_selector("#complained:not([hidden])")
    complaint_code = phone.inner_text("#complaint-code")
    phone.click("#complained a")
    phone.wait_for_selector("#summary:not([hidden])")
    assert phone.inner_text("#complaint-code") == complaint_code
    assert "受理审查" in phone.inner_text("#stage") and "生态环境局" in phone.inner_text("#facts")
    assert phone.is_hidden("#feedback-card")

    # The bureau finds the complaint in its pages and handles it on the work page, step by step, with
    # the decisions the complaint diagram declares (not the approval pair).
    login(desktop, live_url, "jiancha")
    assert desktop.locator("header nav a", has_text="部门待办").count() == 1
    desktop.goto(f"{live_url}/supervision/complaints")
    desktop.click(f"a:text-is('{complaint_code}')")
    desktop.click("a.open:text-is('去办理')")
    desktop.wait_for_selector("section.task-panel")
    assert desktop.locator("input[name=decision][value=approve]").count() == 0
    _decide(desktop, "受理审查", "受理", "")
    panel = desktop.locator("section.task-panel", has=desktop.locator("h2:text-is('调查处理')"))
    panel.locator("[data-action=claim] button").click()
    form = panel.locator("[data-action=complete]")
    form.get_by_role("radio", name="部分属实", exact=True).check()
    form.locator("button[type=submit]").click()  # the findings are required: refused on the page, in Chinese
    form.locator(".field-error").wait_for()
    assert "查明事实与处理意见" in form.locator(".field-error").inner_text()
    shot(desktop, "complaint-handle-refused")
    _decide(desktop, "调查处理", "部分属实", "答复未列出标准依据，已责令生态环境局补充答复。")
    _decide(desktop, "答复投诉人", None, "您反映的问题部分属实，生态环境局将在3个工作日内补充答复依据文件。")
    shot(desktop, "complaint-handled")

    phone.reload()
    phone.wait_for_selector("#feedback-card:not([hidden])")
    assert phone.inner_text("#finding").endswith("部分属实")
    assert "3个工作日内补充答复" in phone.inner_text("#reply")
    phone.check("#feedback-form input[name=satisfied][value=false]")
    phone.fill("#feedback-form textarea[name=comment]", "希望尽快补充。")
    phone.click("#feedback-form button[type=submit]")
    phone.wait_for_selector("#feedback-done:not([hidden])")
    assert "不满意" in phone.inner_text("#feedback-done") and phone.is_hidden("#feedback-card")
    shot(phone, "complaint-replied-phone")
    for page in ("complaint", "inquiry"):  # an unknown code says so, in the page's words
        phone.goto(f"{live_url}/{page}/ZZZZZZZZZZZZ")
        phone.wait_for_selector("#problem:not([hidden])")
        assert phone.inner_text("#problem").startswith("未找到与该")
