"""Sandboxed evaluation of untrusted BPMN expressions and scripts, without Python eval or exec.

Sources are parsed with `ast`, checked against a whitelist once (cached per source text) and
run by a small tree-walking interpreter that counts steps, watches the clock and bounds the
size of everything it builds. See restricted_check (what is allowed) and restricted_eval (how
it runs).
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from .restricted_check import (
    ExpressionError,
    ExpressionFailed,
    ExpressionRefused,
    ExpressionSyntaxError,
    checked_tree,
    find_problems,
)
from .restricted_eval import Interpreter

__all__ = [
    "ExpressionError",
    "ExpressionFailed",
    "ExpressionRefused",
    "ExpressionSyntaxError",
    "check_expression",
    "check_script",
    "evaluate",
    "execute",
]


def check_expression(source: str, functions: Iterable[str]) -> list[str]:
    """List what is wrong with an expression, so uploads are rejected before they ever run."""
    return list(find_problems(source, "eval", frozenset(functions)))


def check_script(source: str, functions: Iterable[str]) -> list[str]:
    """List what is wrong with a script (statements), so uploads are rejected before they run."""
    return list(find_problems(source, "exec", frozenset(functions)))


def evaluate(source: str, names: Mapping[str, Any], functions: Mapping[str, Callable[..., Any]], *,
             max_steps: int = 10_000, timeout: float = 0.5) -> Any:
    """Evaluate an untrusted expression against `names` (read only) and return a JSON-like value."""
    tree = checked_tree(source, "eval", frozenset(functions))
    assert isinstance(tree, ast.Expression)
    interpreter = Interpreter(functions, max_steps=max_steps, timeout=timeout)
    return interpreter.run_expression(tree, names)


def execute(source: str, data: dict[str, Any], functions: Mapping[str, Callable[..., Any]], *,
            max_steps: int = 10_000, timeout: float = 0.5,
            external: Mapping[str, Any] | None = None) -> None:
    """Run an untrusted script whose assignments write into `data` in place, all or nothing.

    `external` holds extra read-only names (looked up after `data`), e.g. BPMN data objects.
    On failure `data` is left exactly as it was.
    """
    tree = checked_tree(source, "exec", frozenset(functions))
    assert isinstance(tree, ast.Module)
    interpreter = Interpreter(functions, max_steps=max_steps, timeout=timeout)
    interpreter.run_script(tree, data, external)
