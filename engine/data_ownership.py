"""Which department may write which key of an instance's data, so one cannot overwrite another's.

Completion data is merged at the top level of the workflow data, where gateways read it. Without a
rule, a department completing its own task could send `{"s1_sthj_decision": "approve"}` and change
what the environment bureau decided. A key belongs to whoever wrote it first:

- the window, for the keys of the application as registered (the start data);
- the department of the lane whose script task assigns it (`s1_sthj_decision = decision` in sthj's
  lane), read from the diagram;
- the department whose completion first sent it.

A completion may not send a key that belongs to someone else, unless the process declares it shared:
`<ow:shared xmlns:ow="urn:onewindow:bpmn" keys="department remarks"/>` in the process's
`extensionElements`. `decision` is always shared: every completion sets it, and diagrams copy it to
their own keys right after.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from lxml import etree
from sqlalchemy import select

from bpmn.data_keys import assigned_names, declared_shared

from .models import TaskRecord
from .workflow_state import SpecBundle

if TYPE_CHECKING:
    from .instance_change import InstanceChange

__all__ = ["ALWAYS_SHARED", "DataOwnership", "WINDOW", "foreign_keys", "read_ownership"]

ALWAYS_SHARED = frozenset({"decision"})
WINDOW = "受理窗口"
"""Owner of the application's registered data (the start data)."""

_B = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"


@dataclass(frozen=True)
class DataOwnership:
    """What a diagram version says about its data: keys its scripts write per lane, keys declared shared."""

    script_keys: dict[str, frozenset[str]] = field(default_factory=dict)  # key -> lanes whose scripts set it
    shared: frozenset[str] = ALWAYS_SHARED

    def script_owner_other_than(self, key: str, department: str) -> str | None:
        """A lane other than `department` whose script writes `key`, if any."""
        others = sorted(self.script_keys.get(key, frozenset()) - {department})
        return others[0] if others else None


def read_ownership(specs: SpecBundle, xml: bytes | str, process_id: str) -> DataOwnership:
    """Read a deployed version's ownership: script assignments from its spec, shared keys from its XML."""
    spec, subprocesses = specs
    script_keys: dict[str, set[str]] = {}
    for process_spec in (spec, *subprocesses.values()):
        for task_spec in process_spec.task_specs.values():
            script, lane = getattr(task_spec, "script", None), getattr(task_spec, "lane", None)
            if isinstance(script, str) and lane:
                for key in assigned_names(script):
                    script_keys.setdefault(key, set()).add(lane)
    root = etree.fromstring(xml.encode() if isinstance(xml, str) else xml,
                            etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False))
    shared: set[str] = set()
    for process in root.iter(f"{_B}process"):
        if process.get("id") == process_id:
            shared = declared_shared(process)
    return DataOwnership({k: frozenset(v) for k, v in script_keys.items()}, ALWAYS_SHARED | shared)


def foreign_keys(change: InstanceChange, department: str, data: dict[str, Any]) -> dict[str, str]:
    """The keys of a completion's data that belong to someone else: {key: owner}."""
    if not data:
        return {}
    definition = change.definition
    runtime = change.ctx.runtime
    ownership = runtime.ownership(definition.id, lambda: read_ownership(
        runtime.specs(definition.id, lambda: definition.spec_json), definition.xml, definition.key))
    candidates = [k for k in data if k not in ownership.shared]
    if not candidates:
        return {}
    owners: dict[str, str] = {}
    assert change.workflow is not None
    registered = change.workflow.task_tree.data  # the start data, as the window registered it
    submitted = change.session.execute(select(TaskRecord.department_code, TaskRecord.submission).where(
        TaskRecord.instance_id == change.instance.id, TaskRecord.status == "completed",
        TaskRecord.department_code != department).order_by(TaskRecord.completed_at))
    earlier: dict[str, str] = {}
    for other, submission in submitted:
        for key in ((submission or {}).get("data") or {}):
            earlier.setdefault(key, other)
    for key in candidates:
        owner = (WINDOW if key in registered else ownership.script_owner_other_than(key, department)
                 or earlier.get(key))
        if owner is not None and owner != department:
            owners[key] = owner
    return owners
