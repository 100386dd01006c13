"""The shared shell: login page, per-role landing, and API errors shown next to the field."""

from __future__ import annotations

import pytest

from tests.browser.conftest import login, shot

pytestmark = [pytest.mark.browser, pytest.mark.slow]


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


def test_each_role_lands_on_its_own_page(live_url: str, desktop) -> None:
    login(desktop, live_url, "jiancha")
    assert desktop.url.rstrip("/") in (live_url, f"{live_url}/supervision")  # issue 7 adds the page
    assert "监察人员" in desktop.locator("#who").inner_text()
    shot(desktop, "login-landing-supervisor")
