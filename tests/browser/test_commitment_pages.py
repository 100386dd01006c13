"""Department public commitments in the browser: the head publishes and reports from the navigation,
the bureau assesses, and the public reads the result from the home page, on a phone.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import login, shot

pytestmark = pytest.mark.browser

TITLE = "施工许可审批再提速"


def test_a_head_pledges_and_reports_the_bureau_assesses_and_the_public_reads_it(desktop, phone,
                                                                                  live_url: str) -> None:
    login(desktop, live_url, "zjj_head")
    desktop.click("header nav a:text-is('公开承诺')")
    desktop.wait_for_selector("#publish-card:not([hidden])")
    form = "#publish-form"
    desktop.fill(f"{form} input[name=title]", TITLE)
    desktop.click(f"{form} button[type=submit]")  # nothing else filled in
    desktop.wait_for_selector(f"{form} .field-error[data-for=target]")
    assert desktop.locator(f"{form} .field-error").count() == 3
    desktop.fill(f"{form} textarea[name=target]", "施工许可证核发由法定15个工作日压缩至5个工作日")
    desktop.fill(f"{form} input[name=due_on]", "2026-12-31")
    desktop.fill(f"{form} input[name=pledged_by]", "局长 李某")
    desktop.click(f"{form} button[type=submit]")
    desktop.wait_for_selector("#status.ok:not([hidden])")
    assert TITLE in desktop.inner_text("#status")
    article = f"#commitments article.commitment:has(h3:text('{TITLE}'))"
    desktop.fill(f"{article} .progress-form input[name=percent]", "120")
    desktop.fill(f"{article} .progress-form input[name=note]", "11月平均4.5个工作日")
    desktop.click(f"{article} .progress-form button[type=submit]")
    desktop.wait_for_selector(f"{article} .progress-form .field-error[data-for=percent]")
    desktop.fill(f"{article} .progress-form input[name=percent]", "80")
    desktop.click(f"{article} .progress-form button[type=submit]")
    desktop.wait_for_selector(f"{article} progress[value='80']")
    assert "已报告进展" in desktop.inner_text("#status")
    shot(desktop, "commitments-head")

    login(desktop, live_url, "jiancha")
    desktop.click("header nav a:text-is('公开承诺')")
    desktop.wait_for_selector(f"{article} .assess-form")
    assert "住房和城乡建设局" in desktop.inner_text(f"{article} h3")
    desktop.select_option(f"{article} .assess-form select[name=assessment]", "fulfilled")
    desktop.fill(f"{article} .assess-form input[name=note]", "经核查，12月平均4.2个工作日，承诺兑现")
    desktop.click(f"{article} .assess-form button[type=submit]")
    desktop.wait_for_selector(f"{article} .badge.assessment-fulfilled")
    assert desktop.locator(f"{article} .assess-form").count() == 0  # a verdict is given once
    shot(desktop, "commitments-bureau")

    phone.goto(f"{live_url}/")
    phone.click("#commitments-link")
    section = "section.commitments[data-department=zjj]"
    phone.wait_for_selector(section)
    text = phone.inner_text(section)
    assert TITLE in text and "局长 李某" in text and "80%" in text and "考评结果：兑现" in text
    shot(phone, "commitments-public-phone")
    phone.goto(f"{live_url}/commitments?year=2025")
    assert phone.locator("#no-commitments").is_visible()
    assert phone.goto(f"{live_url}/commitments?year=abc").status == 400
