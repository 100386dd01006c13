"""The public complaint page (no login, phone first): follow a complaint by its code.

There the complainant reads the bureau's findings and reply, and answers the satisfaction call-back.

A complaint about an approval or an inquiry is handed a complaint code when it is filed; this is where
that code leads. Without it the complainant had the code and nowhere to use it.
"""

from __future__ import annotations

from flask import Blueprint, redirect, request, url_for
from werkzeug.wrappers import Response

from engine.query_codes import normalize_query_code

from .rendering import render_page

bp = Blueprint("complaint_page", __name__)

STRINGS_ZH = {
    "title": "投诉处理进度",
    "hint": "投诉码在提交投诉后显示。凭投诉码查看监察局的处理情况和答复，无需登录。",
    "code_label": "投诉码",
    "code_placeholder": "请输入12位投诉码",
    "open": "查询",
    "not_found": "未找到与该投诉码对应的投诉，请核对后重试。",
    "throttled": "查询次数过多，请 {seconds} 秒后再试。",
    "filed_at": "投诉时间",
    "department": "被投诉部门",
    "stage": "当前环节",
    "steps": "处理经过",
    "due": "办理时限",
    "completed": "办结时间",
    "state": {"pending": "待办理", "in_progress": "办理中", "completed": "已办结"},
    "not_accepted": "不予受理。理由：{reason}",
    "finding": "调查结论",
    "reply": "监察局答复",
    "feedback_title": "对处理结果是否满意？",
    "satisfied_yes": "满意",
    "satisfied_no": "不满意",
    "feedback_comment": "意见（可不填）",
    "feedback_submit": "提交",
    "feedback_done": "您的评价：{answer}。",
    "feedback_order": "您表示不满意，监察局将向有关部门发出督办。",
}


@bp.route("/complaint")
def lookup() -> str | Response:
    """The code form; a submitted code goes to its own address."""
    code = (request.args.get("code") or "").strip()
    if code:
        return redirect(url_for("complaint_page.progress", code=normalize_query_code(code) or code[:32]))
    return render_page("ui/complaint.html", STRINGS_ZH, code=None)


@bp.route("/complaint/<string:code>")
def progress(code: str) -> str:
    """A complaint's handling; the module reads /api/public/complaints/<code>."""
    return render_page("ui/complaint.html", STRINGS_ZH, code=code[:32])
