"""Sweeps: find what has fallen due with a query, then run one command per item through the executor.

Orchestration rather than commands: each item is its own transaction, so one broken instance does not
stop the others, and every command re-checks its item under the instance lock, so sweeps may race.
"""

from __future__ import annotations

import logging
from datetime import datetime

from .command_context import Actor
from .commands.executor import CommandExecutor
from .commands.shortfalls import MarkMissedShortfallCommand
from .queries.shortfalls import missed_shortfall_instances

__all__ = ["sweep_missed_shortfalls"]

log = logging.getLogger(__name__)
SHORTFALL_SWEEP_ACTOR = Actor.system("shortfall")


def sweep_missed_shortfalls(executor: CommandExecutor, now: datetime | None = None) -> int:
    """Mark every overdue open shortfall missed; return how many this sweep flipped.

    Safe to run from several processes at once and repeatedly: each flip happens under the
    instance lock and only from `open`, so each shortfall warns exactly once.
    """
    now = now or executor.runtime.clock.now()
    with executor.session_factory() as session:
        instance_ids = missed_shortfall_instances(session, now)
    flipped = 0
    for instance_id in instance_ids:
        try:
            flipped += bool(executor.execute(MarkMissedShortfallCommand(instance_id), SHORTFALL_SWEEP_ACTOR))
        except Exception:  # one broken instance must not stop the sweep for the others
            log.exception("marking the shortfall of instance %s missed failed", instance_id)
    return flipped
