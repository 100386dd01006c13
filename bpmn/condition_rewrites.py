"""Simple JUEL and FEEL conditions rewritten into Python, when the designer has seen the preview.

A diagram from Camunda or Flowable routes with `${approved}` or `= decision = "approve"`. The lint
names such conditions and refuses them; for the simple forms (bpmn.foreign_expressions.simple_rewrite)
the refusal also offers the rewrite, each condition with its before and after. The designer accepts
the preview and deploys again asking for it; only then is the diagram changed, and the deploy
answer lists every condition rewritten.
"""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree

from .elements import owner_id
from .foreign_expressions import foreign_expression, simple_rewrite
from .rewrites import Rewrite

__all__ = ["condition_rewrites"]

_B = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
_CONDITIONS = (f"{_B}conditionExpression", f"{_B}condition")


def condition_rewrites(root: etree._Element, check_expression: Callable[[str], list[str]],
                       apply: bool) -> list[Rewrite]:
    """The rewrites the simple foreign conditions allow (made in `root` when `apply`).

    A rewrite is offered only when the Python passes the same checker the lint uses, so accepting
    the preview cannot trade one refusal for another.
    """
    found: list[Rewrite] = []
    for process in root.iterchildren(f"{_B}process"):
        if process.get("isExecutable") != "true":
            continue
        for node in process.iter(*_CONDITIONS):
            text = (node.text or "").strip()
            foreign = foreign_expression(text, node.get("language"))
            if not text or foreign is None:
                continue
            python = simple_rewrite(*foreign)
            if python is None or check_expression(python):
                continue
            owner = owner_id(node) or ""
            found.append(Rewrite(owner, "condition", text, python))
            if apply:
                node.text = python
                node.attrib.pop("language", None)
    return found
