"""Supervision bureau pages (/supervision): live board, alerts, orders, complaints, accountability, scores.

Each view only renders a Jinja shell with its Chinese strings; the page's ES module fetches and changes
everything through the JSON API with the user's bearer token, so the pages add no second code path.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from .rendering import render_page

__all__ = ["bp"]

bp = Blueprint("supervision_page", __name__, url_prefix="/supervision")

# Shared by every supervision page: section names, labels of the API's codes.
AREA_ZH: dict[str, Any] = {
    "sections": {"index": "监察看板", "alerts": "预警", "orders": "督办与红黄牌", "complaints": "投诉",
                 "inquiries": "政务信息查询",
                 "accountability": "效能问责", "scores": "绩效考核", "evaluations": "评议录入",
                 "selections": "评选"},
    "source": {"deadline": "时限预警", "rule": "规则预警", "video": "视频监察", "complaint": "投诉",
               "calendar": "日历", "order": "督办", "incident": "办件故障"},
    # By severity; the rules' levels named by the colour they stand for, so one scale reads in the filter.
    "level": {"info": "提示", "yellow": "黄色（时限）", "warning": "黄色（规则）", "red": "红色（时限）",
              "critical": "红色（规则）", "escalated": "已升级"},
    "alert_state": {"open": "新预警", "acknowledged": "已查看", "explained": "已说明", "decided": "已处理",
                    "closed": "已关闭"},
    "alert_decision": {"dismiss": "不予追究（撤销）", "order": "发督办单", "card": "亮牌",
                       "accountability": "效能问责"},
    "order_kind": {"order": "督办通知", "recommendation": "监察建议"},
    "order_status": {"issued": "待回复", "replied": "已回复", "accepted": "已认可", "rejected": "未认可",
                     "escalated": "逾期升级", "overdue": "逾期未回复"},
    "card_color": {"yellow": "黄牌", "red": "红牌"},
    "channel": {"public": "群众投诉", "window": "窗口代录", "bureau": "监察局受理"},
    "all": "全部",
    "none": "暂无数据",
    "prev": "上一页",
    "next": "下一页",
    "page_of": "第 {page} 页，共 {total} 条",
    "department": "部门",
    "view": "查看",
    "back": "返回列表",
    "saved": "已保存。",
    "chain_check": "校验记录链",
    "chain_ok": "所有审计日志与问责记录链完整，未被篡改（校验时间 {at}）。",
    "chain_broken": "发现 {n} 处记录链异常：",
}

BOARD_ZH = {
    **AREA_ZH, "title": "电子监察看板",
    "cells": "各部门办件预警（按阶段）", "stage": "阶段", "total": "合计",
    "items_title": "{department} · {stage} 在办件", "items_close": "收起",
    "red_list": "红牌及升级督办清单（超期最久在前）", "red_total": "共 {n} 项",
    "red_total_shown": "共 {n} 项，显示前 {shown} 项", "project": "项目", "task": "环节", "due": "办理时限",
    "alerts_today": "今日新增预警", "on_time": "本月按时办结率", "on_time_rate": "按时率",
    "completed": "本月办结", "open_late": "在办超期",
    "on_time_note": "按时率 = 按时办结 ÷（本月办结 + 在办超期）：超期未办的也算未按时。",
    "charts": "趋势", "chart_warnings": "近30日预警",
    "chart_on_time": "各部门按时办结率",
    "chart_complaints": "近12个月投诉", "count": "件数", "refreshed": "更新于 {at}",
    "process_names": {"complaint_handling": "投诉处理", "one_window_acceptance": "一窗受理"},
    "auto_refresh": "每 {n} 秒自动刷新", "overdue_working_days": "超期 {n} 个工作日",
    "overdue_days": "已超期 {n} 天", "calendar_days_left": "剩余 {n} 天", "query_code": "查询码",
    "incident_kpi": "办件故障", "incident_hint": "流程运行出错而停止的在办事项，待管理员处理",
}
ALERTS_ZH = {**AREA_ZH, "title": "预警列表", "filter": "筛选", "source_label": "来源", "level_label": "级别",
             "state_label": "状态", "opened": "发生时间", "subject": "事由",
             "since_note": "仅显示 {at} 以来新增的预警。", "all_alerts": "查看全部预警"}
ALERT_ZH = {
    **AREA_ZH, "title": "预警详情", "opened": "发生时间", "source_label": "来源", "level_label": "级别",
    "state_label": "状态", "subject": "事由", "evidence": "证据", "snapshot": "现场截图",
    "timeline": "办件过程", "explanation": "部门情况说明", "explain": "提交情况说明",
    "explanation_hint": "请说明未按时办理的原因及整改措施。", "no_explanation": "部门尚未提交情况说明。",
    "acknowledge": "标记为已查看",
    "close_alert": "关闭预警（处理已落实）",
    "decision_heading": "处理决定", "decide": "提交处理决定", "reason": "理由",
    "order_content": "督办内容", "reply_days": "回复时限（工作日）", "order_kind_label": "类型",
    "card_color_label": "牌色", "proposed": "建议问责档次：第 {rung} 档 · {measure}（过去一年同类 {n} 次）",
    "person": "责任人（可选）", "rung": "问责档次", "decided": "处理结果", "record": "问责记录 #{id}",
    "order_link": "督办单 #{id}", "card_link": "{color} #{id}", "instance": "办件",
    "task_name": "环节", "task_state": "状态", "task_due": "时限", "task_done": "完成时间", "actor": "办理人",
    "no_timeline": "无关联办件。", "done_by": "{who} · {at}", "close": "关闭预警",
    "digest_at": "办理时间", "digest_rule": "提示",
    "evidence_fields": {"camera": "摄像头", "zone": "监控区域", "condition_since": "情况出现",
                        "started_at": "预警开始", "ended_at": "情况结束", "duration_s": "持续（秒）",
                        "count": "人数", "peak": "峰值", "state": "事件状态"},
}
ORDERS_ZH = {**AREA_ZH, "title": "督办单与红黄牌", "orders": "督办单", "cards": "红黄牌", "kind": "类型",
             "status": "状态", "issued": "下发时间", "due": "回复期限", "content": "内容", "reason": "事由",
             "active": "生效中", "lifted": "已摘牌", "color": "牌色", "late": "逾期", "issue": "下发督办单",
             "reply_days": "回复时限（工作日）", "lift": "摘牌", "lift_reason": "摘牌理由",
             # Bad reviews (差评) open follow-ups the department must do and record here.
             "follow_ups": "差评回访与整改", "no_follow_ups": "没有需要回访或整改的差评。",
             "follow_up_kind": {"callback": "回访申请人", "fix": "整改"},
             "follow_up_line": "{kind} · {project}（{grade} 星，{at} 评价）",
             "follow_up_comment": "评价内容：{comment}", "follow_up_due": "期限：{due}",
             "follow_up_done": "{by} 于 {at} 登记已完成：{note}",
             "follow_up_note": "回访或整改情况", "follow_up_submit": "登记已完成",
             "only_open": "只看未完成"}
ORDER_ZH = {**AREA_ZH, "title": "督办单详情", "kind": "类型", "reply": "部门回复", "reply_submit": "提交回复",
            "no_reply": "部门尚未回复。", "decision_heading": "监察局意见", "accept": "认可回复",
            "reject": "不认可", "reason": "意见", "content": "督办内容", "due": "回复期限", "status": "状态",
            "issued": "下发", "alert": "来源预警 #{id}", "late": "（逾期回复）"}
COMPLAINTS_ZH = {**AREA_ZH, "title": "投诉列表", "code": "投诉编号", "filed": "投诉时间", "project": "项目",
                 "channel_label": "渠道", "status": "办理状态", "text": "投诉内容"}
INQUIRIES_ZH = {**AREA_ZH, "title": "政务信息查询", "code": "查询码", "asked": "提问时间", "category": "类别",
                "channel_label": "渠道",
                "inquiry_channel": {"web": "网上提问", "hotline": "96128热线", "window": "服务窗口"},
                "state_label": "状态",
                "inquiry_state": {"open": "办理中", "answered": "已答复", "overdue": "有超期"},
                "question": "问题", "asker": "提问人", "waiting": "待办环节", "answered_label": "已答复",
                "overdue_badge": "超期", "satisfaction": "满意度",
                "figures": "共 {asked} 件：已答复 {answered}，办理中 {open}，经政府办分办 {routed}，"
                           "现有超期 {overdue}"}
COMPLAINT_ZH = {**AREA_ZH, "title": "投诉详情", "code": "投诉编号", "filed": "投诉时间", "project": "项目",
                "channel_label": "渠道", "complainant": "投诉人", "contact": "联系方式", "text": "投诉内容",
                "satisfied": "满意度", "yes": "满意", "no": "不满意", "pending": "待评价",
                "tasks": "处理过程",
                "alert": "相关预警 #{id}", "task_name": "环节", "task_state": "状态", "task_due": "时限",
                "handle": "办理", "handle_link": "去办理"}
ACCOUNTABILITY_ZH = {**AREA_ZH, "title": "效能问责记录", "seq": "序号", "person": "责任人", "rung": "档次",
                     "measure": "问责方式", "reason": "事由", "decided": "决定时间", "corrected": "已被更正",
                     "ladder": "问责档次"}
RECORD_ZH = {**AREA_ZH, "title": "问责记录", "seq": "链序号", "person": "责任人", "rung": "档次",
             "measure": "问责方式", "reason": "事由", "decided": "决定", "links": "关联", "hash": "记录哈希",
             "prev_hash": "前一记录哈希", "corrects": "更正记录 #{id}", "corrected_by": "已被记录 #{id} 更正",
             "alert_link": "预警 #{id}", "order_link": "督办单 #{id}", "complaint_link": "投诉 #{id}"}
SCORE_ITEMS_ZH = {
    **AREA_ZH, "title": "考核明细", "back": "返回部门绩效考核",
    "heading": "{department} · {period} · {measure}",
    "measures": {"late": "超期件数", "late_days": "超期工作日", "on_time": "按时率所计办件",
                 "supervision": "扣分记录（红黄牌、督办、红色预警）", "complaints": "查实的投诉",
                 "video": "查实的视频预警"},
    "total": {"late": "共 {n} 件超期", "late_days": "合计 {n} 个超期工作日",
              "on_time": "{on_time} / {n} 件按时", "supervision": "共 {n} 条", "complaints": "共 {n} 件",
              "video": "共 {n} 条"},
    "project": "项目", "code": "查询码", "step": "环节", "due_at": "办理期限", "completed_at": "办结时间",
    "late_days": "本期超期工作日", "on_time": "是否按时", "yes": "按时", "no": "超期",
    "still_open": "仍在办理", "kind": "类别", "at": "时间", "what": "内容",
    "kinds": {"card": "红黄牌", "order": "督办单", "alert": "预警", "complaint": "投诉"},
    "findings": {"upheld": "投诉属实", "partly_upheld": "部分属实"}, "video_alert": "（视频监控）",
    "decisions": {"order": "下发督办", "card": "亮牌", "accountability": "问责"},
    "colors": {"yellow": "黄牌", "red": "红牌"}, "order_issued": "本期下发", "order_missed": "本期逾期未复",
    "open": "查看",
}
SELECTIONS_ZH = {
    **AREA_ZH, "title": "服务之星与优质服务窗口评选",
    "intro": ("系统按公开的规则从考核数据中提名：服务之星每月一名，须当月受理不少于5件、"
              "获评价不少于3件且当月无问责，按满意率、受理率、受理件数排序；"
              "优质服务窗口每年10个，须当年有办件且综合考评齐全，按综合考评排序。"
              "提名经监察局确定后才向社会公布。"),
    "kind": "评选类别",
    "kinds": {"service_star": "服务之星（月度）", "quality_window": "优质服务窗口（年度）"},
    "month": "月份", "year": "年度", "propose": "按规则提名", "proposed_n": "已提名 {n} 个。",
    "rank": "名次", "subject": "提名对象", "department": "部门", "figures": "依据", "status": "状态",
    "statuses": {"proposed": "待确定", "confirmed": "已确定", "rejected": "不予确定"},
    "confirm": "确定", "reject": "不予确定", "note": "说明（不予确定须写明理由）",
    "decided": "{status}：{subject}。",
    "star_figures": "受理 {registered} 件，评价 {rated} 件，满意率 {rate}",
    "window_figures": ("综合 {total} 分（日常 {daily}，述职 {report}，质询 {questioning}，"
                       "调查 {survey}；{months} 个月有办件）"),
    "public_link": "效能公示页面",
}
SCORES_ZH = {**AREA_ZH, "title": "部门绩效考核", "period": "考核月份（季度考核取其年份）", "show": "查询",
             "period_kind": "考核周期",
             "monthly": "月度", "quarterly": "季度", "quarter": "季度", "quarter_n": "第{n}季度",
             "export_csv": "导出 CSV", "export_xlsx": "导出 Excel", "score": "加权得分", "parts": "构成",
             "users": "窗口人员", "user": "人员", "weights": "权重", "deductions": "扣分",
             "late_items": "超期件数", "late_days": "超期工作日",
             "measures": "即办率与跑动次数（按事项清单登记的申请）", "applications": "申请数",
             "on_the_spot_rate": "即办率", "one_trip_rate": "一次办结率", "average_trips": "平均跑动次数",
             "measures_hint": ("跑动次数：受理1次，受理前每次一次性告知补正1次（按项目代码关联），"
                               "受理后每次补正再来1次，容缺材料补交1次；一次办结率为只跑一次的申请占比。"),
             "composite": "综合考评（日常30%·述职20%·质询25%·调查25%）",
             "composite_parts": {"daily": "日常考核", "report": "年中述职", "questioning": "质询评议",
                                 "survey": "社会调查", "total": "综合得分"},
             "rates": {"on_time_rate": "按时率", "early_rate": "提前率", "satisfaction_rate": "满意率",
                       "acceptance_rate": "受理率", "inquiry_on_time_rate": "查询按时答复率",
                       "forward_accuracy": "转发准确率", "inquiry_satisfaction_rate": "查询满意率"}}


@bp.route("")
def index() -> str:
    """The live board: departments × stages, red list, today's alerts, on-time rates, charts."""
    return render_page("ui/supervision/board.html", BOARD_ZH)


