"""Make SpiffWorkflow's timers read OneWindow's injected clock instead of the wall clock.

SpiffWorkflow's timer events call `datetime.now(timezone.utc)` from their module; we replace that
module's `datetime` with a subclass whose `now()` answers from the clock of the unit of work
running on this thread (a context variable), and from the wall clock otherwise.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, tzinfo

from SpiffWorkflow.bpmn.specs.event_definitions import timer as spiff_timer

from .workdays import Clock

__all__ = ["engine_clock"]

_current: ContextVar[Clock | None] = ContextVar("onewindow_engine_clock", default=None)


class _ClockedDatetime(datetime):
    """A datetime whose `now()` honours the clock of the current unit of work."""

    @classmethod
    def now(cls, tz: tzinfo | None = None) -> datetime:  # type: ignore[override]
        clock = _current.get()
        if clock is None:
            return datetime.now(tz)
        instant = clock.now()
        return instant.astimezone(tz) if tz is not None else instant.astimezone().replace(tzinfo=None)


spiff_timer.datetime = _ClockedDatetime  # type: ignore[misc]


@contextmanager
def engine_clock(clock: Clock) -> Iterator[None]:
    """Run SpiffWorkflow code with `clock` as its notion of now."""
    token = _current.set(clock)
    try:
        yield
    finally:
        _current.reset(token)
