"""The scheduler process: fires due BPMN timers, flips warning levels, watches the calendar.

Any number of these may run (one per host is usual): timers are claimed with a lease and fired
through the unit of work, so each fires exactly once.
"""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask
from sqlalchemy import func, select

from engine.calendar_store import CALENDAR_NEXT_YEAR_MISSING
from engine.commands import Actor
from engine.commands.guessing import PurgeOldMissesCommand
from engine.commands.timers import ClaimDueTimersCommand, FireTimerCommand, TimerOutcome
from engine.commands.warnings import RefreshWarningsCommand
from engine.models import TimerRecord
from engine.queries.due_warnings import instances_with_due_warnings
from engine.sweeps import sweep_missed_shortfalls
from engine.transient_errors import RetryPacer, is_transient_database_error
from engine.workdays import SHANGHAI
from monitor.chain_anchor import anchor_interval, write_anchor, write_anchor_at_shutdown
from monitor.commands.board import RefreshBoardCommand
from monitor.commands.calendar_watch import WatchCalendarCommand
from monitor.commands.feeds import FeedSupervisionCommand
from monitor.commands.promises import RaiseBrokenPromiseAlertsCommand
from monitor.sweeps import sweep_complaint_outcomes, sweep_overdue_orders

from .wiring import db, services

__all__ = ["SweepStats", "check_calendar", "next_due_in", "refresh_board", "run_scheduler",
           "sweep_promises", "sweep_supervision", "sweep_timers", "sweep_timers_for", "sweep_warnings"]

log = logging.getLogger(__name__)
TIMER_ACTOR = Actor.system("timer")
WARNING_ACTOR = Actor.system("warning")
SUPERVISION_ACTOR = Actor.system("supervision")
OWNER = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass
class SweepStats:
    """What one sweep did, for logs and the benchmark: claims, and what each came to (TimerOutcome)."""

    claimed: int = 0
    fired: int = 0
    rescheduled: int = 0
    parked: int = 0
    lost: int = 0
    failed: list[str] = field(default_factory=list)
    busy_seconds: float = 0.0

    def count(self, outcome: TimerOutcome) -> None:
        """Count one fired claim under its outcome (the fields are named after the outcomes)."""
        setattr(self, outcome, getattr(self, outcome) + 1)


def sweep_timers(app: Flask, *, owner: str = OWNER, batch: int = 200, max_batches: int = 50) -> SweepStats:
    """Claim and fire due timers in batches until none are due (bounded per call)."""
    stats = SweepStats()
    started = time.perf_counter()
    with app.app_context():
        svc = services()
        lease = timedelta(seconds=svc.settings.timer_claim_seconds)
        for _ in range(max_batches):
            now = svc.runtime.clock.now()
            claims = svc.executor.execute(ClaimDueTimersCommand(now, owner, batch, lease), TIMER_ACTOR)
            if not claims:
                break
            stats.claimed += len(claims)
            for claim in claims:
                try:
                    stats.count(svc.executor.execute(FireTimerCommand(claim, owner), TIMER_ACTOR))
                except Exception:  # one broken instance must not stop the sweep for the others
                    log.exception("firing timer %s of instance %s failed", claim.timer_id, claim.instance_id)
                    stats.failed.append(claim.timer_id)
    stats.busy_seconds = time.perf_counter() - started
    return stats


def next_due_in(app: Flask) -> float | None:
    """Seconds until the earliest pending timer falls due (None when nothing waits); index-only."""
    with app.app_context():
        now = services().runtime.clock.now()
        due = db.session.scalar(select(func.min(TimerRecord.due_at)).where(TimerRecord.state == "pending"))
        db.session.remove()
    return None if due is None else (due - now).total_seconds()


def sweep_timers_for(app: Flask, seconds: float) -> SweepStats:
    """Sweep now, then again the moment the next timer falls due, for up to `seconds`.

    A plain fixed-interval sweep makes a timer wait up to a whole interval; waking at the next
    due time keeps the lag to the cost of firing, while the job still runs once per interval.
    """
    total, until = SweepStats(), time.monotonic() + seconds
    while True:
        stats = sweep_timers(app)
        total.claimed += stats.claimed
        total.fired += stats.fired
        total.rescheduled += stats.rescheduled
        total.parked += stats.parked
        total.lost += stats.lost
        total.failed += stats.failed
        total.busy_seconds += stats.busy_seconds
        remaining = until - time.monotonic()
        wait = next_due_in(app)
        if remaining <= 0 or wait is None or wait > remaining:
            return total
        # SpiffWorkflow fires strictly after the due instant: wake just past it.
        time.sleep(max(0.0, wait) + 0.002)


