"""The landing page: where applicants enter their query code and staff find the login and the API."""

from __future__ import annotations

from flask import Blueprint, redirect, url_for
from werkzeug.wrappers import Response

from ..ui.rendering import render_page

bp = Blueprint("home", __name__)

# One place for the page's strings, so an English catalogue can follow.
STRINGS_ZH = {
    "title": "一窗受理 · 并联审批",
    "intro": "工程建设项目并联审批与电子监察系统。",
    "code_placeholder": "请输入查询码（12位）",
    "track": "查询办理进度",
    "hint": "查询码印在受理回执上，无需登录。",
    "staff": "工作人员入口",
    "inquiry": "政务信息查询：提问、查看答复、搜索查询信息库",
    "complaint": "投诉处理进度：凭投诉码查看监察局的答复",
    "catalogue": "办事指南：事项清单，办理条件、材料、时限和收费",
    "performance": "效能公示：各部门上月办件效能考核结果",
    "commitments": "部门公开承诺：负责人承诺事项、完成进展和考评结果",
    "docs": "接口文档",
    "health": "运行状态",
}


@bp.route("/")
def index() -> str:
    """Render the landing page."""
    return render_page("home.html", STRINGS_ZH)


@bp.route("/favicon.ico")
def favicon() -> Response:
    """Browsers ask for /favicon.ico on pages that name none (Swagger UI): send them to the SVG icon."""
    return redirect(url_for("static", filename="favicon.svg"), code=301)
