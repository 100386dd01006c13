"""Chinese words for the status codes and pause kinds that error messages name.

Messages reach window staff, departments and supervisors; they read 已办结, not `completed`.
An unknown code is shown as it is, so a new status never breaks a message.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["DECISION_STATUS_ZH", "INSTANCE_STATUS_ZH", "PAUSE_KIND_ZH", "SHORTFALL_STATUS_ZH",
           "TASK_STATUS_ZH", "in_words"]

TASK_STATUS_ZH = {"ready": "待办理", "claimed": "办理中", "completed": "已办结", "cancelled": "已取消"}
INSTANCE_STATUS_ZH = {"running": "办理中", "suspended": "已暂停", "completed": "已办结",
                      "incident": "发生故障", "withdrawn": "已撤回"}
DECISION_STATUS_ZH = {"pending": "待审批", "approved": "已批准", "refused": "已驳回"}
"""Extension and transfer requests."""
SHORTFALL_STATUS_ZH = {"open": "待补齐", "supplied": "已补齐", "missed": "逾期未补齐"}
PAUSE_KIND_ZH = {"correction": "补正材料", "hearing": "听证", "survey": "现场勘查", "tendering": "招标",
                 "expert_review": "专家评审", "public_notice": "公示"}


def in_words(words: Mapping[str, str], code: str | None) -> str:
    """Return the Chinese word for `code`, or the code itself when there is none."""
    if code is None:
        return ""
    return words.get(code, code)
