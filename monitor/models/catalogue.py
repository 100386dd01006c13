"""The service catalogue (事项清单): what each item handled in the hall discloses, version by version.

Every item states publicly who handles it, on what legal basis, under which conditions, by which
procedure, within which limit, with which result, what it costs and where to complain (the nine
disclosure fields), and the materials an applicant brings. The window registers an application under an
item; the application keeps the version it was registered under, because a published version never
changes: an edit is a draft until it is published as the next version.

`check_item` is the one place the rules of an item's content live: the commands call it, the API
returns its problems, and an import of hundreds of items gets every problem of every item at once.
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.exceptions import Problem
from engine.models import Base, UTCDateTime

__all__ = ["CODE_RULE", "ITEM_KINDS", "ITEM_TEXT_LIMITS", "MATERIAL_FORMS", "MAX_CODE", "MAX_FEE_TEXT",
           "MAX_MATERIAL_NAME", "ApplicationFee", "ApplicationItem", "ServiceItem", "ServiceItemVersion",
           "check_item", "valid_code"]

ITEM_KINDS = ("immediate", "promised")
"""即办件 (done on the spot, no limit to wait for) or 承诺件 (done within the promised working days)."""
MATERIAL_FORMS = ("original", "copy", "original_and_copy")
"""原件, 复印件, 原件及复印件."""
MAX_LEGAL_DAYS = 365
MAX_MATERIALS = 100
CODE_RULE = "事项编码须以字母或数字开头，只含字母、数字、下划线、点和连字符，最长64个字符"
_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
MAX_FEE_TEXT = 1000
MAX_CODE = 64
MAX_MATERIAL_NAME = 200
_TEXT_LIMITS = {"name": 255, "legal_basis": 4000, "basis_reference": 500, "conditions": 4000,
                "procedure": 4000, "result": 255, "supervision_phone": 64, "supervision_note": 500}
ITEM_TEXT_LIMITS = _TEXT_LIMITS
"""Each free-text field's longest length, for the editor's form."""
_REQUIRED_TEXT = ("name", "legal_basis", "conditions", "procedure", "result", "supervision_phone")
_LABELS = {"name": "事项名称", "legal_basis": "办理依据", "basis_reference": "依据文号",
           "conditions": "办理条件", "procedure": "办理程序", "result": "办理结果",
           "supervision_phone": "监督电话", "supervision_note": "监督说明"}


class ServiceItem(Base):
    """One item of the catalogue: its code, its published versions' count and the draft being edited."""

    __tablename__ = "service_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    latest_version: Mapped[int]  # 0 until the first version is published
    draft: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # content not published yet
    draft_revision: Mapped[int]  # counts saves, so a stale page does not overwrite a newer draft
    draft_saved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    draft_saved_by: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(64))


class ServiceItemVersion(Base):
    """A published version of an item: immutable, so an application always reads what it was told."""

    __tablename__ = "service_item_version"
    __table_args__ = (UniqueConstraint("item_id", "version"),
                      Index("ix_service_item_version_department", "department_code"))

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("service_item.id"))
    version: Mapped[int]
    # Copied out of `content` for listing and search; `content` holds everything as published.
    name: Mapped[str] = mapped_column(String(255))
    department_code: Mapped[str] = mapped_column(String(32))
    definition_key: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(16))
    legal_days: Mapped[int]
    promised_days: Mapped[int]
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime())
    published_by: Mapped[str] = mapped_column(String(64))


class ApplicationItem(Base):
    """Which catalogue item version an application was registered under."""

    __tablename__ = "application_item"

    instance_id: Mapped[int] = mapped_column(ForeignKey("instance.id"), primary_key=True)
    item_version_id: Mapped[int] = mapped_column(ForeignKey("service_item_version.id"))


class ApplicationFee(Base):
    """The fee of a charged item, collected at the window (一窗收费) with the receipt's number."""

    __tablename__ = "application_fee"

    instance_id: Mapped[int] = mapped_column(ForeignKey("instance.id"), primary_key=True)
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    receipt_no: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_by: Mapped[str] = mapped_column(String(64))


def valid_code(code: object) -> bool:
    """An item code: letters, digits, `_`, `.` or `-`, starting with a letter or digit, at most 64."""
    return isinstance(code, str) and _CODE.fullmatch(code) is not None


def _whole(value: object, low: int, high: int) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
        return None
    return int(value) if low <= value <= high else None


def _text(content: dict[str, Any], key: str, at: str, problems: list[Problem]) -> str:
    value = content.get(key)
    if value is None:
        value = ""
    if not isinstance(value, str):
        problems.append(Problem(f"{_LABELS[key]}必须是文字", field=f"{at}{key}"))
        return ""
    text = value.strip()
    if not text and key in _REQUIRED_TEXT:
        problems.append(Problem(f"请填写{_LABELS[key]}", field=f"{at}{key}"))
    elif len(text) > _TEXT_LIMITS[key]:
        problems.append(Problem(f"{_LABELS[key]}不能超过{_TEXT_LIMITS[key]}个字", field=f"{at}{key}"))
    return text


