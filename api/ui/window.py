"""Window intake (一窗受理): the application form, the document checklist, and the printable receipts."""

from __future__ import annotations

from flask import Blueprint

from .rendering import render_page

bp = Blueprint("window_page", __name__)

STRINGS_ZH = {
    "title": "窗口受理",
    "process": "申请事项",
    "project_section": "项目信息",
    "project_name": "项目名称",
    "project_code": "项目代码",
    "investment": "总投资（元）",
    "applicant_section": "申请人",
    "applicant_name": "申请单位（人）",
    "contact": "联系方式",
    "extra_section": "其他申报信息",
    "extra_hint": "流程未列出但需要记录的信息，按流程设计员给出的字段名填写（字母、数字或下划线）。",
    "extra_free": "其他信息（高级）",
    "asked_none": "所选事项不需要其他申报信息。",
    "asked_unnamed": "流程所需信息（{name}）",
    "extra_key": "字段名",
    "extra_value": "内容",
    "extra_add": "添加字段",
    "extra_remove": "删除",
    "asked_by_process": "流程需要",
    "checklist": "材料清单",
    "checklist_hint": "逐项核对申请材料；标注“可容缺”的次要材料可先行容缺受理，申请人承诺限期补交。",
    "doc_submitted": "已提交",
    "doc_shortfall": "容缺",
    "doc_missing": "缺少",
    "may_shortfall": "可容缺",
    "optional_doc": "非必要",
    "items_group": "事项清单",
    "item_search": "查找事项",
    "item_search_hint": "输入事项名称或编码的一部分",
    "item_more": "共 {total} 个事项，只列出前 {shown} 个；请输入名称或编码查找。",
    "item_none": "没有找到“{q}”，请换个关键词。",
    "item_info": "{kind} · 法定 {legal} 个工作日，承诺 {promised} 个工作日 · ",
    "item_kind": {"immediate": "即办件", "promised": "承诺件"},
    "guide_link": "查看办事指南",
    "processes_group": "未列入事项清单的流程",
    "forms": {"original": "原件", "copy": "复印件", "original_and_copy": "原件及复印件"},
    "copies": "份",
    # The standard checklist for an investment project; `secondary` documents may follow later (容缺).
    "documents": [
        {"name": "项目申请报告（可行性研究报告）", "secondary": False},
        {"name": "营业执照或法人证书", "secondary": False},
        {"name": "建设项目用地预审与选址意见书", "secondary": False},
        {"name": "建设工程规划设计方案", "secondary": False},
        {"name": "环境影响评价文件", "secondary": True},
        {"name": "节能审查意见", "secondary": True},
        {"name": "水土保持方案", "secondary": True},
        {"name": "授权委托书及经办人身份证明", "secondary": True},
    ],
    "shortfall_section": "容缺受理承诺",
    "shortfall_days": "补交期限（工作日）",
    "commitment": "申请人承诺",
    "commitment_default": "本单位承诺在规定期限内补齐上述容缺材料，逾期未补交的，同意按规定处理。",
    "outcome": "受理结论",
    "reason": "不予受理理由 / 补正说明",
    "accept": "受理并出具回执",
    "correct": "出具一次性补正告知书",
    "refuse": "不予受理",
    "working": "正在提交…",
    "missing_block": "有材料缺少：请出具一次性补正告知书，或将可容缺的次要材料标为“容缺”。",
    "not_secondary": "该材料为必要材料，不能容缺。",
    "nothing_missing": "请在材料清单中标出需要补正的材料（选择“缺少”）。",
    "reason_required": "不予受理时必须填写理由。",
    "done": "已完成，正在打开回执…",
    # POST /api/instances answered status "incident": registered, but the diagram failed; no receipt.
    "incident": "已登记，但流程运行出错（{step}），中心管理员已收到告警，处理后再出具受理通知书。",
    "incident_code": "本件查询码：{code}。暂不打印受理通知书，请告知申请人中心将尽快处理。",
    "next_application": "继续受理下一件",
}

