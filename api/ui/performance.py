"""The public 效能公示 page (no login): each department's results for a finished month.

The founding documents require the hall to publish its departments' efficiency. The page shows the
last finished month by default (a month still running would change under the reader), ranked by the
daily score, with the composite once the bureau's sessions give it every part.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import Blueprint, abort, request

from monitor.queries.evaluations import with_composites
from monitor.queries.periods import parse_period, year_to_period_end
from monitor.queries.scores import scores
from monitor.queries.selections import confirmed_selections, latest_confirmed_year

from ..score_settings import score_settings
from ..wiring import request_session, services
from .rendering import render_page

bp = Blueprint("performance_page", __name__)

STRINGS_ZH = {
    "title": "效能公示",
    "intro": "各部门上月办件效能考核结果。日常考核由系统按办理时限、群众满意和监督检查计算；"
             "综合考评另计年中述职、质询评议和社会调查（尚未举行的，综合考评暂缺）。",
    "month": "考核月份",
    "show": "查看",
    "rank": "名次",
    "department": "部门",
    "score": "日常考核得分",
    "composite": "综合考评",
    "on_time": "按时办结率",
    "late_items": "超期件数",
    "late_days": "超期工作日",
    "satisfaction": "满意率",
    "none": "—",
    "bad_month": "只能查看已结束的月份（2000年以后）。",
    "stars": "本月服务之星",
    "windows": "{year}年度优质服务窗口",
    "star_figures": "受理 {registered} 件，评价 {rated} 件，满意 {satisfied} 件",
    "window_figures": "综合考评 {total} 分",
}


def _last_month(now: datetime) -> str:
    first = now.replace(day=1)
    return (first - timedelta(days=1)).strftime("%Y-%m")


@bp.route("/performance")
def performance() -> str:
    """A finished month's results per department, ranked; `?month=YYYY-MM`."""
    runtime = services().runtime
    now = runtime.clock.now().astimezone(parse_period("2000-01").start.tzinfo)
    latest = _last_month(now)
    month = (request.args.get("month") or latest).strip()[:7]
    try:
        period = parse_period(month)
    except ValueError:
        abort(400)
    if period.label > latest:
        abort(400)
    session = request_session()
    report = with_composites(session, scores(session, runtime.calendar, period, score_settings(), now),
                             *year_to_period_end(period))
    rows = sorted((d for d in report["departments"] if d["counts"]["due"] or d["counts"]["completed"]),
                  key=lambda d: (-d["score"], d["department"]))
    stars = confirmed_selections(session, "service_star", period.label)
    window_year = latest_confirmed_year(session, "quality_window", period.label[:4])
    windows = confirmed_selections(session, "quality_window", window_year) if window_year else []
    names = {row["department"]: row["name"] for row in report["departments"]}
    return render_page("ui/performance.html", STRINGS_ZH, rows=rows, month=period.label, latest=latest,
                       stars=stars, windows=windows, window_year=window_year, names=names)
