"""Each role walks every page its menus lead to, at desktop and phone size, and nothing goes wrong that
a user would see or the browser would log: no console error, no uncaught exception, no failed
request (4xx/5xx) the walk did not provoke, and no Latin-letter word in the visible text outside the
allow-list below (names of people's accounts, codes, units and brand names).

The loops themselves (transfers, extensions, follow-ups, complaints, ratings, corrections, retries,
orders) are walked in the other browser tests; this one covers every page a role can reach from its
menus, with the demo data the server starts with.
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest
import requests

from tests.browser.conftest import api_token, login, shot
from tests.conftest import ADMIN_PASSWORD

pytestmark = pytest.mark.browser

ROLES = {  # the account each role walks as
    "window": "window1", "reviewer": "zrzy_reviewer", "lead": "fgw_lead", "head": "sw_head",
    "supervisor": "jiancha", "designer": "designer", "admin": "admin",
}
PUBLIC_PAGES = ["/", "/track", "/catalogue", "/commitments", "/performance", "/inquiry", "/login"]

# Latin words a Chinese page may show: brands and formats people know by these names, and the
# diagram viewer's licence mark.
ALLOWED_WORDS = {"BPMN", "bpmn", "io", "CSV", "UTF", "Excel", "PDF", "JPEG", "PNG", "RTSP", "HTTP", "URL",
                 "OpenAPI", "JSON", "XML", "ID", "QR", "OpenCV", "SQLite", "PostgreSQL", "SHA"}
# What is not prose: query and complaint codes (groups of capitals and digits), service-item codes
# (330100-TZ-0001). Account names are left out by name.
NOT_PROSE = re.compile(r"[2-9A-Z]{4}(?:-[2-9A-Z]{4}){2,3}|[2-9A-Z]{12,16}|\d+-[A-Z]+-\d+")
LATIN_WORD = re.compile(r"(?<![A-Za-z0-9_])[A-Za-z]{2,}(?![A-Za-z0-9_])")


def _latin_words(text: str, accounts: set[str]) -> set[str]:
    words = set(LATIN_WORD.findall(NOT_PROSE.sub(" ", text)))
    return {w for w in words if w not in ALLOWED_WORDS and w not in accounts}


class Watch:
    """What the browser reports while a page is open."""

    def __init__(self, page, origin: str) -> None:
        self.problems: list[str] = []
        page.on("console", lambda msg: msg.type == "error" and self.problems.append(f"console: {msg.text}"))
        page.on("pageerror", lambda exc: self.problems.append(f"exception: {exc}"))
        page.on("response", lambda r: r.status >= 400 and r.url.startswith(origin)
                and self.problems.append(f"{r.status} {r.request.method} {urlparse(r.url).path}"))


def _menu_links(page, origin: str) -> list[str]:
    hrefs = page.eval_on_selector_all("#nav a[href], nav.tabs a[href]",
                                      "els => els.filter(a => a.checkVisibility()).map(a => a.href)")
    return [urlparse(h).path for h in hrefs if h.startswith(origin) and "logout" not in h]


def _visit(page, url: str) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")


def _walk(page, live_url: str, start: list[str], accounts: set[str], label: str) -> dict[str, list[str]]:
    watch = Watch(page, live_url)
    seen: list[str] = []
    todo = list(start)
    found: dict[str, list[str]] = {}
    while todo:
        path = todo.pop(0)
        if path in seen:
            continue
        seen.append(path)
        before = len(watch.problems)
        _visit(page, f"{live_url}{path}")
        problems = watch.problems[before:]
        words = _latin_words(page.inner_text("body"), accounts)
        if words:
            problems.append(f"Latin words: {sorted(words)}")
        if problems:
            found[path] = problems
        shot(page, f"walk-{label}{path.replace('/', '-') or '-home'}")
        todo += [p for p in _menu_links(page, live_url) if p not in seen]
    assert len(seen) >= 2, f"{label} reached only {seen}"
    return found


@pytest.fixture(scope="module")
def identifiers(live_url: str) -> set[str]:
    """Account names and department codes: identifiers the administrator's tables show as they are."""
    headers = {"Authorization": f"Bearer {api_token(live_url, 'admin', ADMIN_PASSWORD)}"}
    users = requests.get(f"{live_url}/api/admin/users", headers=headers, timeout=30).json()["items"]
    departments = requests.get(f"{live_url}/api/admin/departments", headers=headers, timeout=30).json()["items"]
    return {u["username"] for u in users} | {d["code"] for d in departments}


@pytest.mark.parametrize("size", ["desktop", "phone"])
@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_a_role_can_reach_opens_cleanly(live_url: str, request, identifiers: set[str], role: str,
                                                    size: str) -> None:
    page = request.getfixturevalue(size)
    user = ROLES[role]
    if role == "admin":
        login(page, live_url, user, ADMIN_PASSWORD)
    else:
        login(page, live_url, user)
    landing = urlparse(page.url).path
    found = _walk(page, live_url, [landing], identifiers, f"{role}-{size}")
    assert not found, found


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_every_public_page_opens_cleanly(live_url: str, request, size: str) -> None:
    page = request.getfixturevalue(size)
    found = _walk(page, live_url, PUBLIC_PAGES, set(), f"public-{size}")
    assert not found, found


def test_the_latin_word_check_catches_english_and_leaves_codes_alone() -> None:
    accounts = {"window1", "jiancha"}
    assert _latin_words("Length must be between 1 and 255.", accounts) == {"Length", "must", "be", "between", "and"}
    assert _latin_words("查询码 NDGN-S7NC-ZEJ5 · 5FDM7BFPYPHF · 流程图由 bpmn.io 绘制", accounts) == set()
    assert _latin_words("政务服务中心 · 窗口人员 · jiancha 退出登录", accounts) == set()
    assert _latin_words("状态 ended", accounts) == {"ended"}
    assert _latin_words("事项编码 330100-TZ-0001", accounts) == set()
