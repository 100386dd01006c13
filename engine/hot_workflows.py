"""Restored workflows kept in memory per process, keyed by the instance row's version.

Restoring a workflow from its stored state (decompress, parse, rebuild the task tree) is the largest
fixed cost of a command after the engine itself. A process that just saved an instance keeps the
workflow object it saved; the next command on that instance in the same process uses it when the
row's `lock_version` still matches, else it restores from the database as before. The version
decides, so several processes and nodes stay correct: another process's change bumps the version
and this copy is simply not used.

An entry is taken out while a command uses it and put back only after that command committed, so a
failed or rolled-back command never leaves a changed workflow behind.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow

__all__ = ["HotWorkflows"]


class HotWorkflows:
    """A bounded LRU of (instance id) -> (row version, workflow); size 0 keeps nothing."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[int, tuple[int, BpmnWorkflow]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def take(self, instance_id: int, version: int) -> BpmnWorkflow | None:
        """Remove and return the kept workflow if it is the one saved at `version`."""
        with self._lock:
            entry = self._entries.pop(instance_id, None)
            if entry is not None and entry[0] == version:
                self.hits += 1
                return entry[1]
            self.misses += 1
            return None

    def keep(self, instance_id: int, version: int, workflow: BpmnWorkflow) -> None:
        """Remember the workflow a committed command saved at `version`."""
        if self.size <= 0:
            return
        with self._lock:
            self._entries[instance_id] = (version, workflow)
            self._entries.move_to_end(instance_id)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        """Forget everything (tests, or after a change made outside the unit of work)."""
        with self._lock:
            self._entries.clear()
