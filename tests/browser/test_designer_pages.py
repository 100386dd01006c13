"""Process designer in a real browser: edit a time limit and deploy; lint problems become markers."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import requests

from tests.bpmn_builder import parallel_review
from tests.browser.conftest import api_token, login, shot
from tests.live_server import REPO

pytestmark = pytest.mark.browser

KEY = "investment_joint_approval"


def _open_modeler(page, base: str) -> None:
    login(page, base, "designer")
    page.goto(f"{base}/designer/{KEY}/edit")
    page.wait_for_selector("#designer[data-ready=true]")
    page.wait_for_selector(".djs-element[data-element-id=s1_zrzy_review]")


@pytest.fixture
def shipped_limits_restored(live_url: str) -> Iterator[None]:
    """Deploy the shipped diagram again afterwards, so later tests on the shared server see its limits."""
    yield
    xml = (REPO / "bpmn" / f"{KEY}.bpmn").read_bytes()
    r = requests.post(f"{live_url}/api/definitions", data=xml, timeout=60, headers={
        "Authorization": f"Bearer {api_token(live_url, 'designer')}", "Content-Type": "application/xml"})
    assert r.status_code in (200, 201), r.text


@pytest.mark.usefixtures("shipped_limits_restored")
def test_designer_changes_a_time_limit_deploys_and_sees_version_two(live_url: str, desktop) -> None:
    token = api_token(live_url, "designer")
    current = requests.get(f"{live_url}/api/definitions/{KEY}", headers={"Authorization": f"Bearer {token}"},
                           timeout=30).json()["version"]
    new = current + 1  # 2 on the fresh demo data
    login(desktop, live_url, "designer")
    assert desktop.url.endswith("/designer")
    desktop.wait_for_selector(f"tr[data-key={KEY}]")
    shot(desktop, "designer-list")

    failed: list[str] = []
    desktop.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    _open_modeler(desktop, live_url)
    assert failed == []  # opening asks nothing that is not there (a missing draft was a 404 every time)
    assert desktop.locator(".bjs-powered-by").is_visible()  # the bpmn.io watermark stays visible
    desktop.select_option("#element-picker", "s1_zrzy_review")  # selects it and scrolls it into view
    form = desktop.locator("#task-form")
    form.wait_for(state="visible")
    assert form.locator("input[name=limit]").input_value() == "20"
    form.locator("input[name=limit]").fill("15")
    form.locator("input[name=yellowDaysLeft]").fill("3")
    form.locator("button[type=submit]").click()
    desktop.wait_for_selector("#status.ok")
    shot(desktop, "designer-modeler-panel")
    desktop.click("#save-draft")
    desktop.wait_for_function("() => document.getElementById('status').textContent.includes('草稿已保存')")
    assert desktop.locator("#discard-draft").is_visible()
    desktop.click("#deploy")
    link = desktop.locator("#versions-link")
    link.wait_for()
    assert f"第 {new} 版" in desktop.locator("#status").inner_text()

    link.click()
    desktop.wait_for_selector("body[data-loaded=true]")
    assert desktop.locator(f"#versions tr[data-version='{new}']").is_visible()
    changed = desktop.locator("section[data-kind=changed] tr[data-element-id=s1_zrzy_deadline]")
    assert changed.is_visible()
    assert "20 → 15 个工作日" in changed.locator(".change-words").inner_text()  # read as a sentence
    raw = changed.locator(".raw-change")
    assert raw.locator(".before").first.is_hidden()  # the raw XML values wait behind 查看
    raw.locator("summary").click()
    assert "workdays(20)" in raw.locator(".before").last.inner_text()
    assert "workdays(15)" in raw.locator(".after").last.inner_text()
    assert desktop.locator("section[data-kind=changed] tr[data-element-id=s1_zrzy_review]").is_visible()
    shot(desktop, "designer-versions-diff")


def test_deploying_a_lane_with_an_unknown_department_marks_that_lane(live_url: str, desktop, tmp_path) -> None:
    xml = (REPO / "bpmn" / f"{KEY}.bpmn").read_text(encoding="utf-8")
    bad, count = re.subn(r'(<bpmn:lane id="Lane_xf" name=")xf(")', r"\1nosuchdept\2", xml)
    assert count == 1
    upload = tmp_path / "bad-lane.bpmn"
    upload.write_text(bad, encoding="utf-8")

    _open_modeler(desktop, live_url)
    desktop.set_input_files("#upload", str(upload))
    desktop.wait_for_selector(".djs-element[data-element-id=Lane_xf]")
    desktop.click("#deploy")
    marker = desktop.locator(".lint-marker[data-element=Lane_xf]")
    marker.wait_for()
    assert marker.is_visible()
    assert desktop.locator(".djs-element.lint-error[data-element-id=Lane_xf]").count() == 1
    assert "nosuchdept" in desktop.locator("#problems").inner_text()
    assert desktop.locator(".lint-error").count() == 1  # only the offending lane
    shot(desktop, "designer-lint-marker")


WITHOUT_LAYOUT = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="urn:t">
  <bpmn:process id="no_layout" name="无布局流程" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="review" name="审查"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review"/>
    <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="end"/>
  </bpmn:process>
</bpmn:definitions>"""


