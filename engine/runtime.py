"""The long-lived engine collaborators one process shares: clock, calendar, spec cache, scripting."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import fields, replace
from datetime import datetime, time
from typing import Any

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow

from .engine_budget import EngineBudget
from .hot_workflows import HotWorkflows
from .scripting import RestrictedScriptEngine
from .step_settings import StepSettings
from .warning_levels import WarningPolicy, WarningState, warning_state
from .workdays import (
    SHANGHAI,
    Clock,
    WorkingCalendar,
    earlier_workday_deadline,
    workday_deadline,
    working_days_between,
)
from .workflow_state import STATE_FORMAT, SpecBundle, WorkflowStateCodec

__all__ = ["EngineRuntime"]

StoredSettings = dict[str, Any] | None
"""One JSON column of a definition row: per user task id, or null when the diagram declares none."""

WARNING_POLICY_FIELDS = frozenset(f.name for f in fields(WarningPolicy))
"""The `ow:warning` settings that are thresholds; the rest (an extension cap) are read elsewhere."""

# (runtime, calendar): the calendar a command sees while it applies a calendar change it has not
# committed yet. A context variable, because one runtime serves every thread of the process.
_PENDING_CALENDAR: ContextVar[tuple[EngineRuntime, WorkingCalendar] | None] = ContextVar(
    "pending_calendar", default=None)


class EngineRuntime:
    """Holds what every command needs but must not rebuild per request."""

    def __init__(self, clock: Clock, calendar: WorkingCalendar, workday_close: time = time(17, 30),
                 spec_cache_size: int = 128, warning_policy: WarningPolicy | None = None,
                 budget: EngineBudget | None = None, hot_workflows: int = 256) -> None:
        self.clock = clock
        self._calendar = calendar
        self.workday_close = workday_close
        self.warning_policy = warning_policy or WarningPolicy()
        self.budget = budget or EngineBudget()
        self.codec = WorkflowStateCodec()
        self.hot = HotWorkflows(hot_workflows)
        self.script_engine = RestrictedScriptEngine(functions=self.expression_functions())
        self._specs: OrderedDict[int, SpecBundle] = OrderedDict()
        self._ownership: OrderedDict[int, Any] = OrderedDict()
        self._step_settings: OrderedDict[int, StepSettings] = OrderedDict()
        self._spec_cache_size = spec_cache_size
        self._lock = threading.Lock()
        # Recomputations other packages register for their own deadlines (supervision orders…),
        # run by a calendar change inside its transaction: see engine.deadline_recompute.
        self.deadline_sources: list[Callable[..., Any]] = []

    @property
    def calendar(self) -> WorkingCalendar:
        """The working-day calendar, as changed by a calendar command running in this context."""
        pending = _PENDING_CALENDAR.get()
        return pending[1] if pending is not None and pending[0] is self else self._calendar

    @contextmanager
    def calendar_pending(self, calendar: WorkingCalendar) -> Iterator[None]:
        """Let every deadline computed in this context use `calendar` (a change not yet committed)."""
        token = _PENDING_CALENDAR.set((self, calendar))
        try:
            yield
        finally:
            _PENDING_CALENDAR.reset(token)

    def expression_functions(self) -> dict[str, Callable[..., Any]]:
        """Return the functions BPMN expressions may call, bound to this runtime's clock."""
        return {"workdays": self.workdays, "workdays_left": self.workdays_left}

    def workdays(self, n: int) -> str:
        """Return the close of the Nth working day after today as ISO 8601 with offset."""
        if not isinstance(n, int) or isinstance(n, bool):
            raise TypeError("workdays() takes a whole number of working days")
        deadline = workday_deadline(self.calendar, self.clock.now(), n, self.workday_close)
        return deadline.isoformat()

    def workdays_left(self, deadline: str) -> int:
        """Return the working days from today until a deadline `workdays()` gave; at least 1.

        Lets a later step keep a limit counted from an earlier moment: a complaint is handled within
        15 working days of its receipt, so the handling step gets `workdays(workdays_left(due))`.
        A step that starts on or after the deadline still gets one working day (`workdays(0)` is no
        limit); the step that used the time up was already flagged late by its own timer.
        """
        if not isinstance(deadline, str):
            raise TypeError("workdays_left() takes the text workdays() returned")
        try:
            due = datetime.fromisoformat(deadline)
        except ValueError:
            raise TypeError("workdays_left() takes the text workdays() returned") from None
        if due.tzinfo is None:
            raise TypeError("workdays_left() takes a time with its offset, as workdays() returns it")
        today = self.clock.now().astimezone(SHANGHAI).date()
        end = due.astimezone(SHANGHAI).date()
        return max(1, working_days_between(self.calendar, today, end)) if end > today else 1

    def warning_state(self, start: datetime, due: datetime | None, now: datetime,
                      limit_days: int | None = None, overrides: dict[str, Any] | None = None) -> WarningState:
        """Return a limit's warning level at `now` and when it next changes.

        `overrides` are the thresholds a diagram set for one task (`ow:warning`); the rest stay default.
        """
        thresholds = {k: v for k, v in (overrides or {}).items() if k in WARNING_POLICY_FIELDS}
        policy = replace(self.warning_policy, **thresholds) if thresholds else self.warning_policy
        return warning_state(self.calendar, policy, start, due, now, self.workday_close, limit_days)

    def shift_by_workdays(self, instant: datetime, days: int) -> datetime:
        """Move a deadline by working days (later when positive), keeping it at the close of a working day."""
        if days > 0:
            return workday_deadline(self.calendar, instant, days, self.workday_close)
        if days < 0:
            return earlier_workday_deadline(self.calendar, instant, -days, self.workday_close)
        return instant

    def specs(self, definition_id: int, load_json: Callable[[], str]) -> SpecBundle:
        """Return the parsed spec of a definition version, restoring it at most once per process."""
        return self._cached(self._specs, definition_id, lambda: self.codec.load_spec(load_json()))

    def ownership(self, definition_id: int, read: Callable[[], Any]) -> Any:
        """Return a definition version's data ownership (engine.data_ownership), read once per process."""
        return self._cached(self._ownership, definition_id, read)

    def step_settings(self, definition_id: int, read: Callable[[], tuple[StoredSettings, StoredSettings]]
                      ) -> StepSettings:
        """Return what a version's diagram says about its user tasks (`ow:warning`, `ow:choice`), read once.

        Both come from the one definition row, so a process reads it once for both.
        """
        def load() -> StepSettings:
            warnings, forms = read()
            return StepSettings(warnings or {}, forms or {})
        return self._cached(self._step_settings, definition_id, load)

    def _cached(self, cache: OrderedDict[int, Any], definition_id: int, load: Callable[[], Any]) -> Any:
        """A small LRU per definition version: versions never change once deployed."""
        with self._lock:
            value = cache.get(definition_id)
            if value is not None:
                cache.move_to_end(definition_id)
                return value
        value = load()
        with self._lock:
            cache[definition_id] = value
            while len(cache) > self._spec_cache_size:
                cache.popitem(last=False)
        return value

    def new_workflow(self, specs: SpecBundle, data: dict[str, Any]) -> BpmnWorkflow:
        """Create a workflow with our restricted script engine and the start data."""
        spec, subprocess_specs = specs
        workflow = BpmnWorkflow(spec, subprocess_specs, script_engine=self.script_engine)
        workflow.task_tree.data.update(data)
        return workflow

    def load_workflow(self, specs: SpecBundle, stored: str, state_format: str = STATE_FORMAT) -> BpmnWorkflow:
        """Restore a workflow and re-attach the restricted script engine (deserializing drops it)."""
        workflow = self.codec.load_state(stored, specs, state_format)
        workflow.script_engine = self.script_engine
        return workflow
