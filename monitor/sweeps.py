"""Sweeps the scheduler runs: loop over what is due and run one command per batch or per item.

Orchestration, not commands: each step is its own command run through the executor (its own
transaction), so one failure does not undo the others and several schedulers can sweep at once.
"""

from __future__ import annotations

import logging
from datetime import datetime

from engine.command_context import Actor
from engine.commands.executor import CommandExecutor

from .commands.complaints import COMPLAINTS_ACTOR, RecordComplaintOutcomeCommand
from .commands.orders import EscalateOverdueOrdersCommand
from .queries.complaints import complaints_awaiting_outcome

__all__ = ["SWEEP_ACTOR", "sweep_complaint_outcomes", "sweep_overdue_orders"]

log = logging.getLogger(__name__)
SWEEP_ACTOR = Actor.system("supervision")


def sweep_overdue_orders(executor: CommandExecutor, now: datetime | None = None, batch: int = 200) -> int:
    """Escalate every overdue unanswered order, a batch per transaction; return how many."""
    now = now or executor.runtime.clock.now()
    total = 0
    while True:
        done = executor.execute(EscalateOverdueOrdersCommand(now, batch), SWEEP_ACTOR)
        total += done
        if done < batch:
            return total


def sweep_complaint_outcomes(executor: CommandExecutor, limit: int = 200) -> int:
    """Record the outcome of every finished complaint not yet recorded; return how many were recorded.

    Safe to run from several schedulers at once and repeatedly (see RecordComplaintOutcomeCommand).
    """
    with executor.session_factory() as session:
        complaint_ids = complaints_awaiting_outcome(session, limit)
    recorded = 0
    for complaint_id in complaint_ids:
        try:
            outcome = executor.execute(RecordComplaintOutcomeCommand(complaint_id), COMPLAINTS_ACTOR)
            recorded += outcome is not None
        except Exception:  # one broken complaint must not stop the sweep for the others
            log.exception("recording the outcome of complaint %s failed", complaint_id)
    return recorded