def test_a_diagram_without_layout_opens_auto_laid_out(live_url: str, desktop, tmp_path) -> None:
    upload = tmp_path / "no-layout.bpmn"
    upload.write_text(WITHOUT_LAYOUT, encoding="utf-8")
    login(desktop, live_url, "designer")
    desktop.goto(f"{live_url}/designer/new")
    desktop.wait_for_selector("#designer[data-ready=true]")
    desktop.set_input_files("#upload", str(upload))
    desktop.wait_for_selector(".djs-element[data-element-id=review]")
    assert "自动排版" in desktop.locator("#status").inner_text()
    box = desktop.locator(".djs-element[data-element-id=review]").bounding_box()
    assert box and box["width"] > 10
    shot(desktop, "designer-auto-layout")


def test_a_saved_draft_reopens_and_a_newer_one_saved_elsewhere_is_not_overwritten(live_url: str, desktop) -> None:
    draft_url = f"{live_url}/api/definitions/{KEY}/draft"
    headers = {"Authorization": f"Bearer {api_token(live_url, 'designer')}"}
    _open_modeler(desktop, live_url)
    status = desktop.locator("#status")
    try:
        desktop.click("#save-draft")
        desktop.wait_for_function("() => document.getElementById('status').textContent.includes('草稿已保存')")
        desktop.reload()  # the draft, not the deployed version, opens again, with who saved it
        desktop.wait_for_selector("#designer[data-ready=true]")
        assert "已载入 designer" in status.inner_text() and desktop.locator("#discard-draft").is_visible()

        xml = requests.get(draft_url, headers=headers, timeout=30).text
        r = requests.put(draft_url, data=xml.encode(), timeout=30,
                         headers={**headers, "Content-Type": "application/xml"})  # someone else saves
        assert r.status_code == 200, r.text
        desktop.click("#save-draft")
        desktop.wait_for_function("() => document.getElementById('status').textContent.includes('他人已保存')")
        assert "error" in (status.get_attribute("class") or "")

        desktop.click("#discard-draft")
        desktop.wait_for_function("() => document.getElementById('status').textContent.includes('草稿已丢弃')")
        assert desktop.locator("#discard-draft").is_hidden()
    finally:
        requests.delete(draft_url, headers=headers, timeout=30)  # later tests open the deployed version


@pytest.mark.parametrize(("key", "kept"), [
    ("complaint_handling", ['<ow:choice value="reject" label="不予受理" opinion="required"',
                            '<ow:opinion label="查明事实与处理意见" required="true"', 'maxDaysFromReceipt="30"']),
    ("public_inquiry", ['<ow:shared keys="next_department publish"', 'maxDaysWithExtension="20"']),
])
def test_a_diagram_opened_and_saved_in_the_designer_keeps_every_onewindow_extension(
        live_url: str, desktop, key: str, kept: list[str]) -> None:
    draft_url = f"{live_url}/api/definitions/{key}/draft"
    headers = {"Authorization": f"Bearer {api_token(live_url, 'designer')}"}
    login(desktop, live_url, "designer")
    desktop.goto(f"{live_url}/designer/{key}/edit")
    desktop.wait_for_selector("#designer[data-ready=true]")
    try:
        desktop.click("#save-draft")
        desktop.wait_for_function("() => document.getElementById('status').textContent.includes('草稿已保存')")
        xml = requests.get(draft_url, headers=headers, timeout=30).text
        missing = [fragment for fragment in kept if fragment not in xml]
        assert missing == [], xml[:2000]
    finally:
        requests.delete(draft_url, headers=headers, timeout=30)


def _open_and_deploy(page, base: str, fixture: str, element: str) -> None:
    """Open a diagram from another tool (tests/fixtures/imported) in a new modeler and press 发布."""
    login(page, base, "designer")
    page.goto(f"{base}/designer/new")
    page.wait_for_selector("#designer[data-ready=true]")
    page.set_input_files("#upload", str(REPO / "tests" / "fixtures" / "imported" / fixture))
    page.wait_for_selector(f".djs-element[data-element-id={element}]")
    page.click("#deploy")


