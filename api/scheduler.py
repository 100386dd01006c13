"""The one scheduler process: sweeps due BPMN timers through the unit of work."""

from __future__ import annotations

import logging

from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask

from engine.commands import Actor
from engine.commands.timers import FireInstanceTimersCommand, due_timer_instances

from .extensions import db, services

__all__ = ["run_scheduler", "sweep_timers"]

log = logging.getLogger(__name__)
TIMER_ACTOR = Actor.system("timer")


def sweep_timers(app: Flask) -> int:
    """Fire every instance's due timers once; return how many instances were advanced."""
    with app.app_context():
        svc = services()
        instance_ids = due_timer_instances(db.session, svc.runtime.clock.now())
        db.session.remove()
        for instance_id in instance_ids:
            try:
                svc.executor.execute(FireInstanceTimersCommand(instance_id), TIMER_ACTOR)
            except Exception:  # one broken instance must not stop the sweep for the others
                log.exception("firing timers of instance %s failed", instance_id)
        return len(instance_ids)


def run_scheduler(app: Flask) -> None:
    """Block, sweeping at the configured interval; overlapping sweeps are skipped, not stacked."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s scheduler %(levelname)s %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # one line per second is noise
    with app.app_context():
        interval = services().settings.timer_sweep_seconds
    scheduler = BlockingScheduler(timezone="UTC")
    scheduler.add_job(sweep_timers, "interval", args=[app], seconds=interval, max_instances=1,
                      coalesce=True, id="timer-sweep")
    log.info("sweeping timers every %.1f s", interval)
    scheduler.start()
