"""Board benchmark: p50/p95 of GET /api/supervision/board with 100,000 open instances.

The board reads only derived rows (task index, instances), so the open instances are written
straight into those tables in bulk (four open reviews each, spread over departments, stages and
warning levels) rather than driven through the engine, which would take far longer to set up.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from sqlalchemy import func, insert, select  # noqa: E402

from api import create_app  # noqa: E402
from api.auth import issue_token  # noqa: E402
from api.cli import deploy_shipped, migrate, seed_calendar, seed_demo  # noqa: E402
from api.scheduler import refresh_board  # noqa: E402
from api.wiring import db  # noqa: E402
from engine.models import Instance, ProcessDefinition, TaskRecord, User  # noqa: E402

SECRET = "bench-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
REVIEWS = {"s1": ("zrzy", "sthj", "sw", "jt"), "s2": ("zjj", "rf", "xf"), "s3": ("xf", "rf", "sthj", "cg"),
           "s4": ("zrzy", "xf", "rf", "da", "qx")}
LEVELS = ("green",) * 14 + ("yellow",) * 3 + ("red",) * 2 + ("escalated",)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> None:
    """Parse the options, run the measurement and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", help="run against this PostgreSQL database URL instead of SQLite")
    parser.add_argument("--instances", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=60)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="onewindow-board-bench-"))
    url = args.postgres or f"sqlite:///{folder / 'bench.db'}"
    rng = random.Random(20261123)
    try:
        migrate(url)
        app = create_app({"ONEWINDOW_ENVIRON": {"ONEWINDOW_DATABASE_URL": url, "ONEWINDOW_SECRET_KEY": SECRET,
                                                "ONEWINDOW_INSTANCE_PATH": str(folder / "instance")}})
        with app.app_context():
            seed_calendar()
            seed_demo("bench-password-1")
            deploy_shipped()
            db.session.remove()  # start a fresh read snapshot after the commands' commits
            definition = db.session.scalar(select(ProcessDefinition).where(
                ProcessDefinition.key == "investment_joint_approval"))
            now = datetime.now(UTC)
            t0 = time.perf_counter()
            for start in range(0, args.instances, 2000):
                count = min(2000, args.instances - start)
                instances = [{
                    "id": start + i + 1, "query_code": uuid.uuid4().hex[:12].upper(),
                    "definition_id": definition.id,
                    "definition_key": definition.key, "definition_version": 1, "status": "running",
                    "project_name": f"项目{start + i}", "project_code": f"P{start + i}", "investment": 1,
                    "applicant_name": "a", "applicant_contact": "b", "data": {}, "created_at": now,
                    "updated_at": now, "state_format": "ow2/spiff1.5", "state": "", "lock_version": 1,
                    "warning_level": "green"} for i in range(count)]
                db.session.execute(insert(Instance), instances)
                tasks = []
                for row in instances:
                    stage = rng.choice(tuple(REVIEWS))
                    for department in REVIEWS[stage]:
                        tasks.append({
                            "id": str(uuid.uuid4()), "instance_id": row["id"],
                            "definition_key": definition.key, "bpmn_id": f"{stage}_{department}_review",
                            "name": "审查", "department_code": department,
                            "status": rng.choice(("ready", "claimed")), "created_at": now,
                            "due_at": now + timedelta(days=rng.randint(-5, 30)),
                            "warning_level": rng.choice(LEVELS)})
                db.session.execute(insert(TaskRecord), tasks)
                db.session.commit()
            open_tasks = db.session.scalar(select(func.count()).select_from(TaskRecord))
            print(f"board bench on {db.engine.dialect.name}: {args.instances:,} open instances, "
                  f"{open_tasks:,} open tasks (bulk-loaded in {time.perf_counter() - t0:.0f} s)", flush=True)
            token = issue_token(db.session.scalar(select(User).where(User.username == "jiancha")))[0]
            db.session.remove()
        t = time.perf_counter()
        refresh_board(app)  # what the scheduler does every 5 seconds
        refresh_ms = (time.perf_counter() - t) * 1000
        client = app.test_client()
        headers = {"Authorization": f"Bearer {token}"}
        assert client.get("/api/supervision/board", headers=headers).status_code == 200  # warm-up
        timings = []
        for _ in range(args.requests):
            t = time.perf_counter()
            r = client.get("/api/supervision/board", headers=headers)
            timings.append((time.perf_counter() - t) * 1000)
            assert r.status_code == 200
        print(f"  GET /api/supervision/board (server time, in-process WSGI): "
              f"p50 {statistics.median(timings):.0f} ms, p95 {_percentile(timings, 0.95):.0f} ms, "
              f"max {max(timings):.0f} ms over {args.requests} requests (target < 200 ms)")
        print(f"  the scheduler's recount of the board snapshot (every 5 s): {refresh_ms:.0f} ms")
        with app.app_context():
            db.engine.dispose()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
