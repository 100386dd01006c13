"""Applicant tracking pages (no login): enter a query code, then follow the application's progress."""

from __future__ import annotations

import io
from typing import Any

import segno
from flask import Blueprint, Response, abort, redirect, request, url_for

from engine.query_codes import normalize_query_code

from .rendering import render_page

bp = Blueprint("track_page", __name__)

# Seconds between refreshes of an open tracking page; ?every=N picks 5..600 (e.g. for a hall display).
REFRESH_SECONDS = 60
REFRESH_RANGE = (5, 600)

STRINGS_ZH = {
    "title": "办理进度查询",
    "code_label": "查询码",
    "code_placeholder": "请输入受理回执上的12位查询码",
    "submit": "查询",
    "hint": "查询码印在受理回执上，可直接扫描回执上的二维码打开本页。无需登录。",
    "project": "项目名称",
    "status": "办理状态",
    "stage": "当前环节",
    "accepted_at": "受理时间",
    "received_at": "登记时间",
    "refusal_reason": "理由",
    "item": "申请事项",
    "promise": "办结时限",
    "promise_text": ("承诺 {promised} 个工作日内办结（{promised_at} 前），"
                     "法定时限 {legal} 个工作日（{legal_at} 前）"),
    "promise_immediate": "即办件，当场办结；法定时限 {legal} 个工作日（{legal_at} 前）",
    "promise_stopped": "（补正期间暂停计时，补正后顺延）",
    "promise_provisional": "（暂定：跨入节假日安排尚未发布的年份）",
    "completed_at": "办结时间",
    "outcome": "办理结果",
    "departments": "各部门办理情况",
    "department": "部门",
    "task": "事项",
    "due": "办理时限",
    "countdown": "剩余时间",
    "result": "结论",
    "correction": "等待您补正材料：{reason}",
    "correction_docs": "需补正的材料：",
    "paused": "{department}暂停计时（{kind}）：{reason}",
    "shortfall": "容缺受理：请于 {due} 前补交：{documents}",
    "shortfall_passed": "已容缺通过，请按承诺补交材料。",
    "diagram": "办理流程图",
    "refreshed": "最后更新 {time}，页面每 {seconds} 秒自动刷新",
    "not_found": "未找到与该查询码对应的申请。请核对受理回执上的 12 位查询码后重试。",
    "throttled": "查询次数过多，请 {seconds} 秒后再试。",
    "load_failed": "暂时无法获取办理进度，请稍后刷新。",
    "qr_alt": "扫码查询办理进度",
    "incident_status": "办理异常",
    "incident_state": "办理异常",
    "incident_hint": "这不是您的原因，您无需重新申请或补交材料；处理完成后本页会恢复显示办理进度。",
    "rate_title": "评价本次办理（好差评）",
    "rate_grade": "您对本次办理是否满意？",
    "grades": {"5": "非常满意", "4": "满意", "3": "基本满意", "2": "不满意", "1": "非常不满意"},
    "rate_comment": "评价意见（可不填）",
    "rate": "提交评价",
    "rated": "您的评价：{grade}（{at}）。感谢您的评价。",
    "rated_bad": "我们会在 {due} 前回访您。",
    "complain_title": "向监察局投诉",
    "complain_hint": ("办理中遇到超时、推诿、态度问题等，可向电子监察部门投诉。"
                      "留下联系方式便于回访，仅监察局可见。"),
    "complain_text": "投诉内容",
    "complain_name": "姓名（可不填）",
    "complain_contact": "联系电话（可不填）",
    "complain": "提交投诉",
    "complained": "投诉已提交，请记下投诉码：",
    "complained_follow": "查看投诉处理进度",
}


@bp.route("/track")
def track() -> Any:
    """Show the query-code form; a submitted code goes to its own address (the receipt's QR link)."""
    code = (request.args.get("code") or "").strip()
    if code:
        return redirect(url_for("track_page.progress", code=normalize_query_code(code) or code))
    return render_page("ui/track.html", STRINGS_ZH, code=None, refresh=REFRESH_SECONDS)


@bp.route("/track/<string:code>")
def progress(code: str) -> str:
    """Render the progress page shell; its module reads /api/public/track/<code> and refreshes it."""
    every = request.args.get("every", type=int) or REFRESH_SECONDS
    refresh = min(max(every, REFRESH_RANGE[0]), REFRESH_RANGE[1])
    return render_page("ui/track.html", STRINGS_ZH, code=code[:32], refresh=refresh)


@bp.route("/track/<string:code>/qr.svg")
def qr(code: str) -> Response:
    """The receipt's QR code: an SVG of this page's absolute address for the (well-formed) code."""
    normal = normalize_query_code(code)
    if not normal:
        abort(404)
    target = url_for("track_page.progress", code=normal, _external=True)
    buffer = io.BytesIO()
    segno.make(target, error="m").save(buffer, kind="svg", scale=4, border=2, xmldecl=False,
                                       title=STRINGS_ZH["qr_alt"])
    response = Response(buffer.getvalue(), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response
