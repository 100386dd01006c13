"""Stored instance state: the spec is left out, the rest compressed, and old formats stay readable."""

from __future__ import annotations

import json

import pytest
from SpiffWorkflow.bpmn.parser import BpmnParser
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from engine.scripting import RestrictedScriptEngine
from engine.workflow_state import STATE_FORMAT, WorkflowStateCodec
from tests.bpmn_builder import parallel_review


def _halfway() -> tuple[BpmnWorkflow, tuple]:
    parser = BpmnParser()
    parser.add_bpmn_str(parallel_review("state_test", ("sthj", "sw", "jt", "zrzy")))
    specs = (parser.get_spec("state_test"), parser.get_subprocess_specs("state_test"))
    workflow = BpmnWorkflow(*specs, script_engine=RestrictedScriptEngine(
        {"workdays": lambda n: "2030-01-01T17:30:00+08:00"}))
    workflow.do_engine_steps()
    for task in workflow.get_tasks(state=TaskState.READY, manual=True)[:2]:
        task.set_data(decision="approve")
        task.run()
        workflow.do_engine_steps()
    return workflow, specs


def test_state_round_trip_is_compact_and_faithful() -> None:
    codec = WorkflowStateCodec()
    workflow, specs = _halfway()
    stored = codec.dump_state(workflow)
    full = BpmnWorkflowSerializer().serialize_json(workflow)
    assert len(stored) < len(full) / 4  # spec left out and the rest compressed
    restored = codec.load_state(stored, specs, STATE_FORMAT)
    assert restored.spec is specs[0]  # the cached spec object is reused, not rebuilt
    ready = sorted(t.task_spec.name for t in restored.get_tasks(state=TaskState.READY, manual=True))
    assert ready == sorted(t.task_spec.name for t in workflow.get_tasks(state=TaskState.READY, manual=True))
    assert codec.dump_state(restored) == stored


def test_the_first_format_is_still_readable_and_unknown_ones_are_refused() -> None:
    codec = WorkflowStateCodec()
    workflow, specs = _halfway()
    ow1 = json.dumps(codec._serializer.to_dict(workflow))
    restored = codec.load_state(ow1, specs, "ow1/spiff1.5")
    assert len(restored.get_tasks(state=TaskState.READY, manual=True)) == 2
    with pytest.raises(ValueError, match="unknown instance state format"):
        codec.load_state(ow1, specs, "ow9/other")
