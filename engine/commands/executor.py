"""Run commands in one transaction each, retrying lost races, and publish events after commit.

A web request hands its own session to `execute`, so the request reads and writes through one
session: the command starts a fresh transaction (the request's read snapshot ends first), commits,
and the view's later reads see what was committed. Background workers pass no session and get a
fresh one per attempt.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from ..command_context import Actor, Command, CommandContext, EventListener
from ..database import begin_writing
from ..engine_budget import EngineBudgetError
from ..exceptions import RetryableConflict
from ..runtime import EngineRuntime
from .incidents import RecordIncidentCommand

__all__ = ["CommandExecutor"]

log = logging.getLogger(__name__)
_RETRY = object()  # an attempt lost a race and rolled back; the next attempt starts afresh


class CommandExecutor:
    """The only place that commits: one transaction per attempt, up to `attempts` attempts."""

    def __init__(self, session_factory: sessionmaker[Session], runtime: EngineRuntime,
                 attempts: int = 5) -> None:
        self.session_factory = session_factory
        self.runtime = runtime
        self.attempts = attempts
        self.listeners: list[EventListener] = []

    def subscribe(self, listener: EventListener) -> None:
        """Register a callback for after-commit events (the working calendar drops its cache on one)."""
        self.listeners.append(listener)

    def execute(self, command: Command[Any], actor: Actor, *, dry_run: bool = False,
                session: Session | None = None) -> Any:
        """Run a command to completion, retrying when another writer won a race.

        `session` is the caller's own (a request's); without one each attempt opens a new session.
        A dry run does all the command's work and returns its result, then rolls it back and
        publishes nothing: how an administrator sees what a change would do before making it.
        """
        for attempt in range(1, self.attempts + 1):
            if session is None:
                with self.session_factory() as own:
                    outcome = self._attempt(command, actor, own, attempt, dry_run=dry_run)
            else:
                session.rollback()  # ends the caller's read snapshot; its objects reload on next use
                outcome = self._attempt(command, actor, session, attempt, dry_run=dry_run)
            if outcome is _RETRY:
                continue
            result, events = outcome
            self.publish(events)
            return result
        raise AssertionError("unreachable")

    def _attempt(self, command: Command[Any], actor: Actor, session: Session, attempt: int, *,
                 dry_run: bool) -> Any:
        """One transaction: (result, events) after a commit, (result, []) after a dry run, or _RETRY."""
        # A command that can detect a lost race reads without SQLite's write lock on its first try;
        # a retry takes the lock at BEGIN, so a busy instance cannot starve it.
        begin_writing(session, optimistic=attempt == 1 and getattr(command, "optimistic", False))
        ctx = CommandContext(session, self.runtime, actor)
        try:
            result = command.execute(ctx)
            if dry_run:
                session.rollback()
                return result, []
            session.commit()
            for callback in ctx.after_commit:
                callback()
        except (StaleDataError, RetryableConflict, OperationalError, IntegrityError) as exc:
            session.rollback()
            if attempt == self.attempts or not _is_retryable(exc):
                raise
            log.info("retrying %s after %s (attempt %d)", type(command).__name__, exc, attempt)
            time.sleep(0.01 * attempt)
            return _RETRY
        except EngineBudgetError as exc:
            session.rollback()  # releases the instance lock before anything else happens
            if exc.instance_id is not None:
                self.execute(RecordIncidentCommand(exc.instance_id, exc.incident), Actor.system("engine"),
                             session=session)
            raise
        except BaseException:
            session.rollback()
            raise
        return result, ctx.events

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
    if getattr(exc, "connection_invalidated", False):  # dropped by the server: the pool has a new one
        return True
    text = str(getattr(exc, "orig", exc)).lower()
    if isinstance(exc, IntegrityError):
        return "unique" in text or "duplicate" in text
    return any(s in text for s in ("database is locked", "deadlock", "could not serialize", "busy"))