@bp.route("/alerts")
def alerts() -> str:
    """Alerts with filters by source, level, department and state."""
    return render_page("ui/supervision/alerts.html", ALERTS_ZH)


@bp.route("/alerts/<int:alert_id>")
def alert(alert_id: int) -> str:
    """One alert: evidence, the instance's timeline, the department's explanation, the bureau's decision."""
    return render_page("ui/supervision/alert.html", ALERT_ZH, record_id=alert_id)


@bp.route("/orders")
def orders() -> str:
    """Orders issued to departments and the red/yellow cards in force."""
    return render_page("ui/supervision/orders.html", ORDERS_ZH)


@bp.route("/orders/<int:order_id>")
def order(order_id: int) -> str:
    """One order: content, the department's reply, the bureau's acceptance."""
    return render_page("ui/supervision/order.html", ORDER_ZH, record_id=order_id)


@bp.route("/complaints")
def complaints() -> str:
    """Complaints filed by the public, at the window or at the bureau."""
    return render_page("ui/supervision/complaints.html", COMPLAINTS_ZH)


@bp.route("/inquiries")
def inquiries() -> str:
    """Public inquiries from every channel, with the bureau's figures and the askers' contacts."""
    return render_page("ui/supervision/inquiries.html", INQUIRIES_ZH)


