"""The data keys a diagram's scripts write, and the keys a process declares shared (`ow:shared`).

Read by the lint (two lanes writing one key must declare it shared) and by the engine, which stops a
department from overwriting a key that another department's script or completion wrote.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

from lxml import etree

from .warning_settings import OW_NS

__all__ = ["assigned_names", "declared_shared"]

_B = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"


def assigned_names(script: str) -> set[str]:
    """Top-level names a (restricted) script assigns; a script that does not parse assigns none."""
    try:
        tree = ast.parse(script or "")
    except SyntaxError:
        return set()
    names: set[str] = set()
    for node in ast.walk(tree):
        targets: Iterable[ast.expr] = ()
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        for target in targets:
            names |= _written(target)
    return names


def _written(target: ast.expr) -> set[str]:
    """The data key an assignment target changes: `x`, each of `a, b`, and `x` in `x["k"] = …`."""
    if isinstance(target, ast.Name):
        return {target.id}
    if isinstance(target, (ast.Tuple, ast.List)):
        return set().union(*(_written(e) for e in target.elts))
    if isinstance(target, (ast.Subscript, ast.Attribute, ast.Starred)):
        return _written(target.value)
    return set()


def declared_shared(process: etree._Element) -> set[str]:
    """Keys a process declares shared with `ow:shared keys="…"` (space- or comma-separated)."""
    keys: set[str] = set()
    for element in process.iterchildren(f"{_B}extensionElements"):
        for shared in element.iterchildren(f"{{{OW_NS}}}shared"):
            keys |= {k for k in (shared.get("keys") or "").replace(",", " ").split() if k}
    return keys
