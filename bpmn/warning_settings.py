"""Per-task warning thresholds a designer writes into a diagram (`ow:warning`), read and checked.

A user task may carry, inside its `bpmn:extensionElements`,
`<ow:warning xmlns:ow="urn:onewindow:bpmn" yellowDaysLeft="3" yellowFractionUsed="0.75"
escalateAfterDays="1" maxDaysWithExtension="20"/>`; any attribute left out keeps the service
centre's default. The time limit itself stays where the engine reads it: the boundary timer with
`workdays(N)`; `maxDaysWithExtension` caps what an approved extension may bring it to, counted from
the step's start (a public inquiry's part: 20 working days), and `maxDaysFromReceipt` counted from
the registration (a complaint: 30), beside the centre's cap on one extension.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lxml import etree

__all__ = ["OW_NS", "WARNING_ATTRIBUTES", "WarningSettingProblem", "read_warning_settings"]

OW_NS = "urn:onewindow:bpmn"
_B = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"


class _OutOfRange(ValueError):
    """A number that parses but lies outside what the attribute allows; its message says the range."""


def _whole(low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        value = int(text)
        if not low <= value <= high:
            raise _OutOfRange(f"须为 {low} 到 {high} 之间的整数")
        return value
    return parse


def _fraction(text: str) -> float:
    value = float(text)
    if not 0 < value < 1:
        raise _OutOfRange("须为 0 到 1 之间的小数，例如 0.8")
    return value


# attribute -> (WarningPolicy field, parser)
WARNING_ATTRIBUTES: dict[str, tuple[str, Callable[[str], Any]]] = {
    "yellowDaysLeft": ("yellow_days_left", _whole(0, 60)),
    "yellowFractionUsed": ("yellow_fraction_used", _fraction),
    "escalateAfterDays": ("escalate_after_days", _whole(0, 60)),
    "maxDaysWithExtension": ("max_days_with_extension", _whole(1, 120)),
    "maxDaysFromReceipt": ("max_days_from_receipt", _whole(1, 240)),
}


@dataclass(frozen=True)
class WarningSettingProblem:
    """Why one `ow:warning` cannot be used, with the task it is on."""

    message: str
    element: str | None
    line: int | None


def read_warning_settings(process: etree._Element) -> tuple[dict[str, dict[str, Any]],
                                                            list[WarningSettingProblem]]:
    """Return {user task id: {policy field: value}} for one process, and what is wrong with any of them."""
    settings: dict[str, dict[str, Any]] = {}
    problems: list[WarningSettingProblem] = []
    for node in process.iter(f"{{{OW_NS}}}warning"):
        owner = node.getparent().getparent() if node.getparent() is not None else None
        owner_id = owner.get("id") if owner is not None else None
        if owner is None or owner.tag != f"{_B}userTask" or node.getparent().tag != f"{_B}extensionElements":
            problems.append(WarningSettingProblem(
                "ow:warning 只能写在用户任务（userTask）的 extensionElements 中", owner_id, node.sourceline))
            continue
        values: dict[str, Any] = {}
        for name, text in node.attrib.items():
            local = etree.QName(name).localname
            if local not in WARNING_ATTRIBUTES:
                problems.append(WarningSettingProblem(
                    f"ow:warning 没有属性 '{local}'（可用属性：{', '.join(WARNING_ATTRIBUTES)}）",
                    owner_id, node.sourceline))
                continue
            field, parse = WARNING_ATTRIBUTES[local]
            try:
                values[field] = parse(text.strip())
            except ValueError as exc:
                reason = str(exc) if isinstance(exc, _OutOfRange) else "不是数字"
                problems.append(WarningSettingProblem(f"ow:warning 的 {local}='{text}' {reason}",
                                                      owner_id, node.sourceline))
        if owner_id in settings:
            problems.append(WarningSettingProblem("一个用户任务只能有一个 ow:warning",
                                                  owner_id, node.sourceline))
        elif values:
            settings[owner_id] = values
    return settings, problems