def _materials(value: object, at: str, problems: list[Problem]) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not 1 <= len(value) <= MAX_MATERIALS:
        problems.append(Problem(f"申请材料须列出1至{MAX_MATERIALS}项", field=f"{at}materials"))
        return []
    clean, names = [], set()
    for i, raw in enumerate(value):
        where = f"{at}materials[{i}]"
        if not isinstance(raw, dict):
            problems.append(Problem("每项材料须有名称、形式、份数等", field=where))
            continue
        name = raw.get("name").strip() if isinstance(raw.get("name"), str) else ""
        if not name or len(name) > MAX_MATERIAL_NAME:
            problems.append(Problem(f"请填写材料名称（1至{MAX_MATERIAL_NAME}个字）", field=f"{where}.name"))
        elif name in names:
            problems.append(Problem(f"材料“{name}”重复", field=f"{where}.name"))
        names.add(name)
        form = raw.get("form", "original")
        if form not in MATERIAL_FORMS:
            problems.append(Problem("材料形式只能是原件、复印件或原件及复印件", field=f"{where}.form"))
        copies = _whole(raw.get("copies", 1), 1, 20)
        if copies is None:
            problems.append(Problem("份数须为1至20的整数", field=f"{where}.copies"))
        flags = {}
        for flag in ("required", "shortfall_allowed"):
            flags[flag] = raw.get(flag, flag == "required")
            if not isinstance(flags[flag], bool):
                problems.append(Problem("只能是 true 或 false", field=f"{where}.{flag}"))
        if flags["shortfall_allowed"] is True and flags["required"] is not True:
            problems.append(Problem("可容缺的只能是必要材料（非必要材料本就可以不交）",
                                    field=f"{where}.shortfall_allowed"))
        template = raw.get("template") or None
        if template is not None and (not isinstance(template, str) or len(template) > 500):
            problems.append(Problem("样表地址不能超过500个字", field=f"{where}.template"))
        clean.append({"name": name, "form": form, "copies": copies, "required": flags["required"],
                      "shortfall_allowed": flags["shortfall_allowed"], "template": template})
    return clean


def _fees(value: object, at: str, problems: list[Problem]) -> dict[str, Any]:
    fees = value if isinstance(value, dict) else {}
    if value is not None and not isinstance(value, dict):
        problems.append(Problem("收费须写明是否收费、收费依据和标准", field=f"{at}fees"))
    charged = fees.get("charged", False)
    if not isinstance(charged, bool):
        problems.append(Problem("是否收费只能是 true 或 false", field=f"{at}fees.charged"))
        charged = False
    out: dict[str, Any] = {"charged": charged}
    for key, label in (("basis", "收费依据"), ("standard", "收费标准")):
        text = fees.get(key).strip() if isinstance(fees.get(key), str) else ""
        if charged and not text:
            problems.append(Problem(f"收费事项须写明{label}", field=f"{at}fees.{key}"))
        elif len(text) > MAX_FEE_TEXT:
            problems.append(Problem(f"{label}不能超过{MAX_FEE_TEXT}个字", field=f"{at}fees.{key}"))
        out[key] = text or None
    return out


def check_item(content: object, departments: set[str], definitions: set[str], *,
               at: str = "") -> tuple[dict[str, Any], list[Problem]]:
    """Return an item's content cleaned (texts trimmed, defaults filled) and every problem with it.

    `departments` and `definitions` are the codes and deployed process keys an item may name; `at`
    prefixes the fields named in problems (an import names `items[3].`).
    """
    problems: list[Problem] = []
    if not isinstance(content, dict):
        return {}, [Problem("事项内容须为一个对象", field=at.rstrip(".") or None)]
    clean: dict[str, Any] = {key: _text(content, key, at, problems) for key in _TEXT_LIMITS}
    department = content.get("department")
    if department not in departments:
        problems.append(Problem("办理主体须为已有的部门代码", field=f"{at}department"))
    definition = content.get("definition_key")
    if definition not in definitions:
        problems.append(Problem("办理流程须为已部署的流程", field=f"{at}definition_key"))
    kind = content.get("kind", "promised")
    if kind not in ITEM_KINDS:
        problems.append(Problem("办件类型只能是即办件（immediate）或承诺件（promised）", field=f"{at}kind"))
    legal = _whole(content.get("legal_days"), 0, MAX_LEGAL_DAYS)
    promised = _whole(content.get("promised_days"), 0, MAX_LEGAL_DAYS)
    if legal is None:
        problems.append(Problem(f"法定办结时限须为0至{MAX_LEGAL_DAYS}个工作日", field=f"{at}legal_days"))
    if promised is None:
        problems.append(Problem(f"承诺办结时限须为0至{MAX_LEGAL_DAYS}个工作日", field=f"{at}promised_days"))
    elif legal is not None and promised > legal:
        problems.append(Problem("承诺时限不能长于法定时限", field=f"{at}promised_days"))
    elif kind == "immediate" and promised != 0:
        problems.append(Problem("即办件当场办结，承诺时限应为0", field=f"{at}promised_days"))
    elif kind == "promised" and promised == 0:
        problems.append(Problem("承诺件须有承诺办结时限（至少1个工作日）", field=f"{at}promised_days"))
    clean.update(department=department, definition_key=definition, kind=kind, legal_days=legal,
                 promised_days=promised, materials=_materials(content.get("materials"), at, problems),
                 fees=_fees(content.get("fees"), at, problems))
    return clean, problems