@bp.route("/complaints/<int:complaint_id>")
def complaint(complaint_id: int) -> str:
    """One complaint with its handling steps."""
    return render_page("ui/supervision/complaint.html", COMPLAINT_ZH, record_id=complaint_id)


@bp.route("/accountability")
def accountability() -> str:
    """The accountability chain, newest first, with the verify-chain button."""
    return render_page("ui/supervision/accountability.html", ACCOUNTABILITY_ZH)


@bp.route("/accountability/<int:record_id>")
def accountability_record(record_id: int) -> str:
    """One accountability record with its links and place in the chain."""
    return render_page("ui/supervision/record.html", RECORD_ZH, record_id=record_id)


EVALUATIONS_ZH = {
    **AREA_ZH, "title": "评议录入（述职 · 质询评议 · 社会调查）",
    "intro": ("综合考评 = 日常考核30% + 年中述职20% + 质询评议25% + 社会调查25%；"
              "后三项由本页录入的评议会得分计算。"),
    "kind": "评议类型", "kinds": {"report": "年中述职", "questioning": "质询评议", "survey": "社会调查"},
    "title_label": "评议名称", "held_on": "评议日期", "scores_label": "评议人及得分（每行：评议人 得分）",
    "scores_hint": "例如：人大代表张某 86", "record": "录入", "recorded": "已录入：{title}，平均 {mean} 分。",
    "bad_line": "第{n}行应为“评议人 得分”", "import": "导入评分表（Excel 或 CSV）",
    "import_hint": ("Excel 取第一张工作表，CSV 须为 UTF-8；"
                    "表头：评议类型,部门代码,评议日期,评议名称,评议人,得分。"
                    "同一评议会的多行合为一次评议，全部通过才导入，有误时逐行列出。"),
    "imported": "已导入 {n} 次评议。", "year": "年度", "sessions": "本年度评议", "mean": "平均分",
    "raters": "评议人数", "entered": "录入",
}


@bp.route("/evaluations")
def evaluations() -> str:
    """Record and import evaluation sessions (述职, 质询评议, 社会调查) for the composite score."""
    return render_page("ui/supervision/evaluations.html", EVALUATIONS_ZH)


@bp.route("/selections")
def selections() -> str:
    """Propose by the rules and decide the monthly 服务之星 and the annual 优质服务窗口."""
    return render_page("ui/supervision/selections.html", SELECTIONS_ZH)


@bp.route("/scores/items")
def score_items() -> str:
    """The items behind one figure of a department's score (`?period=&department=&measure=`)."""
    return render_page("ui/supervision/score_items.html", SCORE_ITEMS_ZH)


@bp.route("/scores")
def scores() -> str:
    """The monthly score table per department, exportable to CSV and XLSX."""
    return render_page("ui/supervision/scores.html", SCORES_ZH)
