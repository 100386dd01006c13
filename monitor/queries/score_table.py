"""A scores report flattened for CSV and XLSX: one header, one row per department."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .scores import PART_NAMES, RATE_NAMES

__all__ = ["score_table"]


def score_table(report: Mapping[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """Flatten a report into a header and one row per department, for CSV and XLSX exports."""
    departments: Iterable[Mapping[str, Any]] = report["departments"]
    first = next(iter(report["departments"]), None)
    part_keys = [p["part"] for p in first["parts"]] if first else []
    header = (["部门代码", "部门名称"] + list(RATE_NAMES.values()) + ["超期件数", "超期工作日"]
              + [PART_NAMES.get(p, p) for p in part_keys] + ["扣分", "得分"])
    rows = []
    for dept in departments:
        marks = {p["part"]: p["marks"] for p in dept["parts"]}
        rows.append([dept["department"], dept["name"]] + [dept[k] for k in RATE_NAMES]
                    + [dept["counts"]["overdue"], dept["counts"]["late_days"]]
                    + [marks.get(p) for p in part_keys] + [dept["deductions"], dept["score"]])
    return header, rows
