"""The fault watch every desktop and phone page runs under does see faults (so its silence means something)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import PROVOKED, Faults

pytestmark = pytest.mark.browser


def test_the_watch_sees_uncaught_exceptions_and_console_errors_but_not_provoked_4xx(browser) -> None:
    context = browser.new_context()
    page = context.new_page()
    faults = Faults(page)
    with page.expect_event("pageerror"):
        page.set_content("<script>console.error('出错了'); setTimeout(() => { throw new Error('boom'); });</script>")
    context.close()
    assert any(f.startswith("console: 出错了") for f in faults.found), faults.found
    assert any("boom" in f for f in faults.found), faults.found
    assert PROVOKED.search("Failed to load resource: the server responded with a status of 422 (UNPROCESSABLE)")
    assert not PROVOKED.search("Failed to load resource: the server responded with a status of 500 (INTERNAL)")
