"""Typed engine errors; the API maps each class to one HTTP status."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeVar

E = TypeVar("E", bound=BaseException)

__all__ = [
    "ConflictError",
    "EngineError",
    "ForbiddenError",
    "InvalidError",
    "NotFoundError",
    "Problem",
    "RetryableConflict",
    "find_cause",
]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, pointing at where it is (line, element or field)."""

    message: str
    element: str | None = None
    line: int | None = None
    field: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """Return the JSON shape clients receive, without empty keys."""
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass
class EngineError(Exception):
    """Base of every error a caller can act on; `code` is a stable machine-readable slug."""

    message: str
    code: str = "error"
    details: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.message


class NotFoundError(EngineError):
    """The thing named does not exist (or the caller may not know it exists)."""

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message, "not_found", details)


class ForbiddenError(EngineError):
    """The caller is known but may not do this."""

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message, "forbidden", details)


class ConflictError(EngineError):
    """The action does not fit the current state (e.g. completing a completed task)."""

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message, "conflict", details)


class InvalidError(EngineError):
    """The input is well-formed but wrong; carries every problem found at once."""

    def __init__(self, message: str, problems: list[Problem] | None = None, **details: Any) -> None:
        payload = dict(details)
        if problems is not None:
            payload["problems"] = [p.as_dict() for p in problems]
        super().__init__(message, "invalid", payload)
        self.problems = problems or []


class RetryableConflict(Exception):
    """Another writer changed the instance first; the executor retries the whole command."""


def find_cause(exc: BaseException, kind: type[E]) -> E | None:
    """Find an exception of `kind` behind `exc`: SpiffWorkflow wraps what a task raises, sometimes twice."""
    seen: set[int] = set()
    stack: list[Any] = [exc]
    while stack:
        current = stack.pop()
        if not isinstance(current, BaseException) or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, kind):
            return current
        stack += [current.__cause__, current.__context__, getattr(current, "error", None),
                  getattr(current, "exception", None)]
    return None
