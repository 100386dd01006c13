"""Administrator pages (/admin): departments and users, the working-day calendar, cameras, incidents."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from .rendering import render_page
from .worklist import STRINGS_ZH as WORK_ZH

__all__ = ["bp"]

bp = Blueprint("admin_page", __name__, url_prefix="/admin")

AREA_ZH: dict[str, Any] = {
    "sections": {"index": "部门与用户", "calendar": "工作日历", "cameras": "视频监控",
                 "incidents": "办件故障", "archive": "归档查询"},
    "none": "暂无数据",
    "save": "保存",
    "saved": "已保存。",
    "cancel": "取消",
}

ACCOUNTS_ZH = {
    **AREA_ZH, "title": "部门与用户",
    "departments": "部门", "code": "部门代码", "name": "部门名称", "add_department": "新增部门",
    "rename": "改名", "users": "用户", "username": "用户名", "role": "角色", "department": "所属部门",
    "active": "状态", "enabled": "正常", "disabled": "已停用", "disable": "停用", "enable": "启用",
    "reset_password": "重置密码", "new_password": "新密码", "password": "初始密码", "add_user": "新增用户",
    "no_department": "（无）", "password_reset": "{user} 的密码已重置。", "confirm_disable":
    "停用后该用户将无法登录，已签发的令牌立即失效。确定停用 {user}？", "new_name": "新名称",
    "choose_role": "请选择角色", "confirm_role": "将 {user} 的角色改为“{role}”？其权限随之改变。",
    "confirm_department": "将 {user} 调整到“{department}”？其待办与可见范围随之改变。",
}
CALENDAR_ZH = {
    **AREA_ZH, "title": "工作日历", "year": "年份", "show": "查看", "workdays": "全年工作日 {n} 天",
    "weekdays": ["一", "二", "三", "四", "五", "六", "日"], "month": "{m}月",
    "workday": "工作日", "holiday": "休息日", "note": "备注", "day_title": "{date}（{kind}）",
    "toggle_to_holiday": "设为休息日", "toggle_to_workday": "设为工作日", "upload": "导入全年日历",
    "upload_hint": "CSV 表头：日期,是否工作日,备注（是否工作日填 是/否）；也可导入接口格式的 JSON 文件。",
    "uploaded": "已导入 {year} 年日历。",
    "no_year": "{year} 年尚无日历数据，请导入全年日历文件。", "legend_workday": "工作日",
    "legend_holiday": "休息日",
    "legend_noted": "有备注",
    "legend_provisional": "暂定",
    "provisional_year": "本年度（{year}年）为暂定日历（仅周末和法定节假日），"
                        "请上传国务院办公厅通知后的正式日历。",
    "provisional_workdays": "全年工作日 {n} 天（暂定）",
    "day_locked": "暂定年度的日期不能逐日调整：该年度的正式日历尚未导入。"
                  "请先上传国务院办公厅通知后的全年日历。",
    "checking": "正在计算受影响的办理期限…",
    "confirm_day": "将 {date} 设为{kind}",
    "confirm_upload": "导入 {year} 年全年日历（{file}）",
    "will_recompute": "将重算 {n} 个办理期限。",
    "none_affected": "没有在办的办理期限受影响。",
    "moved": "{subject}（办件 #{instance}）：{old} → {new}",
    "more": "……另有 {n} 个",
    "subjects": {"task": "办理事项", "shortfall": "容缺补交期限", "order": "督办回复期限",
                 "follow_up": "差评整改期限"},
    "confirm": "确认",
    "recomputed": "已重算 {n} 个办理期限。",
    "cancelled": "已取消，日历未作改动。",
}
CAMERAS_ZH = {
    **AREA_ZH, "title": "视频监控", "cameras": "摄像头", "camera": "摄像头", "zones": "监控区域",
    "zone_name": "区域名称", "draw_hint": "在画面上依次点击绘制多边形，点击起点或“完成”闭合。",
    "finish": "完成多边形", "undo": "撤销一点", "delete_zone": "删除区域", "save_zones": "保存区域",
    "reference": "采集空座参考画面", "reference_done": "已采集参考画面。", "no_frame": "暂无最新画面。",
    "no_api": "摄像头接口尚未提供。", "add_camera": "新增摄像头", "source": "视频源", "window": "窗口",
    "enabled": "启用", "zone_kind": "区域类型", "reload": "刷新画面", "department": "所属部门",
    "source_kind": "视频源类型", "frame": "最新画面",
    "source_kinds": {"stream": "视频流（RTSP/HTTP）", "snapshot": "快照地址", "folder": "图片目录",
                     "file": "视频文件"},
    "zone_types": {"seat": "工作人员座位", "chair": "群众座椅", "waiting_area": "等候区"},
    "add_hint": "新摄像头先带一个画面中央的座位区域，添加后在画面上调整。",
    "reference_at": "参考画面采集于 {at}", "no_reference": "尚未采集空座参考画面。",
    "reference_zones": "各区域的参考画面", "reference_zone": "区域", "reference_state": "可信程度",
    "reference_since": "时间",
    "reference_states": {"captured": "采集画面，待空座时确认", "confirmed": "已在空座时确认",
                         "renewed": "已按空座画面自动更新"},
    "reference_zones_hint": "参考画面常在营业时间拍摄，座椅上可能有人。某区域持续空着且无人走动 30 秒后，"
                            "系统用它的空座画面替换该区域的参考画面。",
    "status": {"online": "在线", "offline": "离线", "unknown": "未知", "retired": "已停用"},
    "points": "{n} 个点", "zone_saved": "区域已保存。", "select": "编辑区域",
    "default_zone": "窗口工位",
    "retire": "停用", "retire_confirm": "停用摄像头“{name}”？停用后不再分析它的画面，已有的事件和预警保留。",
    "retired_done": "摄像头“{name}”已停用。", "status_label": "状态",
}

INCIDENTS_ZH = {
    **AREA_ZH, "title": "办件故障",
    "intro": "以下办件因流程图出错（脚本或条件无法计算）而停止运行，监察局已收到红色预警。"
             "核实原因后可填写更正数据并重试：系统从出错环节继续运行，并重新计算各环节的办理期限、计时和预警。",
    "empty": "目前没有办件故障。",
    "query_code": "查询码", "project": "项目名称", "process": "办理流程",
    "version": "{name}（{key}，第 {n} 版）", "created_at": "受理时间", "step": "出错环节",
    "reason": "故障原因", "at": "出错时间", "detail": "技术信息",
    "data_label": "更正数据（JSON，可留空）", "data_placeholder": "例如 {\"score\": 5}",
    "data_hint": "填写的字段会合并到出错环节的流程数据中；字段名须以英文字母开头，只含字母、数字和下划线。",
    "retry": "重试", "retrying": "正在重试…",
    "bad_json": "更正数据不是有效的 JSON，请检查引号、逗号和括号，例如 {\"score\": 5}。",
    "not_object": "更正数据须为 JSON 对象（花括号括起的“字段名: 值”），例如 {\"score\": 5}。",
    "bad_key": "字段名“{key}”无效：须以英文字母开头，只含字母、数字和下划线。",
    "retried": "{code} 已重试，流程恢复运行，办理期限已重新计算。",
    "retried_done": "{code} 已重试，流程已运行至办结。",
    "open_tasks": "当前在办环节：",
    "task_due": "{name}：办理时限 {due}",
    "still_incident": "{code} 重试后仍然出错（{step}）：{reason}。请检查更正数据后再试。",
    "track": "查看办理进度",
    "badge": "故障",
}


ARCHIVE_ZH = {
    **AREA_ZH, "title": "归档查询",
    "intro": "已过保存期限的办结件移出在办数据库后存入归档文件。"
             "输入查询码或项目代码查找，查看时从归档文件读出（只读）。",
    "code": "查询码或项目代码", "search": "查找", "not_found": "没有与“{code}”对应的归档办件。",
    "query_code": "查询码", "project": "项目", "project_code": "项目代码", "completed_at": "办结时间",
    "archived_at": "归档时间", "archive_file": "归档文件", "view": "查看", "applicant": "申请人",
    "file_intact": "归档文件与归档时登记的摘要一致。",
    "file_changed": "注意：归档文件的摘要与归档时登记的不同，文件可能被替换或改动。",
    "tasks": "办理环节", "task": "环节", "department": "部门", "task_state": "状态", "created": "到达时间",
    "done": "办结时间", "history": "办理记录", "time": "时间", "actor": "操作人", "action": "事项",
    "task_states": {"completed": "已办结", "cancelled": "已取消", "ready": "待办", "claimed": "已签收"},
    "actions": WORK_ZH["actions"],
}


@bp.route("")
def index() -> str:
    """Departments and user accounts: roles, department, disable, reset password."""
    return render_page("ui/admin/accounts.html", ACCOUNTS_ZH)


@bp.route("/calendar")
def calendar() -> str:
    """The working-day calendar as a year grid; toggle a day with a note, load a year from a file."""
    return render_page("ui/admin/calendar.html", CALENDAR_ZH)


@bp.route("/cameras")
def cameras() -> str:
    """Cameras with a zone editor over the latest frame and the empty-seat reference button."""
    return render_page("ui/admin/cameras.html", CAMERAS_ZH)


@bp.route("/archive")
def archive() -> str:
    """Archived applications, found by query or project code and read back from their archive file."""
    return render_page("ui/admin/archive.html", ARCHIVE_ZH)


@bp.route("/incidents")
def incidents() -> str:
    """Applications an error in their diagram stopped, each with a retry (optionally with corrected data)."""
    return render_page("ui/admin/incidents.html", INCIDENTS_ZH)
