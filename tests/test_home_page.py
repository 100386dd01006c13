"""The landing page served at / by `make run`."""

from __future__ import annotations

from tests.conftest import Api


def test_landing_page_links_docs_login_and_tracking(api: Api) -> None:
    page = api.get("/")
    assert page.status_code == 200 and "查询码" in page.get_data(as_text=True)
    assert b"/api/docs" in page.data and b'action="/track"' in page.data and b"/login" in page.data


def test_favicon_ico_leads_to_the_svg_icon(client) -> None:
    r = client.get("/favicon.ico")
    assert r.status_code == 301 and r.headers["Location"].endswith("/static/favicon.svg")
    icon = client.get(r.headers["Location"])
    try:
        assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
    finally:
        icon.close()  # a static file response holds the file open until closed
