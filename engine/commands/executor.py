"""Run commands in one transaction each, retrying lost races, and publish events after commit."""

from __future__ import annotations

import logging
import time
from typing import Any

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from ..command_context import Actor, Command, CommandContext, EventListener
from ..engine_budget import EngineBudgetError
from ..exceptions import RetryableConflict
from ..runtime import EngineRuntime
from .incidents import RecordIncidentCommand

__all__ = ["CommandExecutor"]

log = logging.getLogger(__name__)
class CommandExecutor:
    """The only place that commits: one transaction per attempt, up to `attempts` attempts."""

    def __init__(self, session_factory: sessionmaker[Session], runtime: EngineRuntime,
                 attempts: int = 5) -> None:
        self.session_factory = session_factory
        self.runtime = runtime
        self.attempts = attempts
        self.listeners: list[EventListener] = []

    def subscribe(self, listener: EventListener) -> None:
        """Register a callback for after-commit events (monitor/ uses this)."""
        self.listeners.append(listener)

    def execute(self, command: Command[Any], actor: Actor, *, dry_run: bool = False) -> Any:
        """Run a command to completion, retrying when another writer won a race.

        A dry run does all the command's work and returns its result, then rolls it back and
        publishes nothing: how an administrator sees what a change would do before making it.
        """
        for attempt in range(1, self.attempts + 1):
            with self.session_factory() as session:
                ctx = CommandContext(session, self.runtime, actor)
                try:
                    result = command.execute(ctx)
                    if dry_run:
                        session.rollback()
                        return result
                    session.commit()
                except (StaleDataError, RetryableConflict, OperationalError, IntegrityError) as exc:
                    session.rollback()
                    if attempt == self.attempts or not _is_retryable(exc):
                        raise
                    log.info("retrying %s after %s (attempt %d)", type(command).__name__, exc, attempt)
                    time.sleep(0.01 * attempt)
                    continue
                except EngineBudgetError as exc:
                    session.rollback()  # releases the instance lock before anything else happens
                    if exc.instance_id is not None:
                        self.execute(RecordIncidentCommand(exc.instance_id, exc.incident),
                                     Actor.system("engine"))
                    raise
                except BaseException:
                    session.rollback()
                    raise
            self.publish(ctx.events)
            return result
        raise AssertionError("unreachable")

    def publish(self, events: list[tuple[str, dict[str, Any]]]) -> None:
        """Deliver events to subscribers; also used for events that no command produced (scheduler)."""
        for name, payload in events:
            for listener in self.listeners:
                try:
                    listener(name, payload)
                except Exception:  # a subscriber's bug must not undo a committed change
                    log.exception("event listener failed for %s", name)


def _is_retryable(exc: Exception) -> bool:
    """Tell lost races (stale version, serialization, lock, duplicate version) from real errors."""
    if isinstance(exc, (StaleDataError, RetryableConflict)):
        return True
    text = str(getattr(exc, "orig", exc)).lower()
    if isinstance(exc, IntegrityError):
        return "unique" in text or "duplicate" in text
    return any(s in text for s in ("database is locked", "deadlock", "could not serialize", "busy"))
