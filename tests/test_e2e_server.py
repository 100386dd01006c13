"""The walking-skeleton scenario over real HTTP, against servers started exactly as `make run` starts them."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from tests.bpmn_builder import parallel_review
from tests.conftest import ADMIN_PASSWORD, PASSWORD, SECRET
from tests.live_server import live_server

pytestmark = pytest.mark.slow


@pytest.fixture
def server(database_url: str, tmp_path: Path) -> Iterator[str]:
    """Run `flask ow setup --no-demo` then scripts/serve.sh (gunicorn workers + scheduler) on a free port."""
    env = {"ONEWINDOW_SECRET_KEY": SECRET, "ONEWINDOW_ADMIN_PASSWORD": ADMIN_PASSWORD}
    with live_server(database_url, tmp_path, env, demo=False) as base:
        yield base


class Client:
    def __init__(self, base: str) -> None:
        self.base = base
        self.tokens: dict[str, str] = {}

    def login(self, user: str, password: str = PASSWORD) -> None:
        r = requests.post(f"{self.base}/api/auth/token", json={"username": user, "password": password}, timeout=30)
        assert r.status_code == 200, r.text
        self.tokens[user] = r.json()["access_token"]

    def __call__(self, method: str, path: str, user: str | None = None, **kw) -> requests.Response:
        headers = kw.pop("headers", {})
        if user:
            if user not in self.tokens:
                self.login(user, ADMIN_PASSWORD if user == "admin" else PASSWORD)
            headers["Authorization"] = f"Bearer {self.tokens[user]}"
        return requests.request(method, f"{self.base}{path}", headers=headers, timeout=30, **kw)


def test_joint_approval_end_to_end_over_http(server: str) -> None:
    http = Client(server)
    # 1. the administrator adds a department and a reviewer
    assert http("POST", "/api/admin/departments", "admin", json={"code": "wj", "name": "卫生健康委"}).status_code == 201
    assert http("POST", "/api/admin/users", "admin", json={
        "username": "wj_reviewer", "password": PASSWORD, "role": "reviewer", "department_code": "wj"}).status_code == 201
    # 2. the designer deploys a diagram; the same file again is a no-op
    depts = ("sthj", "sw", "jt", "xf", "wj")
    xml = parallel_review("e2e_review", depts)
    r = http("POST", "/api/definitions", "designer", data=xml, headers={"Content-Type": "application/xml"})
    assert r.status_code == 201, r.text
    r = http("POST", "/api/definitions", "designer", data=xml, headers={"Content-Type": "application/xml"})
    assert r.status_code == 200 and r.json()["version"] == 1
    # 3. the window registers an application
    r = http("POST", "/api/instances", "window1", json={
        "definition_key": "e2e_review", "project": {"name": "城东学校", "code": "P-1", "investment": 5e7},
        "applicant": {"name": "城东教育集团", "contact": "13800000000"}, "data": {"floors": 6}})
    assert r.status_code == 201, r.text
    inst = r.json()
    # 4. every department sees only its own task, all open at once; they complete concurrently
    tasks = {}
    for dept in depts:
        items = http("GET", "/api/tasks", f"{dept}_reviewer").json()["items"]
        assert [t["department"] for t in items] == [dept]
        tasks[dept] = items[0]
    assert http("POST", f"/api/tasks/{tasks['sw']['id']}/claim", "sthj_reviewer").status_code == 403

    def review(dept: str) -> int:
        user = f"{dept}_reviewer"
        assert http("POST", f"/api/tasks/{tasks[dept]['id']}/claim", user).status_code == 200
        return http("POST", f"/api/tasks/{tasks[dept]['id']}/complete", user,
                    json={"decision": "approve", "opinion": "同意"}).status_code

    for dept in depts:  # log in first so the threads race only on completion
        http.login(f"{dept}_reviewer")
    with ThreadPoolExecutor(len(depts)) as pool:
        assert list(pool.map(review, depts)) == [200] * len(depts)
    assert http("POST", f"/api/tasks/{tasks['sw']['id']}/complete", "sw_reviewer",
                json={"decision": "approve"}).status_code == 409
    lead = http("GET", "/api/tasks", "fgw_lead").json()["items"]
    assert [t["bpmn_id"] for t in lead] == ["decide"]
    # 5. the applicant follows progress with the query code, without logging in
    track = http("GET", f"/api/public/track/{inst['query_code']}")
    assert track.status_code == 200
    assert {t["department"]: t["state"] for t in track.json()["tasks"]} == {
        **{d: "completed" for d in depts}, "fgw": "pending"}
    assert "13800000000" not in track.text
    assert http("GET", "/api/public/track/ZZZZZZZZZZZZ").status_code == 404
    r = http("POST", f"/api/tasks/{lead[0]['id']}/complete", "fgw_lead", json={"decision": "approve", "opinion": "准予"})
    assert r.status_code == 200
    # 6. the whole story is in the append-only history
    detail = http("GET", f"/api/instances/{inst['id']}", "jiancha").json()
    assert detail["status"] == "completed" and detail["outcome"]["end_event"] == "ok"
    actions = [e["action"] for e in detail["history"]]
    assert actions.count("task.completed") == len(depts) + 1
    assert http("GET", "/api/health").json()["database"] in ("sqlite", "postgresql")
    assert http("GET", "/api/docs").status_code == 200


def _processes_of(workdir: Path, needle: str) -> list[int]:
    """Pids of this server's processes (found by its instance path) whose command line has `needle`."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            environ = (proc / "environ").read_bytes()
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if f"ONEWINDOW_INSTANCE_PATH={workdir / 'instance'}".encode() in environ and needle in cmdline:
            found.append(int(proc.name))
    return found


def test_a_killed_scheduler_is_started_again_while_the_api_keeps_serving(server: str, tmp_path: Path) -> None:
    first = _processes_of(tmp_path, "ow scheduler")
    assert len(first) == 1, first
    os.kill(first[0], signal.SIGKILL)
    deadline = time.monotonic() + 20
    again: list[int] = []
    while time.monotonic() < deadline and not again:
        assert requests.get(f"{server}/api/health", timeout=5).status_code == 200  # gunicorn carries on
        again = [pid for pid in _processes_of(tmp_path, "ow scheduler") if pid != first[0]]
        time.sleep(0.2)
    assert again, (tmp_path / "server.log").read_text()[-2000:]
    assert "scheduler exited with status" in (tmp_path / "server.log").read_text()
