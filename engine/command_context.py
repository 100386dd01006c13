"""Who acts and within which transaction: what every command receives, apart from the executor running it.

Kept apart from the executor so that the unit of work, deployment and the feeds can name a command's
context without importing the commands package (which imports them back).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, Protocol, TypeVar

from sqlalchemy.orm import Session

from .runtime import EngineRuntime

__all__ = ["Actor", "Command", "CommandContext", "EventListener"]

R = TypeVar("R", covariant=True)

EventListener = Callable[[str, dict[str, Any]], None]


@dataclass(frozen=True)
class Actor:
    """Who asks for a command: the authorization subject every command checks."""

    username: str | None
    role: str | None = None
    department_code: str | None = None

    @classmethod
    def system(cls, name: str = "system") -> Actor:
        """Return the actor the scheduler and set-up scripts act as."""
        return cls(name, "system", None)


@dataclass
class CommandContext:
    """The session, collaborators and pending events of one command attempt."""

    session: Session
    runtime: EngineRuntime
    actor: Actor
    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    # Instances whose row lock this attempt holds (engine.unit_of_work.lock_instance), by id.
    locked: dict[int, Any] = field(default_factory=dict)
    # Run by the executor after this attempt committed, never after a rollback or a dry run.
    after_commit: list[Callable[[], None]] = field(default_factory=list)

    @property
    def actor_name(self) -> str | None:
        """Return the name written into audit events."""
        return self.actor.username

    def now(self) -> datetime:
        """Return the current instant from the injected clock."""
        return self.runtime.clock.now()

    def emit(self, name: str, **payload: Any) -> None:
        """Queue an event for subscribers; delivered only if the transaction commits."""
        self.events.append((name, payload))


class Command(Protocol, Generic[R]):
    """A state change: guards, load, permission check, mutate, result — inside `execute`."""

    def execute(self, ctx: CommandContext) -> R:
        """Do the change in `ctx.session`; the executor commits, or rolls back on an exception."""
        ...
