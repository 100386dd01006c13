"""The approval path in a real browser: tracking, window intake + receipt, worklist, the lead's board."""

from __future__ import annotations

import re

import pytest
import requests

from tests.browser.conftest import api_token, login, shot

pytestmark = pytest.mark.browser

STAGE1 = {"zrzy": "s1_zrzy_review", "sthj": "s1_sthj_review", "sw": "s1_sw_review", "jt": "s1_jt_review"}


class Http:
    """Arrange state over the same JSON API the pages call."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.tokens: dict[str, str] = {}

    def __call__(self, method: str, path: str, user: str, **kw) -> dict:
        if user not in self.tokens:
            self.tokens[user] = api_token(self.base, user)
        r = requests.request(method, f"{self.base}{path}", headers={"Authorization": f"Bearer {self.tokens[user]}"},
                             timeout=30, **kw)
        assert r.status_code < 300, r.text
        return r.json()

    def start(self, name: str) -> dict:
        return self("POST", "/api/instances", "window1", json={
            "definition_key": "investment_joint_approval", "item_code": "330100-TZ-0001",
            "project": {"name": name, "code": f"2026-330100-{abs(hash(name)) % 10**6:06d}", "investment": 1.2e7},
            "applicant": {"name": "浙江示范实业有限公司", "contact": "13900000000"}})

    def task(self, instance_id: int, dept: str) -> dict:
        items = self("GET", "/api/tasks", f"{dept}_reviewer", params={"per_page": 500})["items"]
        return next(t for t in items if t["instance_id"] == instance_id and t["bpmn_id"] == STAGE1[dept])

    def approve(self, instance_id: int, dept: str, opinion: str = "同意") -> None:
        task = self.task(instance_id, dept)
        self("POST", f"/api/tasks/{task['id']}/claim", f"{dept}_reviewer")
        self("POST", f"/api/tasks/{task['id']}/complete", f"{dept}_reviewer",
             json={"decision": "approve", "opinion": opinion})


@pytest.fixture(scope="module")
def http(live_url: str) -> Http:
    return Http(live_url)


def test_applicant_tracks_a_code_on_a_phone_and_sees_the_coloured_diagram(live_url: str, http: Http, phone) -> None:
    instance = http.start("城西科创园配套道路工程")
    http.approve(instance["id"], "sthj", "环评意见：同意")
    phone.goto(f"{live_url}/track")
    phone.fill("input[name=code]", instance["query_code"].lower())
    phone.click("button[type=submit]")
    phone.wait_for_url(f"**/track/{instance['query_code']}")
    phone.locator("#diagram[data-ready=true]").wait_for(state="attached")
    # Too small to read on a phone even around the open tasks: the steps come as a list, the drawing on demand.
    steps = phone.locator("#diagram-card ol.steps")
    assert steps.is_visible() and phone.locator("#diagram").is_hidden()
    assert steps.locator("li[data-state=completed]").count() == 1
    assert steps.locator("li[data-state=in_progress]").count() == 3
    assert "（生态环境局）" in steps.locator("li[data-state=completed]").inner_text()
    shot(phone, "track-phone-steps")
    phone.click("#diagram-card button:has-text('查看流程图')")
    phone.locator("#diagram").wait_for()
    assert phone.locator("#project-name").inner_text() == "城西科创园配套道路工程"
    assert phone.locator("#departments li").count() == 4
    assert phone.locator("#departments li[data-state=completed]").count() == 1
    assert "剩余" in phone.locator("#departments li[data-state=in_progress]").first.inner_text()
    # the diagram: one task done, three in progress, later stages not reached, watermark kept
    assert phone.locator(".djs-element.st-completed").count() == 1
    assert phone.locator(".djs-element.st-in_progress").count() == 3
    assert phone.locator(".djs-element.st-not_reached").count() > 5
    assert phone.locator(".bjs-powered-by").is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # no horizontal scroll
    # Lanes carry department names, not codes, and the viewer has zoom buttons.
    lanes = phone.eval_on_selector_all(".djs-element[data-element-id^=Lane] .djs-label",
                                       "labels => labels.map((l) => l.textContent)")
    assert "自然资源和规划局" in lanes and "zrzy" not in lanes
    before = phone.evaluate("document.querySelector('#diagram .viewport').getAttribute('transform')")
    phone.click("#diagram .zoom-controls button[aria-label=放大]")
    assert phone.evaluate("document.querySelector('#diagram .viewport').getAttribute('transform')") != before
    # The catalogue item applied for, with its promised and legal limits and the dates they give.
    assert "企业投资建设项目并联审批" in phone.inner_text("#item")
    promise = phone.inner_text("#promise")
    assert "承诺 77 个工作日内办结" in promise and "法定时限 120" in promise and "暂定" in promise  # into 2027
    shot(phone, "track-phone")
    phone.goto(f"{live_url}/track/ZZZZZZZZZZZZ")
    phone.locator("#problem").wait_for()
    assert "未找到" in phone.locator("#problem").inner_text()
    shot(phone, "track-not-found-phone")


def test_window_accepts_an_application_and_prints_a_receipt(live_url: str, desktop, tmp_path) -> None:
    login(desktop, live_url, "window1")
    assert desktop.url.endswith("/window")
    # The window applies for a catalogue item; its first item runs the joint approval.
    desktop.locator("select[name=definition_key] option[value='330100-TZ-0001']").wait_for(state="attached")
    desktop.fill("input[name='project.name']", "滨湖智慧物流园一期")
    desktop.fill("input[name='project.code']", "2026-330100-59-01-000123")
    desktop.fill("input[name='project.investment']", "not a number")
    desktop.fill("input[name='applicant.name']", "滨湖物流发展有限公司")
    desktop.fill("input[name='applicant.contact']", "0571-87000000")
    # The shipped joint approval asks for nothing more; a field it does not ask for goes under 高级.
    desktop.locator("#asked-none").wait_for()
    desktop.click("#extra-free summary")
    desktop.click("#extra-add")
    desktop.locator("#extra-free-rows input[name=extra-key]").fill("land_area_m2")
    desktop.locator("#extra-free-rows input[name=extra-value]").fill("52000")
    desktop.locator("li[data-document='环境影响评价文件'] input[value=shortfall]").check()
    assert desktop.locator("#shortfall").is_visible()
    shot(desktop, "window-intake")
    desktop.click("button[value=accept]")
    # the API's 400 for the investment lands next to that field, in Chinese
    error = desktop.locator(".field-error[data-for='project.investment']")
    error.wait_for()
    assert "请输入数字" in error.inner_text()
    shot(desktop, "window-intake-error")
    desktop.fill("input[name='project.investment']", "350000000")
    desktop.click("button[value=accept]")
    desktop.wait_for_url(re.compile(r".*/window/receipt/\d+$"))
    desktop.locator("#receipt[data-kind=receipt]").wait_for()
    code = desktop.locator("#a4-code").inner_text()
    assert re.fullmatch(r"[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}", code)
    assert desktop.locator("#slip-code").inner_text() == code
    assert "环境影响评价文件" in desktop.locator("#a4-facts").inner_text()  # the 容缺 document and its deadline
    assert "环境影响评价文件" in desktop.locator("#slip-shortfall").inner_text()  # on the slip too
    desktop.wait_for_function("document.getElementById('a4-qr').naturalWidth > 0")
    shot(desktop, "window-receipt")
    desktop.evaluate("() => { window.print = () => { window.printed = (window.printed || 0) + 1; }; }")
    desktop.click("#print-slip")
    assert desktop.evaluate("window.printed") == 1 and desktop.evaluate("document.body.dataset.print") == "slip"
    desktop.click("#print-a4")
    desktop.emulate_media(media="print")
    assert not desktop.locator("#sheet-slip").is_visible() and desktop.locator("#sheet-a4").is_visible()
    assert not desktop.locator(".topbar").is_visible()
    pdf = shot(desktop, "window-receipt-print-a4").with_suffix(".pdf")
    desktop.pdf(path=str(pdf), format="A4", print_background=True)
    assert pdf.stat().st_size > 1000
    r = requests.get(f"{live_url}/api/public/track/{code}", timeout=30)
    assert r.status_code == 200 and r.json()["project_name"] == "滨湖智慧物流园一期"


def test_window_asks_for_the_fields_the_process_reads(live_url: str, http: Http, desktop) -> None:
    from tests.bpmn_builder import parallel_review

    xml = parallel_review("window_fields_demo", ("sthj", "sw"),
                          condition='decision == "approve" and floors &lt; 30 and land_area_m2 &gt;= 1000')
    text = xml.decode() if isinstance(xml, bytes) else xml
    opening = re.search(r'<bpmn:process id="window_fields_demo"[^>]*>', text).group(0)
    # One of the two names gets a label from the designer; the other shows how an unlabelled one looks.
    xml = text.replace(opening, opening + '<bpmn:extensionElements><ow:field xmlns:ow="urn:onewindow:bpmn" '
                       'name="land_area_m2" label="用地面积（平方米）"/></bpmn:extensionElements>').encode()
    r = requests.post(f"{live_url}/api/definitions", data=xml, timeout=30, headers={
        "Content-Type": "application/xml", "Authorization": f"Bearer {api_token(live_url, 'designer')}"})
    assert r.status_code in (200, 201), r.text
    login(desktop, live_url, "window1")
    desktop.locator("select[name=definition_key] option[value=window_fields_demo]").wait_for(state="attached")
    desktop.select_option("select[name=definition_key]", "window_fields_demo")
    desktop.locator(".extra-row[data-asked]").nth(1).wait_for()
    keys = desktop.locator(".extra-row[data-asked] input[name=extra-key]")
    assert sorted(keys.nth(i).input_value() for i in range(keys.count())) == ["floors", "land_area_m2"]
    assert "用地面积（平方米）" in desktop.inner_text(".extra-row[data-key=land_area_m2]")  # the clerk reads a label
    assert "流程所需信息（floors）" in desktop.inner_text(".extra-row[data-key=floors]")
    assert desktop.locator("#asked-none").is_hidden()
    shot(desktop, "window-process-fields")


def test_window_refuses_with_a_reason_and_issues_a_correction_notice(live_url: str, desktop) -> None:
    login(desktop, live_url, "window1")
    for name, outcome in (("临时堆场项目", "refuse"), ("河道整治项目", "correct")):
        desktop.goto(f"{live_url}/window")
        desktop.fill("input[name='project.name']", name)
        desktop.fill("input[name='project.code']", "2026-330100-00-01-000999")
        desktop.fill("input[name='project.investment']", "1000000")
        desktop.fill("input[name='applicant.name']", "某某公司")
        desktop.fill("input[name='applicant.contact']", "13700000000")
        desktop.locator("li[data-document='节能审查意见'] input[value=missing]").check()
        desktop.click(f"button[value={outcome}]")
        if outcome == "refuse":
            desktop.locator(".field-error[data-for=reason]").wait_for()  # a refusal needs its reason
            desktop.fill("textarea[name=reason]", "项目不属于本中心受理范围")
            desktop.click("button[value=refuse]")
        desktop.wait_for_url(re.compile(r".*/window/receipt/\d+$"))
        kind = "refusal" if outcome == "refuse" else "correction"
        desktop.locator(f"#receipt[data-kind={kind}]").wait_for()
        shot(desktop, f"window-notice-{kind}")
    assert "节能审查意见" in desktop.locator("#missing-list").inner_text()


def test_reviewer_claims_and_completes_with_an_opinion(live_url: str, http: Http, desktop) -> None:
    instance = http.start("城南初中新建工程")
    login(desktop, live_url, "zrzy_reviewer")
    assert desktop.url.endswith("/worklist")
    row = desktop.locator("#tasks tbody tr", has_text="城南初中新建工程")
    row.wait_for()
    assert re.search(r"warn-(green|yellow|red|escalated)", row.get_attribute("class"))
    assert "剩余" in row.locator(".countdown").inner_text() or "今日" in row.locator(".countdown").inner_text()
    shot(desktop, "worklist")
    desktop.click("#sort")
    desktop.wait_for_url("**sort=-due_at")
    row.locator("a.open").click()
    desktop.locator("#diagram[data-ready=true]").wait_for(state="attached")  # drawn, or listed as steps
    assert desktop.locator("#progress li").count() == 3  # the other departments, read-only
    desktop.click("form[data-action=claim] button")
    desktop.locator("form[data-action=complete]").wait_for()
    desktop.fill("form[data-action=complete] textarea[name=opinion]", "符合国土空间规划，同意。")
    shot(desktop, "work-page")
    desktop.click("form[data-action=complete] button[type=submit]")
    desktop.locator("#history li[data-action='task.completed']").wait_for()
    assert "符合国土空间规划" in desktop.locator("#history").inner_text()
    assert desktop.locator("form[data-action=complete]").count() == 0
    detail = http("GET", f"/api/instances/{instance['id']}", "jiancha")
    done = [t for t in detail["tasks"] if t["bpmn_id"] == "s1_zrzy_review"][0]
    assert done["status"] == "completed" and done["submission"]["opinion"] == "符合国土空间规划，同意。"


def test_refusing_without_an_opinion_is_blocked_with_a_message(live_url: str, http: Http, phone) -> None:
    instance = http.start("老旧小区改造工程")
    login(phone, live_url, "sthj_reviewer")
    phone.locator("#tasks tbody tr", has_text="老旧小区改造工程").wait_for()  # the worklist as cards on a phone
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shot(phone, "worklist-phone")
    phone.goto(f"{live_url}/worklist/{instance['id']}")
    phone.click("form[data-action=claim] button")
    phone.locator("form[data-action=complete]").wait_for()
    phone.check("form[data-action=complete] input[value=refuse]")
    phone.click("form[data-action=complete] button[type=submit]")
    note = phone.locator(".field-error[data-for=opinion]")
    note.wait_for()
    assert note.inner_text() == "不同意时须在意见中写明理由"  # the server's own words
    assert phone.locator("textarea[name=opinion][aria-invalid=true]").is_visible()
    shot(phone, "work-refuse-blocked-phone")
    assert http.task(instance["id"], "sthj")["status"] == "claimed"  # nothing was recorded


def test_a_pause_shows_on_the_tracking_page(live_url: str, http: Http, desktop, phone) -> None:
    instance = http.start("工业园区污水管网工程")
    phone.goto(f"{live_url}/track/{instance['query_code']}?every=5")  # open before the pause: it refreshes itself
    phone.locator("#diagram[data-ready=true]").wait_for(state="attached")  # drawn, or listed as steps
    assert phone.locator(".paused-notice").count() == 0
    login(desktop, live_url, "sw_reviewer")
    desktop.goto(f"{live_url}/worklist/{instance['id']}")
    desktop.click("form[data-action=claim] button")
    desktop.locator("form[data-action=pause]").wait_for(state="attached")
    desktop.click("text=暂停计时（特别程序）")
    desktop.select_option("form[data-action=pause] select[name=kind]", "correction")
    desktop.fill("form[data-action=pause] textarea[name=reason]", "请补充排水许可申请表及管网图纸")
    desktop.click("form[data-action=pause] button[type=submit]")
    desktop.locator("#pause-notice").wait_for()
    shot(desktop, "work-paused")
    notice = phone.locator(".paused-notice")
    notice.wait_for(timeout=15_000)
    assert "请补充排水许可申请表及管网图纸" in notice.inner_text() and "水务局" in notice.inner_text()
    assert phone.locator(".djs-element.st-paused").count() == 1
    assert phone.locator("#departments li[data-state=paused]").count() == 1
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shot(phone, "track-paused-phone")
    desktop.click("form[data-action=resume] button")
    desktop.locator("form[data-action=complete]").wait_for()


def test_the_lead_sees_all_co_reviewers_reminds_the_late_one_and_decides(live_url: str, http: Http,
                                                                       desktop) -> None:
    instance = http.start("滨江文化中心工程")
    for dept in ("zrzy", "sthj", "sw"):
        http.approve(instance["id"], dept, f"{dept}：同意")
    jt_task = http.task(instance["id"], "jt")
    extension = http("POST", f"/api/tasks/{jt_task['id']}/extensions", "jt_reviewer",
                     json={"working_days": 2, "reason": "需现场核查交通组织方案"})
    login(desktop, live_url, "fgw_lead")
    assert desktop.url.endswith("/board")
    card = desktop.locator(f".board-row[data-instance-id='{instance['id']}']")
    card.wait_for()
    assert card.locator(".co > div").count() == 4
    pending = card.locator(".co > div[data-department=jt] .pending-extension")  # the countdown may still move
    assert "已申请延期 2 个工作日" in pending.inner_text() and "需现场核查交通组织方案" in pending.inner_text()
    assert card.locator(".co > div[data-state=completed]").count() == 3
    assert "sthj：同意" in card.locator(".opinions").inner_text()
    assert card.locator("form.decide").count() == 0  # not before every co-reviewer is in
    card.locator(".co > div[data-department=jt] button.remind").click()
    desktop.locator("#saved").wait_for()
    assert "已催办" in desktop.locator("#saved").inner_text()
    shot(desktop, "board-waiting")
    http("POST", f"/api/extensions/{extension['id']}/decision", "jt_head", json={"approve": True})
    history = http("GET", f"/api/instances/{instance['id']}", "jiancha")["history"]
    assert [e["details"]["department"] for e in history if e["action"] == "task.reminded"] == ["jt"]
    http.approve(instance["id"], "jt", "jt：同意")
    desktop.reload()
    assert card.locator(".pending-extension").count() == 0
    form = card.locator("form.decide")
    form.wait_for()
    form.locator("textarea[name=opinion]").fill("各部门意见一致，准予通过第一阶段。")
    shot(desktop, "board-decide")
    form.locator("button[type=submit]").click()
    desktop.locator("#saved", has_text="已作出决定").wait_for()
    detail = http("GET", f"/api/instances/{instance['id']}", "jiancha")
    lead = [t for t in detail["tasks"] if t["bpmn_id"] == "s1_lead_decide"][0]
    assert lead["status"] == "completed" and lead["submission"]["decision"] == "approve"
    assert any(t["bpmn_id"].startswith("s2_") for t in detail["tasks"])


def test_a_step_that_is_not_the_departments_business_is_transferred_and_decided_in_the_pages(
        live_url: str, http: Http, desktop, phone) -> None:
    """转办: the reviewer asks on its work page, the lead approves on its board, the bureau refuses one."""
    instance = http.start("临江物流园区仓储中心")
    for dept, reason in (("jt", "该项目不涉及城市道路，占道审查应由住房和城乡建设局办理"),
                         ("sw", "排水接管审查属住房和城乡建设局职责")):
        task = http.task(instance["id"], dept)
        login(desktop, live_url, f"{dept}_reviewer")
        desktop.goto(f"{live_url}/worklist/{instance['id']}")
        desktop.click("form[data-action=claim] button")
        form = desktop.locator("form[data-action=transfer]")
        form.wait_for(state="attached")
        desktop.locator("summary", has_text="申请转办").click()
        form.locator("select[name=to_department] option[value=zjj]").wait_for(state="attached")
        form.locator("select[name=to_department]").select_option("zjj")
        form.locator("textarea[name=reason]").fill(reason)
        if dept == "jt":
            shot(desktop, "work-transfer-request")
        form.locator("button[type=submit]").click()
        desktop.locator("#saved:not([hidden])").wait_for()
        desktop.context.clear_cookies()
        desktop.evaluate("sessionStorage.clear()")
        assert task["department"] == dept

    login(desktop, live_url, "fgw_lead")  # the lead approves the first
    jt = desktop.locator("#transfers form.transfer", has_text="不涉及城市道路")
    jt.wait_for()
    shot(desktop, "board-transfers")
    jt.locator("button[value=approve]").click()
    jt.wait_for(state="detached")
    moved = [t for t in http("GET", "/api/tasks", "zjj_reviewer", params={"per_page": 500})["items"]
             if t["instance_id"] == instance["id"]]
    assert moved and all(t["department"] == "zjj" for t in moved)

    login(phone, live_url, "jiancha")  # the bureau refuses the second, and must say why
    phone.goto(f"{live_url}/supervision/orders")
    sw = phone.locator("#transfers form.transfer", has_text="排水接管")
    sw.wait_for()
    sw.locator("button[value=refuse]").click()
    sw.locator(".form-error:not([hidden]), .field-error").first.wait_for()
    sw.locator("input[name=reason]").fill("排水接管审查仍由水务局负责，请继续办理")
    sw.locator("button[value=refuse]").click()
    sw.wait_for(state="detached")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shot(phone, "supervision-transfers-phone")
    history = http("GET", f"/api/instances/{instance['id']}", "jiancha")["history"]
    assert {"transfer.requested", "task.transferred", "transfer.refused"} <= {e["action"] for e in history}
