"""Process designer pages (/designer): the definition list, the bpmn-js modeler and the version list.

The modeler edits the diagram in the browser; drafts and deployments go through /api/definitions, and
the server's lint problems come back as markers on the diagram's elements.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from engine.status_words import INSTANCE_STATUS_ZH

from ..diff_words import ASPECT_WORDS, KIND_WORDS
from .rendering import render_page

__all__ = ["bp"]

bp = Blueprint("designer_page", __name__, url_prefix="/designer")

AREA_ZH: dict[str, Any] = {
    "none": "暂无数据",
    "versions": "版本",
    "open": "打开",
    "new": "新建流程",
    "deployed": "发布时间",
    "deployed_by": "发布人",
    "key": "流程标识",
    "name": "流程名称",
    "version": "版本",
}

LIST_ZH = {**AREA_ZH, "title": "流程设计", "intro": "选择已发布的流程进行修改，或新建一个流程图。",
           "latest": "最新版本", "history": "版本记录", "drafts": "未发布的草稿", "saved_at": "保存时间",
           "saved_by": "保存人", "revision": "稿次"}
MODELER_ZH = {
    **AREA_ZH, "title": "流程建模",
    "deploy": "发布", "deploying": "正在发布…", "save_draft": "保存草稿", "discard_draft": "丢弃草稿",
    "draft_saved": "草稿已保存（第 {revision} 稿，{at}）。",
    "draft_loaded": "已载入 {by} 于 {at} 保存的草稿（第 {revision} 稿）。",
    "draft_conflict": "他人已保存了更新的草稿，请先重新载入。", "draft_discarded": "草稿已丢弃。",
    "deployed_new": "已发布为第 {version} 版。", "deployed_same": "与第 {version} 版相同，未产生新版本。",
    "see_versions": "查看版本差异", "problems": "发布前检查发现 {n} 个问题（已在图中标出）：",
    "panel": "属性", "select_hint": "选择一个泳道或人工任务以编辑其属性。",
    "element": "元素", "element_name": "名称", "lane_department": "泳道所属部门",
    "lane_hint": "泳道名称必须是部门代码。", "time_limit": "办理时限（工作日）", "time_limit_hint":
    "写入任务上的非中断边界定时器 workdays(N)。", "no_limit": "（不设时限）",
    "warnings": "预警阈值", "yellow_days_left": "剩余工作日 ≤ 时亮黄牌",
    "yellow_fraction_used": "已用时限比例 ≥ 时亮黄牌",
    "escalate_after_days": "红牌后多少工作日升级", "apply": "写入流程图", "applied": "已写入流程图。",
    "import_failed": "流程图无法打开：{message}", "auto_laid_out": "该流程图没有布局信息，已自动排版。",
    "unknown_department": "（未知部门）", "download": "下载 BPMN", "upload": "打开本地文件",
    "user_task": "人工任务", "lane": "泳道", "range": "请输入 {low} 到 {high} 之间的数。",
    "find_element": "定位泳道或人工任务", "untitled": "新流程", "start_event": "受理",
    "timer_name": "{n}个工作日", "at_line": "，第 {line} 行",
    "process_key": "流程标识（英文字母、数字、下划线）", "process_name": "流程名称",
    "bad_key": "流程标识须以字母或下划线开头，只含字母、数字、下划线。",
    "lane_choices": "泳道对应部门", "lane_choices_hint":
    "以下泳道的名称不是部门代码（其他建模工具常按岗位命名）。请为每条泳道选择办理部门，再发布；"
    "流程图中的泳道名称将改为所选部门的代码。",
    "choose_department": "（请选择部门）", "deploy_with_choices": "按所选部门发布",
    "choose_all": "请为每条泳道选择部门。",
    "assignments": "各环节的办理部门", "task": "环节", "department": "部门", "rule": "依据",
    "rule_words": {"lane": "泳道“{source}”", "candidate_groups": "候选组 {source}",
                   "lane_mapping": "发布时为泳道“{source}”选择"},
    "deploy_warnings": "提示（已发布，但以下内容本系统不执行）：",
    "condition_rewrites": "可自动改写的条件", "condition_rewrites_hint":
    "以下条件是其他引擎的 JUEL/FEEL 写法，本系统执行 Python 表达式。请核对改写结果；接受后发布，"
    "流程图中的条件将按改写后的写法保存。",
    "before": "原写法", "after": "改写为", "accept_rewrites": "接受改写并发布",
    "rewrites": "发布时对流程图的改写", "kind": "类别",
    "rewrite_kinds": {"due_date": "办理时限", "condition": "条件"},
}
MIGRATION_ZH = {
    "migration_title": "迁移办件：第 {from} 版 → 第 {to} 版",
    "migration_waiting": "第 {version} 版尚有 {n} 件未办结", "migration_step": "正在办理的环节",
    "migration_open": "待办数", "migration_plan": "迁移计划",
    "migration_plan_hint": "其余 {n} 个元素在新版本中标识相同，按原标识对应。以下元素在新版本中没有同标识的"
                           "元素：改了标识的，请选择新版本中对应的元素；已删除的人工环节，可选择取消正在办理的该环节。",
    "migration_suggested": "名称相同的新元素已预先选上，请核对。",
    "migration_all_same": "旧版本的每个元素在新版本中都有同标识的元素，按原标识对应。",
    "migration_old_element": "旧版本元素", "migration_new_element": "新版本中对应",
    "migration_removed": "（新版本中已删除）", "migration_cancel": "（取消正在办理的该环节）",
    "migration_dry_run": "试运行（不改动办件）", "migration_run": "执行迁移",
    "migration_confirm": "确定把第 {from} 版的未办结办件迁移到第 {to} 版？每件单独迁移，"
                         "不能迁移的办件保持原样并列出原因。",
    "migration_case": "办件", "migration_outcome": "结果", "migration_details": "说明",
    "migration_outcomes": {"would_migrate": "可迁移", "migrated": "已迁移", "refused": "未迁移"},
    "migration_dry_summary": "试运行：可迁移 {would_migrate} 件，不能迁移 {refused} 件；办件均未改动。",
    "migration_summary": "已迁移 {migrated} 件，未迁移 {refused} 件。",
    "migration_more": "还有办件未处理，请再次操作。",
    "migration_renamed": "环节 {from} 改为 {to}（{name}）",
    "migration_started": "新增环节「{name}」开始办理",
    "migration_not_started": "新增环节「{name}」不启动：{reason}",
    "migration_cancelled": "取消环节「{name}」",
    "migration_deadline_moved": "「{name}」时限 {old_days} → {new_days} 个工作日，"
                                "期限 {old} → {new}",
    "migration_deadline_removed": "「{name}」不再设期限",
    "migration_paused": "（暂停计时中，恢复时再加暂停的工作日）",
    "migration_no_change": "环节与期限均不变",
}
VERSIONS_ZH = {**AREA_ZH, "title": "版本记录", "compare": "比较", "from": "从版本", "to": "到版本",
               "added": "新增元素", "removed": "删除元素", "changed": "修改元素",
               "no_change": "两个版本没有差别。",
               "before": "修改前", "after": "修改后", "edit": "在建模器中打开",
               "diff_title": "第 {from} 版 → 第 {to} 版", "element_name": "元素名称", "element_type": "类型",
               "words": "变动说明", "raw_title": "原始差异", "raw": "查看修改前后的原文",
               "kind_words": KIND_WORDS, "aspect_words": ASPECT_WORDS,
               **{"instance_statuses": INSTANCE_STATUS_ZH}, **MIGRATION_ZH}


CATALOGUE_ZH = {
    **AREA_ZH,
    "title": "事项清单维护",
    "intro": "编辑事项先保存为草稿，发布后成为新版本；已受理的申请仍按受理时的版本办理。",
    "new_item": "新建事项",
    "import": "导入事项清单（Excel 或 JSON）",
    "import_hint": "Excel 工作簿须有“事项”“材料”两张表，表头同下载的事项清单；JSON 文件的字段同事项清单接口。"
                   "全部事项通过检查才导入，有误时逐项列出所在位置。",
    "export": "下载事项清单（Excel，可作导入模板）",
    "not_json": "文件不是 JSON；Excel 工作簿请存为 .xlsx 后导入。",
    "imported": "已导入并发布 {n} 个事项。",
    "item_list": "事项",
    "draft_badge": "有草稿",
    "unpublished": "未发布",
    "version_badge": "第 {n} 版",
    "code": "事项编码",
    "name": "事项名称",
    "department": "办理主体",
    "definition_key": "办理流程",
    "kind": "办件类型",
    "kinds": {"promised": "承诺件", "immediate": "即办件"},
    "legal_days": "法定办结时限（工作日）",
    "promised_days": "承诺办结时限（工作日）",
    "legal_basis": "办理依据",
    "basis_reference": "依据文号（可不填）",
    "conditions": "办理条件",
    "procedure": "办理程序",
    "result": "办理结果",
    "fees_charged": "收费",
    "fee_basis": "收费依据",
    "fee_standard": "收费标准",
    "supervision_phone": "监督电话",
    "supervision_note": "监督说明（可不填）",
    "materials": "申请材料",
    "material_name": "材料名称",
    "material_form": "形式",
    "forms": {"original": "原件", "copy": "复印件", "original_and_copy": "原件及复印件"},
    "material_copies": "份数",
    "material_required": "必要",
    "material_shortfall": "可容缺",
    "material_template": "样表地址（可不填）",
    "add_material": "添加材料",
    "remove": "删除",
    "save": "保存草稿",
    "publish": "发布为新版本",
    "saved": "草稿已保存（第 {n} 稿）。",
    "published": "已发布第 {n} 版。",
    "guide": "查看办事指南",
    "versions": "已发布版本",
    "version_line": "第 {version} 版 · {at} · {by}",
    "choose": "请从左侧选择事项，或新建事项。",
    "draft_from": "正在编辑草稿（{at} {by} 保存）",
}


@bp.route("/catalogue")
def catalogue() -> str:
    """The catalogue editor: drafts, publishing and import (事项清单维护)."""
    return render_page("ui/designer/catalogue.html", CATALOGUE_ZH)


@bp.route("")
def index() -> str:
    """Deployed definitions, each with its latest version, and a button for a new diagram."""
    return render_page("ui/designer/index.html", LIST_ZH)


@bp.route("/new")
def new() -> str:
    """The modeler with an empty diagram (one pool, one lane, a start event)."""
    return render_page("ui/designer/modeler.html", MODELER_ZH, key="")


@bp.route("/<string:key>/edit")
def edit(key: str) -> str:
    """The modeler on the latest version of a definition (or on its saved draft)."""
    return render_page("ui/designer/modeler.html", MODELER_ZH, key=key)


@bp.route("/<string:key>")
def versions(key: str) -> str:
    """A definition's versions and what changed between two of them."""
    return render_page("ui/designer/versions.html", VERSIONS_ZH, key=key)
