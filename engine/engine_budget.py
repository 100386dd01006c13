"""A budget of engine steps and wall time for every unit of work, so no diagram can stall the service.

A deployed diagram is code its designer wrote: a standard loop whose condition stays true, a
multi-instance with a million instances, a script that loops to its step limit again and again. Each
unit of work therefore runs the engine under a budget (steps and seconds). Going over it raises
`BudgetExceeded` from inside the engine; the unit of work turns that into `EngineBudgetError`, the
executor rolls the transaction back (releasing the instance lock and SQLite's write lock at once)
and then records the instance as an incident in a transaction of its own.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from .exceptions import EngineError

__all__ = ["BudgetExceeded", "EngineBudget", "EngineBudgetError", "charge_step", "check_budget",
           "check_instances", "metered"]


@dataclass(frozen=True)
class EngineBudget:
    """Limits for one unit of work (settings ONEWINDOW_ENGINE_MAX_STEPS / _SECONDS / ONEWINDOW_MAX_LOOP)."""

    max_steps: int = 10_000
    max_seconds: float = 2.0
    max_instances: int = 1_000


class BudgetExceeded(Exception):
    """Raised inside the engine when a unit of work goes over its budget (never caught as a diagram error)."""

    def __init__(self, reason: str) -> None:
        """Keep the reason in Chinese: it becomes the incident's reason staff read."""
        super().__init__(reason)
        self.reason = reason


class EngineBudgetError(EngineError):
    """The request's engine work went over budget: rolled back; the instance (if any) becomes an incident.

    The executor records the incident after the rollback, in a transaction of its own.
    """

    def __init__(self, reason: str, instance_id: int | None, incident: dict[str, Any]) -> None:
        """Answer with the reason; keep what the incident record needs."""
        super().__init__(reason, "engine_budget", {"instance_id": instance_id, "incident": incident})
        self.instance_id = instance_id
        self.incident = incident


@dataclass
class _Meter:
    budget: EngineBudget
    started: float = field(default_factory=time.monotonic)
    steps: int = 0


_METER: ContextVar[_Meter | None] = ContextVar("engine_budget", default=None)


@contextmanager
def metered(budget: EngineBudget) -> Iterator[None]:
    """Count the engine work done in this context against `budget` (nested contexts share the outer one)."""
    if _METER.get() is not None:
        yield
        return
    token = _METER.set(_Meter(budget))
    try:
        yield
    finally:
        _METER.reset(token)


def check_budget() -> None:
    """Raise BudgetExceeded when the current unit of work has run out of time."""
    meter = _METER.get()
    if meter is None:
        return
    spent = time.monotonic() - meter.started
    if spent > meter.budget.max_seconds:
        raise BudgetExceeded(f"流程运行超过 {meter.budget.max_seconds:g} 秒的限额"
                             f"（已执行 {meter.steps} 步），可能是循环或多实例设置有误")


def charge_step(_task: Any = None) -> None:
    """Count one engine step (SpiffWorkflow calls this before it runs each automatic task)."""
    meter = _METER.get()
    if meter is None:
        return
    meter.steps += 1
    if meter.steps > meter.budget.max_steps:
        raise BudgetExceeded(f"流程运行超过 {meter.budget.max_steps} 步的限额，可能是循环或多实例设置有误")
    check_budget()


def check_instances(count: Any) -> None:
    """Refuse a multi-instance cardinality above the limit before SpiffWorkflow creates the instances."""
    meter = _METER.get()
    limit = meter.budget.max_instances if meter is not None else EngineBudget.max_instances
    if isinstance(count, int) and not isinstance(count, bool) and count > limit:
        raise BudgetExceeded(f"多实例数量 {count} 超过上限 {limit}")
