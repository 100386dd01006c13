"""Record an incident after the work that caused it was rolled back (an engine budget overrun)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..instance_change import InstanceChange
from ..unit_of_work import change_instance

if TYPE_CHECKING:
    from ..command_context import CommandContext

__all__ = ["RecordIncidentCommand"]


@dataclass(frozen=True)
class RecordIncidentCommand:
    """Mark a running instance as an incident with its reason, from its state before the failed work.

    Loading the workflow lets the unit of work park the instance's timers (blocked) like any incident.
    """

    instance_id: int
    error: dict[str, Any]

    def execute(self, ctx: CommandContext) -> None:
        """Stop the instance; an instance no longer running is left as it is."""

        def act(change: InstanceChange) -> None:
            change.advance = False
            if change.instance.status != "running":
                return
            change.instance.status = "incident"
            change.instance.error = self.error
            change.record("instance.incident", None, **self.error)

        change_instance(ctx, self.instance_id, act)
