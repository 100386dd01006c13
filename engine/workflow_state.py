"""Save and restore SpiffWorkflow state without the process spec, which is stored once per version."""

from __future__ import annotations

import base64
import json
import zlib
from collections.abc import Callable
from typing import Any

from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.config import DEFAULT_CONFIG
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow

__all__ = ["STATE_FORMAT", "SpecBundle", "WorkflowStateCodec"]

# The format new state is written in; every format ever written stays readable (see `_DECODERS`).
STATE_FORMAT = "ow2/spiff1.5"

SpecBundle = tuple[BpmnProcessSpec, dict[str, BpmnProcessSpec]]


class _StateOnlyWorkflowConverter(BpmnWorkflowConverter):
    """Serialize a workflow's own state and leave the (shared, cached) spec out."""

    def to_dict(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct


class WorkflowStateCodec:
    """Convert specs and workflow state to compact JSON and back."""

    def __init__(self) -> None:
        config = dict(DEFAULT_CONFIG)
        config[BpmnWorkflow] = _StateOnlyWorkflowConverter
        self._serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(config))

    def dump_spec(self, spec: BpmnProcessSpec, subprocess_specs: dict[str, BpmnProcessSpec]) -> str:
        """Serialize a parsed process and its called processes once, at deploy time."""
        registry = self._serializer.registry
        return _dumps({
            "spec": registry.convert(spec),
            "subprocess_specs": {name: registry.convert(sp) for name, sp in subprocess_specs.items()},
        })

    def load_spec(self, spec_json: str) -> SpecBundle:
        """Restore a deployed process spec; the caller caches the result per definition version."""
        registry = self._serializer.registry
        dct = json.loads(spec_json)
        subs = {name: registry.restore(sp) for name, sp in dct["subprocess_specs"].items()}
        return registry.restore(dct["spec"]), subs

    def dump_state(self, workflow: BpmnWorkflow) -> str:
        """Serialize the instance's own state (tasks, data, events) without the spec, in STATE_FORMAT."""
        return _encode_ow2(_dumps(self._serializer.to_dict(workflow)))

    def load_state(self, stored: str, specs: SpecBundle, state_format: str = STATE_FORMAT) -> BpmnWorkflow:
        """Rebuild a workflow from its stored state and the cached spec objects of its version."""
        decode = _DECODERS.get(state_format)
        if decode is None:
            raise ValueError(f"unknown instance state format {state_format!r}")
        dct = json.loads(decode(stored))
        dct["spec"], dct["subprocess_specs"] = specs
        return self._serializer.from_dict(dct)


def _decode_ow1(stored: str) -> str:
    """ow1: the state JSON as text."""
    return stored


def _encode_ow2(state_json: str) -> str:
    """ow2: the same JSON, zlib-compressed and base64-encoded into the text column.

    The task tree is highly repetitive (UUIDs, state names, predicted branches): compression
    keeps about a seventh of it, at a fraction of a millisecond per save.
    """
    return base64.b64encode(zlib.compress(state_json.encode(), 6)).decode("ascii")


def _decode_ow2(stored: str) -> str:
    return zlib.decompress(base64.b64decode(stored)).decode()


_DECODERS: dict[str, Callable[[str], str]] = {"ow1/spiff1.5": _decode_ow1, "ow2/spiff1.5": _decode_ow2}


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
