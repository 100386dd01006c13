"""The lead department's stage board: every application at a stage it leads, co-reviewers in one row."""

from __future__ import annotations

from flask import Blueprint

from .rendering import render_page

bp = Blueprint("board_page", __name__)

STRINGS_ZH = {
    "title": "牵头部门看板",
    "empty": "目前没有由本部门牵头的在办项目。",
    "project": "项目",
    "stage": "阶段",
    "co_reviewers": "并联审查部门",
    "not_reached": "未开始",
    "opinions": "汇总意见",
    "no_opinion": "（无意见）",
    "waiting": "等待 {n} 个部门出具意见后方可作出阶段决定。",
    "decide_title": "阶段决定",
    "decision_label": "决定",
    "approve": "准予通过",
    "refuse": "不予通过",
    "opinion": "决定意见",
    "decide": "作出决定",
    "decided": "已作出决定。",
    "remind": "催办",
    "reminded": "已催办，记录已写入办理记录。",
    "remind_note": "请尽快出具审查意见。",
    "late": "已超期",
    "pending_extension": "已申请延期 {days} 个工作日，待该部门负责人审批",
    "pending_extension_reason": "申请理由：{reason}（{at}）",
    "open_work": "办理页",
    "incident_line": "流程运行出错（{step}）：{reason}。中心管理员已收到告警，处理前不能催办或作出决定。",
    "decided_incident": "已作出决定，但随后流程运行出错（{step}）：{reason}。"
                        "中心管理员已收到告警，处理后流程将继续。",
}


@bp.route("/board")
def board() -> str:
    """Render the board shell; its module reads /api/instances/lead-board and acts through /api/tasks."""
    return render_page("ui/board.html", STRINGS_ZH)
