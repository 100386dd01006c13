"""Reading the supervision rules' settings from JSON (ONEWINDOW_ALERT_RULES), strictly.

A misspelt threshold would otherwise be ignored and the bureau would be flooded, or told nothing,
without knowing why; so an unknown name, a wrong type or a bad time stops the start instead.
"""

from __future__ import annotations

import json
from dataclasses import fields
from datetime import time
from typing import Any

from .rules import RuleSettings

__all__ = ["rule_settings_from_json"]

_DEFAULTS = RuleSettings()
_TUNABLE = {f.name: type(getattr(_DEFAULTS, f.name))
            for f in fields(RuleSettings) if f.name != "by_task_type"}


def rule_settings_from_json(text: str) -> RuleSettings:
    """Parse `{"fast_completion_seconds": 300, ..., "by_task_type": {"key[:step]": {...}}}`."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ValueError(f"不是合法的 JSON：{exc}") from None
    if not isinstance(data, dict):
        raise ValueError("须为 JSON 对象")
    by_type = data.pop("by_task_type", {})
    if not isinstance(by_type, dict) or not all(isinstance(v, dict) for v in by_type.values()):
        raise ValueError("by_task_type 须为 {\"流程标识[:环节标识]\": {设置}} 形式的对象")
    overrides = {str(key): _values(values, f"by_task_type.{key}") for key, values in by_type.items()}
    return RuleSettings(**_values(data, "ONEWINDOW_ALERT_RULES"), by_task_type=overrides)


def _values(data: dict[str, Any], where: str) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, raw in data.items():
        kind = _TUNABLE.get(name)
        if kind is None:
            raise ValueError(f"{where}：没有名为 {name} 的设置，可用的有 {', '.join(sorted(_TUNABLE))}")
        values[name] = _typed(raw, kind, f"{where}.{name}")
    return values


def _typed(raw: Any, kind: type, where: str) -> Any:
    if kind is bool:
        if not isinstance(raw, bool):
            raise ValueError(f"{where} 须为 true 或 false")
        return raw
    if kind is int:
        if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:
            raise ValueError(f"{where} 须为非负整数")
        return raw
    if kind is time:
        try:
            return time.fromisoformat(raw)
        except (TypeError, ValueError):
            raise ValueError(f"{where} 须为 HH:MM 形式的时刻") from None
    raise ValueError(f"{where} 的类型无法设置")
