"""RestrictedScriptEngine inside real SpiffWorkflow runs: routing, errored tasks, validation."""

from __future__ import annotations

from typing import Any

import pytest
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.parser import BpmnParser
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from engine.scripting import ExpressionRefused, RestrictedScriptEngine
from tests.test_restricted_scripting import FUNCTIONS

# ---------------------------------------------------------------- (d) inside SpiffWorkflow

_BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="defs" targetNamespace="http://example.org/bpmn">
  <bpmn:process id="proc" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:scriptTask id="double" name="Double">
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:script>{script}</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:exclusiveGateway id="gw">
      <bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>to_big</bpmn:outgoing><bpmn:outgoing>to_small</bpmn:outgoing>
    </bpmn:exclusiveGateway>
    <bpmn:endEvent id="end_big"><bpmn:incoming>to_big</bpmn:incoming></bpmn:endEvent>
    <bpmn:endEvent id="end_small"><bpmn:incoming>to_small</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="double"/>
    <bpmn:sequenceFlow id="f2" sourceRef="double" targetRef="gw"/>
    <bpmn:sequenceFlow id="to_big" sourceRef="gw" targetRef="end_big">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">{big}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="to_small" sourceRef="gw" targetRef="end_small">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">y &lt;= 5</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
  </bpmn:process>
</bpmn:definitions>
"""


def _workflow(x: Any, script: str = "y = x * 2", big: str = "y &gt; 5") -> BpmnWorkflow:
    parser = BpmnParser()
    parser.add_bpmn_str(_BPMN.format(script=script, big=big).encode())
    workflow = BpmnWorkflow(parser.get_spec("proc"), parser.get_subprocess_specs("proc"),
                            script_engine=RestrictedScriptEngine(FUNCTIONS))
    workflow.task_tree.data.update({"x": x})
    return workflow


def _completed_ids(workflow: BpmnWorkflow) -> set[str]:
    return {t.task_spec.bpmn_id for t in workflow.get_tasks(state=TaskState.COMPLETED) if t.task_spec.bpmn_id}


@pytest.mark.parametrize(("x", "taken", "skipped", "y"), [(3, "end_big", "end_small", 6),
                                                         (2, "end_small", "end_big", 4)])
def test_workflow_routes_through_restricted_engine(x: int, taken: str, skipped: str, y: int) -> None:
    workflow = _workflow(x)
    workflow.do_engine_steps()
    assert workflow.is_completed()
    completed = _completed_ids(workflow)
    assert {"double", "gw", taken} <= completed
    assert skipped not in completed
    assert workflow.data["y"] == y


def _error_task(workflow: BpmnWorkflow) -> Any:
    with pytest.raises(WorkflowTaskException) as info:
        workflow.do_engine_steps()
    assert info.value.task.state == TaskState.ERROR
    assert not workflow.is_completed()
    return info.value


def test_escaping_script_task_errors_the_task() -> None:
    error = _error_task(_workflow(3, script="__import__('os')"))
    assert error.task.task_spec.bpmn_id == "double"
    assert isinstance(error.__cause__, ExpressionRefused)
    assert "__import__" in str(error)


def test_failing_script_task_reports_its_line() -> None:
    error = _error_task(_workflow(3, script="y = 1\nz = x / 0"))
    assert error.task.task_spec.bpmn_id == "double"
    assert error.line_number == 2
    assert error.error_line == "z = x / 0"
    assert "division by zero" in str(error)


def test_escaping_gateway_condition_errors_the_gateway() -> None:
    error = _error_task(_workflow(3, big="y.__class__"))
    assert error.task.task_spec.bpmn_id == "gw"
    assert "__class__" in str(error)


def test_engine_validate_and_direct_environment_use() -> None:
    engine = RestrictedScriptEngine(FUNCTIONS)
    engine.validate("workdays(5) != ''")
    with pytest.raises(SyntaxError):
        engine.validate("> 5")
    with pytest.raises(ExpressionRefused):
        engine.validate("__import__('os')")
    # Some SpiffWorkflow paths call environment.evaluate directly; they must be restricted too.
    assert engine.environment.evaluate("a + b", {"a": 1}, {"b": 2}) == 3
    with pytest.raises(ExpressionRefused):
        engine.environment.evaluate("open('/etc/passwd')", {})
    data = {"a": 1}
    assert engine.environment.execute("b = a + 1", data) is True
    assert data == {"a": 1, "b": 2}


def test_service_calls_are_not_supported() -> None:
    workflow = _workflow(3)
    task = workflow.get_tasks(state=TaskState.READY)[0]
    with pytest.raises(WorkflowTaskException, match="not supported"):
        RestrictedScriptEngine().call_service(task, operation_name="x", operation_params={})