def sweep_warnings(app: Flask) -> int:
    """Flip the warning levels whose time has come; return how many instances were looked at."""
    with app.app_context():
        svc = services()
        instance_ids = instances_with_due_warnings(db.session, svc.runtime.clock.now())
        db.session.remove()
        for instance_id in instance_ids:
            try:
                svc.executor.execute(RefreshWarningsCommand(instance_id), WARNING_ACTOR)
            except Exception:
                log.exception("refreshing warnings of instance %s failed", instance_id)
        return len(instance_ids)


def check_calendar(app: Flask) -> bool:
    """Tell supervision when next year's official calendar is missing; close the alert once it is loaded.

    Runs at start-up, daily and after every calendar change this process hears of.
    """
    with app.app_context():
        svc = services()
        watch = svc.executor.execute(WatchCalendarCommand(svc.settings.calendar_warning_from),
                                     SUPERVISION_ACTOR)
        if watch.alert_open:
            log.warning("the official working-day calendar for %d is not loaded; "
                        "its deadlines are provisional",
                        watch.year)
            svc.executor.publish([(CALENDAR_NEXT_YEAR_MISSING, {"year": watch.year})])
        return watch.alert_open


def purge_tracking_misses(app: Flask) -> int:
    """Forget the unknown-code counts of addresses that stopped guessing (older than a day)."""
    with app.app_context():
        return services().executor.execute(PurgeOldMissesCommand(), SUPERVISION_ACTOR)


def sweep_supervision(app: Flask) -> int:
    """Turn new warning and completion events into alerts; return how many alerts opened."""
    with app.app_context():
        return services().executor.execute(FeedSupervisionCommand(rules=services().settings.alert_rules),
                                           SUPERVISION_ACTOR)


def refresh_board(app: Flask) -> None:
    """Keep the supervision board's counts at most a few seconds old."""
    with app.app_context():
        services().executor.execute(RefreshBoardCommand(), SUPERVISION_ACTOR)


def sweep_promises(app: Flask) -> int:
    """Alert on applications past their item's promised completion time; return how many alerts opened.

    Every open application under a 承诺件 is compared with the clock, so this runs every few minutes
    rather than every tick: a promise counts in working days, and minutes of delay do not matter.
    """
    with app.app_context():
        return services().executor.execute(RaiseBrokenPromiseAlertsCommand(), SUPERVISION_ACTOR)


def _tick(app: Flask, seconds: float) -> None:
    stats = sweep_timers_for(app, seconds)
    if stats.claimed:
        log.info("timers: claimed %d, fired %d, rescheduled %d, parked %d, lost %d, failed %d", stats.claimed,
                 stats.fired, stats.rescheduled, stats.parked, stats.lost, len(stats.failed))
    sweep_warnings(app)
    with app.app_context():
        sweep_missed_shortfalls(services().executor)
    sweep_supervision(app)
    with app.app_context():
        sweep_overdue_orders(services().executor)
        sweep_complaint_outcomes(services().executor)


def _check_calendar_at_start(app: Flask, scheduler: BlockingScheduler, pacer: RetryPacer) -> None:
    """Check now; if the database is briefly unavailable, try again shortly rather than die or wait a day.

    The sweeps need no such care: APScheduler logs a failed run and the next interval tries again.
    """
    try:
        check_calendar(app)
    except Exception as exc:
        if not is_transient_database_error(exc):
            raise
        delay = pacer.failed()
        log.warning("calendar check at start-up: database unavailable (%s); retrying in %.1f s", exc, delay)
        scheduler.add_job(_check_calendar_at_start, "date", args=[app, scheduler, pacer],
                          run_date=datetime.now(UTC) + timedelta(seconds=delay))


def run_scheduler(app: Flask) -> None:
    """Block, sweeping at the configured interval; overlapping sweeps are skipped, not stacked."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s scheduler %(levelname)s %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # one line per second is noise
    with app.app_context():
        interval = services().settings.timer_sweep_seconds
    scheduler = BlockingScheduler(timezone="UTC")
    scheduler.add_job(_tick, "interval", args=[app, interval * 0.9], seconds=interval, max_instances=1,
                      coalesce=True, id="sweep")
    scheduler.add_job(refresh_board, "interval", args=[app], seconds=5, max_instances=1, coalesce=True,
                      id="board")
    scheduler.add_job(sweep_promises, "interval", args=[app], seconds=300, max_instances=1, coalesce=True,
                      id="promises")
    scheduler.add_job(check_calendar, "cron", args=[app], hour=1, timezone=SHANGHAI, id="calendar-check",
                      coalesce=True)
    scheduler.add_job(purge_tracking_misses, "cron", args=[app], hour=2, timezone=SHANGHAI,
                      id="tracking-miss-purge", coalesce=True)
    scheduler.add_job(write_anchor, "interval", args=[app], seconds=anchor_interval(app), id="chain-anchor")
    write_anchor_at_shutdown(scheduler, app)
    # at start-up too: a server started in December must not wait for 01:00
    _check_calendar_at_start(app, scheduler, RetryPacer())
    log.info("scheduler %s sweeping every %.1f s", OWNER, interval)
    scheduler.start()
