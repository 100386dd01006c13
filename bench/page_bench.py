"""Page benchmark: each page's server time (its HTML plus the API calls its module makes on opening).

The pages are served in-process through the whole WSGI stack (Flask test client) on the demo data, as
`make run` seeds it and the scheduler sweeps it. Beside every figure stands the same run's bare
request, `GET /api/auth/me` (authenticated, reads only the remembered account), so a slow machine
shows as a slow baseline rather than as slow pages. The target for a page is 300 ms; the tests count
each page's SQL statements instead (tests/test_page_statements.py), which is exact.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from flask.testing import FlaskClient  # noqa: E402
from sqlalchemy import select  # noqa: E402

from api import create_app  # noqa: E402
from api.auth import issue_token  # noqa: E402
from api.cli import deploy_shipped, migrate, seed_admin, seed_calendar, seed_demo, seed_demo_applications  # noqa: E402
from api.scheduler import refresh_board, sweep_supervision, sweep_timers, sweep_warnings  # noqa: E402
from api.wiring import db, services  # noqa: E402
from bench.server import create_pg_database, drop_pg_database  # noqa: E402
from engine.models import Instance, User  # noqa: E402
from engine.workdays import SHANGHAI  # noqa: E402
from monitor.models import Alert  # noqa: E402

SECRET = "bench-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
TARGET_MS = 300.0
BASELINE = "/api/auth/me"


def pages(code: str, iid: int, alert: int, month: str) -> dict[str, tuple[str | None, list[str]]]:
    """Each page -> (who opens it, the URLs it costs: the page, then its module's opening calls)."""
    return {
        "/track/<code>": (None, [f"/track/{code}", f"/api/public/track/{code}",
                                 f"/api/public/track/{code}/diagram"]),
        "/window": ("window1", ["/window", "/api/definitions", "/ui/session"]),
        "/window/receipt/<id>": ("window1", [f"/window/receipt/{iid}", f"/api/instances/{iid}",
                                             f"/track/{code}/qr.svg"]),
        "/worklist": ("zrzy_reviewer", ["/worklist", "/api/tasks?sort=due_at&page=1&per_page=50"]),
        "/worklist/<id>": ("zrzy_reviewer", [f"/worklist/{iid}", f"/api/instances/{iid}",
                                             "/api/definitions/investment_joint_approval/versions/1/xml"]),
        "/board": ("fgw_lead", ["/board", "/api/instances/lead-board"]),
        "/supervision": ("jiancha", ["/supervision", "/api/supervision/board",
                                     "/api/supervision/charts?days=30&months=12", "/api/admin/departments",
                                     "/api/definitions"]),
        "/supervision/alerts/<id>": ("jiancha", [f"/supervision/alerts/{alert}",
                                                 f"/api/supervision/alerts/{alert}", f"/api/instances/{iid}",
                                                 "/api/supervision/accountability/ladder"]),
        "/supervision/scores": ("jiancha", ["/supervision/scores",
                                            f"/api/supervision/scores?period={month}"]),
        "/designer/<key>/edit": ("designer", ["/designer/investment_joint_approval/edit",
                                              "/api/definitions/investment_joint_approval",
                                              "/api/definitions/investment_joint_approval/versions/1/xml"]),
        "/admin": ("admin", ["/admin", "/api/admin/departments", "/api/admin/users"]),
    }


def _timer(client: FlaskClient, headers: dict[str, str], urls: list[str]) -> Callable[[], float]:
    def once() -> float:
        began = time.perf_counter()
        for url in urls:
            r = client.get(url, headers=headers)
            if r.status_code != 200:
                raise SystemExit(f"{url} answered {r.status_code}: {r.get_data(as_text=True)[:200]}")
            r.close()
        return (time.perf_counter() - began) * 1000
    return once


def main() -> None:
    """Seed the demo, sweep it as the scheduler would, then time every page against the bare request."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", help="run against this PostgreSQL database URL instead of SQLite")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="onewindow-page-bench-"))
    admin_url = None
    if args.postgres:  # a database of its own: the given one may hold another bench's rows
        admin_url, url = create_pg_database(args.postgres, "onewindow_page_bench")
    else:
        url = f"sqlite:///{folder / 'bench.db'}"
    try:
        migrate(url)
        app = create_app({"ONEWINDOW_ENVIRON": {"ONEWINDOW_DATABASE_URL": url, "ONEWINDOW_SECRET_KEY": SECRET,
                                                "ONEWINDOW_INSTANCE_PATH": str(folder / "instance")}})
        with app.app_context():
            seed_calendar()
            seed_admin()
            seed_demo("bench-password-1")
            deploy_shipped()
            seed_demo_applications()
            db.session.remove()
        sweep_timers(app)
        sweep_warnings(app)
        sweep_supervision(app)
        refresh_board(app)
        with app.app_context():
            late = db.session.scalar(select(Alert).order_by(Alert.id))
            instance = db.session.get(Instance, late.instance_id)
            code, iid, alert = instance.query_code, instance.id, late.id
            month = services().runtime.clock.now().astimezone(SHANGHAI).strftime("%Y-%m")
            tokens = {u.username: issue_token(u)[0] for u in db.session.scalars(select(User))}
            dialect = db.engine.dialect.name
            db.session.remove()
        client = app.test_client()

        def headers(user: str | None) -> dict[str, str]:
            return {"Authorization": f"Bearer {tokens[user]}"} if user else {}

        baseline = _timer(client, headers("jiancha"), [BASELINE])
        baseline()
        base = statistics.median(baseline() for _ in range(args.runs * 4))
        print(f"page bench on {dialect}: median of {args.runs} warm runs, server time in-process; "
              f"bare request {BASELINE}: {base:.1f} ms")
        print(f"  {'page':<28}{'calls':>6}{'median ms':>11}{'max ms':>9}{'× bare':>9}")
        for name, (user, urls) in pages(code, iid, alert, month).items():
            once = _timer(client, headers(user), urls)
            once()
            runs = [once() for _ in range(args.runs)]
            median = statistics.median(runs)
            flag = "  over the 300 ms target" if median >= TARGET_MS else ""
            print(f"  {name:<28}{len(urls):>6}{median:>11.1f}{max(runs):>9.1f}{median / base:>9.1f}{flag}")
        with app.app_context():
            db.engine.dispose()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        if admin_url:
            drop_pg_database(admin_url, "onewindow_page_bench")


if __name__ == "__main__":
    main()
