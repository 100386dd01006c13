"""The daily digest of low-level rule hits: one alert per department and Beijing day, not one per hit.

Work done after hours on a non-urgent item is worth knowing, not worth a red dot each time: a busy
department would otherwise bury its real alerts under dozens of them. The digest lists every hit
(step, project, when, by whom) so the bureau can still look at any one of them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from engine.command_context import CommandContext

from ..models import Alert, AlertSignal
from .alerts import open_alert

__all__ = ["add_to_digest", "digest_title"]


def digest_title(day: date, count: int) -> str:
    """What the alert list shows for a department's digest of one day."""
    return f"{day.isoformat()} 低风险提示汇总（{count} 项）"


def add_to_digest(ctx: CommandContext, department_code: str | None, day: date,
                  hits: list[dict[str, Any]]) -> int:
    """Add hits to the department's live digest for `day` (opening it if needed); return alerts opened."""
    key = f"rule:digest:{department_code or '-'}:{day.isoformat()}"
    live = ctx.session.scalar(select(Alert).where(Alert.dedup_key == key, Alert.state != "closed"))
    if live is None:
        open_alert(ctx, AlertSignal(
            source="rule", kind="rule_digest", level="info", dedup_key=key,
            subject=f"department:{department_code or '-'}", title=digest_title(day, len(hits)),
            department_code=department_code, details={"day": day.isoformat(), "hits": hits}))
        return 1
    known = {(h.get("task_id"), h.get("kind")) for h in (live.details or {}).get("hits", [])}
    merged = [*(live.details or {}).get("hits", []),
              *(h for h in hits if (h.get("task_id"), h.get("kind")) not in known)]
    live.details = {**(live.details or {}), "hits": merged}
    live.title = digest_title(day, len(merged))
    live.updated_at = ctx.now()
    return 0
