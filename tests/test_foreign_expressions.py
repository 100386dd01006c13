"""A condition written for another engine (JUEL `${...}`, FEEL `= ...`, XPath) is refused with what to
write instead, and the suggested Python deploys once pasted in.
"""

from __future__ import annotations

import pytest

from bpmn.foreign_expressions import foreign_expression, python_suggestion
from tests.bpmn_builder import definitions, process_xml
from tests.conftest import Api
from tests.test_definitions_api import deploy


def _gateway_diagram(condition: str) -> bytes:
    cond = condition.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    body = (
        '<bpmn:startEvent id="start"/>'
        '<bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="review"/>'
        '<bpmn:userTask id="review" name="审查"/>'
        '<bpmn:sequenceFlow id="f1" sourceRef="review" targetRef="gate"/>'
        '<bpmn:exclusiveGateway id="gate" default="f_no"/>'
        f'<bpmn:sequenceFlow id="f_yes" sourceRef="gate" targetRef="yes"><bpmn:conditionExpression>{cond}'
        '</bpmn:conditionExpression></bpmn:sequenceFlow>'
        '<bpmn:sequenceFlow id="f_no" sourceRef="gate" targetRef="no"/>'
        '<bpmn:endEvent id="yes" name="通过"/><bpmn:endEvent id="no" name="不通过"/>')
    return definitions(process_xml("foreign_conditions", body, {"sthj": ["start", "review", "gate", "yes", "no"]}))


@pytest.mark.parametrize(("written", "language", "python"), [
    ("${approved}", "JUEL", "approved"),
    ("${decision == 'approve'}", "JUEL", "decision == 'approve'"),
    ("#{amount > 1000 && !urgent}", "JUEL", "amount > 1000 and not urgent"),
    ("${level eq 'red' || escalated}", "JUEL", "level == 'red' or escalated"),
    ('= decision = "approve"', "FEEL", 'decision == "approve"'),
    ("= approved", "FEEL", "approved"),
    ("= amount >= 100 and flag = true", "FEEL", "amount >= 100 and flag == True"),
    ("bpmn:getDataObject('clarified') = 'yes'", "XPath", "clarified == 'yes'"),
    ("not(bpmn:getDataObject('approved'))", "XPath", "not(approved)"),
])
def test_simple_juel_and_feel_forms_have_a_python_twin(written: str, language: str, python: str) -> None:
    found = foreign_expression(written)
    assert found is not None and found[0] == language
    assert python_suggestion(*found) == python


@pytest.mark.parametrize("python", ["approved", "decision == 'approve'", "a == b", "x >= 1", "not (a != b)"])
def test_python_is_not_taken_for_a_foreign_language(python: str) -> None:
    assert foreign_expression(python) is None


def test_the_language_attribute_names_the_language() -> None:
    feel = "https://www.omg.org/spec/DMN/20191111/FEEL/"
    assert foreign_expression('Vacation Approval = "Approved"', feel) == ("FEEL", 'Vacation Approval = "Approved"')
    assert foreign_expression("= approved", feel) == ("FEEL", "approved")
    assert foreign_expression("approved", None) is None


def test_a_juel_condition_is_refused_with_the_python_to_write(api: Api) -> None:
    r = deploy(api, _gateway_diagram("${decision == 'approve'}"))
    assert r.status_code == 422, r.get_json()
    [problem] = r.get_json()["error"]["details"]["problems"]
    assert problem["element"] == "f_yes"
    assert "JUEL 表达式" in problem["message"] and "可改为：decision == 'approve'" in problem["message"]
    assert "只执行 Python 表达式" in problem["message"]
    assert "syntax" not in problem["message"]


def test_the_suggested_python_deploys(api: Api) -> None:
    assert deploy(api, _gateway_diagram("decision == 'approve'")).status_code == 201


def test_a_complex_foreign_condition_gets_the_explanation_without_a_guess(api: Api) -> None:
    r = deploy(api, _gateway_diagram("${execution.getVariable('a').size() > 0}"))
    assert r.status_code == 422
    message = r.get_json()["error"]["details"]["problems"][0]["message"]
    assert "JUEL" in message and "例如 approved == True" in message and "可改为" not in message
