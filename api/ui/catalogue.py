"""Public catalogue pages (no login): browse and search the items, and read an item's guide (办事指南).

The pages are rendered on the server from the catalogue itself, so a guide prints on A4 as it is
shown, and a search engine or a hall's kiosk reads it without scripts.
"""

from __future__ import annotations

from flask import Blueprint, abort, request

from engine.exceptions import NotFoundError
from engine.queries.departments import department_names
from engine.workdays import SHANGHAI
from monitor.queries.catalogue import MAX_CATALOGUE_SEARCH, item_or_404, item_version, published_items

from ..wiring import request_session
from .rendering import render_page

bp = Blueprint("catalogue_page", __name__)

PER_PAGE = 30

STRINGS_ZH = {
    "title": "办事指南 · 事项清单",
    "intro": "本中心办理的每个事项都公开办理主体、依据、条件、程序、期限、结果、收费和监督渠道。",
    "search_label": "事项名称或编码",
    "search": "搜索",
    "all": "全部部门",
    "department": "办理部门",
    "none": "没有找到相关事项。",
    "total": "共 {n} 个事项",
    "code": "事项编码",
    "kind": {"immediate": "即办件", "promised": "承诺件"},
    "days": "法定 {legal} 个工作日 · 承诺 {promised} 个工作日",
    "days_immediate": "当场办结",
    "free": "不收费",
    "charged": "收费",
    "guide_title": "办事指南",
    "version": "第 {version} 版 · {at} 发布",
    "print": "打印办事指南（A4）",
    "back": "返回事项清单",
    "subject": "办理主体",
    "basis": "办理依据",
    "conditions": "办理条件",
    "procedure": "办理程序",
    "limit": "办理期限",
    "limit_text": "法定办结时限 {legal} 个工作日；承诺办结时限 {promised} 个工作日（承诺件）",
    "limit_immediate": "即办件，材料齐全、符合法定形式的当场办结",
    "result": "办理结果",
    "fee_basis": "收费依据",
    "fee_standard": "收费标准",
    "supervision": "监督渠道",
    "supervision_text": "监督电话：{phone}；投诉由监察局（效能办）受理。",
    "materials": "申请材料",
    "material_name": "材料名称",
    "material_form": "形式",
    "material_copies": "份数",
    "material_note": "说明",
    "forms": {"original": "原件", "copy": "复印件", "original_and_copy": "原件及复印件"},
    "required": "必要",
    "optional": "非必要",
    "shortfall": "可容缺（先受理，限期补交）",
    "template": "样表",
    "track": "已申请？凭查询码查询办理进度",
}


@bp.route("/catalogue")
def browse() -> str:
    """The catalogue, searched by a part of an item's name or code, one department or all."""
    session = request_session()
    q = (request.args.get("q") or "").strip()[:MAX_CATALOGUE_SEARCH]
    department = (request.args.get("department") or "").strip()[:32] or None
    page = request.args.get("page", type=int) or 1
    page = min(max(page, 1), 100_000)
    rows, total = published_items(session, q=q or None, department=department, page=page, per_page=PER_PAGE)
    names = department_names(session)
    return render_page("ui/catalogue.html", STRINGS_ZH, rows=rows, total=total, q=q, department=department,
                       names=names, page=page, pages=max(1, -(-total // PER_PAGE)), guide=None)


@bp.route("/catalogue/<string:code>")
def guide(code: str) -> str:
    """One item's guide (办事指南), the latest published version or `?version=N`; printable on A4."""
    session = request_session()
    wanted = request.args.get("version", type=int)
    try:
        version = item_version(session, code[:64], wanted if wanted and wanted > 0 else None)
        item = item_or_404(session, code[:64])
    except NotFoundError:
        abort(404)
    published = version.published_at.astimezone(SHANGHAI).strftime("%Y-%m-%d")
    return render_page("ui/catalogue.html", STRINGS_ZH, guide=version, item=item, published=published,
                       names=department_names(session))