def test_a_diagram_with_role_named_lanes_deploys_after_the_designer_picks_their_departments(
        live_url: str, desktop) -> None:
    """Other tools name lanes by role (受理窗口); the page asks for each lane's department and says who got what."""
    _open_and_deploy(desktop, live_url, "role_lanes.bpmn", "lane_window")
    desktop.wait_for_selector("#lane-choices:not([hidden]) select")
    assert desktop.locator(".lint-error[data-element-id=lane_window]").count() == 1
    lanes = desktop.eval_on_selector_all("#lane-choices select", "all => all.map((s) => s.name)")
    assert lanes == ["受理窗口", "审批科室"]
    desktop.click("#deploy-with-choices")  # nothing chosen yet: asked to choose, nothing sent
    assert "请为每条泳道选择部门" in desktop.locator("#status").inner_text()
    desktop.select_option("#lane-choices select[name=受理窗口]", "zwfw")
    desktop.select_option("#lane-choices select[name=审批科室]", "zrzy")
    shot(desktop, "designer-lane-choices")
    desktop.click("#deploy-with-choices")
    desktop.wait_for_selector("#versions-link")
    assert desktop.locator("#lane-choices").is_hidden()
    report = desktop.locator("#deploy-report").inner_text()
    assert "发布时为泳道“受理窗口”选择" in report and "发布时为泳道“审批科室”选择" in report
    accept = desktop.locator("#deploy-report tr[data-task=accept]").inner_text()
    assert "受理" in accept and "zwfw" not in accept  # the department by its name, not its code
    # The stored diagram names the departments now; the modeler reopened it.
    desktop.wait_for_function("() => window.onewindowModeler.get('elementRegistry').get('lane_window')"
                              "?.businessObject.name === 'zwfw'")
    shot(desktop, "designer-lane-choices-deployed")


def test_juel_and_feel_conditions_are_previewed_and_rewritten_when_the_designer_accepts(live_url: str,
                                                                                       desktop) -> None:
    _open_and_deploy(desktop, live_url, "juel_gate.bpmn", "gate")
    desktop.wait_for_selector("#condition-rewrites:not([hidden]) tr[data-element=no]")
    offer = desktop.locator("#condition-rewrites").inner_text()
    assert "${decision == 'approve'}" in offer and "decision == 'approve'" in offer
    assert '= decision = "reject"' in offer and 'decision == "reject"' in offer
    assert "同意（yes）" in offer  # the flow by its name
    shot(desktop, "designer-condition-rewrites")
    desktop.click("#accept-rewrites")
    desktop.wait_for_selector("#versions-link")
    assert desktop.locator("#condition-rewrites").is_hidden()
    report = desktop.locator("#deploy-report").inner_text()
    assert "候选组 fgw" in report and "发布时对流程图的改写" in report
    assert desktop.locator("#deploy-report tr[data-rewrite]").count() == 2
    shot(desktop, "designer-condition-rewrites-deployed")


def test_a_designer_dry_runs_then_migrates_running_applications_from_the_version_diff(
        live_url: str, desktop) -> None:
    """Version 2 renames the water review and adds a co-review; the running application moves to it."""
    def token(user: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {api_token(live_url, user)}"}

    def deploy(xml: bytes) -> None:
        r = requests.post(f"{live_url}/api/definitions", data=xml, timeout=60,
                          headers={**token("designer"), "Content-Type": "application/xml"})
        assert r.status_code == 201, r.text

    deploy(parallel_review("migration_probe"))
    # A project code as the national investment platform issues it: other pages of the shared live
    # server are walked for stray Latin words later.
    body = {"definition_key": "migration_probe", "project": {"name": "迁移演示项目",
                                                            "code": "2026-330100-47-01-000777", "investment": 1},
            "applicant": {"name": "迁移演示单位", "contact": "13800000000"}}
    created = requests.post(f"{live_url}/api/instances", json=body, headers=token("window1"), timeout=60)
    assert created.status_code == 201, created.text
    instance_id = created.json()["id"]
    deploy(parallel_review("migration_probe", ("sthj", "sw", "zrzy")).replace(b"sw_review", b"sw_check"))

    login(desktop, live_url, "designer")
    desktop.goto(f"{live_url}/designer/migration_probe?from=1&to=2")
    desktop.wait_for_selector("body[data-loaded=true]")
    section = desktop.locator("#migration")
    assert "第 1 版尚有 1 件未办结" in section.inner_text()
    # The renamed review is offered by its unchanged name.
    assert desktop.locator("#migration select[data-old=sw_review]").input_value() == "sw_check"
    desktop.click("#migration-dry-run")
    row = desktop.locator(f"#migration-results tr[data-instance-id='{instance_id}']")
    row.wait_for()
    assert row.get_attribute("data-outcome") == "would_migrate"
    words = row.inner_text()
    assert "环节 sw_review 改为 sw_check" in words and "新增环节「zrzy 审查」开始办理" in words
    assert "办件均未改动" in desktop.locator("#migration-summary").inner_text()
    shot(desktop, "designer-migration-dry-run")

    desktop.once("dialog", lambda dialog: dialog.accept())
    desktop.click("#migration-run")
    desktop.wait_for_selector(f"#migration-results tr[data-instance-id='{instance_id}'][data-outcome=migrated]")
    assert "已迁移 1 件" in desktop.locator("#migration-summary").inner_text()
    desktop.wait_for_function(
        "() => document.getElementById('migration-waiting').textContent.includes('第 1 版尚有 0 件未办结')")
    shot(desktop, "designer-migration-done")
    detail = requests.get(f"{live_url}/api/instances/{instance_id}", headers=token("jiancha"), timeout=30).json()
    assert detail["definition_version"] == 2
    assert {t["bpmn_id"] for t in detail["tasks"] if t["status"] == "ready"} == {
        "sthj_review", "sw_check", "zrzy_review"}
