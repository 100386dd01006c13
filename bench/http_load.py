"""The HTTP client side of the benchmark: whole approvals and single completions over real HTTP.

Imports only `requests` and the standard library, so the load-generating process started by
multiprocessing (spawn) stays light and does not share the GIL with anything else.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import requests

__all__ = ["DEPARTMENTS", "DEFINITION_KEY", "FLOOR_PATH", "REQUESTS_PER_APPROVAL", "ApprovalError", "Client",
           "LoadResult", "run_floor_process", "run_load", "run_load_process", "whole_approval"]

DEFINITION_KEY = "bench4"
DEPARTMENTS = ("zrzy", "sthj", "sw", "jt")
LEAD = "fgw_lead"
SUPERVISOR = "jiancha"
WINDOW = "window1"
TIMEOUT = 60
REQUESTS_PER_APPROVAL = 12  # whole_approval: 1 start, 2 detail reads, 4 claims, 5 completions
FLOOR_PATH = "/api/auth/me"  # authenticated, reads nothing but the (cached) account


class ApprovalError(RuntimeError):
    """A request in an approval answered something other than success."""


class Client:
    """One keep-alive session per thread, sharing the tokens logged in once per user."""

    def __init__(self, base: str, tokens: dict[str, str]) -> None:
        self.base = base
        self.tokens = tokens
        self.session = requests.Session()
        self.session.trust_env = False  # loopback only: never route through a proxy from the env
        self.timings: dict[str, list[tuple[float, float]]] = defaultdict(list)  # kind -> (end, seconds)
        self.connection_header = ""  # what the server says about keep-alive

    @staticmethod
    def login(base: str, users: dict[str, str]) -> dict[str, str]:
        """Exchange each user's password for a token once (argon2 makes logins slow on purpose)."""
        tokens = {}
        with requests.Session() as s:
            s.trust_env = False
            for user, password in users.items():
                r = s.post(f"{base}/api/auth/token", json={"username": user, "password": password},
                           timeout=TIMEOUT)
                if r.status_code != 200:
                    raise ApprovalError(f"login {user}: {r.status_code} {r.text[:300]}")
                tokens[user] = r.json()["access_token"]
        return tokens

    def call(self, kind: str, method: str, path: str, user: str, expect: int = 200, **kw: Any) -> Any:
        """Send one request as `user`, record its latency under `kind`, return the JSON body."""
        headers = {"Authorization": f"Bearer {self.tokens[user]}"}
        t0 = time.perf_counter()
        r = self.session.request(method, f"{self.base}{path}", headers=headers, timeout=TIMEOUT, **kw)
        t1 = time.perf_counter()
        if r.status_code != expect:
            raise ApprovalError(f"{kind} {method} {path}: {r.status_code} {r.text[:300]}")
        self.timings[kind].append((t1, t1 - t0))
        self.connection_header = r.headers.get("Connection", "(none: keep-alive)")
        return r.json()

    def start_instance(self, n: int) -> int:
        """Register an application at the window; return the instance id."""
        body = {"definition_key": DEFINITION_KEY,
                "project": {"name": f"基准项目 {n}", "code": f"BENCH-{n}", "investment": 12_500_000},
                "applicant": {"name": "基准建设有限公司", "contact": "0571-88000000"}, "data": {"floors": 6}}
        return self.call("start", "POST", "/api/instances", WINDOW, expect=201, json=body)["id"]

    def open_tasks(self, instance_id: int) -> dict[str, str]:
        """Read the instance once as the supervisor; map bpmn_id -> task id of its open tasks."""
        detail = self.call("detail", "GET", f"/api/instances/{instance_id}", SUPERVISOR)
        return {t["bpmn_id"]: t["id"] for t in detail["tasks"] if t["status"] in ("ready", "claimed")}

    def complete(self, task_id: str, user: str, kind: str = "complete", opinion: str = "同意") -> None:
        """Complete a task with an approving decision."""
        self.call(kind, "POST", f"/api/tasks/{task_id}/complete", user,
                  json={"decision": "approve", "opinion": opinion})


