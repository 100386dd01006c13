"""Render a page inside the shared layout, with its own strings handed to both Jinja and the ES modules.

Every page keeps its Simplified Chinese strings in one dict (`STRINGS_ZH` in its module) so an English
catalogue can follow later; COMMON_ZH holds what the layout and the API client need on every page.
"""

from __future__ import annotations

from typing import Any

from flask import render_template

from engine.models import ROLE_NAMES

from ..field_limits import FORM_LIMITS

__all__ = ["COMMON_ZH", "page_strings", "render_page"]

COMMON_ZH: dict[str, Any] = {
    "site": "一窗受理 · 并联审批",
    "logout": "退出登录",
    "login": "工作人员登录",
    "track": "进度查询",
    "loading": "加载中…",
    "nav_label": "导航",
    "zoom_in": "放大", "zoom_out": "缩小", "zoom_fit": "适应", "show_diagram": "查看流程图",
    "nav": {"window": "窗口受理", "worklist": "部门待办", "board": "牵头部门看板", "track": "进度查询",
            "supervision": "电子监察", "designer": "流程设计", "admin": "系统管理",
            "inquiry_desk": "查询登记", "catalogue": "事项清单", "commitments": "公开承诺",
            "supervised": "督办与预警", "registrations": "本窗口办件"},
    "roles": dict(ROLE_NAMES),
    # Readable texts for the API's error codes; the API's own message is shown when none fits better.
    "errors": {
        "network": "无法连接服务器，请检查网络后重试。",
        "unauthorized": "登录已失效，请重新登录。",
        "forbidden": "您没有权限执行此操作。",
        "not_found": "未找到相关记录。",
        "conflict": "操作与当前状态冲突，请刷新后重试。",
        "invalid": "填写的内容有误，请按提示修改。",
        "bad_request": "填写的内容有误，请按提示修改。",
        "too_many_requests": "操作过于频繁，请稍后再试。",
        "error": "操作失败，请稍后重试。",
        "required": "此项为必填项。",
    },
    "warning": {"green": "正常", "yellow": "黄牌预警", "red": "红牌预警", "escalated": "已升级督办",
                "incident": "故障"},
    "state": {"pending": "待办理", "ready": "待办理", "in_progress": "办理中", "claimed": "办理中",
              "completed": "已完成", "cancelled": "已取消", "paused": "暂停计时", "overdue": "已超期",
              "not_reached": "未到达", "running": "办理中", "suspended": "已暂停", "failed": "异常",
              "withdrawn": "已撤回", "incident": "故障"},
    "decision": {"approve": "同意", "refuse": "不同意", "reject": "不同意", "not_approve": "不同意",
                 "return": "退回"},
    "pause_kind": {"correction": "补正材料", "hearing": "听证", "survey": "现场勘查", "tendering": "招标",
                   "expert_review": "专家评审", "public_notice": "公示"},
    "days_left": "剩余 {n} 个工作日",
    "days_over": "已超期 {n} 个工作日",
    # Beside the item state, which stays 部门开始办理 while departments are late.
    "overdue_departments": "{n} 个部门已超期",
    "due_today": "今日到期",
    "watermark_note": "流程图由 bpmn.io 绘制",
    # A due time reckoned over a year whose holiday notice is not out yet (the API's `provisional`).
    "provisional": "暂定",
    "provisional_note": "{year}年节假日安排尚未发布，按法定节假日暂算",
    "provisional_notice": "标有“暂定”的办理时限：{note}，正式安排发布后将自动重新计算。",
    # An instance an error in its diagram stopped (the API's `incident`), told in words staff understand.
    "incident_reason": {"expression": "条件“{expr}”无法计算", "script": "脚本执行出错",
                        "missing": "缺少数据“{name}”", "type": "数据类型不符", "unknown": "流程运行出错"},
    "incident_step": "出错环节",
    # Who did it, when no person did: the system accounts that write history (Actor.system names).
    "actors": {"setup": "系统初始化", "timer": "系统计时", "warning": "系统预警",
               "supervision": "电子监察系统", "shortfall": "系统计时", "engine": "流程引擎",
               "video": "视频监控", "complaints": "投诉系统", "applicant": "申请人"},
    # A complaint staff type in for someone who phoned or came in (the window's and the bureau's pages).
    "complaint_intake": {"title": "代为登记投诉",
                         "hint": "来电、来访或在窗口当面反映的投诉，由工作人员代为登记；"
                                 "投诉人凭投诉编号查询办理进度和答复。",
                         "query_code": "被投诉办件的查询码", "text": "投诉内容",
                         "name": "投诉人姓名（可不填）",
                         "contact": "联系方式（仅监察局可见）", "department": "被投诉部门",
                         "department_guess": "按办件进度推定", "submit": "登记投诉",
                         "filed": "已登记，投诉编号 {code}，请告知投诉人凭此编号查询。", "open": "查看投诉"},
    # Transfer requests (转办) on the lead's board and the bureau's orders page.
    "transfers": {"title": "待审批的转办申请", "line": "{from}申请转给{to}（{by}，{at}）",
                  "reason": "理由：{reason}", "refuse_reason": "不同意的理由（不同意时必填）",
                  "approve": "同意转给{to}", "refuse": "不同意"},
    "incident_detail": "技术信息",
}


def page_strings(strings: dict[str, Any]) -> dict[str, Any]:
    """Overlay a page's strings on COMMON_ZH."""
    return {**COMMON_ZH, **strings}


def render_page(template: str, strings: dict[str, Any], **context: Any) -> str:
    """Render `template` with `t` (common strings overlaid by the page's own) and the field limits."""
    return render_template(template, t=page_strings(strings), limits=FORM_LIMITS, **context)
