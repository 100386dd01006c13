"""SpiffWorkflow script engine running every BPMN expression and script through the restricted interpreter."""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Callable, Mapping
from typing import Any

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine.python_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

from ..engine_budget import check_budget, check_instances
from .restricted import ExpressionError, ExpressionRefused, ExpressionSyntaxError, evaluate, execute
from .restricted_check import checked_tree

__all__ = ["RestrictedEnvironment", "RestrictedScriptEngine"]

_MAX_QUOTED = 200


def _quoted(source: str) -> str:
    """Shorten a source for an error message."""
    return source if len(source) <= _MAX_QUOTED else source[:_MAX_QUOTED - 3] + "..."


def _line_of(script: str, line: int | None) -> str:
    """Return the script line an error happened on, for SpiffWorkflow's error report."""
    lines = script.splitlines()
    return lines[line - 1] if line and 0 < line <= len(lines) else ""


class RestrictedEnvironment(BasePythonScriptEngineEnvironment):
    """The environment SpiffWorkflow uses directly, restricted like the engine's own methods.

    Some SpiffWorkflow code (process completion conditions, message correlations) evaluates through
    the environment rather than the script engine; those paths must not escape the restrictions.
    """

    def __init__(self, functions: Mapping[str, Callable[..., Any]], max_steps: int, timeout: float) -> None:
        super().__init__({})
        self.functions = functions
        self.max_steps = max_steps
        self.timeout = timeout

    def evaluate(self, expression: str, context: Mapping[str, Any],
                 external_context: Mapping[str, Any] | None = None) -> Any:
        """Evaluate with task data first and the external context (data objects) behind it."""
        names = ChainMap(context, external_context) if external_context else context
        return evaluate(expression, names, self.functions, max_steps=self.max_steps, timeout=self.timeout)

    def execute(self, script: str, context: dict[str, Any],
                external_context: Mapping[str, Any] | None = None) -> bool:
        """Run a script writing into the task data; True like TaskDataEnvironment.execute."""
        execute(script, context, self.functions, max_steps=self.max_steps, timeout=self.timeout,
                external=external_context or None)
        return True

    def call_service(self, context: Mapping[str, Any], **kwargs: Any) -> Any:
        """Service tasks would reach outside the sandbox, so they are not supported."""
        raise ExpressionRefused("service tasks are not supported")


class RestrictedScriptEngine(PythonScriptEngine):
    """Script engine for untrusted diagrams: no eval/exec, only the whitelisted interpreter."""

    def __init__(self, functions: Mapping[str, Callable[..., Any]] | None = None,
                 max_steps: int = 10_000, timeout: float = 0.5) -> None:
        self.functions: dict[str, Callable[..., Any]] = dict(functions or {})
        self.max_steps = max_steps
        self.timeout = timeout
        super().__init__(environment=RestrictedEnvironment(self.functions, max_steps, timeout))

    def validate(self, expression: str) -> None:
        """Raise SyntaxError (as DMN expects) or ExpressionRefused for an unusable expression."""
        try:
            checked_tree(expression, "eval", frozenset(self.functions))
        except ExpressionSyntaxError as err:
            raise SyntaxError(str(err)) from err

    def evaluate(self, task: Any, expression: str, external_context: Mapping[str, Any] | None = None) -> Any:
        """Evaluate against the task data; failures mark the task as errored in SpiffWorkflow."""
        check_budget()
        try:
            value = self.environment.evaluate(expression, task.data, external_context)
        except ExpressionError as err:
            message = f"Error evaluating expression '{_quoted(expression)}': {err}"
            raise WorkflowTaskException(message, task=task, exception=err) from err
        if expression == getattr(task.task_spec, "cardinality", None):
            check_instances(value)  # before SpiffWorkflow creates that many instances
        return value

    def execute(self, task: Any, script: str, external_context: Mapping[str, Any] | None = None) -> bool:
        """Run a script task against the task data; True on success like the base engine."""
        check_budget()
        try:
            return self.environment.execute(script, task.data, external_context)
        except ExpressionError as err:
            raise WorkflowTaskException(f"Error executing script: {err}", task=task, exception=err,
                                        line_number=err.line, error_line=_line_of(script, err.line)) from err

    def call_service(self, task: Any, **kwargs: Any) -> Any:
        """Service tasks are not supported: they would call out of the sandbox."""
        raise WorkflowTaskException("service tasks are not supported by the restricted script engine",
                                    task=task)
