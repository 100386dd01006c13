"""Department worklist: own tasks by due date with warning colours, and one application's work page."""

from __future__ import annotations

from flask import Blueprint

from .inquiry import INQUIRY_CATEGORIES
from .rendering import render_page

bp = Blueprint("worklist_page", __name__)

STRINGS_ZH = {
    "title": "部门待办",
    "empty": "本部门暂无待办事项。",
    "total": "共 {n} 件",
    "project": "项目",
    "task": "事项",
    "status": "状态",
    "warning_level": "预警",
    "due": "办理时限",
    "countdown": "剩余时间",
    "assignee": "承办人",
    "open": "办理",
    "sort_due_asc": "办理时限 ↑",
    "sort_due_desc": "办理时限 ↓",
    "prev": "上一页",
    "next": "下一页",
    "page": "第 {page} / {pages} 页",
    "view": "查看",
    "incident_row": "流程运行出错，中心管理员已收到告警；处理前不能签收或办理。",
    "incident_cause": "故障原因：{reason}（{step}）",
    # the work page of one application
    "work_title": "办理",
    "back": "返回待办列表",
    "applicant": "申请单位",
    "query_code": "查询码",
    "my_tasks": "本部门事项",
    "claim": "签收",
    "claimed_by": "已由 {user} 签收",
    "decision_label": "审查结论",
    "approve": "同意",
    "refuse": "不同意",
    "opinion": "审查意见",
    "decision_choice": "办理决定",
    "opinion_must": "此项必填。",
    "opinion_needed_when": "选择“{choices}”时必须填写。",
    "complete": "提交办理结果",
    "pause_section": "暂停计时（特别程序）",
    "pause_kind_label": "暂停类型",
    "pause_reason": "暂停原因",
    "pause": "暂停计时",
    "resume": "恢复计时",
    "paused_since": "自 {since} 起暂停计时（{kind}）：{reason}",
    "extension_section": "申请延期",
    "extension_days": "延长工作日数",
    "extension_reason": "延期理由",
    "extension": "提交延期申请",
    "extensions": "延期申请",
    "extension_status": {"pending": "待审批", "approved": "已批准", "refused": "未批准"},
    "transfer_section": "申请转办（不属本部门职责）",
    "transfer_to": "转给",
    "transfer_reason": "转办理由",
    "transfer": "提交转办申请",
    # the whole application, as the reviewer decides on it
    "project_code": "项目代码", "investment": "总投资", "investment_value": "{yuan} 元（{wan} 万元）",
    "item_facts": "申请事项",
    "item_line": "{name}（第 {version} 版）· 承诺 {promised} 个工作日，法定 {legal} 个工作日",
    "submitted": "已提交材料", "shortfall_facts": "容缺材料",
    "shortfall_line": "{documents}（{status}，{due} 前补交）",
    "shortfall_states": {"open": "待补交", "supplied": "已补齐", "missed": "逾期未补"},
    "stops": "暂停计时与延期", "no_stops": "没有暂停计时或延期。",
    "stop_line": "{kind}：{reason}（{from} 起{to}，{days}）",
    "stop_until": "，至 {at}", "stop_running": "，仍在暂停", "stop_days": "计 {n} 个工作日",
    "extension_line": "{department}申请延期 {days} 个工作日：{reason}（{status}{decision}）",
    "opinion_of": "意见：{text}",
    "progress": "各部门办理进度（只读）",
    "department": "部门",
    "history": "办理记录",
    "diagram": "流程图",
    "saved": "已保存。",
    "incident_title": "故障：本件流程运行出错",
    "incident_notice": "出错环节：{step}；原因：{reason}。中心管理员已收到告警，处理后方可继续办理，"
                       "在此之前不能签收或提交办理结果。",
    "incident_since": "出错时间：{at}",
    "migrated_versions": "第 {from} 版 → 第 {to} 版",
    "completed_incident": "办理结果已提交，但随后流程运行出错（{step}）：{reason}。"
                          "中心管理员已收到告警，处理后流程将继续。",
    "actions": {"instance.started": "受理登记", "instance.completed": "办结", "instance.failed": "流程异常",
                "instance.paused": "一次性告知补正", "instance.resumed": "补正完成",
                "instance.retried": "故障处理后重试", "instance.incident": "流程运行出错",
                "instance.migrated": "迁移到流程新版本", "deadline.recomputed": "办理期限重算",
                "task.ready": "事项到达", "task.claimed": "签收", "task.completed": "提交办理结果",
                "task.cancelled": "事项取消", "task.paused": "暂停计时", "task.resumed": "恢复计时",
                "task.reminded": "牵头部门催办", "task.transferred": "事项移交",
                "extension.requested": "申请延期", "extension.approved": "延期已批准",
                "extension.refused": "延期未批准", "inquiry.classified": "确定问题分类",
                "pause.recounted": "暂停天数重算", "shortfall.accepted": "容缺受理",
                "shortfall.missed": "容缺材料逾期未补", "shortfall.supplied": "容缺材料已补齐",
                "task.warning": "时限预警", "timer.fired": "定时器到期",
                "transfer.requested": "申请移交", "transfer.refused": "移交未同意"},
    # complaints (投诉) the bureau handles on the work page
    "complaint_title": "投诉内容",
    "complaint_code": "投诉码",
    "complaint_about": "投诉事项",
    "complaint_about_kind": {"approval": "审批项目", "inquiry": "政务信息查询"},
    "complaint_department": "被投诉部门",
    "complainant": "投诉人",
    "complaint_channel": {"public": "群众投诉", "window": "窗口代录", "bureau": "监察局受理"},
    "complaint_detail": "投诉详情",
    # public inquiries (政务信息查询) on the work page
    "inquiry_title": "查询内容",
    "inquiry_code": "查询码",
    "inquiry_category": "问题类别",
    "inquiry_complexity": "问题分类",
    "complexity": {"general": "一般问题（5个工作日）", "complex": "重要复杂问题（10个工作日）"},
    "inquiry_channel": "来源渠道",
    "channel": {"web": "网上提问", "hotline": "96128热线", "window": "服务窗口"},
    "inquiry_question": "问题",
    "inquiry_parts": "办理经过",
    "inquiry_action_label": "办理方式",
    "inquiry_action": {"answer": "直接答复", "pass_on": "答复本部门部分并转下一部门",
                       "forward": "转政府办（非本部门职责）", "route": "分办给承办部门",
                       "refuse": "不同意转发，退回原部门"},
    "inquiry_text": {"answer": "答复内容", "pass_on": "本部门答复内容", "forward": "转发理由",
                     "route": "分办说明（可不填）", "refuse": "退回理由"},
    "inquiry_next": "下一部门",
    "inquiry_categories": INQUIRY_CATEGORIES,
    "classify_section": "问题分类（首问部门在答复前确定）",
    "classify_hint": ("问题类别可以更正；一般问题可改为重要复杂问题，"
                      "本部门和之后各部门的答复时限改为10个工作日。"),
    "classify_submit": "保存分类",
    "inquiry_next_unknown": "不清楚（交政府办分办）",
    "inquiry_route_to": "承办部门",
    "inquiry_publish": "答复可公开，收入查询信息库",
    "inquiry_submit": "提交",
    "delay_section": "不能按时答复：说明原因（将向查询人公开）",
    "delay_text": "延迟原因",
    "delay_submit": "提交说明",
    "delay_given": "已说明延迟原因：{text}",
    # the head's extension approvals on the worklist
    "approvals_title": "待审批的延期申请",
    "approvals_empty": "暂无待审批的延期申请。",
    "approval_line": "{task} · 申请延长 {days} 个工作日 · {by} · {at}",
    "approval_reason": "理由：{reason}",
    "approve_extension": "批准",
    "refuse_extension": "不批准",
    "refuse_reason": "不批准的理由",
}


@bp.route("/worklist")
def worklist() -> str:
    """Render the worklist shell; its module pages through /api/tasks for the caller's department."""
    return render_page("ui/worklist.html", STRINGS_ZH)


@bp.route("/worklist/<int:instance_id>")
def work(instance_id: int) -> str:
    """Render the work page of one application: own task actions, others' progress, history, diagram."""
    return render_page("ui/work.html", STRINGS_ZH, instance_id=instance_id)