def whole_approval(client: Client, n: int) -> None:
    """Register, let the four departments claim and approve, then let the lead decide."""
    instance_id = client.start_instance(n)
    tasks = client.open_tasks(instance_id)
    for dept in DEPARTMENTS:
        task_id = tasks[f"{dept}_review"]
        client.call("claim", "POST", f"/api/tasks/{task_id}/claim", f"{dept}_reviewer")
        client.complete(task_id, f"{dept}_reviewer")
    decide = client.open_tasks(instance_id)["decide"]
    client.complete(decide, LEAD, kind="decide", opinion="准予")


@dataclass
class LoadResult:
    """What the load generator measured inside the timed window."""

    approvals: int = 0
    approvals_all: int = 0  # warm-up and stragglers included: what the server's CPU was spent on
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    latencies: dict[str, list[float]] = field(default_factory=dict)
    connection_header: str = ""
    server_cpu: dict[str, float] = field(default_factory=dict)  # seconds by role, filled by the parent
    floor_rps: float = float("nan")  # no-work authenticated requests/s, same server; filled by the parent


def run_load(base: str, tokens: dict[str, str], clients: int, duration: float,
             warmup: float) -> LoadResult:
    """Run `clients` threads doing whole approvals; count those finished inside the timed window.

    `tokens` are logged in beforehand, so the server's CPU measured around this run is approvals only.
    """
    start = time.perf_counter()
    window_start, window_end = start + warmup, start + warmup + duration
    finished: list[float] = []
    errors: list[str] = []
    workers = [Client(base, tokens) for _ in range(clients)]
    lock = threading.Lock()

    def loop(index: int, client: Client) -> None:
        n = 0
        while time.perf_counter() < window_end:
            n += 1
            try:
                whole_approval(client, index * 1_000_000 + n)
            except (ApprovalError, requests.RequestException) as exc:
                with lock:
                    errors.append(str(exc))
                continue
            with lock:
                finished.append(time.perf_counter())

    threads = [threading.Thread(target=loop, args=(i, c), daemon=True) for i, c in enumerate(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    result = LoadResult(errors=errors, seconds=duration)
    result.approvals = sum(1 for t in finished if window_start <= t <= window_end)
    result.approvals_all = len(finished)
    merged: dict[str, list[float]] = defaultdict(list)
    for client in workers:
        for kind, samples in client.timings.items():
            merged[kind] += [s for end, s in samples if window_start <= end <= window_end]
        client.session.close()
    result.latencies = dict(merged)
    result.connection_header = workers[0].connection_header
    return result


def run_load_process(queue: Any, base: str, tokens: dict[str, str], clients: int, duration: float,
                     warmup: float) -> None:
    """Entry point of the separate client process: put a LoadResult (or an error text) on `queue`."""
    try:
        queue.put(run_load(base, tokens, clients, duration, warmup))
    except BaseException as exc:  # report rather than die silently in the child
        queue.put(f"{type(exc).__name__}: {exc}")


def run_floor(base: str, token: str, clients: int, duration: float) -> float:
    """Requests/s of an authenticated request that does no work, from the same client set-up.

    This is the ceiling the HTTP stack (client, sockets, gunicorn, Flask, auth) puts on approvals/s:
    divided by REQUESTS_PER_APPROVAL it says how many approvals/s the server could answer if
    registering, claiming and completing cost nothing at all.
    """
    end = time.perf_counter() + duration
    counts: list[int] = []
    lock = threading.Lock()

    def loop() -> None:
        client = Client(base, {"me": token})
        n = 0
        while time.perf_counter() < end:
            client.call("floor", "GET", FLOOR_PATH, "me")
            n += 1
        client.session.close()
        with lock:
            counts.append(n)

    threads = [threading.Thread(target=loop, daemon=True) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(counts) / duration


def run_floor_process(queue: Any, base: str, token: str, clients: int, duration: float) -> None:
    """Entry point of the separate client process for run_floor: put req/s (or an error text) on `queue`."""
    try:
        queue.put(run_floor(base, token, clients, duration))
    except BaseException as exc:  # report rather than die silently in the child
        queue.put(f"{type(exc).__name__}: {exc}")
