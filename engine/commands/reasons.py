"""The reasons commands require: a clock stop, a request for time or a transfer, and a refusal must say why.

The request → pending → decide commands (extensions, transfers) check a decision's reason with the
same rule, `decision_reason_problems`.
"""

from __future__ import annotations

from ..exceptions import Problem

__all__ = ["MAX_REASON", "decision_reason_problems", "reason_problems"]

MAX_REASON = 2000


def reason_problems(reason: str | None, field_name: str = "reason") -> list[Problem]:
    """A stop or a request about time or remit must say why, in a bounded text."""
    if reason is None or not reason.strip():
        return [Problem("请填写理由", field=field_name)]
    if len(reason) > MAX_REASON:
        return [Problem(f"理由不能超过 {MAX_REASON} 个字符", field=field_name)]
    return []


def decision_reason_problems(approve: bool, reason: str | None) -> list[Problem]:
    """A refusal must state its reason; an approval may give one, bounded like any reason."""
    if reason is None or not reason.strip():
        return [] if approve else [Problem("不同意时须写明理由", field="reason")]
    return reason_problems(reason)
