"""National item-state codes (办件状态 BLZT) derived from our rows, as pure functions.

The data-exchange platform and the applicant read one code per item and per department step; we
derive it from status, clock stops, the outcome and the 容缺 shortfall instead of storing it, so it
can never disagree with the rows it describes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from .models import OPEN_TASK_STATUSES, REFUSING_DECISIONS, Instance, TaskRecord

__all__ = ["BLZT_NAMES", "SPECIAL_PROCEDURES", "instance_state_code", "is_refusal", "passed_with_shortfall",
           "task_state_code"]

BLZT_NAMES = {
    1: "已接件", 2: "已撤件", 3: "已受理", 4: "不受理", 5: "不予受理", 6: "补正告知", 7: "补正受理",
    8: "部门开始办理", 9: "特别程序开始", 10: "特别程序结束", 11: "办结（通过）", 12: "办结（容缺通过）",
    13: "办结（不予通过）", 14: "撤回", 15: "撤销",
}
"""Chinese names of the codes, as the exchange standard's code list reads."""

SPECIAL_PROCEDURES = frozenset({"hearing", "survey", "tendering", "expert_review", "public_notice"})
"""Pause kinds that are a special procedure (特别程序, code 9); `correction` is code 6."""

_REFUSAL_WORDS = frozenset({"refused", "refuse", "rejected", "reject", "not", "denied", "deny"})
OPEN_SHORTFALL_STATES = ("open", "missed")


def _paused_code(pause_kind: str | None) -> int | None:
    """Map a clock stop to its code: 6 for a correction, 9 for a special procedure."""
    if pause_kind == "correction":
        return 6
    if pause_kind in SPECIAL_PROCEDURES:
        return 9
    return None


def is_refusal(outcome: dict[str, Any] | None) -> bool:
    """Tell a 'not passed' end event by its id (end_refused, end_not_approved) or its name (不予通过)."""
    if not outcome:
        return False
    words = set(re.split(r"[^a-z]+", str(outcome.get("end_event") or "").lower()))
    return bool(words & _REFUSAL_WORDS) or "不" in str(outcome.get("name") or "")


def passed_with_shortfall(instance: Instance, shortfall_status: str | None) -> bool:
    """办结·容缺通过: approved while the promised documents were still outstanding (open or missed)."""
    return (instance.status == "completed" and not is_refusal(instance.outcome)
            and shortfall_status in OPEN_SHORTFALL_STATES)


def task_state_code(row: TaskRecord) -> int | None:
    """Code of one department step: 8 handling, 6/9 clock stopped, 11/13 decided; none when cancelled."""
    if row.status in OPEN_TASK_STATUSES:
        return _paused_code(row.pause_kind) or 8
    if row.status == "completed":
        decision = (row.submission or {}).get("decision")
        return 13 if decision in REFUSING_DECISIONS else 11
    return None


def instance_state_code(instance: Instance, tasks: Iterable[TaskRecord],
                        shortfall_status: str | None = None) -> int | None:
    """Code of the whole application.

    Running: 6 while the window's correction notice stands, 9 while every open step is in a
    special procedure, else 8 (a failed or suspended instance is still with the departments as far
    as the applicant knows). Completed: 13 refused, 12 approved with an outstanding shortfall, 11.
    """
    if instance.status == "withdrawn":
        return 14
    if instance.status == "completed":
        if is_refusal(instance.outcome):
            return 13
        return 12 if passed_with_shortfall(instance, shortfall_status) else 11
    code = _paused_code(instance.pause_kind)
    if code is not None:
        return code
    open_kinds = [t.pause_kind for t in tasks if t.status in OPEN_TASK_STATUSES]
    if open_kinds and all(kind in SPECIAL_PROCEDURES for kind in open_kinds):
        return 9
    return 8
