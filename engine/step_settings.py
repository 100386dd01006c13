"""What a deployed diagram says about its user tasks beyond BPMN, kept together per version.

Warning thresholds (`ow:warning`) and declared decisions (`ow:choice`, `ow:opinion`) are both stored on
the definition row; reading them as one value means a process reads that row once for both, and a
version never changes once deployed, so the answer is kept for the process's life.
"""

from __future__ import annotations

from typing import Any, NamedTuple

__all__ = ["StepSettings"]


class StepSettings(NamedTuple):
    """Per user task id: its warning thresholds, and its declared choices and opinion."""

    warnings: dict[str, Any]
    forms: dict[str, Any]
