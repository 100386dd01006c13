"""The landing page served at / by `make run`."""

from __future__ import annotations

from tests.conftest import Api


def test_landing_page_links_docs_login_and_tracking(api: Api) -> None:
    page = api.get("/")
    assert page.status_code == 200 and "查询码" in page.get_data(as_text=True)
    assert b"/api/docs" in page.data and b'action="/track"' in page.data and b"/login" in page.data
