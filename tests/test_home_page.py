"""The landing page served at / by `make run`."""

from __future__ import annotations

from tests.conftest import Api


def test_landing_page_links_docs_and_tracking(api: Api) -> None:
    page = api.get("/")
    assert page.status_code == 200 and "查询码" in page.get_data(as_text=True)
    assert b"/api/docs" in page.data and b"/api/public/track/" in page.data
