"""Staff login page and the session description the pages keep beside the bearer token."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify

from engine.queries.org import department_name as department_name_of

from ..auth import current_actor
from ..wiring import request_session
from .rendering import render_page
from .roles import landing_url, navigation

bp = Blueprint("login_page", __name__)

STRINGS_ZH = {
    "title": "工作人员登录",
    "username": "用户名",
    "password": "密码",
    "submit": "登录",
    "submitting": "正在登录…",
    "hint": "申请人无需登录，凭受理回执上的查询码即可查询办理进度。",
}


@bp.route("/login")
def login() -> str:
    """Render the login form; the ES module posts to /api/auth/token and lands by role."""
    return render_page("ui/login.html", STRINGS_ZH)


@bp.route("/ui/session")
def session() -> Any:
    """Describe the bearer token's user for the pages: role, department, landing page and navigation.

    Read-only, and authenticated exactly like the API (the same bearer token); it changes nothing.
    """
    actor = current_actor()
    department_name = None
    if actor.department_code:
        department_name = department_name_of(request_session(), actor.department_code)
    return jsonify({"username": actor.username, "role": actor.role, "department": actor.department_code,
                    "department_name": department_name, "landing": landing_url(actor.role),
                    "nav": [{"key": key, "url": url} for key, url in navigation(actor.role)]})