RECEIPT_ZH = {
    "title": "受理回执",
    "receipt_a4": "受理通知书",
    "receipt_slip": "受理凭条",
    "correction_title": "补正材料一次性告知书",
    "refusal_title": "不予受理告知书",
    "centre": "政务服务中心综合窗口",
    "query_code": "查询码",
    "query_hint": "凭查询码在“进度查询”页面或扫描二维码查询办理进度，无需登录。",
    "project_name": "项目名称",
    "project_code": "项目代码",
    "investment": "总投资（元）",
    "applicant": "申请单位",
    "accepted_at": "受理时间",
    "received_at": "收件时间",
    "process": "申请事项",
    "documents": "已收材料",
    "shortfall": "容缺材料（须于 {due} 前补交）",
    "missing": "需补正的材料",
    "reason": "理由",
    "note": "说明",
    "handler": "经办人",
    "print_a4": "打印 A4 回执",
    "item": "申请事项",
    "fee_title": "一窗收费",
    "fee_amount": "收费金额（元）",
    "fee_receipt": "收费票据号",
    "fee_record": "登记收费",
    "fee": "收费",
    "fee_line": "{amount} 元（票据号 {receipt}）",
    "fee_free": "不收费",
    "print_slip": "打印小票（80 mm）",
    "back": "返回窗口受理",
    "track_url": "查询地址",
    "stamp": "（受理专用章）",
    "correction_text": "您提交的申请材料不齐全或不符合法定形式，请一次性补正以下材料后重新提交：",
    "refusal_text": "经审查，您的申请不予受理。",
    "qr_alt": "扫码查询办理进度",
    "incident": "本件已登记，但流程运行出错（{step}），中心管理员已收到告警，处理后再出具受理通知书。",
}


@bp.route("/window")
def intake() -> str:
    """Render the intake form; its module registers the application through /api/instances."""
    return render_page("ui/window.html", STRINGS_ZH)


REGISTRATIONS_ZH = {
    "title": "本窗口办件",
    "intro": ("本窗口登记的申请。申请人补交容缺材料、审查中发现材料需补正时，在这里登记；"
              "补正通知一经发出，各部门办理时限暂停计时，材料补正后恢复计时并顺延。"),
    "search": "查找", "search_hint": "项目名称、项目代码、申请人或查询码",
    "status": "办理状态", "mine": "只看我登记的", "all": "全部",
    "statuses": {"running": "办理中", "completed": "已办结", "incident": "办理异常", "suspended": "已暂停",
                 "withdrawn": "已撤回"},
    "none": "没有符合条件的办件。", "prev": "上一页", "next": "下一页",
    "page_of": "第 {page} 页，共 {total} 件",
    "registered_at": "登记时间", "code": "查询码", "project": "项目", "applicant": "申请人", "item": "事项",
    "state_heading": "状态", "pending": "待办事项", "actions": "操作", "registrar": "登记人",
    "shortfall_open": "容缺待补：{documents}（{due} 前）", "shortfall_missed": "容缺逾期未补：{documents}",
    "shortfall_supplied": "容缺材料已补齐",
    "correction_open": "补正中：{reason}（{since} 起暂停计时）",
    "receipt": "回执", "track": "进度",
    "supply": "容缺材料已补齐", "supply_confirm": "确认申请人已补齐容缺材料：{documents}？",
    "supplied": "已登记容缺材料补齐：{project}。",
    "correct": "一次性告知补正", "correction_heading": "一次性告知补正：{project}",
    "correction_hint": "列明全部需补正的材料，一次告知申请人；发出后各部门暂停计时。",
    "correction_reason": "补正原因", "correction_documents": "需补正的材料（每行一项）",
    "correction_documents_hint": "例如：\n建设用地规划许可证复印件\n环评批复原件",
    "correction_send": "发出补正通知", "cancel": "取消",
    "corrected": "已发出补正通知：{project}，各部门已暂停计时。",
    "resume": "材料已补正，恢复计时", "resume_confirm": "确认申请人已补正全部材料，恢复各部门计时？",
    "resumed": "已恢复计时：{project}，各部门期限按暂停的工作日顺延。",
}


@bp.route("/window/registrations")
def registrations() -> str:
    """The window's registrations with the actions left to do on them (容缺 supplied, correction notice)."""
    return render_page("ui/registrations.html", REGISTRATIONS_ZH)


@bp.route("/window/receipt/<int:instance_id>")
def receipt(instance_id: int) -> str:
    """Render the printable receipt (A4 and 80 mm slip) or notice for one registration."""
    return render_page("ui/receipt.html", RECEIPT_ZH, instance_id=instance_id)
