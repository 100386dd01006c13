"""The view of one locked workflow instance that an action inside the unit of work is given.

Its own module so that deadline and warning code can take an InstanceChange without importing the
unit of work that calls them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.task import Task
from sqlalchemy.orm import Session

from .command_context import CommandContext
from .models import Instance, ProcessDefinition, TaskRecord
from .step_settings import StepSettings

__all__ = ["InstanceChange"]


@dataclass
class InstanceChange:
    """What an action sees: the locked instance, its workflow, and where to record what it did."""

    ctx: CommandContext
    instance: Instance
    workflow: BpmnWorkflow | None
    now: datetime
    audit: list[tuple[str, str | None, dict[str, Any]]] = field(default_factory=list)
    finished_rows: dict[str, TaskRecord] = field(default_factory=dict)
    advance: bool = True
    # Set by a retry: open task rows take their due time and limit again from the engine's timers,
    # which the failed step may not have set when the rows were first written.
    rederive: bool = False
    known_definition: ProcessDefinition | None = None

    @property
    def definition(self) -> ProcessDefinition:
        """The instance's definition version, read on first use: most changes never need it."""
        if self.known_definition is None:
            self.known_definition = self.session.get(ProcessDefinition, self.instance.definition_id)
            assert self.known_definition is not None, "an instance always has its definition"
        return self.known_definition

    def step_settings(self) -> StepSettings:
        """What the version's diagram says about its user tasks: thresholds and declared choices."""
        return self.ctx.runtime.step_settings(self.instance.definition_id, lambda: (
            self.definition.task_warning_settings, self.definition.task_forms))

    @property
    def session(self) -> Session:
        """Return the command's session."""
        return self.ctx.session

    def record(self, action: str, task_id: str | None = None, **details: Any) -> None:
        """Queue an audit event; it is written in the same transaction as the state."""
        self.audit.append((action, task_id, details))

    def spiff_task(self, task_id: str) -> Task | None:
        """Find a live SpiffWorkflow task by the id the task index uses."""
        assert self.workflow is not None
        try:
            return self.workflow.get_task_from_id(UUID(task_id))
        except (ValueError, SpiffWorkflowException):
            return None
