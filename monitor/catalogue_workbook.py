"""The catalogue as an Excel workbook: sheet 事项 (a row per item) and sheet 材料 (a row per material).

Centres hold their 事项清单 in spreadsheets of hundreds of rows, so the import reads that shape and
the export writes it (an empty catalogue exports the blank template). Reading only turns rows into
the JSON import's items; the import command checks them as it checks JSON, and `locate` turns the
fields it names (`items[3].legal_days`) back into the sheet, row and column the user must fix.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from engine.exceptions import Problem

__all__ = ["ITEM_SHEET", "MATERIAL_SHEET", "catalogue_workbook", "items_from_sheets"]

ITEM_SHEET, MATERIAL_SHEET = "事项", "材料"
_ITEM_COLUMNS = (  # (header, key in the item's JSON)
    ("事项编码", "code"), ("事项名称", "name"), ("办理主体（部门代码）", "department"),
    ("办件类型（即办件/承诺件）", "kind"), ("法定办结时限（工作日）", "legal_days"),
    ("承诺办结时限（工作日）", "promised_days"), ("办理流程（流程标识）", "definition_key"),
    ("办理依据", "legal_basis"), ("依据文号", "basis_reference"), ("办理条件", "conditions"),
    ("办理程序", "procedure"), ("办理结果", "result"), ("监督电话", "supervision_phone"),
    ("监督说明", "supervision_note"), ("是否收费（是/否）", "fees.charged"), ("收费依据", "fees.basis"),
    ("收费标准", "fees.standard"),
)
_MATERIAL_COLUMNS = (
    ("事项编码", "code"), ("材料名称", "name"), ("材料形式（原件/复印件/原件及复印件）", "form"),
    ("份数", "copies"), ("是否必要（是/否）", "required"), ("可否容缺（是/否）", "shortfall_allowed"),
    ("样表地址", "template"),
)
_KINDS = {"即办件": "immediate", "承诺件": "promised"}
_FORMS = {"原件": "original", "复印件": "copy", "原件及复印件": "original_and_copy"}
_YES_NO = {"是": True, "否": False}
_FIELD = re.compile(r"items\[(\d+)\]\.(?:materials\[(\d+)\]\.)?([a-z_.]+)")

Rows = list[list[str]]


def _header_problem(sheet: str, columns: tuple[tuple[str, str], ...]) -> Problem:
    return Problem(f"工作表“{sheet}”的第一行须为表头：{'、'.join(h for h, _ in columns)}", field=sheet)


def _records(rows: Rows, sheet: str, columns: tuple[tuple[str, str], ...],
             problems: list[Problem]) -> list[tuple[int, dict[str, str]]]:
    """Each non-blank row below the header as {key: text}, with its row number in the sheet."""
    headers = [h for h, _ in columns]
    if not rows or [cell.strip() for cell in rows[0][:len(headers)]] != headers:
        problems.append(_header_problem(sheet, columns))
        return []
    return [(number, {key: (row[i] if i < len(row) else "") for i, (_, key) in enumerate(columns)})
            for number, row in enumerate(rows[1:], start=2) if any(cell for cell in row)]


def _whole(text: str) -> int | str:
    return int(text) if re.fullmatch(r"\d{1,4}", text) else text


def _flag(text: str, where: str, problems: list[Problem], default: bool) -> bool:
    if not text:
        return default
    if text not in _YES_NO:
        problems.append(Problem("只能填“是”或“否”", field=where))
        return default
    return _YES_NO[text]


def items_from_sheets(sheets: dict[str, Rows]) -> tuple[list[dict[str, Any]], list[Problem],
                                                        Callable[[Problem], Problem]]:
    """The import's items, the problems of the sheets' own shape, and how to point a field at its cell."""
    problems: list[Problem] = []
    for name in (ITEM_SHEET, MATERIAL_SHEET):
        if name not in sheets:
            problems.append(Problem(f"工作簿须有名为“{name}”的工作表", field=name))
    if problems:
        return [], problems, _unchanged
    items, item_rows, by_code = [], [], {}
    for number, record in _records(sheets[ITEM_SHEET], ITEM_SHEET, _ITEM_COLUMNS, problems):
        cell = _cell_name(ITEM_SHEET, number, _ITEM_COLUMNS)
        item: dict[str, Any] = {key: record[key] for _, key in _ITEM_COLUMNS if "." not in key}
        item.update(kind=_KINDS.get(record["kind"], record["kind"] or "promised"),
                    legal_days=_whole(record["legal_days"]), promised_days=_whole(record["promised_days"]),
                    fees={"charged": _flag(record["fees.charged"], cell("fees.charged"), problems, False),
                          "basis": record["fees.basis"], "standard": record["fees.standard"]},
                    materials=[])
        by_code.setdefault(record["code"], item)
        items.append(item)
        item_rows.append((number, []))
    index = {id(item): i for i, item in enumerate(items)}
    for number, record in _records(sheets[MATERIAL_SHEET], MATERIAL_SHEET, _MATERIAL_COLUMNS, problems):
        cell = _cell_name(MATERIAL_SHEET, number, _MATERIAL_COLUMNS)
        owner = by_code.get(record["code"])
        if owner is None:
            problems.append(Problem(f"事项表中没有编码为“{record['code']}”的事项", field=cell("code")))
            continue
        required = _flag(record["required"], cell("required"), problems, True)
        shortfall = _flag(record["shortfall_allowed"], cell("shortfall_allowed"), problems, False)
        owner["materials"].append({
            "name": record["name"], "form": _FORMS.get(record["form"], record["form"] or "original"),
            "copies": _whole(record["copies"] or "1"), "required": required, "shortfall_allowed": shortfall,
            "template": record["template"] or None})
        item_rows[index[id(owner)]][1].append(number)
    return items, problems, _locator(item_rows)


def _cell_name(sheet: str, row: int, columns: tuple[tuple[str, str], ...]) -> Callable[[str], str]:
    headers = {key: header for header, key in columns}
    return lambda key: f"{sheet} 第{row}行 {headers.get(key, key)}"


def _unchanged(problem: Problem) -> Problem:
    return problem


def _locator(item_rows: list[tuple[int, list[int]]]) -> Callable[[Problem], Problem]:
    """Turn `items[i].materials[j].key` into the sheet, row and column header of that cell."""
    def locate(problem: Problem) -> Problem:
        found = _FIELD.fullmatch(problem.field or "")
        if found is None or int(found[1]) >= len(item_rows):
            return problem
        row, material_rows = item_rows[int(found[1])]
        if found[2] is not None and int(found[2]) < len(material_rows):
            where = _cell_name(MATERIAL_SHEET, material_rows[int(found[2])], _MATERIAL_COLUMNS)(found[3])
        elif found[3] == "materials":
            where = f"{MATERIAL_SHEET}（事项表第{row}行的事项）"
        else:
            where = _cell_name(ITEM_SHEET, row, _ITEM_COLUMNS)(found[3])
        return Problem(problem.message, field=where)
    return locate


def _text(value: object) -> object:
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def catalogue_workbook(items: Iterable[tuple[str, dict[str, Any]]]) -> bytes:
    """The workbook of `(code, content)` items, in the shape the import reads."""
    kinds = {v: k for k, v in _KINDS.items()}
    forms = {v: k for k, v in _FORMS.items()}
    book = Workbook()
    item_sheet = book.active
    item_sheet.title = ITEM_SHEET
    material_sheet = book.create_sheet(MATERIAL_SHEET)
    for sheet, columns in ((item_sheet, _ITEM_COLUMNS), (material_sheet, _MATERIAL_COLUMNS)):
        sheet.append([header for header, _ in columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
    for code, content in items:
        fees = content.get("fees") or {}
        values = {**content, "code": code, "kind": kinds.get(content.get("kind"), content.get("kind")),
                  "fees.charged": "是" if fees.get("charged") else "否", "fees.basis": fees.get("basis"),
                  "fees.standard": fees.get("standard")}
        item_sheet.append([_text(values.get(key)) for _, key in _ITEM_COLUMNS])
        for material in content.get("materials") or []:
            row = {**material, "code": code, "form": forms.get(material.get("form"), material.get("form")),
                   "required": "是" if material.get("required") else "否",
                   "shortfall_allowed": "是" if material.get("shortfall_allowed") else "否"}
            material_sheet.append([_text(row.get(key)) for _, key in _MATERIAL_COLUMNS])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
