"""Check a BPMN file before it is deployed: lint against the centre's departments, then parse it.

Pure checks and parsing (nothing is stored); DeployDefinitionCommand (engine/commands/deployment.py)
runs them and stores the versions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from lxml import etree
from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnParser, BpmnValidator
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.exceptions import SpiffWorkflowException

from bpmn.assignments import AssignmentOutcome
from bpmn.lint import executable_processes, lint_definitions
from bpmn.task_forms import read_task_forms
from bpmn.warning_settings import read_warning_settings

from .exceptions import InvalidError, Problem
from .scripting import check_expression, check_script

if TYPE_CHECKING:
    from .runtime import EngineRuntime

__all__ = ["ParsedProcess", "check_lint", "parse_processes"]

_VALIDATOR: BpmnValidator | None = None


class ParsedProcess(NamedTuple):
    """One executable process of a file, as SpiffWorkflow parsed it."""

    key: str
    name: str
    spec: object
    subprocess_specs: dict
    warning_settings: dict | None
    task_forms: dict | None


def check_lint(root: etree._Element, runtime: EngineRuntime, assignment: AssignmentOutcome,
               condition_rewrites: list[dict[str, str]] | None = None) -> None:
    """Lint the diagram: tasks resolve to known departments, expressions and scripts pass the checker.

    When lanes are what stops it, the refusal lists the lane names no rule resolved
    (`details.unknown_lanes`) so the designer page can offer a department for each; when foreign
    conditions are, the rewrites on offer (`details.condition_rewrites`).
    """
    functions = tuple(runtime.expression_functions())
    problems = lint_definitions(
        root, assignment=assignment,
        check_expression=lambda src: check_expression(src, functions),
        check_script=lambda src: check_script(src, functions),
        max_loop=runtime.budget.max_instances,
    )
    if problems:
        details: dict[str, object] = {}
        if assignment.unknown_lanes:
            details["unknown_lanes"] = assignment.unknown_lanes
        if condition_rewrites:
            details["condition_rewrites"] = condition_rewrites
        raise InvalidError("流程图未通过发布前检查，请按图中标记修改",
                           [Problem(p.message, p.element, p.line) for p in problems], **details)


def _validator() -> BpmnValidator:
    global _VALIDATOR
    if _VALIDATOR is None:  # the XSD takes a while to load; keep it for the process
        _VALIDATOR = BpmnValidator()
    return _VALIDATOR


def parse_processes(root: etree._Element, filename: str) -> list[ParsedProcess]:
    """Parse each executable process with SpiffWorkflow, turning every failure into a 422 problem."""
    parser = BpmnParser(validator=_validator())
    try:
        parser.add_bpmn_xml(etree.ElementTree(root), filename=filename)
        out = []
        for process in executable_processes(root):
            pid = process.get("id")
            spec = parser.get_spec(pid)
            out.append(ParsedProcess(pid, process.get("name") or pid, spec, parser.get_subprocess_specs(pid),
                                     read_warning_settings(process)[0] or None,
                                     read_task_forms(process)[0] or None))
        return out
    except ValidationException as exc:
        line = exc.line_number if isinstance(exc.line_number, int) else None
        raise InvalidError("流程图不是有效的 BPMN 文件",
                           [Problem(str(exc).splitlines()[0][:500], exc.id or None, line)]) from None
    except (SpiffWorkflowException, etree.LxmlError, KeyError, ValueError, TypeError, AttributeError,
            IndexError) as exc:
        # SpiffWorkflow's parser raises plain Python errors on some malformed inputs.
        msg = f"流程图无法执行：{type(exc).__name__}: {exc}"[:500]
        raise InvalidError("流程图无法执行", [Problem(msg)]) from None
