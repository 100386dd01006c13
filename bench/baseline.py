"""Bare SpiffWorkflow in-process baseline for the same diagram, no database and no HTTP.

(a) in memory: parse once, then per instance create, run engine steps and complete the four
reviews and the lead's decision; (b) the same with the stock `BpmnWorkflowSerializer` JSON
round trip (spec included) around every step, as a naive server storing full JSON would do.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnParser
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from engine.scripting import RestrictedScriptEngine

__all__ = ["BareResult", "START_DATA", "midway_json_bytes", "parse", "run_bare"]

START_DATA: dict[str, Any] = {
    "floors": 6,
    "project": {"name": "基准项目 1", "code": "BENCH-1", "investment": 12_500_000.0},
}
Specs = tuple[Any, dict[str, Any]]


def parse(xml: bytes, process_id: str) -> Specs:
    """Parse the diagram once, as a deployment would."""
    parser = BpmnParser()
    parser.add_bpmn_xml(etree.ElementTree(etree.fromstring(xml)), filename=f"{process_id}.bpmn")
    return parser.get_spec(process_id), parser.get_subprocess_specs(process_id)


def script_engine() -> RestrictedScriptEngine:
    """OneWindow's restricted engine with a constant `workdays`, so expressions evaluate alike."""
    return RestrictedScriptEngine(functions={"workdays": lambda n: "2030-01-01T17:30:00+08:00"})


@dataclass
class BareResult:
    """Seconds per whole instance and per completion (reviews and the lead's decision apart)."""

    instance: list[float] = field(default_factory=list)
    start: list[float] = field(default_factory=list)
    review: list[float] = field(default_factory=list)
    decide: list[float] = field(default_factory=list)


def _ready_user_tasks(workflow: BpmnWorkflow) -> list[Any]:
    return workflow.get_tasks(state=TaskState.READY, manual=True)


def _complete(task: Any, workflow: BpmnWorkflow) -> None:
    task.data["decision"] = "approve"
    task.run()
    workflow.do_engine_steps()


def run_bare(specs: Specs, instances: int, serialized: bool) -> BareResult:
    """Run whole instances; with `serialized`, restore from and save to full JSON around each step."""
    spec, subs = specs
    engine = script_engine()
    serializer = BpmnWorkflowSerializer()
    result = BareResult()
    for i in range(instances + 1):  # the first instance warms caches and is not counted
        record = i > 0
        t_begin = time.perf_counter()
        workflow = BpmnWorkflow(spec, subs, script_engine=engine)
        workflow.task_tree.data.update(START_DATA)
        workflow.do_engine_steps()
        saved = serializer.serialize_json(workflow) if serialized else ""
        t_start = time.perf_counter()
        if record:
            result.start.append(t_start - t_begin)
        while True:
            if serialized:
                t0 = time.perf_counter()
                workflow = serializer.deserialize_json(saved)
                workflow.script_engine = engine
            ready = _ready_user_tasks(workflow)
            if not ready:
                break
            task = ready[0]
            if not serialized:
                t0 = time.perf_counter()
            _complete(task, workflow)
            if serialized:
                saved = serializer.serialize_json(workflow)
            elapsed = time.perf_counter() - t0
            if record:
                (result.decide if task.task_spec.bpmn_id == "decide" else result.review).append(elapsed)
        assert workflow.completed, "the bare workflow did not finish"
        if record:
            result.instance.append(time.perf_counter() - t_begin)
    return result


def midway_json_bytes(specs: Specs, reviews_done: int) -> tuple[int, int]:
    """Stock full JSON size (and the spec's share of it) after `reviews_done` of the four reviews."""
    spec, subs = specs
    workflow = BpmnWorkflow(spec, subs, script_engine=script_engine())
    workflow.task_tree.data.update(START_DATA)
    workflow.do_engine_steps()
    for task in _ready_user_tasks(workflow)[:reviews_done]:
        _complete(task, workflow)
    serializer = BpmnWorkflowSerializer()
    full = serializer.serialize_json(workflow)
    dct = serializer.to_dict(workflow)
    spec_part = serializer.registry.convert(spec)
    subprocess_part = dct.get("subprocess_specs", {})
    spec_bytes = len(json.dumps(spec_part).encode()) + len(json.dumps(subprocess_part).encode())
    return len(full.encode()), spec_bytes
