"""History benchmark: task completion and the boards cost the same with a million completed cases.

Archiving keeps the live tables small over decades, but between archive runs the completed
applications pile up. The hot path must not notice them: completing a task, the bureau's board and
a department's worklist read open work through indexes on status, never the history.

One run, one database: the same requests are timed first with no history, then again after bulk-
loading the completed applications (each with its three completed tasks and its final audit event,
written straight into the tables as board_bench does for open work). The figures are the ratios
history / no history; 1.0 means history costs nothing.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from flask import Flask  # noqa: E402
from flask.testing import FlaskClient  # noqa: E402
from sqlalchemy import func, insert, select  # noqa: E402

from api import create_app  # noqa: E402
from api.auth import issue_token  # noqa: E402
from api.cli import migrate, seed_calendar, seed_demo  # noqa: E402
from api.wiring import db, services  # noqa: E402
from bench.server import create_pg_database, drop_pg_database  # noqa: E402
from engine.command_context import Actor  # noqa: E402
from engine.commands.deployment import DeployDefinitionCommand  # noqa: E402
from engine.models import AuditEvent, Instance, ProcessDefinition, TaskRecord, User  # noqa: E402
from tests.bpmn_builder import parallel_review  # noqa: E402

SECRET = "bench-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
BODY = {"definition_key": "small_review", "project": {"name": "基准项目", "code": "B", "investment": 1},
        "applicant": {"name": "甲", "contact": "1"}}
BATCH = 5000
DATABASE = "onewindow_history_bench"


def _headers(user: str) -> dict[str, str]:
    account = db.session.scalar(select(User).where(User.username == user))
    return {"Authorization": f"Bearer {issue_token(account)[0]}"}


def _ms(client: FlaskClient, method: str, url: str, headers: dict[str, str], **kw: Any) -> float:
    t = time.perf_counter()
    r = client.open(url, method=method, headers=headers, **kw)
    elapsed = (time.perf_counter() - t) * 1000
    assert r.status_code < 300, (url, r.status_code, r.get_data(as_text=True)[:300])
    return elapsed


def measure(app: Flask, rounds: int) -> dict[str, float]:
    """Median ms of: completing a review, the bureau's board, a department's worklist."""
    client = app.test_client()
    with app.app_context():
        window, reviewer, bureau = _headers("window1"), _headers("sthj_reviewer"), _headers("jiancha")
        db.session.remove()
    completions, boards, worklists = [], [], []
    for _ in range(rounds):
        created = client.post("/api/instances", json=BODY, headers=window).get_json()
        tasks = client.get("/api/tasks", headers=reviewer).get_json()["items"]
        task = next(t for t in tasks if t["instance_id"] == created["id"])
        _ms(client, "POST", f"/api/tasks/{task['id']}/claim", reviewer)
        completions.append(_ms(client, "POST", f"/api/tasks/{task['id']}/complete", reviewer,
                               json={"decision": "approve", "opinion": "同意", "data": {}}))
        boards.append(_ms(client, "GET", "/api/supervision/board", bureau))
        worklists.append(_ms(client, "GET", "/api/tasks", reviewer))
    return {"complete a review": statistics.median(completions),
            "supervision board": statistics.median(boards), "worklist": statistics.median(worklists)}


def load_history(app: Flask, count: int) -> float:
    """Bulk-write `count` completed applications with their tasks and final event; return seconds."""
    t0 = time.perf_counter()
    with app.app_context():
        definition = db.session.scalar(select(ProcessDefinition)
                                       .where(ProcessDefinition.key == "small_review"))
        first = (db.session.scalar(select(func.max(Instance.id))) or 0) + 1_000_000
        done = datetime(2020, 6, 1, tzinfo=UTC)
        for start in range(0, count, BATCH):
            ids = range(first + start, first + min(count, start + BATCH))
            db.session.execute(insert(Instance), [{
                "id": i, "query_code": uuid.uuid4().hex[:12].upper(), "definition_id": definition.id,
                "definition_key": definition.key, "definition_version": definition.version,
                "status": "completed", "project_name": f"历史项目{i}", "project_code": f"H{i}",
                "investment": 1, "applicant_name": "a", "applicant_contact": "b", "data": {},
                "created_at": done - timedelta(days=20),
                "updated_at": done, "completed_at": done, "state_format": "ow2/spiff1.5", "state": "",
                "lock_version": 1, "warning_level": "green", "audit_seq": 1, "audit_hash": "0" * 64,
                "outcome": {"end_event": "ok", "name": "通过"}} for i in ids])
            db.session.execute(insert(TaskRecord), [{
                "id": str(uuid.uuid4()), "instance_id": i, "definition_key": definition.key,
                "bpmn_id": bpmn_id,
                "name": "审查", "department_code": department, "status": "completed",
                "created_at": done - timedelta(days=20), "completed_at": done - timedelta(days=2),
                "due_at": done, "warning_level": "green"}
                for i in ids for bpmn_id, department in (("sthj_review", "sthj"), ("sw_review", "sw"),
                                                         ("decide", "fgw"))])
            db.session.execute(insert(AuditEvent), [{
                "instance_id": i, "seq": 1, "at": done, "actor": "bench", "action": "instance.completed",
                "task_id": None, "details": {}, "prev_hash": "0" * 64, "hash": "0" * 64} for i in ids])
            db.session.commit()
        if db.engine.dialect.name == "postgresql":
            # What autovacuum does in the minutes after such a load, done now so that it does not run
            # during the measurement: statistics (else the planner takes the tables for empty) and
            # the visibility map of the freshly written pages.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM (ANALYZE)")
        db.session.remove()
    return time.perf_counter() - t0


def main() -> None:
    """Parse the options, run both measurements and print the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", help="run against this PostgreSQL database URL instead of SQLite")
    parser.add_argument("--history", type=int, default=1_000_000, help="completed applications to load")
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="onewindow-history-bench-"))
    admin_url = None
    if args.postgres:  # a database of its own: the million rows must not stay in a shared one
        admin_url, url = create_pg_database(args.postgres, DATABASE)
    else:
        url = f"sqlite:///{folder / 'bench.db'}"
    try:
        migrate(url)
        app = create_app({"ONEWINDOW_ENVIRON": {"ONEWINDOW_DATABASE_URL": url, "ONEWINDOW_SECRET_KEY": SECRET,
                                                "ONEWINDOW_INSTANCE_PATH": str(folder / "instance"),
                                                "ONEWINDOW_ACCOUNT_CACHE_SECONDS": "60"}})
        with app.app_context():
            seed_calendar()
            seed_demo("bench-password-1")
            services().executor.execute(DeployDefinitionCommand(parallel_review(), "small_review.bpmn"),
                                        Actor.system("setup"))
            db.session.remove()
        measure(app, 20)  # warm-up: caches, compiled statements, the first sessions
        before = measure(app, args.rounds)
        seconds = load_history(app, args.history)
        after = measure(app, args.rounds)
        print(f"history bench on {'postgresql' if args.postgres else 'sqlite'}: {args.history:,} completed "
              f"applications ({3 * args.history:,} tasks) bulk-loaded in {seconds:.0f} s; "
              f"median of {args.rounds} rounds each")
        for name, ms in before.items():
            print(f"  {name:<18} no history {ms:6.1f} ms   with history {after[name]:6.1f} ms   "
                  f"ratio {after[name] / ms:4.2f}")
        with app.app_context():
            db.engine.dispose()
    finally:
        if admin_url is not None:
            drop_pg_database(admin_url, DATABASE)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
