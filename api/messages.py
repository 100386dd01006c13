"""The Chinese words of the API's refusals: request fields by their labels, and schema-check texts.

Request bodies are checked by marshmallow, whose texts are English ("Missing data for required
field."). A clerk reading a refusal, or a program showing it to one, needs Chinese and needs to know
which field is meant, so every refusal of a request's shape passes through here: each field's texts
are put into Chinese, and the summary names the fields by their Chinese labels. The pages put each
field's text under its own input, where the label is already shown.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

__all__ = ["FIELD_LABELS", "HTTP_MESSAGES", "field_label", "localize_field_errors", "schema_summary",
           "translate_schema_text"]

FIELD_LABELS: dict[str, str] = {
    # applications and intake
    "definition_key": "申请事项（流程）", "item_code": "事项编码", "project": "项目信息",
    "project.name": "项目名称", "project.code": "项目代码", "project.investment": "总投资",
    "applicant": "申请人", "applicant.name": "申请单位（人）", "applicant.contact": "联系方式",
    "data": "其他申报信息", "shortfall": "容缺受理", "shortfall.documents": "容缺材料",
    "shortfall.deadline_working_days": "容缺补交期限（工作日）", "shortfall.commitment": "申请人承诺",
    "intended_process": "申请事项", "outcome": "受理结果", "missing_documents": "需补正的材料",
    "documents": "材料", "amount": "收费金额", "receipt_no": "收费票据号",
    # work on tasks
    "decision": "办理决定", "opinion": "办理意见", "reason": "理由", "working_days": "工作日数",
    "kind": "类别", "next_department": "下一办理部门", "to_department": "转交部门", "reply": "答复内容",
    "explanation": "说明", "note": "说明", "text": "内容", "content": "内容", "title": "标题",
    "approve": "是否同意", "accept": "是否受理",
    # public
    "query_code": "查询码", "grade": "评价等级", "comment": "评价意见", "name": "姓名（名称）",
    "contact": "联系方式", "question": "问题", "category": "问题类别", "complexity": "问题分类",
    "channel": "来源渠道", "satisfied": "是否满意",
    # supervision
    "department": "部门", "department_code": "部门代码", "level": "预警级别", "source": "预警来源",
    "color": "牌色", "person": "责任人", "rung": "问责方式", "corrects_id": "所更正的记录",
    "links": "关联记录", "reply_working_days": "答复期限（工作日）", "period": "考核周期",
    "measure": "考核项",
    "held_on": "评议日期", "rater": "评议人", "score": "得分", "scores": "评分", "target": "承诺目标",
    "percent": "完成进度", "assessment": "评定结论", "pledged_by": "承诺人", "year": "年度",
    "alert_id": "预警", "order_id": "督办单", "instance_id": "办件",
    # catalogue, calendar, accounts, cameras
    "code": "编码", "version": "版本", "date": "日期", "is_workday": "是否工作日", "days": "日期",
    "username": "用户名", "password": "密码", "role": "角色", "active": "是否启用", "polygon": "区域范围",
    "zones": "监控区域", "rules": "规则", "schedule": "值守时间", "sample_rate": "抽帧频率",
    "source_kind": "视频源类型", "file": "上传文件", "format": "格式",
    # lists
    "page": "页码", "per_page": "每页条数", "q": "查找内容", "status": "状态", "state": "状态",
    "since": "起始时间", "from": "起始日期", "to": "截止日期", "sort": "排序", "open": "仅未办结",
    "mine": "仅本人", "overdue": "仅超期", "type": "类型", "stage": "阶段", "due_on": "到期日期",
    # migrations
    "from_version": "源版本", "to_version": "目标版本", "mapping": "元素对应", "cancel": "可取消的环节",
    "dry_run": "是否试运行", "instances": "办件", "after": "起始办件", "limit": "每批数量",
}

_RULES: list[tuple[re.Pattern[str], str]] = [(re.compile(pattern), text) for pattern, text in (
    (r"^Missing data for required field\.$", "此项为必填项。"),
    (r"^Field may not be null\.$", "此项不能为空。"),
    (r"^Unknown field\.$", "不接受此字段。"),
    (r"^Invalid input type\.$", "请求内容须为 JSON 对象。"),
    (r"^Not a valid number\.$", "请输入数字。"),
    (r"^Not a valid integer\.$", "请输入整数。"),
    (r"^Not a valid string\.$", "请输入文字。"),
    (r"^Not a valid boolean\.$", "请填写“是”或“否”（true / false）。"),
    (r"^Not a valid list\.$", "须为列表。"),
    (r"^Not a valid mapping type\.$", "须为 JSON 对象。"),
    (r"^Not a valid date\.$", "请输入有效日期（如 2026-12-07）。"),
    (r"^Not a valid datetime\.$", "请输入有效时间（如 2026-12-07T09:30:00+08:00）。"),
    (r"^Not a valid (?:aware |naive )?datetime\.$", "请输入有效时间（如 2026-12-07T09:30:00+08:00）。"),
    (r"^Not a valid utf-8 string\.$", "文字编码须为 UTF-8。"),
    (r"^Not a valid email address\.$", "请输入有效的电子邮件地址。"),
    (r"^Not a valid URL\.$", "请输入有效的网址。"),
    (r"^Not a valid UUID\.$", "编号格式不正确。"),
    (r"^Number too large\.$", "数值过大。"),
    (r"^Special numeric values \(nan or infinity\) are not permitted\.$", "不能使用 NaN 或无穷大。"),
    (r"^Invalid value\.$", "取值无效。"),
    (r"^Invalid type\.$", "类型不正确。"),
    (r"^Invalid input\.$", "取值无效。"),
    (r"^String does not match expected pattern\.$", "格式不正确。"),
    (r"^Length must be between (?P<min>\d+) and (?P<max>\d+)\.$", "长度须为 {min} 至 {max} 个字符（项）。"),
    (r"^Length must be (?P<equal>\d+)\.$", "长度须为 {equal} 个字符（项）。"),
    (r"^Longer than maximum length (?P<max>\d+)\.$", "长度不能超过 {max} 个字符（项）。"),
    (r"^Shorter than minimum length (?P<min>\d+)\.$", "长度不能少于 {min} 个字符（项）。"),
    (r"^Must be one of: (?P<choices>.*)\.$", "须为以下之一：{choices}。"),
    (r"^Must be greater than or equal to (?P<min>\S+) and less than or equal to (?P<max>\S+)\.$",
     "须在 {min} 至 {max} 之间。"),
    (r"^Must be greater than (?P<min>\S+) and less than (?P<max>\S+)\.$", "须大于 {min} 且小于 {max}。"),
    (r"^Must be greater than or equal to (?P<min>\S+) and less than (?P<max>\S+)\.$",
     "须不小于 {min} 且小于 {max}。"),
    (r"^Must be greater than (?P<min>\S+) and less than or equal to (?P<max>\S+)\.$",
     "须大于 {min} 且不大于 {max}。"),
    (r"^Must be greater than or equal to (?P<min>\S+)\.$", "须不小于 {min}。"),
    (r"^Must be greater than (?P<min>\S+)\.$", "须大于 {min}。"),
    (r"^Must be less than or equal to (?P<max>\S+)\.$", "须不大于 {max}。"),
    (r"^Must be less than (?P<max>\S+)\.$", "须小于 {max}。"),
    (r"^Must be equal to (?P<other>.*)\.$", "须等于 {other}。"),
    (r'^"(?P<input>.*)" cannot be formatted as a (?P<kind>\w+)\.$', "“{input}”格式不正确。"),
)]

HTTP_MESSAGES: dict[int, str] = {
    400: "请求格式有误。", 401: "请先登录。", 403: "您没有权限执行此操作。",
    404: "未找到所请求的地址或记录。",
    405: "该地址不支持这种请求方式。", 409: "操作与当前状态冲突，请刷新后重试。", 413: "上传的内容过大。",
    415: "不支持的内容类型。", 422: "填写的内容有误。", 429: "请求过于频繁，请稍后再试。",
}


def translate_schema_text(text: str) -> str:
    """One schema-check text in Chinese; texts already in Chinese (our own validators') pass unchanged."""
    for pattern, chinese in _RULES:
        found = pattern.match(text)
        if found:
            return chinese.format(**found.groupdict())
    return text


def field_label(path: str) -> str:
    """A field's Chinese label by its dotted path ("project.name"), else by its last name, else the path."""
    if path in FIELD_LABELS:
        return FIELD_LABELS[path]
    named = [part for part in path.split(".") if not part.isdigit()]
    if len(named) >= 3 and named[-1] in ("key", "value"):  # an entry of a JSON object field: mapping.a.value
        return f"{field_label('.'.join(named[:-2]))}中的“{named[-2]}”"
    for start in range(1, len(named)):
        if ".".join(named[start:]) in FIELD_LABELS:
            return FIELD_LABELS[".".join(named[start:])]
    return FIELD_LABELS.get(named[-1], path) if named else path


def localize_field_errors(errors: Any) -> Any:
    """The same nesting of fields (the pages place texts by it), every text in Chinese."""
    if isinstance(errors, Mapping):
        return {key: localize_field_errors(value) for key, value in errors.items()}
    if isinstance(errors, list | tuple):
        return [localize_field_errors(value) for value in errors]
    return translate_schema_text(errors) if isinstance(errors, str) else errors


def _flatten(errors: Any, path: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    if isinstance(errors, Mapping):
        return [pair for key, value in errors.items() for pair in _flatten(value, (*path, str(key)))]
    if isinstance(errors, list | tuple):
        if all(isinstance(value, str) for value in errors):
            return [(".".join(path), value) for value in errors]
        return [pair for index, value in enumerate(errors) for pair in _flatten(value, (*path, str(index)))]
    return [(".".join(path), str(errors))]


def schema_summary(errors: Any, limit: int = 5) -> str:
    """One sentence naming each wrong field by its label and saying what is wrong with it."""
    pairs = [(path, text) for path, text in _flatten(errors) if path]
    parts = [f"{field_label(path.removeprefix('_schema') or path)}：{text.rstrip('。')}"
             for path, text in pairs[:limit]]
    more = f"等 {len(pairs)} 处" if len(pairs) > limit else ""
    return "请求内容有误：" + "；".join(parts) + more + "。" if parts else HTTP_MESSAGES[422]
