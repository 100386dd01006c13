"""How a chain is named to the people who read a chain check: the bureau on its page, the CLI's reader."""

from __future__ import annotations

__all__ = ["chain_name", "position"]

_NAMES = {"audit_event": "办理记录链", "accountability_record": "问责记录链",
          "archived_instance": "归档记录链", "chain_anchor": "锚点日志", "chain_epoch": "链密钥"}


def chain_name(table: str, instance_id: int | None = None) -> str:
    """The chain in words: 办件 12 的办理记录链, 问责记录链, 锚点日志."""
    name = _NAMES.get(table, table)
    return f"办件 {instance_id} 的{name}" if instance_id is not None else name


def position(table: str, seq: int | None) -> str:
    """第 5 条 of a chain, 第 3 行 of the anchor log, or nothing when the whole chain is meant."""
    if seq is None:
        return ""
    return f"第 {seq} 行" if table == "chain_anchor" else f"第 {seq} 条"
