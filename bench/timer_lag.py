"""Timer benchmark: how late due timers fire among 100,000 pending ones, and what a sweep costs.

Of the 100,000 pending timers, 1,000 fall due over ten seconds.

The bench process plays the scheduler: it calls the same `sweep_timers` the scheduler job calls,
every `--interval` seconds, on the real clock. 1,000 real instances wait on an intermediate timer
whose due times are spread over a ten-second window; 99,000 more pending timer rows (far in the
future) are inserted directly, since only the due-time index matters to a sweep. Lag is the
instant the unit of work fired a timer minus its due time.
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

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from sqlalchemy import insert, select, text  # noqa: E402

from api import create_app  # noqa: E402
from api.cli import migrate, seed_calendar, seed_demo  # noqa: E402
from api.scheduler import sweep_timers_for  # noqa: E402
from api.wiring import db  # noqa: E402
from engine.commands import Actor, StartInstanceCommand  # noqa: E402
from engine.commands.deployment import DeployDefinitionCommand  # noqa: E402
from engine.models import AuditEvent, TimerRecord  # noqa: E402

TICK = (b'<?xml version="1.0" encoding="UTF-8"?><bpmn:definitions '
        b'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="bench">'
        b'<bpmn:process id="tick" isExecutable="true"><bpmn:startEvent id="s"/>'
        b'<bpmn:sequenceFlow id="a" sourceRef="s" targetRef="wait"/><bpmn:intermediateCatchEvent id="wait">'
        b'<bpmn:timerEventDefinition><bpmn:timeDate>fire_at</bpmn:timeDate></bpmn:timerEventDefinition>'
        b'</bpmn:intermediateCatchEvent><bpmn:sequenceFlow id="b" sourceRef="wait" targetRef="e"/>'
        b'<bpmn:endEvent id="e"/></bpmn:process></bpmn:definitions>')
SECRET = "bench-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> None:
    """Parse the options, run the measurement and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", help="run against this PostgreSQL database URL instead of SQLite")
    parser.add_argument("--pending", type=int, default=100_000, help="pending timers in all")
    parser.add_argument("--due", type=int, default=1_000, help="timers falling due in the window")
    parser.add_argument("--window", type=float, default=10.0, help="seconds over which they fall due")
    parser.add_argument("--interval", type=float, default=1.0, help="sweep interval (the scheduler setting)")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="onewindow-timer-bench-"))
    url = args.postgres or f"sqlite:///{folder / 'bench.db'}"
    try:
        migrate(url)
        app = create_app({"ONEWINDOW_ENVIRON": {"ONEWINDOW_DATABASE_URL": url, "ONEWINDOW_SECRET_KEY": SECRET,
                                                "ONEWINDOW_INSTANCE_PATH": str(folder / "instance")}})
        executor = app.extensions["onewindow"].executor
        with app.app_context():
            seed_calendar()
            seed_demo("bench-password-1")
            db.session.remove()
        executor.execute(DeployDefinitionCommand(TICK), Actor.system())

        print(f"timer bench on {app.extensions['onewindow'].settings.database_url.split(':')[0]}: "
              f"{args.pending:,} pending timers, {args.due:,} falling due over {args.window:.0f} s, "
              f"sweep every {args.interval} s", flush=True)
        start_creating = time.perf_counter()
        lead = timedelta(seconds=max(30.0, args.due * 0.05))  # time to create them before the first is due
        first_due = datetime.now(UTC) + lead
        window = Actor("window1", "window", "zwfw")
        for i in range(args.due):
            due = first_due + timedelta(seconds=args.window * i / args.due)
            executor.execute(StartInstanceCommand(
                "tick", {"name": f"p{i}", "code": f"c{i}", "investment": 1}, {"name": "a", "contact": "b"},
                {"fire_at": due.isoformat()}), window)
        created = time.perf_counter() - start_creating
        far = datetime.now(UTC) + timedelta(days=365)
        # The background rows hang off one instance of their own that nothing ever touches (a unit of
        # work on an instance rewrites all its timer rows, so they must not belong to a firing one).
        anchor = executor.execute(StartInstanceCommand(
            "tick", {"name": "background", "code": "bg", "investment": 1}, {"name": "a", "contact": "b"},
            {"fire_at": far.isoformat()}), window).id
        with app.app_context():
            rows = [{"id": str(uuid.uuid4()), "instance_id": anchor, "bpmn_id": "background", "due_at": far,
                     "state": "pending", "attempts": 0} for _ in range(args.pending - args.due - 1)]
            for offset in range(0, len(rows), 5000):
                db.session.execute(insert(TimerRecord), rows[offset:offset + 5000])
            db.session.commit()
            pending = db.session.scalar(select(text("count(*)")).select_from(TimerRecord)
                                        .where(TimerRecord.state == "pending"))
        print(f"  created {args.due:,} instances in {created:.1f} s; pending timer rows: {pending:,}",
              flush=True)
        if datetime.now(UTC) > first_due:
            print("  warning: creation overran the lead time; lags include the backlog", flush=True)

        sweep_seconds, fired, sweeps = 0.0, 0, 0
        deadline = time.monotonic() + lead.total_seconds() + args.window + 120
        while fired < args.due and time.monotonic() < deadline:
            # What the scheduler job does each interval: sweep, and again whenever the next timer is due.
            t0 = time.perf_counter()
            stats = sweep_timers_for(app, args.interval * 0.9)
            elapsed = time.perf_counter() - t0
            if stats.claimed:
                sweep_seconds += stats.busy_seconds
                fired += stats.fired
                sweeps += 1
            time.sleep(max(0.0, args.interval - elapsed))

        with app.app_context():
            events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "timer.fired")).all()
            lags = [(e.at - datetime.fromisoformat(e.details["due_at"])).total_seconds() for e in events]
            db.session.remove()
            db.engine.dispose()
        print(f"  fired {len(lags):,} of {args.due:,} in {sweeps} non-empty sweeps")
        if lags:
            print(f"  lag due→fired: p50 {statistics.median(lags) * 1000:.0f} ms, "
                  f"p99 {_percentile(lags, 0.99) * 1000:.0f} ms, max {max(lags) * 1000:.0f} ms "
                  "(target p99 ≤ 1000 ms)")
            print(f"  sweep cost per due timer: {sweep_seconds / max(1, fired) * 1000:.2f} ms "
                  f"(claim + fire through the unit of work), with {pending:,} pending rows")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
