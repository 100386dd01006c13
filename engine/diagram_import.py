"""Read a diagram as its modeler meant it, then lint it: the steps before a deploy stores a version.

Diagrams come from our designer page and from other tools (Camunda Modeler, Flowable, spiff-arena).
Before the lint decides, deployment resolves each task's department (bpmn.assignments), turns a
clean `dueDate` into a deadline timer (bpmn.vendor_attributes), rewrites simple JUEL/FEEL
conditions when the designer asked for it after the preview (bpmn.condition_rewrites), and collects
warnings for the vendor settings that are not followed. What was changed is reported, never hidden.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lxml import etree

from bpmn.assignments import Assignment, assign_departments
from bpmn.condition_rewrites import condition_rewrites
from bpmn.rewrites import Rewrite
from bpmn.vendor_attributes import honour_due_dates, vendor_warnings

from .definition_checks import check_lint
from .scripting import check_expression

if TYPE_CHECKING:
    from .runtime import EngineRuntime

__all__ = ["PreparedDiagram", "prepare_diagram"]

DeployWarning = tuple[str, str | None, int | None]


@dataclass(frozen=True)
class PreparedDiagram:
    """The XML to store (the upload itself unless something was rewritten) and what deployment did."""

    xml: bytes
    assignments: tuple[Assignment, ...]
    rewrites: tuple[Rewrite, ...]
    warnings: tuple[DeployWarning, ...]


def prepare_diagram(upload: bytes, root: etree._Element, departments: set[str], runtime: EngineRuntime, *,
                    lane_departments: Mapping[str, str], group_departments: Mapping[str, str],
                    rewrite_conditions: bool) -> PreparedDiagram:
    """Resolve, rewrite and lint `root` (parsed from `upload`); raise InvalidError when it may not deploy.

    A refusal caused by foreign conditions carries `details.condition_rewrites`, the preview of the
    rewrites the designer can accept by deploying again with rewrite_conditions.
    """
    functions = tuple(runtime.expression_functions())
    assignment = assign_departments(root, departments, lane_departments, group_departments)
    due_rewrites, due_warnings = honour_due_dates(root)
    checked = condition_rewrites(root, lambda src: check_expression(src, functions), apply=rewrite_conditions)
    offered = [] if rewrite_conditions else checked
    preview = [{"element": r.element, "before": r.before, "after": r.after} for r in offered]
    check_lint(root, runtime, assignment, condition_rewrites=preview)
    rewrites = tuple(due_rewrites) + (tuple(checked) if rewrite_conditions else ())
    changed = assignment.rewritten or bool(rewrites)
    xml = etree.tostring(root.getroottree(), xml_declaration=True, encoding="UTF-8") if changed else upload
    return PreparedDiagram(xml, tuple(assignment.assignments), rewrites,
                           tuple(assignment.warnings) + tuple(due_warnings) + tuple(vendor_warnings(root)))
