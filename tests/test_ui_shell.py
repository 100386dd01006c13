"""The shared page shell: login page, session description, per-role landing and navigation."""

from __future__ import annotations

import json
import re

from tests.conftest import Api


def _strings(html: str) -> dict:
    match = re.search(r'<script type="application/json" id="strings">(.*?)</script>', html, re.S)
    assert match, "every page hands its strings to its ES module"
    return json.loads(match.group(1))


def test_login_page_renders_in_chinese_with_its_strings(api: Api) -> None:
    page = api.get("/login")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'lang="zh-CN"' in html
    t = _strings(html)
    assert t["title"] == "工作人员登录" and t["errors"]["unauthorized"]
    assert "/static/js/pages/login.js" in html and "/static/css/app.css" in html


def test_session_describes_the_token_user_and_lands_by_role(api: Api) -> None:
    assert api.get("/ui/session").status_code == 401
    window = api.get("/ui/session", "window1").get_json()
    assert window["role"] == "window" and window["department"] == "zwfw"
    assert window["department_name"] and window["landing"].startswith("/")
    assert all(item["url"].startswith("/") for item in window["nav"])
    jiancha = api.get("/ui/session", "jiancha").get_json()
    assert jiancha["role"] == "supervisor" and jiancha["landing"] == "/supervision"


def test_every_role_lands_on_its_own_page(api: Api) -> None:
    landings = {"window1": "/window", "sthj_reviewer": "/worklist", "fgw_lead": "/board",
                "jiancha": "/supervision", "designer": "/designer", "admin": "/admin"}
    for user, landing in landings.items():
        assert api.get("/ui/session", user).get_json()["landing"] == landing, user


def test_static_shell_files_are_served(api: Api) -> None:
    for path in ("/static/css/app.css", "/static/js/api.js", "/static/js/session.js"):
        r = api.get(path)
        assert r.status_code == 200, path
        r.close()


def test_no_page_string_hides_a_common_catalogue() -> None:
    """A page key named like a common dict (state, decision, pause_kind…) would break the shared lookups."""
    from api.ui import admin_pages, board, designer_pages, login, supervision_pages, track, window, worklist
    from api.ui.rendering import COMMON_ZH

    modules = (admin_pages, board, designer_pages, login, supervision_pages, track, window, worklist)
    pages = [(f"{m.__name__}.{name}", value) for m in modules for name, value in vars(m).items()
             if name.endswith("_ZH") and isinstance(value, dict)]
    assert len(pages) >= 20
    for page, strings in pages:
        for key, value in strings.items():
            assert key not in COMMON_ZH or isinstance(value, type(COMMON_ZH[key])), f"{page}: {key}"


def test_every_page_links_the_favicon_that_is_served(api: Api) -> None:
    for page in ("/", "/login", "/track", "/supervision", "/designer", "/admin"):
        html = api.get(page).get_data(as_text=True)
        assert '<link rel="icon" type="image/svg+xml" href="/static/favicon.svg">' in html, page
    icon = api.get("/static/favicon.svg")
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
    icon.close()


def test_every_history_entry_the_engine_records_has_words_on_the_work_page() -> None:
    """A history line read "shortfall.accepted": each audit action the code records is named in Chinese."""
    import re

    from api.ui.worklist import STRINGS_ZH
    from tests.live_server import REPO

    recorded = {match for folder in ("engine", "monitor", "api") for path in (REPO / folder).rglob("*.py")
                for match in re.findall(r'record\(\s*"([a-z_]+\.[a-z_]+)"', path.read_text(encoding="utf-8"))}
    assert len(recorded) >= 20
    assert sorted(recorded - set(STRINGS_ZH["actions"])) == []
