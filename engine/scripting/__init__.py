"""Sandboxed evaluation of untrusted BPMN expressions and scripts, and the SpiffWorkflow engine using it."""

from .restricted import (
    ExpressionError,
    ExpressionFailed,
    ExpressionRefused,
    ExpressionSyntaxError,
    check_expression,
    check_script,
    evaluate,
    execute,
)
from .script_engine import RestrictedEnvironment, RestrictedScriptEngine

__all__ = [
    "ExpressionError",
    "ExpressionFailed",
    "ExpressionRefused",
    "ExpressionSyntaxError",
    "RestrictedEnvironment",
    "RestrictedScriptEngine",
    "check_expression",
    "check_script",
    "evaluate",
    "execute",
]
