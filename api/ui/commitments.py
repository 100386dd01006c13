"""Department public commitments in the pages: the public list, and the working page behind it.

Anyone reads the public list without logging in; on the working page a head publishes and reports,
and the bureau gives its verdict. The public page is drawn on the server, so it reads without
JavaScript and prints as it shows; the working page calls the same API every other page does.
"""

from __future__ import annotations

from flask import Blueprint, abort, request

from engine.queries.departments import department_names
from engine.workdays import SHANGHAI
from monitor.queries.commitments import commitments_of_year, progress_reports

from ..wiring import request_session, services
from .rendering import render_page

bp = Blueprint("commitments_page", __name__)

ASSESSMENT_WORDS = {"fulfilled": "兑现", "partly_fulfilled": "部分兑现", "not_fulfilled": "未兑现"}

PUBLIC_ZH = {
    "title": "部门公开承诺",
    "intro": "各部门负责人向社会公开的年度承诺事项、目标和完成进展，由监察局（效能办）考评并公布结果。",
    "year": "年度", "show": "查看", "none": "本年度尚无公开承诺。",
    "target": "承诺目标", "due_on": "完成期限", "pledged_by": "承诺人", "progress": "完成进度",
    "latest": "最新进展", "no_progress": "尚未报告进展", "history": "进展记录",
    "assessment": "考评结果", "not_assessed": "待考评", "assessments": ASSESSMENT_WORDS,
    "bad_year": "年度须为2000至2100之间的年份。",
}

MANAGE_ZH = {
    "title": "公开承诺",
    "intro_head": "以本单位负责人身份向社会公开年度承诺，并随时报告进展；承诺一经公开，内容不能修改。",
    "intro_bureau": "各部门公开承诺及其进展；到期后作出考评（兑现、部分兑现、未兑现），结果向社会公开。",
    "publish": "公开一项承诺", "title_label": "承诺事项", "target": "承诺目标（可衡量的标准）",
    "due_on": "完成期限", "pledged_by": "承诺人（职务和姓名）", "pledged_hint": "例如：局长 王某",
    "submit": "公开承诺", "published": "已公开：{title}。",
    "year": "年度", "none": "本年度尚无公开承诺。", "progress": "完成进度", "percent": "完成进度（%）",
    "note": "进展情况", "report": "报告进展", "reported": "已报告进展：{title}，{percent}%。",
    "assess": "作出考评", "assessment": "考评结果", "assessment_note": "考评意见",
    "assessed": "已考评：{title}，{result}。", "assessments": ASSESSMENT_WORDS, "not_assessed": "待考评",
    "public_link": "查看公开页面", "no_progress": "尚未报告进展", "pledged_by_short": "承诺人",
}


@bp.route("/commitments")
def public_commitments() -> str:
    """Every department's commitments of a year (`?year=`, this year by default), for anyone."""
    this_year = services().runtime.clock.now().astimezone(SHANGHAI).year
    raw = (request.args.get("year") or str(this_year)).strip()
    if not raw.isdigit() or not 2000 <= int(raw) <= 2100:
        abort(400)
    year = int(raw)
    session = request_session()
    listed = commitments_of_year(session, year)
    reports = progress_reports(session, [c.id for c in listed])
    names = department_names(session)
    departments: dict[str, list] = {}
    for commitment in listed:
        departments.setdefault(commitment.department_code, []).append(commitment)
    groups = [(names.get(code, code), code, items) for code, items in departments.items()]
    return render_page("ui/commitments.html", PUBLIC_ZH, groups=groups, reports=reports, year=year,
                       latest=this_year + 1, shanghai=SHANGHAI)


@bp.route("/commitments/manage")
def manage() -> str:
    """Where a head publishes and reports, and the bureau assesses (the page checks the role)."""
    return render_page("ui/commitments_manage.html", MANAGE_ZH)
