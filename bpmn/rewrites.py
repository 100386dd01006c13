"""A change deployment made to the designer's diagram, recorded so the deploy answer can show it.

Deployment keeps a diagram byte for byte unless the designer's tool said something OneWindow can
express in its own terms: a `camunda:dueDate` becomes a deadline timer, a simple JUEL or FEEL
condition (once the designer accepted the preview) becomes Python. Each such change is one Rewrite.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Rewrite"]


@dataclass(frozen=True)
class Rewrite:
    """`kind` is due_date or condition; `before` and `after` are the texts as written and as stored."""

    element: str
    kind: str
    before: str
    after: str
