"""Lanes whose department is chosen while the process runs (`{data_key}` lanes).

Most diagrams name a department per lane. Some work goes to a department that only the case
decides: a public inquiry is answered by the department whose remit it is, and the next department
of a joint answer is picked by the one before it. Such a lane is named after the data key that
holds the department code, in braces (`{answer_department}`); each task of the lane belongs to the
department the key names at the moment the task becomes ready.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

__all__ = ["dynamic_lane_key", "lane_department"]

_DYNAMIC = re.compile(r"^\{([A-Za-z_][A-Za-z0-9_]{0,63})\}$")


def dynamic_lane_key(lane: str | None) -> str | None:
    """The data key a `{data_key}` lane reads its department from; None for a department's own lane."""
    match = _DYNAMIC.match((lane or "").strip())
    return match.group(1) if match else None


def lane_department(lane: str | None, data: Mapping[str, Any]) -> str:
    """The department a task of `lane` belongs to, given the task's data when it becomes ready.

    A `{data_key}` lane whose key holds no text yields "": the task belongs to no department and no
    one can act on it, rather than landing with a wrong one. A diagram must therefore gate on the key
    before the lane (public_inquiry.bpmn sends a question with no department to the 政府办 first).
    """
    key = dynamic_lane_key(lane)
    if key is None:
        return lane or ""
    value = data.get(key)
    return value.strip() if isinstance(value, str) else ""
