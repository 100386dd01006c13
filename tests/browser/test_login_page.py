"""The shared shell: login page, per-role landing, and API errors shown next to the field."""

from __future__ import annotations

import pytest

from tests.browser.conftest import DEMO_PASSWORD, login, shot
from tests.conftest import ADMIN_PASSWORD

pytestmark = pytest.mark.browser


def test_wrong_password_is_shown_next_to_the_password_field(live_url: str, phone) -> None:
    phone.goto(f"{live_url}/login")
    phone.fill("input[name=username]", "window1")
    phone.fill("input[name=password]", "wrong-password")
    phone.click("button[type=submit]")
    note = phone.locator(".field-error[data-for=password]")
    note.wait_for()
    assert "用户名或密码错误" in note.inner_text()
    assert phone.locator("input[name=password][aria-invalid=true]").is_visible()
    shot(phone, "login-error-phone")


@pytest.mark.parametrize(("username", "landing", "role"), [
    ("jiancha", "/supervision", "监察人员"), ("window1", "/window", "窗口人员"),
    ("sthj_reviewer", "/worklist", "审查人员"), ("fgw_lead", "/board", "牵头部门"),
    ("designer", "/designer", "流程设计员"), ("admin", "/admin", "管理员"),
])
def test_each_role_lands_on_its_own_page(live_url: str, desktop, username: str, landing: str, role: str) -> None:
    login(desktop, live_url, username, ADMIN_PASSWORD if username == "admin" else DEMO_PASSWORD)
    assert desktop.url == f"{live_url}{landing}"
    desktop.locator("#who").wait_for()
    assert role in desktop.locator("#who").inner_text()
    if username == "jiancha":
        shot(desktop, "login-landing-supervisor")
