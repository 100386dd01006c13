"""Public inquiry pages (no login, phone first), and the desk where staff type questions in.

The public asks, follows a question by its code, rates the answer, complains about it and searches
the knowledge base; window clerks and 96128 hotline liaisons enter questions asked in person or by
phone at the desk page.
"""

from __future__ import annotations

from flask import Blueprint, redirect, request, url_for
from werkzeug.wrappers import Response

from api.wiring import request_session
from engine.queries.departments import department_names
from engine.query_codes import normalize_query_code
from monitor.commands.inquiries import NOT_ANSWERING

from .rendering import render_page

bp = Blueprint("inquiry_page", __name__)

INQUIRY_CATEGORIES = ["投资建设", "环境保护", "规划用地", "水务", "交通运输", "住房建设", "其他"]
"""The categories the pages offer a question; the API takes any short text (staff may type others)."""

STRINGS_ZH = {
    "title": "政务信息查询",
    "intro": "向政府部门提问，凭查询码查看答复。一般问题5个工作日内答复，重要复杂问题10个工作日内答复。",
    "search_title": "先查一查：查询信息库",
    "search_label": "输入关键词，例如：环评审批",
    "search": "搜索",
    "search_empty": "没有找到相关答复，可以在下方提问。",
    "search_total": "找到 {n} 条答复",
    "answered_by": "答复部门：{names} · {at}",
    "ask_title": "我要提问",
    "category": "问题类别",
    "categories": INQUIRY_CATEGORIES,
    "department": "答复部门",
    "department_unknown": "不清楚（由政府办分办）",
    "question": "问题内容",
    "name": "姓名（可不填）",
    "contact": "联系方式（可不填，不会公开）",
    "ask": "提交问题",
    "asked": "问题已提交。请记下您的查询码：",
    "asked_hint": "凭查询码查看答复进度、评价答复，或对答复不满意时投诉。",
    "follow": "查看进度",
    "track_title": "查询答复进度",
    "code_label": "查询码",
    "code_placeholder": "请输入12位查询码",
    "open": "查询",
    "not_found": "未找到与该查询码对应的问题，请核对后重试。",
    "throttled": "查询次数过多，请 {seconds} 秒后再试。",
    "status": "状态",
    "state_answered": "已答复",
    "state_open": "办理中",
    "asked_at": "提问时间",
    "parts": "办理经过",
    "due": "答复时限",
    "completed": "办结时间",
    "part_action": {"answer": "答复", "pass_on": "答复本部门部分，转下一部门", "forward": "转政府办",
                    "route": "政府办分办", "refuse": "政府办退回原部门"},
    "part_state": {"pending": "待办理", "in_progress": "办理中", "completed": "已办结"},
    "explanation": "延迟说明（{at}）：{text}",
    "answer": "答复",
    "published": "本答复已收入查询信息库。",
    "rate_title": "评价答复",
    "grades": {"5": "非常满意", "4": "满意", "3": "基本满意", "2": "不满意", "1": "非常不满意"},
    "rate_comment": "评价意见（可不填）",
    "rate": "提交评价",
    "rated": "您的评价：{grade}",
    "complain_title": "对答复不满意？向监察局投诉",
    "complain_text": "投诉内容",
    "complain": "提交投诉",
    "complained": "投诉已提交，请记下投诉码：",
    "complained_follow": "查看投诉处理进度",
    "desk_title": "代为登记查询（热线·窗口）",
    "channel": "来源渠道",
    "channels": {"hotline": "96128热线", "window": "服务窗口"},
    "complexity": "问题分类",
    "complexities": {"general": "一般问题（5个工作日）", "complex": "重要复杂问题（10个工作日）"},
    "desk_asked": "已登记，查询码：{code}。请告知提问人凭查询码查看答复。",
}


def _departments() -> dict[str, str]:
    return {code: name for code, name in sorted(department_names(request_session()).items())
            if code not in NOT_ANSWERING}


@bp.route("/inquiry")
def ask() -> str | Response:
    """Search the knowledge base and ask a question; a typed code goes to its progress page."""
    code = (request.args.get("code") or "").strip()
    if code:
        return redirect(url_for("inquiry_page.progress", code=normalize_query_code(code) or code[:32]))
    return render_page("ui/inquiry.html", STRINGS_ZH, code=None, departments=_departments(), desk=False)


@bp.route("/inquiry/desk")
def desk() -> str:
    """The form a window clerk or hotline liaison fills in for someone who asks in person or by phone."""
    return render_page("ui/inquiry.html", STRINGS_ZH, code=None, departments=_departments(), desk=True)


@bp.route("/inquiry/<string:code>")
def progress(code: str) -> str:
    """An inquiry's chain, rating and complaint forms; the module reads /api/public/inquiries/<code>."""
    return render_page("ui/inquiry.html", STRINGS_ZH, code=code[:32], departments={}, desk=False)
